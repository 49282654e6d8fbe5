import ArgumentParser
import Foundation
import Store

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "List and act on queued requests.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Purge.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue items (the default).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only items in this state: queued, sent, checking, done, failed, in-doubt, cancelled.")
        var state: ItemState?
        @Option(help: "Only this user's items.") var user: String?
        @Option(help: ArgumentHelp("Only items changed on or after this day (YYYY-MM-DD) or moment (ISO 8601).", valueName: "date"))
        var since: String?
        @Option(help: ArgumentHelp("Only items from this file (its name, as enqueued) or this settlement id.", valueName: "source"))
        var source: String?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let store = try database.open()
            let listed = try await store.items(
                state: state, userName: user, since: try since.map { try DateArgument.parse($0, option: "--since") }, source: source)
            if json {
                print(try JSONOutput.encode(listed))
                return
            }
            if listed.isEmpty {
                print("No items\(state.map { " in state \($0.rawValue)" } ?? "")\(user.map { " for \($0)" } ?? "")\(since.map { " since \($0)" } ?? "")\(source.map { " from \($0)" } ?? "").")
                return
            }
            var table = TextTable("ID", "USER", "TYPE", "STATE", "REF", "QUICKBOOKS ID", "STATUS", "UPDATED")
            for (item, userName) in listed.map({ ($0.item, $0.userName) }) {
                let status = item.statusCode.map { "\($0) \(item.statusMessage ?? "")" } ?? (item.statusMessage ?? "")
                table.add(
                    String(item.id ?? 0), userName, item.type, item.state.rawValue, item.refNumber ?? "",
                    item.txnID ?? item.listID ?? "", status.clipped(60), item.updatedAt.formatted(.iso8601))
            }
            print(table.rendered)
            let counts = Dictionary(grouping: listed, by: \.item.state).mapValues(\.count)
            print("\n\(listed.count) item(s): " + ItemState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", "))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one item with its qbXML and QuickBooks' answer.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try database.open()
            let listed = try await readable { try await store.item(id: id) }
            if json {
                print(try JSONOutput.encode(listed))
                return
            }
            let item = listed.item
            print("Item \(id): \(item.type) for \(listed.userName)\(item.label.map { " — \($0)" } ?? "")")
            print("  state:       \(item.state.rawValue)")
            if let ref = item.refNumber { print("  RefNumber:   \(ref)") }
            if let source = item.source { print("  from:        \(source)") }
            print("  queued:      \(item.createdAt.formatted(.iso8601))")
            if let sent = item.sentAt { print("  last sent:   \(sent.formatted(.iso8601)) (attempts: \(item.attempts), session \(item.sessionID.map(String.init) ?? "-"))") }
            if let txn = item.txnID { print("  TxnID:       \(txn)") }
            if let list = item.listID { print("  ListID:      \(list)") }
            if item.statusCode != nil || item.statusMessage != nil {
                let code = item.statusCode.map { "\($0) " } ?? ""
                print("  QuickBooks:  \(code)\(item.statusSeverity ?? "") \(item.statusMessage ?? "")")
            }
            let prerequisites = try await store.prerequisites(of: id)
            if !prerequisites.isEmpty {
                print("  waits for:   " + prerequisites.map { "#\($0.id ?? 0) \($0.label ?? $0.type) (\($0.state.rawValue))" }.joined(separator: ", "))
            }
            if item.ensures { print("  if missing:  \(item.addBody == nil ? "fail (policy)" : "added")") }
            print("  lookup if in doubt: \(item.lookupBody ?? "none (cannot be looked up)")")
            if item.state == .failed {
                print("\n" + LogShow.sentence(item))
            }
            if let purged = item.purgedAt {
                print("\nqbXML: purged on \(purged.formatted(.iso8601)) (qblink queue purge)")
                return
            }
            print("\nqbXML sent:\n\(LogShow.pretty(item.body))")
            if let response = item.response { print("\nQuickBooks returned:\n\(LogShow.pretty(response))") }
        }
    }
}

extension ItemState: ExpressibleByArgument {
    public init?(argument: String) {
        let normalized = argument.lowercased().replacingOccurrences(of: "_", with: "-")
        self.init(rawValue: normalized == "indoubt" ? "in-doubt" : normalized)
    }
}

enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
