import Foundation
import GRDB

/// `&`, `<`, `>` escaped for XML text (a TxnID never holds them, but it is QuickBooks' data).
func escapeXML(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
}

/// What became of one item QuickBooks was asked about.
public enum ItemOutcome: Sendable, Equatable {
    case done(txnID: String?, listID: String?, statusCode: Int?, severity: String?, message: String?, response: String?)
    case failed(statusCode: Int?, severity: String?, message: String, response: String?)
    /// QuickBooks rejected the whole message it travelled in (a non-empty HRESULT): failed, and sent alone
    /// if the operator retries it, so that one unreadable request cannot take others down with it again.
    case rejected(message: String)
    case inDoubt(message: String)
    /// Back to the queue (a lost request QuickBooks turns out not to have).
    case requeue(message: String?)
    /// A list lookup found nothing: the item becomes its Add, queued.
    case advance(type: String, body: String, message: String)
}

/// The requests one sendRequestXML carries.
public struct Batch: Sendable {
    /// In-doubt items whose lookup query goes out now (nothing else is sent while there are any).
    public var lookups: [QueueItem]
    /// Items sent now.
    public var items: [QueueItem]
    /// Items refused before sending (they need a newer qbXML than the session has), now failed.
    public var refused: [QueueItem]
    /// Items that were awaiting a response when this call came, now in doubt.
    public var lostResponses: Int

    public var isEmpty: Bool { lookups.isEmpty && items.isEmpty }
}

public enum SessionLookup: Sendable {
    case active(Session)
    /// Known ticket whose session is over (closed, expired or replaced).
    case ended(Session)
    case unknown
}

extension Store {
    static let sessionSelect = "SELECT sessions.*, users.name AS user_name FROM sessions JOIN users ON users.id = sessions.user_id"
    /// For listings: also counts each session's logged calls.
    static let sessionListSelect = """
        SELECT sessions.*, users.name AS user_name,
               (SELECT COUNT(*) FROM exchanges WHERE exchanges.session_id = sessions.id) AS calls
        FROM sessions JOIN users ON users.id = sessions.user_id
        """

