import Foundation
import GRDB

extension Store {
    /// The failures recorded for `name` and how long it must wait before its password is checked again (nil:
    /// it need not), in one read. The first `freeFailures` failures cost nothing; each one after doubles the
    /// wait, from 30 s to 15 min.
    public func authThrottle(name: String, now: Date = Date(), freeFailures: Int = 5) async throws -> (failures: Int, wait: TimeInterval?) {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, literal: "SELECT count, last_at FROM auth_failures WHERE name = \(name)")
            else { return (0, nil) }
            let count: Int = row["count"]
            let last: Date = row["last_at"]
            guard count >= freeFailures else { return (count, nil) }
            let wait = min(30 * pow(2, Double(count - freeFailures)), 900)
            let remaining = last.addingTimeInterval(wait).timeIntervalSince(now)
            return (count, remaining > 0 ? remaining : nil)
        }
    }

    /// Records a failed authentication for `name` (known user or not) and returns the failure count.
    @discardableResult
    public func recordAuthFailure(name: String, now: Date = Date()) async throws -> Int {
        try await pool.write { db in
            // Failures a day old are forgotten by `prune`, so that made-up names cannot grow the table without bound.
            try db.execute(literal: """
                INSERT INTO auth_failures (name, count, last_at) VALUES (\(name), 1, \(now))
                ON CONFLICT(name) DO UPDATE SET count = count + 1, last_at = excluded.last_at
                """)
            return try Int.fetchOne(db, literal: "SELECT count FROM auth_failures WHERE name = \(name)") ?? 1
        }
    }

    public func clearAuthFailures(name: String) async throws {
        try await pool.write { db in try db.execute(literal: "DELETE FROM auth_failures WHERE name = \(name)") }
    }
}
