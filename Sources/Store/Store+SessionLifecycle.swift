import Foundation
import GRDB

/// A session closeConnection ended, and the user's items in doubt now.
public struct ClosedSession: Sendable {
    public var session: Session
    public var inDoubt: Int
}

public enum SessionLookup: Sendable {
    case active(SessionInfo)
    /// Known ticket whose session is over (closed, expired or replaced).
    case ended(SessionInfo)
    case unknown
}

/// A call on a session's ticket, looked up and carried out in one transaction.
public enum SessionCall<Result: Sendable>: Sendable {
    /// The session was active (and is touched); the call's result.
    case active(SessionInfo, Result)
    /// Known ticket whose session is over (closed, expired — perhaps just now — or replaced): nothing was done.
    case ended(SessionInfo)
    case unknown
}

extension Store {
    /// Finds the session of `ticket` and, when it is active, touches it and runs `body`, all in one write
    /// transaction: one round trip per call, and no other session can replace it in between. A session idle
    /// longer than `idleTimeout` is ended (expired) instead.
    func onSession<T: Sendable>(
        ticket: String, now: Date, idleTimeout: TimeInterval, _ body: @escaping @Sendable (any StoreConnection, SessionInfo) throws -> T
    ) async throws -> SessionCall<T> {
        try await engine.write { db in
            guard var info = try Self.sessionInfo(db, ticket: ticket) else { return .unknown }
            guard info.session.state == .active else { return .ended(info) }
            if info.session.isIdle(at: now, timeout: idleTimeout) {
                try Self.end(db, sessionID: info.session.sessionID, state: .expired, now: now)
                info.session.state = .expired
                return .ended(info)
            }
            try db.run("UPDATE sessions SET last_seen_at = \(now) WHERE id = \(info.session.sessionID)")
            info.session.lastSeenAt = now
            return .active(info, try body(db, info))
        }
    }

    /// Starts a session for an authenticated user: expires idle sessions, replaces this user's open one (its
    /// unanswered items become in doubt), and tells whether there is work.
    /// - Parameter busyWithin: when the user's open session made a call this recently, another Web Connector
    ///   is at work for the user: throws `StoreError.userBusy` (with how long to wait) instead of replacing it.
    public func beginSession(userID: Int64, ticket: String, now: Date = Date(), idleTimeout: TimeInterval, busyWithin: TimeInterval = 0)
        async throws -> (session: Session, pending: Int)
    {
        try await engine.write { db in
            try Self.expireIdleSessions(db, now: now, idleTimeout: idleTimeout)
            let open = try Session.fetchAll(db, cached("SELECT * FROM sessions WHERE user_id = \(userID) AND state = \(SessionState.active)"))
            if busyWithin > 0, let latest = open.map(\.lastSeenAt).max(), now.timeIntervalSince(latest) < busyWithin {
                throw StoreError.userBusy(retryAfter: busyWithin - now.timeIntervalSince(latest))
            }
            for id in open.map(\.sessionID) {
                try Self.end(db, sessionID: id, state: .replaced, now: now)
            }
            var session = Session(ticket: ticket, userID: userID, now: now)
            session.id = try db.insert(session)
            return (session, try Self.remaining(db, userID: userID, sessionID: session.sessionID))
        }
    }

    /// Finds the session of a ticket in one read; a session idle too long is ended first (the only case that
    /// writes). Finding it does not touch it: the call's own write does (`touchActive`), in its transaction.
    public func session(ticket: String, now: Date = Date(), idleTimeout: TimeInterval) async throws -> SessionLookup {
        guard var info = try await engine.read({ db in try Self.sessionInfo(db, ticket: ticket) }) else { return .unknown }
        guard info.session.state == .active else { return .ended(info) }
        guard info.session.isIdle(at: now, timeout: idleTimeout) else { return .active(info) }
        let sessionID = info.session.sessionID
        try await engine.write { db in try Self.end(db, sessionID: sessionID, state: .expired, now: now) }
        info.session.state = .expired
        return .ended(info)
    }

    /// One session with its user's name and the number of calls logged for it.
    public func session(id: Int64) async throws -> SessionInfo {
        try await engine.read { db in
            guard let info = try SessionInfo.fetchOne(db, literal: SQL(sql: SessionInfo.listSelect) + " WHERE sessions.id = \(id)")
            else { throw StoreError.noSuchSession(String(id)) }
            return info
        }
    }

    /// Recent sessions, newest first: of one user, started since a date, and only those that went wrong (a
    /// request failed or is in doubt, or the session expired or was replaced) when asked.
    public func sessions(userName: String? = nil, since: Date? = nil, errorsOnly: Bool = false, limit: Int = 20) async throws -> [SessionInfo] {
        try await engine.read { db in
            var sql = SQL(sql: SessionInfo.listSelect) + " WHERE 1 = 1"
            if let userName { sql += " AND users.name = \(userName)" }
            if let since { sql += " AND sessions.started_at >= \(since)" }
            if errorsOnly {
                sql += " AND (sessions.failed_count > 0 OR sessions.in_doubt_count > 0 OR sessions.state IN \([SessionState.expired, .replaced]))"
            }
            sql += " ORDER BY sessions.id DESC LIMIT \(limit)"
            return try SessionInfo.fetchAll(db, literal: sql)
        }
    }

    /// Records a session's last error (shown by getLastError and `qblink log`).
    public func setLastError(sessionID: Int64, _ text: String?, now: Date = Date()) async throws {
        try await engine.write { db in
            try Self.touchActive(db, sessionID: sessionID, now: now)
            try db.run("UPDATE sessions SET last_error = \(text) WHERE id = \(sessionID)")
        }
    }

