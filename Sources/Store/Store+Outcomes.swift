import Foundation
import GRDB

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

extension Store {
    /// Applies QuickBooks' answer to the session's in-flight items in one transaction and returns the
    /// session's progress in percent. Items `decide` gives no outcome for become in doubt. The same transaction
    /// checks the session is still active (else `StoreError.sessionOver`), touches it and, when given, sets its
    /// last error.
    public func finishBatch(
        sessionID: Int64, now: Date = Date(), lastError: String? = nil, decide: @escaping @Sendable ([QueueItem]) -> [Int64: ItemOutcome]
    ) async throws -> Int {
        try await engine.write { db in
            let session = try Self.touchActive(db, sessionID: sessionID, now: now)
            return try Self.finish(db, sessionID: sessionID, userID: session.userID, now: now, lastError: lastError, decide: decide)
        }
    }

    /// `finishBatch` for a ticket, the session found in the same transaction (one round trip per call).
    /// - Parameter claimedAmong: TxnIDs lookups found; `decide` is told which of them other items of the user
    ///   already hold (the same RefNumber queued twice).
    public func finishBatch(
        ticket: String, now: Date = Date(), idleTimeout: TimeInterval, lastError: String? = nil, claimedAmong found: [String] = [],
        decide: @escaping @Sendable ([QueueItem], Set<String>) -> [Int64: ItemOutcome]
    ) async throws -> SessionCall<Int> {
        try await onSession(ticket: ticket, now: now, idleTimeout: idleTimeout) { db, info in
            let claimed = found.isEmpty ? [] : try Self.claimedTxnIDs(db, userID: info.session.userID, among: found)
            return try Self.finish(db, sessionID: info.session.sessionID, userID: info.session.userID, now: now, lastError: lastError) {
                decide($0, claimed)
            }
        }
    }

    static func finish(
        _ db: any StoreConnection, sessionID: Int64, userID: Int64, now: Date, lastError: String?, decide: ([QueueItem]) -> [Int64: ItemOutcome]
    ) throws -> Int {
        if let lastError { try db.run("UPDATE sessions SET last_error = \(lastError) WHERE id = \(sessionID)") }
        let inFlight = try QueueItem.fetchAll(db, cached("""
            SELECT * FROM queue WHERE session_id = \(sessionID) AND state IN \(ItemState.inFlight) ORDER BY id
            """))
        let outcomes = decide(inFlight)
        var counted: [ItemState: Int] = [:]
        for item in inFlight {
            let outcome = outcomes[item.id!] ?? .inDoubt(message: "QuickBooks' response did not mention this request")
            if let state = try Self.apply(db, outcome, to: item.id!, now: now) { counted[state, default: 0] += 1 }
        }
        // The session's counters, once per state rather than once per item.
        for (state, n) in counted.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { try count(db, state, sessionID: sessionID, by: n) }
        try db.run("UPDATE sessions SET awaiting_response = 0 WHERE id = \(sessionID)")
        // What can no longer be sent fails now, so that the percentage counts only work that can still happen.
        try Self.failItemsWithFailedPrerequisites(db, userID: userID, sessionID: sessionID, now: now)
        return try Self.progress(db, session: try Self.session(db, id: sessionID))
    }

    /// Percent of this session's work done (created or failed, against what is left): 100 when nothing is left.
    public func progress(sessionID: Int64) async throws -> Int {
        try await engine.read { db in try Self.progress(db, session: try Self.session(db, id: sessionID)) }
    }

    static func progress(_ db: any StoreConnection, session: Session) throws -> Int {
        let remaining = try remaining(db, userID: session.userID, sessionID: session.sessionID)
        if remaining == 0 { return 100 }
        let finished = session.doneCount + session.failedCount
        return min(99, finished * 100 / (finished + remaining))
    }

    /// Records one item's outcome; returns the state the session counts it under (done, failed, in doubt), if any.
    static func apply(_ db: any StoreConnection, _ outcome: ItemOutcome, to id: Int64, now: Date) throws -> ItemState? {
        switch outcome {
        case .done(let txnID, let listID, let code, let severity, let message, let response):
            try db.run("""
                UPDATE queue SET state = \(ItemState.done), txn_id = COALESCE(\(txnID), txn_id), list_id = COALESCE(\(listID), list_id),
                  status_code = \(code), status_severity = \(severity), status_message = \(message), response = \(response),
                  solo = 0, updated_at = \(now)
                WHERE id = \(id)
                """)
            return .done
        case .failed(let code, let severity, let message, let response):
            try db.run("""
                UPDATE queue SET state = \(ItemState.failed), status_code = \(code), status_severity = \(severity),
                  status_message = \(message), response = \(response), solo = 0, updated_at = \(now)
                WHERE id = \(id)
                """)
            return .failed
        case .rejected(let message):
            try db.run("""
                UPDATE queue SET state = \(ItemState.failed), status_code = NULL, status_severity = 'Error', status_message = \(message),
                  response = NULL, solo = 1, updated_at = \(now)
                WHERE id = \(id)
                """)
            return .failed
        case .inDoubt(let message):
            try db.run("""
                UPDATE queue SET state = \(ItemState.inDoubt), status_message = \(message), updated_at = \(now) WHERE id = \(id)
                """)
            return .inDoubt
        case .advance(let type, let body, let message):
            try db.run("""
                UPDATE queue SET state = \(ItemState.queued), type = \(type), body = \(body), status_message = \(message),
                  updated_at = \(now)
                WHERE id = \(id)
                """)
            return nil
        case .requeue(let message):
            // Withdrawn by an undo: QuickBooks does not have it, and it is not sent again.
            try db.run("""
                UPDATE queue SET state = CASE withdrawn WHEN 1 THEN \(ItemState.cancelled) ELSE \(ItemState.queued) END,
                  status_message = CASE withdrawn WHEN 1 THEN 'not in QuickBooks, and withdrawn by the undo of its settlement'
                                   ELSE COALESCE(\(message), status_message) END,
                  updated_at = \(now)
                WHERE id = \(id)
                """)
            return nil
        }
    }
}
