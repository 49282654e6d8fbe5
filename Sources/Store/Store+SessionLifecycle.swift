import Foundation
import GRDB

public enum SessionLookup: Sendable {
    case active(SessionInfo)
    /// Known ticket whose session is over (closed, expired or replaced).
    case ended(SessionInfo)
    case unknown
}

extension Store {
    /// Starts a session for an authenticated user: expires idle sessions, replaces this user's open one (its
    /// unanswered items become in doubt), and tells whether there is work.
    /// - Parameter busyWithin: when the user's open session made a call this recently, another Web Connector
    ///   is at work for the user: throws `StoreError.userBusy` (with how long to wait) instead of replacing it.
    public func beginSession(userID: Int64, ticket: String, now: Date = Date(), idleTimeout: TimeInterval, busyWithin: TimeInterval = 0)
        async throws -> (session: Session, pending: Int)
    {
        try await pool.write { db in
            try Self.expireIdleSessions(db, now: now, idleTimeout: idleTimeout)
            let open = try Session.fetchAll(db, literal: "SELECT * FROM sessions WHERE user_id = \(userID) AND state = \(SessionState.active)")
            if busyWithin > 0, let latest = open.map(\.lastSeenAt).max(), now.timeIntervalSince(latest) < busyWithin {
                throw StoreError.userBusy(retryAfter: busyWithin - now.timeIntervalSince(latest))
            }
            for id in open.map(\.sessionID) {
                try Self.end(db, sessionID: id, state: .replaced, now: now)
            }
            var session = Session(ticket: ticket, userID: userID, now: now)
            try session.insert(db)
            return (session, try Self.remaining(db, userID: userID, sessionID: session.sessionID))
        }
    }

    /// Finds the session of a ticket, ending it first when it has been idle too long; touches it when active.
    public func session(ticket: String, now: Date = Date(), idleTimeout: TimeInterval) async throws -> SessionLookup {
        try await pool.write { db in
            guard var info = try SessionInfo.fetchOne(db, SQLRequest(literal: SQL(sql: SessionInfo.select) + " WHERE sessions.ticket = \(ticket)"))
            else { return .unknown }
            guard info.session.state == .active else { return .ended(info) }
            if now.timeIntervalSince(info.session.lastSeenAt) > idleTimeout {
                try Self.end(db, sessionID: info.session.sessionID, state: .expired, now: now)
                info.session.state = .expired
                return .ended(info)
            }
            try db.execute(literal: "UPDATE sessions SET last_seen_at = \(now) WHERE id = \(info.session.sessionID)")
            info.session.lastSeenAt = now
            return .active(info)
        }
    }

    /// One session with its user's name and the number of calls logged for it.
    public func session(id: Int64) async throws -> SessionInfo {
        try await pool.read { db in
            guard let info = try SessionInfo.fetchOne(db, SQLRequest(literal: SQL(sql: SessionInfo.listSelect) + " WHERE sessions.id = \(id)"))
            else { throw StoreError.noSuchSession(String(id)) }
            return info
        }
    }

    /// Recent sessions, newest first.
    public func sessions(userName: String? = nil, limit: Int = 20) async throws -> [SessionInfo] {
        try await pool.read { db in
            var sql = SQL(sql: SessionInfo.listSelect)
            if let userName { sql += " WHERE users.name = \(userName)" }
            sql += " ORDER BY sessions.id DESC LIMIT \(limit)"
            return try SessionInfo.fetchAll(db, SQLRequest(literal: sql))
        }
    }

    /// Records what QuickBooks told about itself on the first sendRequestXML.
    public func setHost(sessionID: Int64, companyFile: String?, qbxmlVersion: String?, country: String?, productName: String?) async throws {
        try await pool.write { db in
            try db.execute(literal: """
                UPDATE sessions SET company_file = \(companyFile), qbxml_version = \(qbxmlVersion), country = \(country),
                  product_name = \(productName)
                WHERE id = \(sessionID)
                """)
        }
    }

    public func setLastError(sessionID: Int64, _ text: String?) async throws {
        try await pool.write { db in
            try db.execute(literal: "UPDATE sessions SET last_error = \(text) WHERE id = \(sessionID)")
        }
    }

    /// Ends a session (closeConnection); its unanswered items, if any, become in doubt.
    @discardableResult
    public func endSession(id: Int64, state: SessionState = .closed, now: Date = Date()) async throws -> Session {
        try await pool.write { db in
            try Self.end(db, sessionID: id, state: state, now: now)
            guard let session = try Session.fetchOne(db, key: id) else { throw StoreError.noSuchSession(String(id)) }
            return session
        }
    }

    // MARK: - Inside transactions

    static func end(_ db: Database, sessionID: Int64, state: SessionState, now: Date) throws {
        let reason: String
        switch state {
        case .replaced: reason = "the Web Connector started a new session before returning QuickBooks' response"
        case .expired: reason = "the session expired before QuickBooks' response came back"
        case .closed, .active: reason = "the session closed before QuickBooks' response came back"
        }
        try markInFlightInDoubt(db, sessionID: sessionID, now: now, reason: reason)
        try db.execute(literal: """
            UPDATE sessions SET state = \(state), ended_at = COALESCE(ended_at, \(now)), awaiting_response = 0
            WHERE id = \(sessionID) AND state = \(SessionState.active)
            """)
    }

    static func expireIdleSessions(_ db: Database, now: Date, idleTimeout: TimeInterval) throws {
        let stale = try Int64.fetchAll(db, literal: """
            SELECT id FROM sessions WHERE state = \(SessionState.active) AND last_seen_at < \(now.addingTimeInterval(-idleTimeout))
            """)
        for id in stale {
            try end(db, sessionID: id, state: .expired, now: now)
        }
    }

    /// The session's items out to QuickBooks become in doubt (queries simply go back to the queue).
    @discardableResult
    static func markInFlightInDoubt(_ db: Database, sessionID: Int64, now: Date, reason: String) throws -> Int {
        // A query changes nothing in QuickBooks: whatever became of it, it can simply be asked again.
        try db.execute(literal: """
            UPDATE queue SET state = \(ItemState.queued), updated_at = \(now)
            WHERE session_id = \(sessionID) AND state = \(ItemState.sent) AND type LIKE '%Query'
            """)
        try db.execute(literal: """
            UPDATE queue SET state = \(ItemState.inDoubt), status_message = \(reason), updated_at = \(now)
            WHERE session_id = \(sessionID) AND state IN \(ItemState.inFlight)
            """)
        let n = db.changesCount
        if n > 0 {
            try db.execute(literal: """
                UPDATE sessions SET in_doubt_count = in_doubt_count + \(n), awaiting_response = 0 WHERE id = \(sessionID)
                """)
        }
        return n
    }

    /// Work left for a session: queued items and in-doubt items it has not looked up yet.
    static func remaining(_ db: Database, userID: Int64, sessionID: Int64) throws -> Int {
        try Int.fetchOne(db, literal: """
            SELECT COUNT(*) FROM queue WHERE user_id = \(userID) AND (state IN \([ItemState.queued] + ItemState.inFlight)
              OR (state = \(ItemState.inDoubt) AND lookup_body IS NOT NULL AND (lookup_session_id IS NULL OR lookup_session_id != \(sessionID))))
            """) ?? 0
    }

    static func session(_ db: Database, id: Int64) throws -> Session {
        guard let session = try Session.fetchOne(db, key: id) else { throw StoreError.noSuchSession(String(id)) }
        return session
    }
}
