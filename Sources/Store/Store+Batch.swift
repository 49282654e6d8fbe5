import Foundation
import GRDB
import QBModel

/// The requests one sendRequestXML carries.
public struct Batch: Sendable {
    /// In-doubt items whose lookup query goes out now (nothing else is sent while there are any).
    public var lookups: [QueueItem]
    /// Items sent now, with the bodies that go out.
    public var items: [QueueItem]
    /// Items that could not be sent (too new a qbXML, a TxnID that never came), now failed with the reason.
    public var refused: [QueueItem]
    /// Items that were awaiting a response when this call came, now in doubt.
    public var lostResponses: Int
    /// When nothing goes: the user's items still queued (waiting for something in doubt).
    public var waiting = 0

    public var isEmpty: Bool { lookups.isEmpty && items.isEmpty }
}

/// How a sendRequestXML found by ticket goes out: the host to record (the session's first call) and how each
/// item is prepared.
public struct BatchPlan: Sendable {
    public var host: SessionHost?
    public var prepare: @Sendable (QueueItem, [Prerequisite]) -> Preparation

    public init(host: SessionHost?, prepare: @escaping @Sendable (QueueItem, [Prerequisite]) -> Preparation) {
        self.host = host
        self.prepare = prepare
    }
}

/// What QuickBooks told about itself on a session's first sendRequestXML.
public struct SessionHost: Sendable, Equatable {
    public var companyFile: String?
    public var qbxmlVersion: String
    public var country: String?
    public var productName: String?

    public init(companyFile: String?, qbxmlVersion: String, country: String?, productName: String?) {
        self.companyFile = companyFile
        self.qbxmlVersion = qbxmlVersion
        self.country = country
        self.productName = productName
    }
}

/// What goes out for an item about to be sent.
public enum Preparation: Sendable, Equatable {
    /// Send this body (the item's own, or with its TxnID placeholders filled), and look it up, should its
    /// response be lost, with `lookupBody` (when given: filled the same way).
    case send(String, lookupBody: String? = nil)
    /// Do not send it: it fails with this reason.
    case refuse(String)
}

/// An item another waits for, as the one waiting needs it when it is sent.
public struct Prerequisite: Sendable, Equatable, Decodable, SnakeCaseRecord {
    /// The item that waits.
    public var itemID: Int64
    /// The item it waits for.
    public var id: Int64
    public var planKey: PlanKey?
    public var txnID: String?
    public var label: String?
}

extension Store {
    /// Picks the requests for one sendRequestXML and marks them sent, in one transaction that also checks the
    /// session is still active (else `StoreError.sessionOver`) and touches it.
    /// - Parameters:
    ///   - host: what QuickBooks told about itself, recorded on the session (the first call of a session).
    ///   - prepare: decides, for each item about to go, the body sent (filling TxnID placeholders from its
    ///     prerequisites) or why it cannot go. It runs inside the transaction and must be quick.
    ///   - whenEmpty: the session's last error when nothing goes (getLastError tells it next).
    public func startBatch(
        sessionID: Int64, now: Date = Date(), host: SessionHost? = nil, limit: Int, maxBytes: Int,
        whenEmpty: @escaping @Sendable (Batch) -> String = { _ in "No request left to send." },
        prepare: @escaping @Sendable (QueueItem, [Prerequisite]) -> Preparation
    ) async throws -> Batch {
        try await engine.write { db in
            let session = try Self.touchActive(db, sessionID: sessionID, now: now)
            return try Self.batch(db, session, now: now, host: host, limit: limit, maxBytes: maxBytes, whenEmpty: whenEmpty, prepare: prepare)
        }
    }

