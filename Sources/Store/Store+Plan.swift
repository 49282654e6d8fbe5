import Foundation
import GRDB

/// One item of an enqueue plan: a request, or a list lookup that adds what is missing, with the keys of
/// the plan items it must wait for.
public struct PlannedItem: Sendable, Equatable {
    public struct Ensure: Sendable, Equatable {
        /// "Customer:amazon summary": the same key shares one pending lookup across enqueues.
        public var key: String
        public var addBody: String
        /// `create` or `fail`.
        public var policy: String

        public init(key: String, addBody: String, policy: String) {
            self.key = key
            self.addBody = addBody
            self.policy = policy
        }
    }

    public var key: String
    public var item: NewItem
    public var label: String?
    public var prerequisites: [String]
    public var ensure: Ensure?
    /// Part of the settlement being enqueued (replaced by `--replace`), as opposed to shared lookups.
    public var belongsToSettlement: Bool

    public init(key: String, item: NewItem, label: String? = nil, prerequisites: [String] = [], ensure: Ensure? = nil, belongsToSettlement: Bool = false) {
        self.key = key
        self.item = item
        self.label = label
        self.prerequisites = prerequisites
        self.ensure = ensure
        self.belongsToSettlement = belongsToSettlement
    }
}

/// A settlement being enqueued, for duplicate detection.
public struct SettlementRecord: Sendable, Equatable {
    public var settlementID: String
    public var source: String
    public var totalCents: Int
    public var currency: String
    public var period: String

    public init(settlementID: String, source: String, totalCents: Int, currency: String, period: String) {
        self.settlementID = settlementID
        self.source = source
        self.totalCents = totalCents
        self.currency = currency
        self.period = period
    }
}

public struct EnqueueResult: Sendable, Equatable {
    /// Items inserted, in plan order.
    public var inserted: [Int64] = []
    /// Pending lookups of earlier enqueues that this plan shares instead of adding its own.
    public var shared: Int = 0
    /// `--replace`: earlier items of the settlement QuickBooks does not have, now cancelled.
    public var replaced: Int = 0
    /// `--replace`: new items left out because the earlier one was already sent.
    public var kept: Int = 0
}