    /// Starts a session for an authenticated user: expires idle sessions, replaces this user's open one (its
    /// unanswered items become in doubt), and tells whether there is work.
    public func beginSession(userID: Int64, ticket: String, now: Date = Date(), idleTimeout: TimeInterval)
        throws -> (session: Session, pending: Int)
    {
        try pool.write { db in
            try Self.expireIdleSessions(db, now: now, idleTimeout: idleTimeout)
            let open = try Int64.fetchAll(
                db, sql: "SELECT id FROM sessions WHERE user_id = ? AND state = 'active'", arguments: [userID])
            for id in open {
                try Self.end(db, sessionID: id, state: .replaced, now: now)
            }
            try db.execute(
                sql: "INSERT INTO sessions (ticket, user_id, state, started_at, last_seen_at) VALUES (?, ?, 'active', ?, ?)",
                arguments: [ticket, userID, now, now])
            let id = db.lastInsertedRowID
            let session = Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [id])!)
            return (session, try Self.remaining(db, userID: userID, sessionID: id))
        }
    }

    /// Finds the session of a ticket, ending it first when it has been idle too long; touches it when active.
    public func session(ticket: String, now: Date = Date(), idleTimeout: TimeInterval) throws -> SessionLookup {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.ticket = ?", arguments: [ticket]) else {
                return .unknown
            }
            var session = Session(row: row)
            guard session.state == .active else { return .ended(session) }
            if now.timeIntervalSince(session.lastSeenAt) > idleTimeout {
                try Self.end(db, sessionID: session.id, state: .expired, now: now)
                session.state = .expired
                return .ended(session)
            }
            try db.execute(sql: "UPDATE sessions SET last_seen_at = ? WHERE id = ?", arguments: [now, session.id])
            session.lastSeenAt = now
            return .active(session)
        }
    }

    public func session(id: Int64) throws -> Session {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: Self.sessionListSelect + " WHERE sessions.id = ?", arguments: [id]) else {
                throw StoreError.noSuchSession(String(id))
            }
            return Session(row: row)
        }
    }

    /// Recent sessions, newest first.
    public func sessions(userName: String? = nil, limit: Int = 20) throws -> [Session] {
        try pool.read { db in
            var sql = Self.sessionListSelect
            var arguments: StatementArguments = []
            if let userName {
                sql += " WHERE users.name = ?"
                arguments += [userName]
            }
            sql += " ORDER BY sessions.id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Session.init(row:))
        }
    }

    /// Records what QuickBooks told about itself on the first sendRequestXML.
    public func setHost(sessionID: Int64, companyFile: String?, qbxmlVersion: String?, country: String?, productName: String?) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE sessions SET company_file = ?, qbxml_version = ?, country = ?, product_name = ?
                    WHERE id = ?
                    """, arguments: [companyFile, qbxmlVersion, country, productName, sessionID])
        }
    }

    public func setLastError(sessionID: Int64, _ text: String?) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE sessions SET last_error = ? WHERE id = ?", arguments: [text, sessionID])
        }
    }

    /// Ends a session (closeConnection); its unanswered items, if any, become in doubt.
    @discardableResult
    public func endSession(id: Int64, state: SessionState = .closed, now: Date = Date()) throws -> Session {
        try pool.write { db in
            try Self.end(db, sessionID: id, state: state, now: now)
            return Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [id])!)
        }
    }

    /// Picks the requests for one sendRequestXML.
    /// - Parameters:
    ///   - canSend: whether an item written for qbXML `min_version` may go out in this session; when not,
    ///     the item fails with `refusal`'s message.
    public func startBatch(
        sessionID: Int64, now: Date = Date(), limit: Int, maxBytes: Int,
        canSend: @Sendable (_ minVersion: String?) -> String?
    ) throws -> Batch {
        try pool.write { db in
            var batch = Batch(lookups: [], items: [], refused: [], lostResponses: 0)
            let session = Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [sessionID])!)
            if session.awaitingResponse {
                batch.lostResponses = try Self.markInFlightInDoubt(
                    db, sessionID: sessionID, now: now,
                    reason: "the Web Connector asked for more work before returning QuickBooks' response to this request")
            }
            // In-doubt items are resolved by asking QuickBooks before anything else goes out.
            let lookups = try Row.fetchAll(
                db,
                sql: Self.itemSelect + """
                     WHERE queue.user_id = ? AND queue.state = 'in-doubt' AND queue.lookup_body IS NOT NULL
                       AND (queue.lookup_session_id IS NULL OR queue.lookup_session_id != ?)
                     ORDER BY queue.id LIMIT ?
                    """, arguments: [session.userID, sessionID, limit]
            ).map(QueueItem.init(row:))
            if !lookups.isEmpty {
                for item in lookups {
                    try db.execute(
                        sql: """
                            UPDATE queue SET state = 'checking', session_id = ?, lookup_session_id = ?, updated_at = ?
                            WHERE id = ?
                            """, arguments: [sessionID, sessionID, now, item.id])
                }
                batch.lookups = lookups
            } else {
                try Self.failItemsWithFailedPrerequisites(db, userID: session.userID, sessionID: sessionID, now: now)
                var bytes = 0
                // Oldest first, and only items whose prerequisites are all done.
                let cursor = try Row.fetchCursor(
                    db,
                    sql: Self.itemSelect + """
                         WHERE queue.user_id = ? AND queue.state = 'queued'
                           AND NOT EXISTS (SELECT 1 FROM prerequisites p JOIN queue q2 ON q2.id = p.prerequisite_id
                                           WHERE p.item_id = queue.id AND q2.state != 'done')
                         ORDER BY queue.id
                        """,
                    arguments: [session.userID])
                var chosen: [QueueItem] = []
                var refused: [(QueueItem, String)] = []
                while let row = try cursor.next() {
                    let item = QueueItem(row: row)
                    if let refusal = canSend(item.minVersion) {
                        refused.append((item, refusal))
                        continue
                    }
                    if item.solo && !chosen.isEmpty { break }
                    if !chosen.isEmpty && (chosen.count >= limit || bytes + item.body.utf8.count > maxBytes) { break }
                    chosen.append(item)
                    bytes += item.body.utf8.count
                    if item.solo { break }
                }
                for (item, reason) in refused {
                    try db.execute(
                        sql: "UPDATE queue SET state = 'failed', status_message = ?, updated_at = ? WHERE id = ?",
                        arguments: [reason, now, item.id])
                    try db.execute(sql: "UPDATE sessions SET failed_count = failed_count + 1 WHERE id = ?", arguments: [sessionID])
                }
                chosen = try chosen.compactMap { item in try Self.fillPlaceholders(db, item, sessionID: sessionID, now: now) }
                for item in chosen {
                    try db.execute(
                        sql: """
                            UPDATE queue SET state = 'sent', session_id = ?, sent_at = ?, attempts = attempts + 1, updated_at = ?
                            WHERE id = ?
                            """, arguments: [sessionID, now, now, item.id])
                }
                batch.items = chosen
                batch.refused = refused.map(\.0)
            }
            try db.execute(
                sql: "UPDATE sessions SET awaiting_response = ? WHERE id = ?",
                arguments: [!batch.isEmpty, sessionID])
            return batch
        }
    }

    /// The items of this session awaiting QuickBooks' response (sent requests and lookups).
    public func inFlight(sessionID: Int64) throws -> [QueueItem] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: Self.itemSelect + " WHERE queue.session_id = ? AND queue.state IN ('sent', 'checking') ORDER BY queue.id",
                arguments: [sessionID]
            ).map(QueueItem.init(row:))
        }
    }

    /// Applies QuickBooks' answer to the session's in-flight items in one transaction and returns the
    /// session's progress in percent. Items `decide` gives no outcome for become in doubt.
    public func finishBatch(
        sessionID: Int64, now: Date = Date(), decide: @Sendable ([QueueItem]) -> [Int64: ItemOutcome]
    ) throws -> Int {
        try pool.write { db in
            let inFlight = try Row.fetchAll(
                db, sql: Self.itemSelect + " WHERE queue.session_id = ? AND queue.state IN ('sent', 'checking') ORDER BY queue.id",
                arguments: [sessionID]
            ).map(QueueItem.init(row:))
            let outcomes = decide(inFlight)
            for item in inFlight {
                let outcome = outcomes[item.id] ?? .inDoubt(message: "QuickBooks' response did not mention this request")
                try Self.apply(db, outcome, to: item.id, sessionID: sessionID, now: now)
            }
            try db.execute(sql: "UPDATE sessions SET awaiting_response = 0 WHERE id = ?", arguments: [sessionID])
            var session = Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [sessionID])!)
            // What can no longer be sent fails now, so that the percentage counts only work that can still happen.
            try Self.failItemsWithFailedPrerequisites(db, userID: session.userID, sessionID: sessionID, now: now)
            session = Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [sessionID])!)
            return try Self.progress(db, session: session)
        }
    }

    /// Percent of this session's work done (created or failed, against what is left): 100 when nothing is left.
    public func progress(sessionID: Int64) throws -> Int {
        try pool.read { db in
            let session = Session(row: try Row.fetchOne(db, sql: Self.sessionSelect + " WHERE sessions.id = ?", arguments: [sessionID])!)
            return try Self.progress(db, session: session)
        }
    }

    // MARK: - Inside transactions

    static func progress(_ db: Database, session: Session) throws -> Int {
        let remaining = try remaining(db, userID: session.userID, sessionID: session.id)
        if remaining == 0 { return 100 }
        let finished = session.doneCount + session.failedCount
        return min(99, finished * 100 / (finished + remaining))
    }

    /// Work left for a session: queued items and in-doubt items it has not looked up yet.
    static func remaining(_ db: Database, userID: Int64, sessionID: Int64) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM queue WHERE user_id = ? AND (state IN ('queued', 'sent', 'checking')
                  OR (state = 'in-doubt' AND lookup_body IS NOT NULL AND (lookup_session_id IS NULL OR lookup_session_id != ?)))
                """, arguments: [userID, sessionID]) ?? 0
    }

    static func apply(_ db: Database, _ outcome: ItemOutcome, to id: Int64, sessionID: Int64, now: Date) throws {
        switch outcome {
        case .done(let txnID, let listID, let code, let severity, let message, let response):
            try db.execute(
                sql: """
                    UPDATE queue SET state = 'done', txn_id = COALESCE(?, txn_id), list_id = COALESCE(?, list_id),
                      status_code = ?, status_severity = ?, status_message = ?, response = ?, solo = 0, updated_at = ?
                    WHERE id = ?
                    """, arguments: [txnID, listID, code, severity, message, response, now, id])
            try db.execute(sql: "UPDATE sessions SET done_count = done_count + 1 WHERE id = ?", arguments: [sessionID])
        case .failed(let code, let severity, let message, let response):
            try db.execute(
                sql: """
                    UPDATE queue SET state = 'failed', status_code = ?, status_severity = ?, status_message = ?, response = ?,
                      solo = 0, updated_at = ?
                    WHERE id = ?
                    """, arguments: [code, severity, message, response, now, id])
            try db.execute(sql: "UPDATE sessions SET failed_count = failed_count + 1 WHERE id = ?", arguments: [sessionID])
        case .rejected(let message):
            try db.execute(
                sql: """
                    UPDATE queue SET state = 'failed', status_code = NULL, status_severity = 'Error', status_message = ?,
                      response = NULL, solo = 1, updated_at = ?
                    WHERE id = ?
                    """, arguments: [message, now, id])
            try db.execute(sql: "UPDATE sessions SET failed_count = failed_count + 1 WHERE id = ?", arguments: [sessionID])
        case .inDoubt(let message):
            try db.execute(
                sql: "UPDATE queue SET state = 'in-doubt', status_message = ?, updated_at = ? WHERE id = ?",
                arguments: [message, now, id])
            try db.execute(sql: "UPDATE sessions SET in_doubt_count = in_doubt_count + 1 WHERE id = ?", arguments: [sessionID])
        case .advance(let type, let body, let message):
            try db.execute(
                sql: "UPDATE queue SET state = 'queued', type = ?, body = ?, status_message = ?, updated_at = ? WHERE id = ?",
                arguments: [type, body, message, now, id])
        case .requeue(let message):
            try db.execute(
                sql: "UPDATE queue SET state = 'queued', status_message = COALESCE(?, status_message), updated_at = ? WHERE id = ?",
                arguments: [message, now, id])
        }
    }

    static let placeholderOpen = "<TxnID>{{item:"
    static let placeholderClose = "}}</TxnID>"

    /// Fills `<TxnID>{{item:ID}}</TxnID>` with the TxnID QuickBooks gave that item (a payment naming the
    /// invoice it pays). Returns nil, having failed the item, when the TxnID is unknown.
    static func fillPlaceholders(_ db: Database, _ item: QueueItem, sessionID: Int64, now: Date) throws -> QueueItem? {
        guard item.body.contains(placeholderOpen) else { return item }
        var filled = item
        while let start = filled.body.range(of: placeholderOpen) {
            let digits = filled.body[start.upperBound...].prefix { $0.isNumber }
            guard let id = Int64(digits), let end = filled.body[start.upperBound...].range(of: placeholderClose) else { break }
            // Only an item this one waits for may lend its TxnID.
            guard let txnID = try String.fetchOne(
                db, sql: """
                    SELECT q.txn_id FROM queue q JOIN prerequisites p ON p.prerequisite_id = q.id
                    WHERE p.item_id = ? AND q.id = ? AND q.state = 'done'
                    """, arguments: [item.id, id])
            else {
                try db.execute(
                    sql: "UPDATE queue SET state = 'failed', status_message = ?, updated_at = ? WHERE id = ?",
                    arguments: ["not sent: queue item \(id), which it applies to, has no TxnID from QuickBooks", now, item.id])
                try db.execute(sql: "UPDATE sessions SET failed_count = failed_count + 1 WHERE id = ?", arguments: [sessionID])
                return nil
            }
            filled.body.replaceSubrange(start.lowerBound..<end.upperBound, with: "<TxnID>" + escapeXML(txnID) + "</TxnID>")
        }
        try db.execute(sql: "UPDATE queue SET body = ? WHERE id = ?", arguments: [filled.body, item.id])
        return filled
    }

    /// Queued items waiting for a prerequisite that failed or was cancelled fail too, naming it; repeated
    /// until nothing changes, so a chain (account → item → transaction) fails all the way.
    static func failItemsWithFailedPrerequisites(_ db: Database, userID: Int64, sessionID: Int64, now: Date) throws {
        while true {
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT p.item_id, q2.label, q2.type, q2.state, q2.status_code, q2.status_message
                    FROM prerequisites p JOIN queue q1 ON q1.id = p.item_id JOIN queue q2 ON q2.id = p.prerequisite_id
                    WHERE q1.user_id = ? AND q1.state = 'queued' AND q2.state IN ('failed', 'cancelled')
                    ORDER BY p.item_id, q2.id
                    """, arguments: [userID])
            if rows.isEmpty { return }
            var reasons: [Int64: [String]] = [:]
            for row in rows {
                let label: String = row["label"] ?? row["type"]
                let state: String = row["state"]
                let why: String = state == "cancelled" ? "cancelled" : (row["status_message"] ?? "failed")
                reasons[row["item_id"], default: []].append("\(label): \(why)")
            }
            for (id, list) in reasons {
                try db.execute(
                    sql: "UPDATE queue SET state = 'failed', status_code = NULL, status_severity = NULL, status_message = ?, updated_at = ? WHERE id = ?",
                    arguments: ["not sent, because a prerequisite failed — " + list.joined(separator: "; "), now, id])
                try db.execute(sql: "UPDATE sessions SET failed_count = failed_count + 1 WHERE id = ?", arguments: [sessionID])
            }
        }
    }

    @discardableResult
    static func markInFlightInDoubt(_ db: Database, sessionID: Int64, now: Date, reason: String) throws -> Int {
        // A query changes nothing in QuickBooks: whatever became of it, it can simply be asked again.
        try db.execute(
            sql: "UPDATE queue SET state = 'queued', updated_at = ? WHERE session_id = ? AND state = 'sent' AND type LIKE '%Query'",
            arguments: [now, sessionID])
        try db.execute(
            sql: """
                UPDATE queue SET state = 'in-doubt', status_message = ?, updated_at = ?
                WHERE session_id = ? AND state IN ('sent', 'checking')
                """, arguments: [reason, now, sessionID])
        let n = db.changesCount
        if n > 0 {
            try db.execute(
                sql: "UPDATE sessions SET in_doubt_count = in_doubt_count + ?, awaiting_response = 0 WHERE id = ?",
                arguments: [n, sessionID])
        }
        return n
    }

    static func end(_ db: Database, sessionID: Int64, state: SessionState, now: Date) throws {
        let reason: String
        switch state {
        case .replaced: reason = "the Web Connector started a new session before returning QuickBooks' response"
        case .expired: reason = "the session expired before QuickBooks' response came back"
        case .closed, .active: reason = "the session closed before QuickBooks' response came back"
        }
        try markInFlightInDoubt(db, sessionID: sessionID, now: now, reason: reason)
        try db.execute(
            sql: "UPDATE sessions SET state = ?, ended_at = COALESCE(ended_at, ?), awaiting_response = 0 WHERE id = ? AND state = 'active'",
            arguments: [state.rawValue, now, sessionID])
    }

    static func expireIdleSessions(_ db: Database, now: Date, idleTimeout: TimeInterval) throws {
        let stale = try Int64.fetchAll(
            db, sql: "SELECT id FROM sessions WHERE state = 'active' AND last_seen_at < ?",
            arguments: [now.addingTimeInterval(-idleTimeout)])
        for id in stale {
            try end(db, sessionID: id, state: .expired, now: now)
        }
    }
}