    /// `startBatch` for a ticket, the session found in the same transaction (one round trip per call).
    /// - Parameter plan: from the session, what goes out and how (nil: nothing can; `unprepared` becomes the
    ///   session's last error).
    public func startBatch(
        ticket: String, now: Date = Date(), idleTimeout: TimeInterval, limit: Int, maxBytes: Int, unprepared: String,
        whenEmpty: @escaping @Sendable (Batch) -> String, plan: @escaping @Sendable (Session) -> BatchPlan?
    ) async throws -> SessionCall<Batch> {
        try await onSession(ticket: ticket, now: now, idleTimeout: idleTimeout) { db, info in
            guard let plan = plan(info.session) else {
                try db.run("UPDATE sessions SET last_error = \(unprepared) WHERE id = \(info.session.sessionID)")
                return Batch(lookups: [], items: [], refused: [], lostResponses: 0)
            }
            return try Self.batch(
                db, info.session, now: now, host: plan.host, limit: limit, maxBytes: maxBytes, whenEmpty: whenEmpty, prepare: plan.prepare)
        }
    }

    static func batch(
        _ db: any StoreConnection, _ session: Session, now: Date, host: SessionHost?, limit: Int, maxBytes: Int,
        whenEmpty: (Batch) -> String, prepare: (QueueItem, [Prerequisite]) -> Preparation
    ) throws -> Batch {
        let sessionID = session.sessionID
        var batch = Batch(lookups: [], items: [], refused: [], lostResponses: 0)
        if let host {
            try db.run("""
                UPDATE sessions SET company_file = \(host.companyFile), qbxml_version = \(host.qbxmlVersion),
                  country = \(host.country), product_name = \(host.productName)
                WHERE id = \(sessionID)
                """)
        }
        if session.awaitingResponse {
            batch.lostResponses = try Self.markInFlightInDoubt(
                db, sessionID: sessionID, now: now,
                reason: "the Web Connector asked for more work before returning QuickBooks' response to this request")
        }
        batch.lookups = try Self.startLookups(db, session: session, limit: limit, now: now)
        // Refused items fail at once (and so may what waits for them): choose again until something goes.
        while batch.lookups.isEmpty && batch.items.isEmpty {
            try Self.failItemsWithFailedPrerequisites(db, userID: session.userID, sessionID: sessionID, now: now)
            let chosen = try Self.chooseReady(db, userID: session.userID, limit: limit, maxBytes: maxBytes)
            if chosen.isEmpty { break }
            let prerequisites = try Self.prerequisites(db, of: chosen.compactMap(\.id))
            var sent: [QueueItem] = []
            for item in chosen {
                switch prepare(item, prerequisites[item.id!] ?? []) {
                case .send(let body, let lookupBody):
                    sent.append(try Self.prepareSent(db, item, body: body, lookupBody: lookupBody, sessionID: sessionID, now: now))
                case .refuse(let reason): batch.refused.append(try Self.refuse(db, item, reason: reason, sessionID: sessionID, now: now))
                }
            }
            try Self.markSent(db, sent, sessionID: sessionID, now: now)
            batch.items += sent
        }
        if batch.isEmpty {
            batch.waiting = try Int.fetchOne(db, cached("""
                SELECT COUNT(*) FROM queue WHERE user_id = \(session.userID) AND state = \(ItemState.queued)
                """)) ?? 0
            try db.run("UPDATE sessions SET awaiting_response = 0, last_error = \(whenEmpty(batch)) WHERE id = \(sessionID)")
        } else {
            try db.run("UPDATE sessions SET awaiting_response = 1 WHERE id = \(sessionID)")
        }
        return batch
    }

    /// The item as it goes out; its body and lookup body are kept when they changed (filled TxnIDs).
    static func prepareSent(_ db: any StoreConnection, _ item: QueueItem, body: String, lookupBody: String?, sessionID: Int64, now: Date) throws -> QueueItem {
        var item = item
        if body != item.body {
            // What goes out is what is kept: a lookup or a retry sees the filled TxnIDs.
            try db.run("UPDATE queue SET body = \(body) WHERE id = \(item.id!)")
            item.body = body
        }
        if let lookupBody, lookupBody != item.lookupBody {
            try db.run("UPDATE queue SET lookup_body = \(lookupBody) WHERE id = \(item.id!)")
            item.lookupBody = lookupBody
        }
        item.state = .sent
        item.sessionID = sessionID
        item.sentAt = now
        item.attempts += 1
        item.updatedAt = now
        return item
    }

