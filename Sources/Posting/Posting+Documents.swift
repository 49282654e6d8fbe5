import QBModel
import QBXML
import SalesDocument
import Store

/// How a JSON document's unknown customers and items are handled.
public struct DocumentOptions: Sendable {
    public var missing: MissingListPolicy
    /// Type of the items added for unknown item names.
    public var itemType: ListRequirement.ItemType
    /// Income account of the items added (itself added, as an Income account, when missing).
    public var itemAccount: String
    /// Queue transactions even when a RefNumber of the same type is already queued or created.
    public var allowDuplicates: Bool

    public init(missing: MissingListPolicy = .create, itemType: ListRequirement.ItemType = .nonInventory, itemAccount: String = "Sales", allowDuplicates: Bool = false) {
        self.missing = missing
        self.itemType = itemType
        self.itemAccount = itemAccount
        self.allowDuplicates = allowDuplicates
    }
}

/// What a JSON document became in the queue.
public struct EnqueuedDocument: Sendable {
    public var transactions: Int
    /// Lookups of the customers, items and accounts it names.
    public var lookups: Int
    public var result: EnqueueResult
}

/// What a qbXML request file became in the queue.
public struct EnqueuedRequests: Sendable {
    public var ids: [Int64]
    /// Adds that cannot be looked up in QuickBooks if their response is lost (no RefNumber or name).
    public var unresolvable: Int
}

extension Posting {
    /// Queues a checked JSON document, all or nothing; a RefNumber the user already has queued, in flight or
    /// created (of the same type) refuses the whole document, unless `allowDuplicates`.
    @discardableResult
    public static func enqueue(
        document: SalesDocument, source: String, options: DocumentOptions = .init(), userName: String, store: Store
    ) async throws -> EnqueuedDocument {
        let requirements = document.requirements(itemType: options.itemType, itemAccount: options.itemAccount, itemAccountType: "Income")
        let plan = Plan.make(requirements: requirements, entries: document.entries, missing: options.missing, source: source)
        let part = EnqueuePart(plan: plan, refuseDuplicateRefNumbers: !options.allowDuplicates)
        do {
            let result = try await store.enqueue([part], userName: userName)[0]
            return EnqueuedDocument(transactions: document.entries.count, lookups: plan.count { $0.item.ensures }, result: result)
        } catch let error as StoreError {
            if case .duplicateRefNumbers = error { throw PostingError("\(source): \(error)") }
            throw PostingError(error)
        }
    }

    /// Queues the requests of a qbXML file as they are, in file order, all or none.
    @discardableResult
    public static func enqueue(requests: [QBXMLRequest], source: String, userName: String, store: Store) async throws -> EnqueuedRequests {
        let items = requests.map { QueueItem($0, source: source) }
        do {
            let ids = try await store.enqueue(items, userName: userName)
            return EnqueuedRequests(ids: ids, unresolvable: items.count { $0.lookupBody == nil && $0.type.hasSuffix("Add") })
        } catch let error as StoreError {
            throw PostingError(error)
        }
    }
}
