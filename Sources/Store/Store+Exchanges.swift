import Foundation
import GRDB

extension Store {
    /// Records one SOAP call. Callers mask passwords before they get here.
    public func logExchange(_ exchange: Exchange) async throws {
        try await logExchanges([exchange])
    }

    /// Records SOAP calls in one transaction, committed without waiting for the disk (`synchronous = NORMAL`):
    /// the log is the one thing a power cut may shorten. Callers mask passwords before they get here.
    public func logExchanges(_ exchanges: [Exchange]) async throws {
        guard !exchanges.isEmpty else { return }
        try await engine.writeUnsynced { db in
            var bytes = 0
            for var exchange in exchanges {
                try exchange.insertFast(db)
                bytes += exchange.requestBody.utf8.count + exchange.responseBody.utf8.count
            }
            try db.run("UPDATE log_totals SET bytes = bytes + \(bytes) WHERE id = 1")
        }
    }

    /// Deletes logged calls older than `date`; returns how many went. In steps of at most `step` rows, each its
    /// own short transaction along the index on `at`, so that a large backlog never holds the write lock long.
    @discardableResult
    public func pruneExchanges(before date: Date, step: Int = 1_000) async throws -> Int {
        try await pruneInSteps(step: step) { db in
            SQL("SELECT id FROM exchanges WHERE at < \(date) ORDER BY at LIMIT \(step)")
        }
    }

    /// Deletes the oldest logged calls until the log's bodies take at most `maxBytes`; returns how many went.
    /// In bounded steps, like `pruneExchanges(before:)`.
    @discardableResult
    public func pruneExchanges(toBytes maxBytes: Int, step: Int = 1_000) async throws -> Int {
        try await pruneInSteps(step: step) { db in
            guard try Self.logBytes(db) > maxBytes else { return nil }
            return SQL("SELECT id FROM exchanges ORDER BY id LIMIT \(step)")
        }
    }

    /// The bytes of body text the exchange log holds.
    public func exchangeLogBytes() async throws -> Int {
        try await engine.read { db in try Self.logBytes(db) }
    }

    static func logBytes(_ db: any StoreConnection) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT bytes FROM log_totals WHERE id = 1") ?? 0
    }

    /// Deletes the exchanges `choose` selects (nil: stop), one transaction per step, keeping `log_totals` right.
    private func pruneInSteps(step: Int, _ choose: @escaping @Sendable (any StoreConnection) throws -> SQL?) async throws -> Int {
        var total = 0
        while true {
            let n = try await engine.write { db -> Int in
                guard let chosen = try choose(db) else { return 0 }
                let sizes = try Int.fetchAll(db, literal: """
                    DELETE FROM exchanges WHERE id IN (\(chosen))
                    RETURNING \(db.dialect.byteLength("request_body")) + \(db.dialect.byteLength("response_body"))
                    """)
                let freed = sizes.reduce(0, +)
                try db.run("UPDATE log_totals SET bytes = CASE WHEN bytes > \(freed) THEN bytes - \(freed) ELSE 0 END WHERE id = 1")
                return sizes.count
            }
            total += n
            if n < step { return total }
            await Task.yield()
        }
    }

    /// Forgets login failures older than `date` (a day, by the service's maintenance); returns how many went.
    @discardableResult
    public func pruneAuthFailures(before date: Date) async throws -> Int {
        try await engine.write { db in
            try db.execute(literal: "DELETE FROM auth_failures WHERE last_at < \(date)")
            return db.changesCount
        }
    }

    /// The calls of one session, in order.
    public func exchanges(sessionID: Int64) async throws -> [Exchange] {
        try await engine.read { db in try Exchange.fetchAll(db, literal: "SELECT * FROM exchanges WHERE session_id = \(sessionID) ORDER BY id") }
    }

    /// Calls logged after the one with id `after`, oldest first (for following the log as it grows).
    public func exchanges(after id: Int64, limit: Int = 500) async throws -> [Exchange] {
        try await engine.read { db in
            try Exchange.fetchAll(db, literal: "SELECT * FROM exchanges WHERE id > \(id) ORDER BY id LIMIT \(limit)")
        }
    }

    /// The most recent calls, newest last.
    public func recentExchanges(limit: Int = 50) async throws -> [Exchange] {
        try await engine.read { db in
            try Exchange.fetchAll(db, literal: "SELECT * FROM exchanges ORDER BY id DESC LIMIT \(limit)").reversed()
        }
    }
}
