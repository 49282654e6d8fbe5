import ArgumentParser
import Foundation
import Settlement

/// Options shared by `settlement preview` and `settlement enqueue`: which reports, which mapping.
struct SettlementInput: ParsableArguments {
    @Argument(help: "A settlement report, or a folder of them (with --from and --to).")
    var path: String

    @Option(help: ArgumentHelp("A mapping file (JSON; see Resources/settlement-mapping.json).", valueName: "file"))
    var config: String?

    @Option(help: "Group transactions by channel (AFN and MFN apart), month, channel-month, or none.")
    var group: SettlementMapping.GroupMode?

    @Option(name: .customLong("as"), help: "Post each group as a sales receipt, or as an invoice plus its payment into the deposit account.")
    var postAs: PostAs = .receipt

    enum PostAs: String, ExpressibleByArgument {
        case receipt
        case invoice
    }

    @Option(help: ArgumentHelp("With a folder: the first settlement-end-date to take (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("With a folder: the last settlement-end-date to take (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    func mapping() throws -> SettlementMapping {
        var mapping = SettlementMapping.standard
        if let config {
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

    /// Reads and summarises every chosen report; refuses them all when one cannot be read or reconciled.
    func summaries() throws -> [SettlementSummary] {
        let mapping = try self.mapping()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CLIError("\(path): no such file or folder")
        }
        let fromDate = try from.map { try day($0, "--from") }
        let toDate = try to.map { try day($0, "--to") }
        guard isFolder.boolValue else {
            if from != nil || to != nil { throw CLIError("--from and --to choose reports in a folder; \(path) is a file") }
            return [try Self.read(path, mapping: mapping)].map(posted)
        }
        guard fromDate != nil || toDate != nil else {
            throw CLIError("\(path) is a folder: say which settlements with --from DATE --to DATE (by settlement-end-date)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        var chosen: [SettlementSummary] = []
        for name in names where !name.hasPrefix(".") {
            let file = (path as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue, Self.looksLikeReport(file) else { continue }
            let summary = try Self.read(file, mapping: mapping)
            guard let end = summary.header.end else { throw CLIError("\(file): the summary row has no settlement-end-date") }
            if let fromDate, end < fromDate { continue }
            if let toDate, end > toDate { continue }
            chosen.append(summary)
        }
        if chosen.isEmpty {
            throw CLIError("\(path): no settlement report ends between \(from ?? "the beginning") and \(to ?? "now")")
        }
        return chosen.map(posted).sorted { ($0.header.end ?? DayDate(year: 0, month: 1, day: 1)) < ($1.header.end ?? DayDate(year: 0, month: 1, day: 1)) }
    }

    func posted(_ summary: SettlementSummary) -> SettlementSummary {
        postAs == .invoice ? summary.asInvoices() : summary
    }

    func day(_ text: String, _ option: String) throws -> DayDate {
        guard let d = DayDate.parse(text) else { throw CLIError("\(option) '\(text)' is not a date; write YYYY-MM-DD") }
        return d
    }

    static func looksLikeReport(_ file: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: file) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64)) ?? Data()
        let text = String(decoding: head, as: UTF8.self)
        return text.hasPrefix("settlement-id") || text.hasPrefix("\u{FEFF}settlement-id")
    }

    /// Streams one report from disk in 1 MiB chunks (memory does not grow with the file), with progress on
    /// standard error for large files.
    static func read(_ file: String, mapping: SettlementMapping) throws -> SettlementSummary {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("\(file): cannot open the file") }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let showProgress = size > 64 << 20 && isatty(STDERR_FILENO) == 1
        var lastShown = 0
        do {
            return try Settlement.summarize(
                source: (file as NSString).lastPathComponent, mapping: mapping,
                nextChunk: { try handle.read(upToCount: 1 << 20) },
                progress: { done in
                    guard showProgress && done - lastShown >= 32 << 20 else { return }
                    lastShown = done
                    FileHandle.standardError.write(Data("reading \(file): \(done * 100 / max(size, 1))% (\(done >> 20) MiB)\n".utf8))
                })
        } catch let error as SettlementError {
            throw CLIError("\(file): \(error)\nNothing was enqueued.")
        }
    }
}

extension SettlementMapping.GroupMode: ExpressibleByArgument {}
