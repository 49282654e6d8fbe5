import ArgumentParser
import Foundation
import Amazon
import AmazonSync
import Posting
import QBModel
import Settlement
import Store

/// Options shared by `settlement preview` and `settlement enqueue`: which reports, which mapping.
struct SettlementInput: ParsableArguments {
    @Argument(help: "A settlement report, a folder of them (with --from and --to), or the id of a settlement fetched from Amazon.")
    var path: String

    @Option(help: ArgumentHelp("A mapping file (JSON; see Resources/settlement-mapping.json).", valueName: "file"))
    var config: String?

    @Option(help: "Group transactions by channel (AFN and MFN apart), month, channel-month, or none.")
    var group: SettlementMapping.GroupMode?

    @Option(name: .customLong("as"), help: "Post each group as a sales receipt, as an invoice plus its payment into the deposit account, or the whole settlement as one journal entry.")
    var postAs: PostingMode = .receipts

    @Option(help: ArgumentHelp("With a folder: the first settlement-end-date to take (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("With a folder: the last settlement-end-date to take (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    func mapping() throws -> SettlementMapping {
        var mapping = SettlementMapping.standard
        if let config {
            do { try InputFile.requireRegularFile(config) } catch { throw CLIError("\(error)") }
            guard let data = FileManager.default.contents(atPath: config) else {
                throw CLIError("\(config): cannot read the mapping file")
            }
            do {
                mapping = try SettlementMapping.load(json: data)
            } catch {
                throw CLIError("\(config): \(error)")
            }
        }
        if let group { mapping.group = group }
        return mapping
    }

    /// The fetched report `path` names, when it is no file but the id of a settlement fetched from Amazon.
    func fetched(_ database: DatabaseOptions) async throws -> FetchedReport? {
        guard !FileManager.default.fileExists(atPath: path), path.allSatisfy(\.isNumber) || path.hasPrefix("report-") else { return nil }
        let store = try database.open()
        guard let report = try await store.fetchedReport(settlementID: path) else {
            throw CLIError("\(path): no such file, and no settlement with that id was fetched from Amazon (see qblink settlement list)")
        }
        return report
    }

    /// The summaries of the chosen reports, or of the fetched settlement `path` names.
    func summaries(_ database: DatabaseOptions) async throws -> (summaries: [SettlementSummary], fetched: FetchedReport?) {
        guard let report = try await fetched(database) else { return (try summaries(), nil) }
        do {
            return ([try ScheduledPosting.summary(report, mapping: try mapping()).posted(as: postAs)], report)
        } catch let error as SPAPIError {
            throw CLIError("settlement \(path) (fetched from Amazon): \(error.description)")
        }
    }

    /// Reads and summarises every chosen report; refuses them all when one cannot be read or reconciled.
    /// Large files show their progress on a terminal.
    func summaries() throws -> [SettlementSummary] {
        let progress = TerminalProgress("reading")
        defer { progress.finish() }
        let report: SettlementReports.Progress = { file, done, size in
            progress.show("\(file) \(done * 100 / max(size, 1))% of \(size >> 10) KB")
        }
        let summaries = try SettlementReports.read(
            path: path, from: try from.map { try day($0, "--from") }, to: try to.map { try day($0, "--to") }, mapping: try mapping(),
            progress: progress.enabled ? report : nil)
        return summaries.map { $0.posted(as: postAs) }
    }

    func day(_ text: String, _ option: String) throws -> DayDate {
        guard let d = DayDate.parse(text) else { throw CLIError("\(option) '\(text)' is not a date; write YYYY-MM-DD") }
        return d
    }
}

extension SettlementMapping.GroupMode: ExpressibleByArgument {}
extension PostingMode: ExpressibleByArgument {}
