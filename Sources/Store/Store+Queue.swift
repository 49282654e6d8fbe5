import Foundation
import GRDB

extension Store {
    static let itemSelect = "SELECT queue.*, users.name AS user_name FROM queue JOIN users ON users.id = queue.user_id"

    /// Queues `items` for `userName` in one transaction: all of them or none. Returns their ids in order.
    @discardableResult
    public func enqueue(_ items: [NewItem], userName: String, now: Date = Date()) throws -> [Int64] {
        let plan = items.enumerated().map { PlannedItem(key: "#\($0.offset)", item: $0.element) }
        return try enqueue(plan: plan, userName: userName, now: now).inserted
    }

    public func items(state: ItemState? = nil, userName: String? = nil, limit: Int? = nil) throws -> [QueueItem] {
        try pool.read { db in
            var sql = Self.itemSelect + " WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let state {
                sql += " AND queue.state = ?"
                arguments += [state.rawValue]
            }
            if let userName {
                sql += " AND users.name = ?"
                arguments += [userName]
            }
            sql += " ORDER BY queue.id"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(QueueItem.init(row:))
        }
    }

    public func item(id: Int64) throws -> QueueItem {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.itemSelect + " WHERE queue.id = ?", arguments: [id]) else {
                throw StoreError.noSuchItem(id)
            }
            return QueueItem(row: row)
        }
    }

    /// Counts of items by state, for one user or all.
    public func counts(userName: String? = nil) throws -> [ItemState: Int] {
        try pool.read { db in
            var sql = "SELECT queue.state, COUNT(*) AS n FROM queue JOIN users ON users.id = queue.user_id"
            var arguments: StatementArguments = []
            if let userName {
                sql += " WHERE users.name = ?"
                arguments += [userName]
            }
            sql += " GROUP BY queue.state"
            var result: [ItemState: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                if let state = ItemState(rawValue: row["state"]) { result[state] = row["n"] }
            }
            return result
        }
    }

    /// Puts a failed or in-doubt item back in the queue (the operator's decision).
    public func retry(id: Int64, now: Date = Date()) throws -> QueueItem {
        try operatorAction(id: id, to: .queued, action: "retried", now: now)
    }

    /// Cancels a queued, failed or in-doubt item: it will never be sent.
    public func cancel(id: Int64, now: Date = Date()) throws -> QueueItem {
        try operatorAction(id: id, to: .cancelled, action: "cancelled", now: now)
    }

    private func operatorAction(id: Int64, to newState: ItemState, action: String, now: Date) throws -> QueueItem {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: Self.itemSelect + " WHERE queue.id = ?", arguments: [id]) else {
                throw StoreError.noSuchItem(id)
            }
            let item = QueueItem(row: row)
            let allowed: Set<ItemState> = newState == .cancelled ? [.failed, .inDoubt, .queued] : [.failed, .inDoubt]
            guard allowed.contains(item.state) else {
                throw StoreError.invalidState(item: id, state: item.state, action: action)
            }
            // `solo` stays: an item from a message QuickBooks could not read is retried on its own.
            try db.execute(
                sql: "UPDATE queue SET state = ?, updated_at = ? WHERE id = ?",
                arguments: [newState.rawValue, now, id])
            return QueueItem(row: try Row.fetchOne(db, sql: Self.itemSelect + " WHERE queue.id = ?", arguments: [id])!)
        }
    }
}
