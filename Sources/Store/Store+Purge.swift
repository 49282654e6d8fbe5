import Foundation
import GRDB

extension Store {
    public struct PurgeResult: Sendable, Codable, Equatable {
        /// Items whose qbXML was dropped.
        public var items: Int
        /// Bytes of qbXML dropped.
        public var bytes: Int
    }

    /// Drops the qbXML (sent, received, and the lookup and add bodies) of items done before `cutoff` (of
    /// `userName` only, when given), `step` items at a time, each step its own short transaction so that a running
    /// server is never held up for long. Each item keeps what duplicate checks, in-doubt lookups and undo rely on
    /// (type, RefNumber, TxnID or ListID, plan key, settlement); a transfer keeps its body, which an undo reverses
    /// from. `progress` hears the items purged so far and how many there were to purge.
    public func purgeDone(
        before cutoff: Date, userName: String? = nil, now: Date = Date(), step: Int = 500,
        progress: @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> PurgeResult {
        var filter: SQL = """
            queue.state = \(ItemState.done) AND queue.updated_at < \(cutoff) AND queue.purged_at IS NULL AND queue.type != 'TransferAdd'
            """
        if let userName { filter += " AND queue.user_id = (SELECT id FROM users WHERE name = \(userName))" }
        let candidates = filter
        let total = try await engine.read { db in try Int.fetchOne(db, literal: "SELECT COUNT(*) FROM queue WHERE \(candidates)") ?? 0 }
        var result = PurgeResult(items: 0, bytes: 0)
        progress(0, total)
        while result.items < total {
            let (items, bytes) = try await engine.write { db -> (Int, Int) in
                let ids = try Int64.fetchAll(db, literal: "SELECT id FROM queue WHERE \(candidates) ORDER BY id LIMIT \(step)")
                guard !ids.isEmpty else { return (0, 0) }
                let bytes = try Int.fetchOne(db, literal: """
                    SELECT COALESCE(SUM(\(db.dialect.byteLength("body")) + COALESCE(\(db.dialect.byteLength("response")), 0)
                      + COALESCE(\(db.dialect.byteLength("lookup_body")), 0) + COALESCE(\(db.dialect.byteLength("add_body")), 0)), 0)
                    FROM queue WHERE id IN \(ids)
                    """) ?? 0
                try db.execute(literal: """
                    UPDATE queue SET body = '', response = NULL, lookup_body = NULL, add_body = NULL, purged_at = \(now)
                    WHERE id IN \(ids)
                    """)
                return (ids.count, bytes)
            }
            guard items > 0 else { break }
            result.items += items
            result.bytes += bytes
            progress(result.items, total)
        }
        return result
    }
}
