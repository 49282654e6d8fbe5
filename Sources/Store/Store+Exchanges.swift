import Foundation
import GRDB

extension Store {
    /// Records one SOAP call. Callers mask passwords before they get here.
    public func logExchange(_ exchange: Exchange) async throws {
        try await pool.write { db in
            var exchange = exchange
            try exchange.insert(db)
        }
    }

    /// Deletes logged calls older than `date`; returns how many went.
    @discardableResult
    public func pruneExchanges(before date: Date) async throws -> Int {
        try await pool.write { db in try Exchange.filter(Column("at") < date).deleteAll(db) }
    }

    /// The calls of one session, in order.
    public func exchanges(sessionID: Int64) async throws -> [Exchange] {
        try await pool.read { db in try Exchange.filter(Column("session_id") == sessionID).order(Column("id")).fetchAll(db) }
    }

    /// The most recent calls, newest last.
    public func recentExchanges(limit: Int = 50) async throws -> [Exchange] {
        try await pool.read { db in
            try Exchange.order(Column("id").desc).limit(limit).fetchAll(db).reversed()
        }
    }
}
