import Foundation
import GRDB

/// What `loginState` read for an authenticate.
public struct LoginState: Sendable {
    /// Failed logins recorded for the name.
    public var failures: Int
    /// How long the name must still wait before its password is checked (nil: it need not).
    public var wait: TimeInterval?
    public var user: User?
    /// Queued items and in-doubt items to look up: what a session begun now would have to do.
    public var pending: Int
    /// The user's items in doubt (those that can be looked up, and those left for the operator).
    public var inDoubt: Int
}

extension Store {
    /// The failures recorded for `name` and how long it must wait before its password is checked again (nil:
    /// it need not), in one read. The first `freeFailures` failures cost nothing; each one after doubles the
    /// wait, from 30 s to 15 min.
    public func authThrottle(name: String, now: Date = Date(), freeFailures: Int = 5) async throws -> (failures: Int, wait: TimeInterval?) {
        try await engine.read { db in try Self.throttle(db, name: name, now: now, freeFailures: freeFailures) }
    }

    /// What an authenticate needs before it decides, in one read and without writing: the throttle of
    /// `throttleKey` (by default the name), the user (nil when unknown) and the work waiting for it (as a new
    /// session would count it).
    public func loginState(name: String, throttleKey: String? = nil, now: Date = Date(), freeFailures: Int = 5) async throws -> LoginState {
        try await engine.read { db in
            let (failures, wait) = try Self.throttle(db, name: throttleKey ?? name, now: now, freeFailures: freeFailures)
            let user = try Self.user(db, named: name)
            // A session id no session has: every in-doubt item with a lookup counts, as for a new session.
            let pending = try user.map { try Self.remaining(db, userID: $0.id!, sessionID: -1) } ?? 0
            let inDoubt = try user.map { try Self.inDoubtCount(db, userID: $0.id!) } ?? 0
            return LoginState(failures: failures, wait: wait, user: user, pending: pending, inDoubt: inDoubt)
        }
    }

    static func throttle(_ db: any StoreConnection, name: String, now: Date, freeFailures: Int) throws -> (failures: Int, wait: TimeInterval?) {
        guard let row = try Row.fetchOne(db, cached("SELECT count, last_at FROM auth_failures WHERE name = \(name)"))
        else { return (0, nil) }
        let count: Int = row["count"]
        let last: Date = row["last_at"]
        guard count >= freeFailures else { return (count, nil) }
        let wait = min(30 * pow(2, Double(count - freeFailures)), 900)
        let remaining = last.addingTimeInterval(wait).timeIntervalSince(now)
        return (count, remaining > 0 ? remaining : nil)
    }

    /// Records a failed authentication for `name` (known user or not) and returns the failure count.
    @discardableResult
    public func recordAuthFailure(name: String, now: Date = Date()) async throws -> Int {
        try await engine.write { db in
            // Failures a day old are forgotten by `pruneAuthFailures`, so that made-up names cannot grow the table without bound.
            try db.run("""
                INSERT INTO auth_failures (name, count, last_at) VALUES (\(name), 1, \(now))
                ON CONFLICT(name) DO UPDATE SET count = auth_failures.count + 1, last_at = excluded.last_at
                """)
            return try Int.fetchOne(db, cached("SELECT count FROM auth_failures WHERE name = \(name)")) ?? 1
        }
    }

    public func clearAuthFailures(name: String) async throws {
        try await engine.write { db in try db.run("DELETE FROM auth_failures WHERE name = \(name)") }
    }
}
