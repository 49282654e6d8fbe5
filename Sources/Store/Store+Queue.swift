import Foundation
import GRDB

extension Store {
    /// Queue items, oldest first, with their users' names: in a state, of a user, changed since a moment, and
    /// from a source (the file they were enqueued from, or a settlement id).
    public func items(
        state: ItemState? = nil, userName: String? = nil, since: Date? = nil, source: String? = nil, limit: Int? = nil, newestFirst: Bool = false
    ) async throws -> [ListedItem] {
        try await engine.read { db in
            var sql: SQL = SQL(sql: ListedItem.select) + " WHERE 1 = 1"
            if let state { sql += " AND queue.state = \(state)" }
            if let userName { sql += " AND users.name = \(userName)" }
            if let since { sql += " AND queue.updated_at >= \(since)" }
            if let source {
                sql += " AND (queue.source = \(source) OR queue.settlement_row IN (SELECT id FROM settlements WHERE settlement_id = \(source)))"
            }
            sql += newestFirst ? " ORDER BY queue.id DESC" : " ORDER BY queue.id"
            if let limit { sql += " LIMIT \(limit)" }
            return try ListedItem.fetchAll(db, literal: sql)
        }
    }

    /// The items a session sent last (an item sent again later belongs to the later session), in queue order.
    public func items(sessionID: Int64) async throws -> [ListedItem] {
        try await engine.read { db in
            try ListedItem.fetchAll(
                db, literal: SQL(sql: ListedItem.select) + " WHERE queue.session_id = \(sessionID) ORDER BY queue.id")
        }
    }

    public func item(id: Int64) async throws -> ListedItem {
        try await engine.read { db in try Self.listedItem(db, id: id) }
    }

    static func listedItem(_ db: any StoreConnection, id: Int64) throws -> ListedItem {
        guard let item = try ListedItem.fetchOne(db, literal: SQL(sql: ListedItem.select) + " WHERE queue.id = \(id)") else {
            throw StoreError.noSuchItem(id)
        }
        return item
    }

    /// Counts of items by state, for one user or all.
    public func counts(userName: String? = nil) async throws -> [ItemState: Int] {
        try await engine.read { db in
            var sql: SQL = "SELECT queue.state, COUNT(*) AS n FROM queue JOIN users ON users.id = queue.user_id"
            if let userName { sql += " WHERE users.name = \(userName)" }
            sql += " GROUP BY queue.state"
            var result: [ItemState: Int] = [:]
            for row in try Row.fetchAll(db, literal: sql) {
                if let state = ItemState.fromDatabaseValue(row["state"]) { result[state] = row["n"] }
            }
            return result
        }
    }

    /// The operator's retry. A failed item is queued again. An in-doubt write is never re-sent blind
    /// (QuickBooks may have it): one that can be looked up stays in doubt and is looked up again at the next
    /// session; one that cannot is queued again only when the operator says QuickBooks does not have it
    /// (`notInQuickBooks`), else `StoreError.cannotLookUp`.
    public func retry(id: Int64, now: Date = Date(), notInQuickBooks: Bool = false) async throws -> ListedItem {
        try await operatorAction(id: id, to: .queued, action: "retried", now: now, notInQuickBooks: notInQuickBooks)
    }

    /// Cancels a queued, failed or in-doubt item: it will never be sent.
    public func cancel(id: Int64, now: Date = Date()) async throws -> ListedItem {
        try await operatorAction(id: id, to: .cancelled, action: "cancelled", now: now)
    }

    private func operatorAction(id: Int64, to newState: ItemState, action: String, now: Date, notInQuickBooks: Bool = false) async throws -> ListedItem {
        try await engine.write { db in
            let listed = try Self.listedItem(db, id: id)
            let allowed: Set<ItemState> = newState == .cancelled ? [.failed, .inDoubt, .queued] : [.failed, .inDoubt]
            guard allowed.contains(listed.item.state) else {
                throw StoreError.invalidState(item: id, state: listed.item.state, action: action)
            }
            let undone = try Self.isBeingUndone(db, listed.item)
            if newState == .queued, listed.item.withdrawn || (listed.item.undoes == nil && undone) {
                throw StoreError.withdrawn(item: id)
            }
            if newState == .queued, listed.item.state == .inDoubt, !notInQuickBooks {
                guard listed.item.lookupBody != nil else { throw StoreError.cannotLookUp(item: id) }
                try db.execute(literal: """
                    UPDATE queue SET lookup_session_id = NULL, updated_at = \(now),
                      status_message = 'retried: it is looked up in QuickBooks at the next sync before anything is sent again'
                    WHERE id = \(id)
                    """)
                return try Self.listedItem(db, id: id)
            }
            // `solo` stays: an item from a message QuickBooks could not read is retried on its own.
            try db.execute(literal: "UPDATE queue SET state = \(newState), updated_at = \(now) WHERE id = \(id)")
            return try Self.listedItem(db, id: id)
        }
    }

    /// Whether the item is one of a settlement that an undo has been asked for.
    static func isBeingUndone(_ db: any StoreConnection, _ item: QueueItem) throws -> Bool {
        guard let row = item.settlementRow else { return false }
        return try Bool.fetchOne(db, literal: "SELECT undo_requested_at IS NOT NULL FROM settlements WHERE id = \(row)") ?? false
    }

    /// Which of these TxnIDs QuickBooks gave to one of the user's queue items.
    static func claimedTxnIDs(_ db: any StoreConnection, userID: Int64, among ids: [String]) throws -> Set<String> {
        Set(try String.fetchAll(db, literal: "SELECT txn_id FROM queue WHERE user_id = \(userID) AND txn_id IN \(ids)"))
    }

    /// The items an item waits for, for display.
    public func prerequisites(of id: Int64) async throws -> [QueueItem] {
        try await engine.read { db in
            try QueueItem.fetchAll(db, literal: """
                SELECT queue.* FROM queue JOIN prerequisites p ON p.prerequisite_id = queue.id
                WHERE p.item_id = \(id) ORDER BY queue.id
                """)
        }
    }
}
