import Amazon
import AmazonSync
import ArgumentParser
import Foundation
import Store

extension SettlementCommand {
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch an Amazon account's settlement reports: the new ones are downloaded and kept as they came.",
            discussion: """
                Lists the account's settlement reports (Amazon lists 90 days of them), downloads each one not kept yet, \
                and keeps it whole, once, by report id and settlement id; prints one line per report. Nothing is \
                enqueued: preview or enqueue a fetched settlement by its id (qblink settlement enqueue SETTLEMENT-ID \
                --user NAME), or let qblink serve post them on a schedule (amazon-fetch in the configuration).
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The account's name (qblink amazon list).") var name: String
        @Option(help: ArgumentHelp("Only reports created on or after this day (YYYY-MM-DD) or moment (ISO 8601).", valueName: "date")) var since: String?
        @Option(help: ArgumentHelp("Only reports created before this day or moment.", valueName: "date")) var until: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await database.openPrivate()
            let progress = TerminalProgress("fetching")
            // Amazon's rate limits can ask for long waits (getReports: a call every 45 s): say so while waiting.
            let policy = SPAPIClient.Policy(sleep: { duration in
                progress.show("waiting \(duration.components.seconds) s for Amazon (rate limit or retry)")
                try await Task.sleep(for: duration)
            })
            let fetcher = SettlementFetcher(store: store, policy: policy)
            let result = try await readable {
                defer { progress.finish() }
                return try await fetcher.fetch(
                    account: name, since: try since.map { try DateArgument.parse($0, option: "--since") },
                    until: try until.map { try DateArgument.parse($0, option: "--until") }
                ) { outcome in
                    progress.show("report \(outcome.reportID): \(outcome.kind.rawValue)")
                }
            }
            for event in result.events { FileHandle.standardError.write(Data("note: \(event.escapingControlCharacters)\n".utf8)) }
            if json {
                print(try JSONOutput.encode(result.outcomes))
                return
            }
            if result.outcomes.isEmpty { print("No settlement report for '\(name)' in that window.") }
            for outcome in result.outcomes { print(Self.line(outcome)) }
        }

        static func line(_ o: FetchOutcome) -> String {
            switch o.kind {
            case .fetched:
                let period = "\(o.periodStart ?? "?") to \(o.periodEnd ?? "?")"
                return "fetched settlement \(o.settlementID ?? "?") (report \(o.reportID), \(period), \(o.marketplace ?? "?"), \((o.bytes ?? 0) / 1024) KB)".escapingControlCharacters
            case .alreadyHad:
                return "already had report \(o.reportID)".escapingControlCharacters
            case .notReady:
                return "report \(o.reportID) has no document yet; it is fetched next time".escapingControlCharacters
            }
        }
    }
}
