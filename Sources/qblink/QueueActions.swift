import ArgumentParser
import Store

/// Which items an operator's retry or cancel applies to: one id, or every failed / in-doubt item (of a user).
struct ItemChoice: ParsableArguments {
    @Argument(help: "The queue item (see qblink queue).") var id: Int64?
    @Flag(help: "Every failed item (with --user: that user's).") var failed = false
    @Flag(help: "Every in-doubt item (with --user: that user's).") var inDoubt = false
    @Option(help: "Only this user's items (with --failed or --in-doubt).") var user: String?

    func validate() throws {
        let ways = (id == nil ? 0 : 1) + (failed ? 1 : 0) + (inDoubt ? 1 : 0)
        guard ways == 1 else { throw ValidationError("say which items: one ID, or --failed, or --in-doubt") }
        if id != nil && user != nil { throw ValidationError("--user goes with --failed or --in-doubt, not with an ID") }
    }

    func ids(_ store: Store) async throws -> [Int64] {
        if let id { return [id] }
        return try await readable { try await store.items(state: failed ? .failed : .inDoubt, userName: user) }.compactMap(\.item.id)
    }
}

extension QueueCommand {
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue failed items again; have in-doubt items looked up again.",
            discussion: """
                A failed item is queued and goes out at the next Update Selected. An in-doubt item is never sent again \
                blind, since QuickBooks may have it: one that can be looked up is looked up at the next sync (found: \
                done; not found: sent); one that cannot is sent again only with --not-in-quickbooks, once you have \
                checked QuickBooks.
                """)
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var choice: ItemChoice
        @Flag(help: "You checked: QuickBooks does not have these in-doubt items, so they may be sent again.") var notInQuickbooks = false

        func run() async throws {
            let store = try database.open()
            let ids = try await choice.ids(store)
            if ids.isEmpty { print("No item to retry.") }
            var refused = 0
            for id in ids {
                do {
                    let before = try await readable { try await store.item(id: id) }.item
                    let after = try await readable { try await store.retry(id: id, notInQuickBooks: notInQuickbooks) }.item
                    if after.state == .inDoubt {
                        print("Item \(id) (\(before.type)) stays in doubt: it is looked up in QuickBooks at the next sync before anything is sent.")
                    } else {
                        print("Item \(id) (\(before.type)) is queued again; it goes out at the next Update Selected.")
                    }
                } catch let error as CLIError where choice.id == nil {
                    refused += 1
                    print("Item \(id): \(error.description)")
                }
            }
            if refused > 0 { throw CLIError("\(refused) of \(ids.count) item(s) were not retried (see above)") }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel queued, failed or in-doubt items: they will not be sent.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var choice: ItemChoice

        func run() async throws {
            let store = try database.open()
            let ids = try await choice.ids(store)
            if ids.isEmpty { print("No item to cancel.") }
            for id in ids {
                let item = try await readable { try await store.cancel(id: id) }.item
                print("Item \(id) (\(item.type)) is cancelled; it will not be sent.")
            }
        }
    }
}
