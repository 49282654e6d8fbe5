import Foundation
import GRDB
import QBModel

/// One request in the queue: what is sent, what can find it again if its response is lost, and what
/// QuickBooks answered. The same type is inserted and read back.
public struct QueueItem: Sendable, Equatable, Codable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "queue"

    public var id: Int64?
    public var userID: Int64
    /// The request's qbXML name without `Rq`: `CustomerAdd`, `SalesReceiptAdd`, `ItemQuery`, …
    public var type: String
    /// The `*Rq` element sent (after a TxnID placeholder is filled, the text that went out).
    public var body: String
    public var refNumber: String?
    /// The query that finds what this request creates, if it can be looked up.
    public var lookupBody: String?
    /// The qbXML version the request was written for; never sent to a QuickBooks that accepts less.
    public var minVersion: String?
    /// The file or settlement it came from.
    public var source: String?
    public var state: ItemState
    /// Sent alone (it travelled in a message QuickBooks rejected as a whole).
    public var solo: Bool
    public var attempts: Int
    public var sessionID: Int64?
    /// The session that last sent its in-doubt lookup (never twice in one session).
    public var lookupSessionID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var txnID: String?
    public var listID: String?
    public var statusCode: Int?
    public var statusSeverity: String?
    public var statusMessage: String?
    /// QuickBooks' `*Ret` elements, as received.
    public var response: String?
    /// What the item stands for in its plan: the items waiting for it name it so.
    public var planKey: PlanKey?
    /// A list lookup that makes sure a customer, item or account exists: the query goes first; when
    /// QuickBooks lacks the element the item becomes `addBody` (nil: fail instead, by policy).
    public var ensures: Bool
    public var addBody: String?
    /// A human name for the item, e.g. "customer 'Amazon Summary'".
    public var label: String?
    /// The settlement it belongs to (row id in `settlements`).
    public var settlementRow: Int64?
    /// For an undo's request (a deletion, a reversing transfer): the item it takes back out of QuickBooks.
    public var undoes: Int64?
    /// An undo asked for this item while QuickBooks' answer was outstanding: it is never sent again, and is
    /// cancelled if QuickBooks turns out not to have it.
    public var withdrawn: Bool
    /// When `qblink queue purge` dropped its qbXML (sent and received) to save space; what it is and what
    /// became of it (type, RefNumber, TxnID, settlement) stays, for duplicate checks, lookups and undo.
    public var purgedAt: Date?

    /// An item to queue; the Store sets its user, state and dates when it is inserted.
    public init(
        type: String, body: String, refNumber: String? = nil, lookupBody: String? = nil, minVersion: String? = nil,
        source: String? = nil, label: String? = nil, ensures: Bool = false, addBody: String? = nil
    ) {
        self.id = nil
        self.userID = 0
        self.type = type
        self.body = body
        self.refNumber = refNumber
        self.lookupBody = lookupBody
        self.minVersion = minVersion
        self.source = source
        self.state = .queued
        self.solo = false
        self.attempts = 0
        self.createdAt = Date(timeIntervalSince1970: 0)
        self.updatedAt = Date(timeIntervalSince1970: 0)
        self.ensures = ensures
        self.addBody = addBody
        self.label = label
        self.withdrawn = false
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Reads the row column by column (`databaseRow`'s columns), not through `Decodable`: every sendRequestXML
    /// and receiveResponseXML reads items, and GRDB's derived decoding cost several times more.
    public init(row: Row) throws {
        id = row["id"]
        userID = row["user_id"]
        type = row["type"]
        body = row["body"]
        refNumber = row["ref_number"]
        lookupBody = row["lookup_body"]
        minVersion = row["min_version"]
        source = row["source"]
        state = row["state"]
        solo = row["solo"]
        attempts = row["attempts"]
        sessionID = row["session_id"]
        lookupSessionID = row["lookup_session_id"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        sentAt = row["sent_at"]
        txnID = row["txn_id"]
        listID = row["list_id"]
        statusCode = row["status_code"]
        statusSeverity = row["status_severity"]
        statusMessage = row["status_message"]
        response = row["response"]
        planKey = row["plan_key"]
        ensures = row["ensures"]
        addBody = row["add_body"]
        label = row["label"]
        settlementRow = row["settlement_row"]
        undoes = row["undoes"]
        withdrawn = row["withdrawn"]
        purgedAt = row["purged_at"]
    }

    /// The row as stored, column by column, written out rather than derived from `Encodable`: enqueueing
    /// inserts tens of thousands of items in one transaction, and GRDB's derived encoding and per-record
    /// insert cost about 45 µs an item (measured: 100,000 invoices held the write lock 5.3 s). Reading is
    /// `init(row:)`, column by column; a test checks that every field survives the round trip.
    var databaseRow: [(column: String, value: (any DatabaseValueConvertible)?)] {
        [
            ("id", id), ("user_id", userID), ("type", type), ("body", body), ("ref_number", refNumber),
            ("lookup_body", lookupBody), ("min_version", minVersion), ("source", source), ("state", state), ("solo", solo),
            ("attempts", attempts), ("session_id", sessionID), ("lookup_session_id", lookupSessionID),
            ("created_at", createdAt), ("updated_at", updatedAt), ("sent_at", sentAt), ("txn_id", txnID), ("list_id", listID),
            ("status_code", statusCode), ("status_severity", statusSeverity), ("status_message", statusMessage),
            ("response", response), ("plan_key", planKey), ("ensures", ensures), ("add_body", addBody), ("label", label),
            ("settlement_row", settlementRow), ("undoes", undoes), ("withdrawn", withdrawn), ("purged_at", purgedAt),
        ]
    }

    public func encode(to container: inout PersistenceContainer) {
        for (column, value) in databaseRow { container[column] = value }
    }

    /// One statement for inserting many items (the database gives the id).
    static let insertSQL: String = {
        let columns = QueueItem(type: "", body: "").databaseRow.dropFirst().map(\.column)
        return "INSERT INTO queue (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }()

    /// Inserts the item through `insertSQL` (a cached statement) and returns its id. `created` is its
    /// creation (and update) date already converted, the same for every item of an enqueue.
    func insertFast(_ db: any StoreConnection, created: DatabaseValue) throws -> Int64 {
        let values = databaseRow.dropFirst().map { $0.column == "created_at" || $0.column == "updated_at" ? created : $0.value }
        return try db.insertReturningID(SQL(sql: Self.insertSQL, arguments: StatementArguments(values)))
    }

    /// A list lookup still in its query phase.
    public var isLookupPhase: Bool { ensures && type.hasSuffix("Query") }
}

/// A queue item with the name of its user, for listings. Reads as the item itself (`listed.state`).
@dynamicMemberLookup
public struct ListedItem: Sendable, Equatable, Decodable, FetchableRecord, Encodable {
    public var item: QueueItem
    public var userName: String

    public subscript<T>(dynamicMember keyPath: KeyPath<QueueItem, T>) -> T { item[keyPath: keyPath] }

    public init(row: Row) throws {
        item = try QueueItem(row: row)
        userName = row["userName"]
    }

    /// The item's fields with `user` beside them.
    public func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        var container = encoder.container(keyedBy: RecordKey.self)
        try container.encode(userName, forKey: RecordKey(stringValue: "user"))
    }

    static let select = "SELECT queue.*, users.name AS userName FROM queue JOIN users ON users.id = queue.user_id"
}
