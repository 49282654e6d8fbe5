import Foundation
import GRDB

/// Where a queue item is in its life.
public enum ItemState: String, Sendable, CaseIterable, Codable {
    /// Waiting to be sent.
    case queued
    /// Sent to QuickBooks; its response has not come back yet.
    case sent
    /// In doubt, and its lookup query is out to QuickBooks now.
    case checking
    /// Created (or answered) by QuickBooks.
    case done
    /// Refused by QuickBooks (or by qblink before sending); parked, never re-sent on its own.
    case failed
    /// Sent, but its response never came: resolved by asking QuickBooks, never by a blind resend.
    case inDoubt = "in-doubt"
    /// Cancelled by the operator.
    case cancelled
}

public struct User: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var passwordHash: String
    public var companyFile: String
    public var fileID: String
    public var createdAt: Date

    init(row: Row) {
        id = row["id"]
        name = row["name"]
        passwordHash = row["password_hash"]
        companyFile = row["company_file"]
        fileID = row["file_id"]
        createdAt = row["created_at"]
    }
}

public struct QueueItem: Sendable, Equatable, Codable {
    public var id: Int64
    public var userID: Int64
    public var userName: String
    public var type: String
    public var body: String
    public var refNumber: String?
    public var lookupBody: String?
    public var minVersion: String?
    public var source: String?
    public var state: ItemState
    public var solo: Bool
    public var attempts: Int
    public var sessionID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var txnID: String?
    public var listID: String?
    public var statusCode: Int?
    public var statusSeverity: String?
    public var statusMessage: String?
    public var response: String?
    /// For list lookups ("ensure" items): the Add sent when the lookup finds nothing.
    public var addBody: String?
    /// For list lookups: "Customer:amazon summary".
    public var ensureKey: String?
    /// For list lookups: `create` or `fail` when QuickBooks lacks it.
    public var ensurePolicy: String?
    /// A human name for the item, e.g. "customer 'Amazon Summary'".
    public var label: String?
    /// The settlement it belongs to (row id in `settlements`).
    public var settlementRow: Int64?

    init(row: Row) {
        id = row["id"]
        userID = row["user_id"]
        userName = row["user_name"] ?? ""
        type = row["type"]
        body = row["body"]
        refNumber = row["ref_number"]
        lookupBody = row["lookup_body"]
        minVersion = row["min_version"]
        source = row["source"]
        state = ItemState(rawValue: row["state"]) ?? .failed
        solo = row["solo"]
        attempts = row["attempts"]
        sessionID = row["session_id"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        sentAt = row["sent_at"]
        txnID = row["txn_id"]
        listID = row["list_id"]
        statusCode = row["status_code"]
        statusSeverity = row["status_severity"]
        statusMessage = row["status_message"]
        response = row["response"]
        addBody = row["add_body"]
        ensureKey = row["ensure_key"]
        ensurePolicy = row["ensure_policy"]
        label = row["label"]
        settlementRow = row["settlement_row"]
    }

    /// A list lookup still in its query phase.
    public var isLookupPhase: Bool { ensureKey != nil && type.hasSuffix("Query") }
}

public enum SessionState: String, Sendable, Codable {
    case active
    case closed
    /// Idle longer than the timeout.
    case expired
    /// A newer authenticate for the same user arrived.
    case replaced
}

public struct Session: Sendable, Equatable, Codable {
    public var id: Int64
    public var ticket: String
    public var userID: Int64
    public var userName: String
    public var state: SessionState
    public var awaitingResponse: Bool
    public var startedAt: Date
    public var lastSeenAt: Date
    public var endedAt: Date?
    public var companyFile: String?
    public var qbxmlVersion: String?
    public var country: String?
    public var productName: String?
    public var doneCount: Int
    public var failedCount: Int
    public var inDoubtCount: Int
    public var lastError: String?
    /// Number of logged SOAP calls (filled by listings only).
    public var calls: Int

    init(row: Row) {
        id = row["id"]
        ticket = row["ticket"]
        userID = row["user_id"]
        userName = row["user_name"] ?? ""
        state = SessionState(rawValue: row["state"]) ?? .closed
        awaitingResponse = row["awaiting_response"]
        startedAt = row["started_at"]
        lastSeenAt = row["last_seen_at"]
        endedAt = row["ended_at"]
        companyFile = row["company_file"]
        qbxmlVersion = row["qbxml_version"]
        country = row["country"]
        productName = row["product_name"]
        doneCount = row["done_count"]
        failedCount = row["failed_count"]
        inDoubtCount = row["in_doubt_count"]
        lastError = row["last_error"]
        calls = row["calls"] ?? 0
    }
}

public struct Exchange: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    public var method: String
    public var ticket: String?
    public var userName: String?
    public var sessionID: Int64?
    public var durationMS: Double
    public var httpStatus: Int
    public var requestBody: String
    public var responseBody: String

    public init(
        id: Int64 = 0, at: Date, method: String, ticket: String?, userName: String?, sessionID: Int64?,
        durationMS: Double, httpStatus: Int, requestBody: String, responseBody: String
    ) {
        self.id = id
        self.at = at
        self.method = method
        self.ticket = ticket
        self.userName = userName
        self.sessionID = sessionID
        self.durationMS = durationMS
        self.httpStatus = httpStatus
        self.requestBody = requestBody
        self.responseBody = responseBody
    }

    init(row: Row) {
        self.init(
            id: row["id"], at: row["at"], method: row["method"], ticket: row["ticket"], userName: row["user_name"],
            sessionID: row["session_id"], durationMS: row["duration_ms"], httpStatus: row["http_status"],
            requestBody: row["request_body"], responseBody: row["response_body"])
    }
}

/// One request to put in the queue.
public struct NewItem: Sendable, Equatable {
    public var type: String
    public var body: String
    public var refNumber: String?
    /// The query that finds what this request creates, if it can be looked up (see `InDoubtLookup`).
    public var lookupBody: String?
    public var minVersion: String?
    public var source: String?

    public init(type: String, body: String, refNumber: String? = nil, lookupBody: String? = nil, minVersion: String? = nil, source: String? = nil) {
        self.type = type
        self.body = body
        self.refNumber = refNumber
        self.lookupBody = lookupBody
        self.minVersion = minVersion
        self.source = source
    }
}
