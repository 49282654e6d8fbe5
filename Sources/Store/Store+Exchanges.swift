import Foundation
import GRDB

extension Store {
    /// Records one SOAP call. Callers mask passwords before they get here.
    public func logExchange(_ exchange: Exchange) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO exchanges (at, method, ticket, user_name, session_id, duration_ms, http_status, request_body, response_body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    exchange.at, exchange.method, exchange.ticket, exchange.userName, exchange.sessionID,
                    exchange.durationMS, exchange.httpStatus, exchange.requestBody, exchange.responseBody,
                ])
        }
    }

    /// Deletes logged calls older than `date`; returns how many went.
    @discardableResult
    public func pruneExchanges(before date: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM exchanges WHERE at < ?", arguments: [date])
            return db.changesCount
        }
    }

    /// The calls of one session, in order.
    public func exchanges(sessionID: Int64) throws -> [Exchange] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM exchanges WHERE session_id = ? ORDER BY id", arguments: [sessionID])
                .map(Exchange.init(row:))
        }
    }

    /// The most recent calls, newest last.
    public func recentExchanges(limit: Int = 50) throws -> [Exchange] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM (SELECT * FROM exchanges ORDER BY id DESC LIMIT ?) ORDER BY id", arguments: [limit])
                .map(Exchange.init(row:))
        }
    }
}
