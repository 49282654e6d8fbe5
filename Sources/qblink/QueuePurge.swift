import ArgumentParser
import Foundation
import Store

extension QueueCommand {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop the qbXML of requests done long ago, to keep the database small.",
            discussion: """
                Each purged item keeps its id, type, RefNumber, QuickBooks TxnID or ListID, settlement and dates, so \
                that duplicate checks, in-doubt lookups and settlement undo go on working; only the qbXML sent and \
                received goes (a transfer keeps its own, which an undo reverses from). Nothing but done items is \
                touched. Safe while qblink serve runs: it works in short steps.
                """)
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Purge done items (the only kind that can be purged).") var done = false
        @Option(help: ArgumentHelp("Only items done more than this many days ago.", valueName: "days")) var olderThan: Int
        @Option(help: "Only this user's items.") var user: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard done else { throw ValidationError("say what to purge: --done (only done items are ever purged)") }
            guard olderThan >= 1 else { throw ValidationError("--older-than must be at least 1 day") }
        }

        func run() async throws {
            let store = try database.open()
            if let user, try await store.user(named: user) == nil { throw CLIError("no user named '\(user)' (see qblink user list)") }
            let cutoff = Date().addingTimeInterval(-Double(olderThan) * 86_400)
            let progress = TerminalProgress("purging")
            let result = try await readable {
                try await store.purgeDone(before: cutoff, userName: user) { purged, total in progress.update(purged, of: total, unit: " items") }
            }
            progress.finish()
            if json {
                print(try JSONOutput.encode(result))
            } else {
                print("purged the qbXML of \(result.items) done item(s) older than \(olderThan) day(s)\(user.map { " of \($0)" } ?? ""): \(result.bytes / 1024) KB")
            }
        }
    }
}