    /// Ends a session (the operator, or a refused company file); its unanswered items, if any, become in doubt.
    @discardableResult
    public func endSession(id: Int64, state: SessionState = .closed, now: Date = Date()) async throws -> Session {
        try await engine.write { db in
            try Self.end(db, sessionID: id, state: state, now: now)
            return try Self.session(db, id: id)
        }
    }

    /// closeConnection, in one transaction with the session's lookup: ends an active session (its unanswered
    /// items become in doubt) and counts the user's items in doubt now.
    public func closeSession(ticket: String, now: Date = Date(), idleTimeout: TimeInterval) async throws -> SessionCall<ClosedSession> {
        try await onSession(ticket: ticket, now: now, idleTimeout: idleTimeout) { db, info in
            let id = info.session.sessionID
            try Self.end(db, sessionID: id, state: .closed, now: now)
            return ClosedSession(session: try Self.session(db, id: id), inDoubt: try Self.inDoubtCount(db, userID: info.session.userID))
        }
    }

    /// Ends every active session idle longer than `idleTimeout` (housekeeping; a new session does it too).
    @discardableResult
    public func expireIdleSessions(now: Date = Date(), idleTimeout: TimeInterval) async throws -> Int {
        try await engine.write { db in try Self.expireIdleSessions(db, now: now, idleTimeout: idleTimeout) }
    }

    // MARK: - Inside transactions

    static func end(_ db: any StoreConnection, sessionID: Int64, state: SessionState, now: Date) throws {
        let reason: String
        switch state {
        case .replaced: reason = "the Web Connector started a new session before returning QuickBooks' response"
        case .expired: reason = "the session expired before QuickBooks' response came back"
        case .closed, .active: reason = "the session closed before QuickBooks' response came back"
        }
        try markInFlightInDoubt(db, sessionID: sessionID, now: now, reason: reason)
        try db.run("""
            UPDATE sessions SET state = \(state), ended_at = COALESCE(ended_at, \(now)), awaiting_response = 0
            WHERE id = \(sessionID) AND state = \(SessionState.active)
            """)
    }

    @discardableResult
    static func expireIdleSessions(_ db: any StoreConnection, now: Date, idleTimeout: TimeInterval) throws -> Int {
        let stale = try Int64.fetchAll(db, cached("""
            SELECT id FROM sessions WHERE state = \(SessionState.active) AND last_seen_at < \(now.addingTimeInterval(-idleTimeout))
            """))
        for id in stale {
            try end(db, sessionID: id, state: .expired, now: now)
        }
        return stale.count
    }

    /// The session a call works on, checked inside the call's own transaction: still active (else
    /// `StoreError.sessionOver`; another session may have replaced it since the call looked it up), and
    /// touched, so that its idle time counts from this call.
    @discardableResult
    static func touchActive(_ db: any StoreConnection, sessionID: Int64, now: Date) throws -> Session {
        var session = try session(db, id: sessionID)
        guard session.state == .active else { throw StoreError.sessionOver(id: sessionID, state: session.state) }
        if session.lastSeenAt != now {
            try db.run("UPDATE sessions SET last_seen_at = \(now) WHERE id = \(sessionID)")
            session.lastSeenAt = now
        }
        return session
    }

    /// The session's items out to QuickBooks become in doubt (queries simply go back to the queue).
    @discardableResult
    static func markInFlightInDoubt(_ db: any StoreConnection, sessionID: Int64, now: Date, reason: String) throws -> Int {
        // A query changes nothing in QuickBooks: whatever became of it, it can simply be asked again.
        try db.run("""
            UPDATE queue SET state = \(ItemState.queued), updated_at = \(now)
            WHERE session_id = \(sessionID) AND state = \(ItemState.sent) AND type LIKE '%Query'
            """)
        try db.run("""
            UPDATE queue SET state = \(ItemState.inDoubt), status_message = \(reason), updated_at = \(now)
            WHERE session_id = \(sessionID) AND state IN \(ItemState.inFlight)
            """)
        let n = db.changesCount
        if n > 0 {
            try db.run("""
                UPDATE sessions SET in_doubt_count = in_doubt_count + \(n), awaiting_response = 0 WHERE id = \(sessionID)
                """)
        }
        return n
    }

    /// Work left for a session: queued items and in-doubt items it has not looked up yet.
    static func remaining(_ db: any StoreConnection, userID: Int64, sessionID: Int64) throws -> Int {
        // Two counts along the (user, state) index: one OR over both would walk every item the user ever had.
        try Int.fetchOne(db, cached("""
            SELECT (SELECT COUNT(*) FROM queue WHERE user_id = \(userID) AND state IN \([ItemState.queued] + ItemState.inFlight))
                 + (SELECT COUNT(*) FROM queue WHERE user_id = \(userID) AND state = \(ItemState.inDoubt) AND lookup_body IS NOT NULL
                      AND (lookup_session_id IS NULL OR lookup_session_id != \(sessionID)))
            """)) ?? 0
    }

    /// The user's items in doubt: those that can be looked up and those left for the operator.
    static func inDoubtCount(_ db: any StoreConnection, userID: Int64) throws -> Int {
        try Int.fetchOne(db, cached("SELECT COUNT(*) FROM queue WHERE user_id = \(userID) AND state = \(ItemState.inDoubt)")) ?? 0
    }

    static func sessionInfo(_ db: any StoreConnection, ticket: String) throws -> SessionInfo? {
        try SessionInfo.fetchOne(db, cached(SQL(sql: SessionInfo.select) + " WHERE sessions.ticket = \(ticket)"))
    }

    static func session(_ db: any StoreConnection, id: Int64) throws -> Session {
        guard let session = try Session.fetchOne(db, cached("SELECT * FROM sessions WHERE id = \(id)")) else {
            throw StoreError.noSuchSession(String(id))
        }
        return session
    }
}
