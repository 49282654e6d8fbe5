import Foundation
import GRDB

/// A settlement with its transactions.
public struct SettlementDetail: Sendable {
    public var status: SettlementStatus
    /// Its own transactions, oldest first.
    public var items: [QueueItem]
    /// Item → the items of the settlement it waits for.
    public var waitsFor: [Int64: [Int64]]
}

extension Store {
    /// The settlements enqueued, newest first, for one user or all (and of one settlement id, when given), each
    /// with its state.
    public func settlements(userName: String? = nil, settlementID: String? = nil) async throws -> [SettlementStatus] {
        try await engine.read { db in
            var sql: SQL = "SELECT settlements.* FROM settlements JOIN users ON users.id = settlements.user_id WHERE 1 = 1"
            if let userName { sql += " AND users.name = \(userName)" }
            if let settlementID { sql += " AND settlements.settlement_id = \(settlementID)" }
            sql += " ORDER BY settlements.id DESC"
            return try SettlementRecord.fetchAll(db, literal: sql).map { try Self.status(db, $0) }
        }
    }

    /// One settlement of a user, with its state, its transactions (the undo's requests aside) and which of
    /// them waits for which (a refund for its credit memo).
    public func settlement(_ settlementID: String, userName: String) async throws -> SettlementDetail {
        try await engine.read { db in
            let record = try Self.settlementRecord(db, settlementID, userName: userName)
            let items = try Self.originals(db, settlementRow: record.id!)
            let links = try Self.prerequisites(db, of: items.compactMap(\.id))
            let ids = Set(items.compactMap(\.id))
            let waits = links.mapValues { $0.map(\.id).filter(ids.contains) }.filter { !$0.value.isEmpty }
            return SettlementDetail(status: try Self.status(db, record), items: items, waitsFor: waits)
        }
    }

    static func settlementRecord(_ db: any StoreConnection, _ settlementID: String, userName: String) throws -> SettlementRecord {
        let userID = try userID(db, named: userName)
        guard let record = try SettlementRecord.fetchOne(db, literal: """
            SELECT * FROM settlements WHERE user_id = \(userID) AND settlement_id = \(settlementID)
            """)
        else { throw StoreError.noSuchSettlement(settlementID, user: userName) }
        return record
    }

    /// The settlement's own transactions (not the lookups it shares, not its undo's requests), oldest first.
    static func originals(_ db: any StoreConnection, settlementRow: Int64) throws -> [QueueItem] {
        try QueueItem.fetchAll(db, literal: "SELECT * FROM queue WHERE settlement_row = \(settlementRow) AND undoes IS NULL ORDER BY id")
    }

    static func status(_ db: any StoreConnection, _ record: SettlementRecord) throws -> SettlementStatus {
        let rows = try Row.fetchAll(db, literal: """
            SELECT state, status_message, undoes IS NOT NULL AS is_undo FROM queue WHERE settlement_row = \(record.id!) ORDER BY id
            """)
        var originals: [(ItemState, String?)] = []
        var undos: [(ItemState, String?)] = []
        var counts: [ItemState: Int] = [:]
        for row in rows {
            let state: ItemState = row["state"] ?? .failed
            if row["is_undo"] {
                undos.append((state, row["status_message"]))
            } else {
                originals.append((state, row["status_message"]))
                counts[state, default: 0] += 1
            }
        }
        let (state, reason) = SettlementStatus.state(undoRequested: record.undoRequestedAt != nil, originals: originals, undos: undos)
        let userName = try String.fetchOne(db, literal: "SELECT name FROM users WHERE id = \(record.userID)") ?? ""
        return SettlementStatus(record: record, userName: userName, state: state, counts: counts, reason: reason)
    }
}