    /// Marks the items sent, in one statement.
    static func markSent(_ db: any StoreConnection, _ items: [QueueItem], sessionID: Int64, now: Date) throws {
        guard !items.isEmpty else { return }
        try db.execute(literal: """
            UPDATE queue SET state = \(ItemState.sent), session_id = \(sessionID), sent_at = \(now),
              attempts = attempts + 1, updated_at = \(now)
            WHERE id IN \(items.map { $0.id! })
            """)
    }

    static func refuse(_ db: any StoreConnection, _ item: QueueItem, reason: String, sessionID: Int64, now: Date) throws -> QueueItem {
        var item = item
        item.state = .failed
        item.statusMessage = reason
        item.updatedAt = now
        try db.run("""
            UPDATE queue SET state = \(ItemState.failed), status_message = \(reason), updated_at = \(now) WHERE id = \(item.id!)
            """)
        try count(db, .failed, sessionID: sessionID)
        return item
    }

    /// In-doubt items this session has not looked up yet, now `checking`.
    static func startLookups(_ db: any StoreConnection, session: Session, limit: Int, now: Date) throws -> [QueueItem] {
        let sessionID = session.sessionID
        let lookups = try QueueItem.fetchAll(db, cached("""
            SELECT * FROM queue
            WHERE user_id = \(session.userID) AND state = \(ItemState.inDoubt) AND lookup_body IS NOT NULL
              AND (lookup_session_id IS NULL OR lookup_session_id != \(sessionID))
            ORDER BY id LIMIT \(limit)
            """))
        for item in lookups {
            try db.run("""
                UPDATE queue SET state = \(ItemState.checking), session_id = \(sessionID), lookup_session_id = \(sessionID),
                  updated_at = \(now)
                WHERE id = \(item.id!)
                """)
        }
        return lookups
    }

    /// Queued items whose prerequisites are all done, oldest first, up to `limit` items and `maxBytes` of
    /// qbXML (a single larger item still goes, alone); an item that must travel alone goes alone.
    static func chooseReady(_ db: any StoreConnection, userID: Int64, limit: Int, maxBytes: Int) throws -> [QueueItem] {
        // At most `limit` go, so no more than that are read.
        let candidates = try QueueItem.fetchAll(db, cached("""
            SELECT * FROM queue
            WHERE user_id = \(userID) AND state = \(ItemState.queued)
              AND NOT EXISTS (SELECT 1 FROM prerequisites p JOIN queue q2 ON q2.id = p.prerequisite_id
                              WHERE p.item_id = queue.id AND q2.state != \(ItemState.done)
                                AND NOT (q2.undoes IS NOT NULL AND q2.state = \(ItemState.cancelled)))
            ORDER BY id LIMIT \(limit)
            """))
        var chosen: [QueueItem] = []
        var bytes = 0
        for item in candidates {
            if item.solo && !chosen.isEmpty { break }
            if !chosen.isEmpty && (chosen.count >= limit || bytes + item.body.utf8.count > maxBytes) { break }
            chosen.append(item)
            bytes += item.body.utf8.count
            if item.solo { break }
        }
        return chosen
    }

    static func count(_ db: any StoreConnection, _ state: ItemState, sessionID: Int64, by n: Int = 1) throws {
        switch state {
        case .done: try db.run("UPDATE sessions SET done_count = done_count + \(n) WHERE id = \(sessionID)")
        case .failed: try db.run("UPDATE sessions SET failed_count = failed_count + \(n) WHERE id = \(sessionID)")
        case .inDoubt: try db.run("UPDATE sessions SET in_doubt_count = in_doubt_count + \(n) WHERE id = \(sessionID)")
        case .queued, .sent, .checking, .cancelled: break
        }
    }
}