extension Store {
    /// Queues a plan in one transaction: all of it or none.
    /// - Parameter replace: for a settlement already enqueued, replace its items QuickBooks does not have
    ///   (never sent, failed or cancelled) and keep the rest.
    @discardableResult
    public func enqueue(
        plan: [PlannedItem], userName: String, settlement: SettlementRecord? = nil, replace: Bool = false, now: Date = Date()
    ) throws -> EnqueueResult {
        try pool.write { db in
            guard let userID = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [userName]) else {
                throw StoreError.noSuchUser(userName)
            }
            var result = EnqueueResult()
            var settlementRow: Int64?
            var keptRefNumbers = Set<String>()
            if let settlement {
                if let row = try Row.fetchOne(
                    db, sql: "SELECT id, enqueued_at FROM settlements WHERE user_id = ? AND settlement_id = ?",
                    arguments: [userID, settlement.settlementID])
                {
                    let id: Int64 = row["id"]
                    guard replace else {
                        let counts = try Self.stateCounts(db, settlementRow: id)
                        throw StoreError.settlementExists(settlement.settlementID, enqueuedAt: row["enqueued_at"], counts: counts)
                    }
                    // Keep what QuickBooks has or may have; cancel what it does not.
                    keptRefNumbers = Set(try String.fetchAll(
                        db, sql: """
                            SELECT ref_number FROM queue WHERE settlement_row = ? AND ref_number IS NOT NULL
                              AND state IN ('sent', 'checking', 'done', 'in-doubt')
                            """, arguments: [id]))
                    try db.execute(
                        sql: """
                            UPDATE queue SET state = 'cancelled', status_message = 'replaced by a new enqueue of the settlement', updated_at = ?
                            WHERE settlement_row = ? AND state IN ('queued', 'failed')
                            """, arguments: [now, id])
                    result.replaced = db.changesCount
                    try db.execute(
                        sql: "UPDATE settlements SET replaced_at = ?, source = ?, total_cents = ? WHERE id = ?",
                        arguments: [now, settlement.source, settlement.totalCents, id])
                    settlementRow = id
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO settlements (user_id, settlement_id, source, total_cents, currency, period, enqueued_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [userID, settlement.settlementID, settlement.source, settlement.totalCents, settlement.currency, settlement.period, now])
                    settlementRow = db.lastInsertedRowID
                }
            }
            var ids: [String: Int64] = [:]
            let insert = try db.makeStatement(sql: """
                INSERT INTO queue (user_id, type, body, ref_number, lookup_body, min_version, source, state, created_at, updated_at,
                                   add_body, ensure_key, ensure_policy, label, settlement_row)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)
                """)
            for planned in plan {
                if let ensure = planned.ensure,
                    let existing = try Int64.fetchOne(
                        db, sql: """
                            SELECT id FROM queue WHERE user_id = ? AND ensure_key = ? AND state IN ('queued', 'sent', 'checking', 'in-doubt')
                            ORDER BY id LIMIT 1
                            """, arguments: [userID, ensure.key])
                {
                    ids[planned.key] = existing
                    result.shared += 1
                    continue
                }
                if planned.belongsToSettlement, let ref = planned.item.refNumber, keptRefNumbers.contains(ref) {
                    result.kept += 1
                    continue
                }
                var item = planned.item
                // `<TxnID>{{txn:KEY}}</TxnID>` (the TxnID of an earlier plan item, known once QuickBooks has
                // created it) becomes `<TxnID>{{item:ID}}</TxnID>`, filled in when the request is sent. Only a
                // whole TxnID element counts: text in a memo cannot hold `<` unescaped, so it is never mistaken.
                for (key, id) in ids where item.body.contains("<TxnID>{{txn:\(key)}}</TxnID>") {
                    item.body = item.body.replacingOccurrences(
                        of: "<TxnID>{{txn:\(key)}}</TxnID>", with: Self.placeholderOpen + "\(id)" + Self.placeholderClose)
                }
                if let range = item.body.range(of: "<TxnID>{{txn:") {
                    let rest = item.body[range.upperBound...].prefix { $0 != "}" }
                    throw StoreError.invalidName("plan item '\(planned.key)' refers to '\(rest)', which is not earlier in the plan")
                }
                try insert.execute(arguments: [
                    userID, item.type, item.body, item.refNumber, item.lookupBody, item.minVersion, item.source, now, now,
                    planned.ensure?.addBody, planned.ensure?.key, planned.ensure?.policy, planned.label,
                    planned.belongsToSettlement ? settlementRow : nil,
                ])
                let id = db.lastInsertedRowID
                ids[planned.key] = id
                result.inserted.append(id)
                for prerequisite in planned.prerequisites {
                    guard let prerequisiteID = ids[prerequisite] else {
                        throw StoreError.invalidName("plan item '\(planned.key)' waits for '\(prerequisite)', which comes later or not at all")
                    }
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO prerequisites (item_id, prerequisite_id) VALUES (?, ?)",
                        arguments: [id, prerequisiteID])
                }
            }
            return result
        }
    }

    /// How many of a settlement's items are in each state.
    static func stateCounts(_ db: Database, settlementRow: Int64) throws -> [ItemState: Int] {
        var counts: [ItemState: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM queue WHERE settlement_row = ? GROUP BY state", arguments: [settlementRow]) {
            if let state = ItemState(rawValue: row["state"]) { counts[state] = row["n"] }
        }
        return counts
    }

    /// The settlements enqueued for a user, newest first, with their items' states.
    public func settlements(userName: String) throws -> [(settlementID: String, enqueuedAt: Date, counts: [ItemState: Int])] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT settlements.* FROM settlements JOIN users ON users.id = settlements.user_id
                    WHERE users.name = ? ORDER BY settlements.id DESC
                    """, arguments: [userName]
            ).map { row in (row["settlement_id"], row["enqueued_at"], try Self.stateCounts(db, settlementRow: row["id"])) }
        }
    }

    /// The prerequisites of an item (ids), for display.
    public func prerequisites(of id: Int64) throws -> [QueueItem] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: Self.itemSelect + " JOIN prerequisites p ON p.prerequisite_id = queue.id WHERE p.item_id = ? ORDER BY queue.id",
                arguments: [id]
            ).map(QueueItem.init(row:))
        }
    }
}

extension Store {
    /// "SalesReceiptAdd:R-1" for every RefNumber the user already has queued, in flight or created
    /// (cancelled and failed ones aside): a second enqueue of the same document would post it twice.
    public func activeRefNumbers(userName: String) throws -> Set<String> {
        try pool.read { db in
            Set(try Row.fetchAll(
                db, sql: """
                    SELECT queue.type, queue.ref_number FROM queue JOIN users ON users.id = queue.user_id
                    WHERE users.name = ? AND queue.ref_number IS NOT NULL AND queue.state NOT IN ('failed', 'cancelled')
                    """, arguments: [userName]
            ).map { row in "\(row["type"] as String):\(row["ref_number"] as String)" })
        }
    }
}
