import Foundation
import GRDB

/// What the public support page shows of one user: no qbXML, no company file, no secret.
public struct UserActivity: Sendable, Equatable {
    public struct SessionLine: Sendable, Equatable {
        public var startedAt: Date
        public var state: SessionState
        public var done: Int
        public var failed: Int
        public var inDoubt: Int
    }

    public struct ErrorLine: Sendable, Equatable {
        public var at: Date
        public var statusCode: Int?
        public var message: String
    }

    public var name: String
    public var counts: [ItemState: Int]
    public var sessions: [SessionLine]
    public var errors: [ErrorLine]
    /// Settlements fetched from Amazon for this user and held for the operator (a count only: the reasons are
    /// for `qblink settlement list`).
    public var heldSettlements: Int = 0
}

extension Store {
    /// Every user's queue counts by state, last `sessions` sessions and latest `errors` failed requests (their
    /// QuickBooks status code and message), in one read.
    public func activity(sessions: Int = 3, errors: Int = 3) async throws -> [UserActivity] {
        try await engine.read { db in
            try User.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map { user in
                var counts: [ItemState: Int] = [:]
                for row in try Row.fetchAll(db, literal: "SELECT state, COUNT(*) AS n FROM queue WHERE user_id = \(user.userID) GROUP BY state") {
                    if let state = ItemState.fromDatabaseValue(row["state"]) { counts[state] = row["n"] }
                }
                let recent = try Session.fetchAll(db, literal: """
                    SELECT * FROM sessions WHERE user_id = \(user.userID) ORDER BY id DESC LIMIT \(sessions)
                    """)
                let failed = try Row.fetchAll(db, literal: """
                    SELECT updated_at, status_code, status_message FROM queue
                    WHERE user_id = \(user.userID) AND state = \(ItemState.failed) ORDER BY id DESC LIMIT \(errors)
                    """)
                let held = try Int.fetchOne(db, literal: """
                    SELECT COUNT(*) FROM fetched_reports WHERE user_name = \(user.name) AND state = \(FetchedState.held.rawValue)
                    """) ?? 0
                return UserActivity(
                    name: user.name, counts: counts,
                    sessions: recent.map {
                        .init(startedAt: $0.startedAt, state: $0.state, done: $0.doneCount, failed: $0.failedCount, inDoubt: $0.inDoubtCount)
                    },
                    errors: failed.map { .init(at: $0["updated_at"], statusCode: $0["status_code"], message: $0["status_message"] ?? "") },
                    heldSettlements: held)
            }
        }
    }
}
