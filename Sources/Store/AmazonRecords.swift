import Foundation
import GRDB

/// A connected Amazon seller account. `clientSecret` and `refreshToken` are secrets: never printed, never logged.
public struct AmazonAccount: Sendable, Equatable {
    public var id: Int64?
    public var name: String
    public var region: String
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    public var endpoint: String
    public var tokenURL: String
    public var createdAt: Date

    public init(
        name: String, region: String, clientID: String, clientSecret: String, refreshToken: String, endpoint: String, tokenURL: String,
        createdAt: Date = Date()
    ) {
        self.name = name
        self.region = region
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.endpoint = endpoint
        self.tokenURL = tokenURL
        self.createdAt = createdAt
    }

    init(row: Row) {
        id = row["id"]
        name = row["name"]
        region = row["region"]
        clientID = row["client_id"]
        clientSecret = row["client_secret"]
        refreshToken = row["refresh_token"]
        endpoint = row["endpoint"]
        tokenURL = row["token_url"]
        createdAt = row["created_at"]
    }
}

/// What became of a fetched settlement report.
public enum FetchedState: String, Sendable, Codable, CaseIterable {
    /// Kept, not yet looked at by a scheduled run (a manual fetch leaves it here).
    case fetched
    /// Not enqueued, for the reason given: it does not reconcile, has unmapped amounts, or cannot be read.
    case held
    /// Enqueued (by the scheduled run, or by `settlement enqueue SETTLEMENT-ID`).
    case enqueued
}

/// A settlement report fetched from Amazon, kept as it came.
public struct FetchedReport: Sendable, Equatable {
    public var id: Int64?
    public var account: String
    public var reportID: String
    public var documentID: String
    public var settlementID: String
    public var periodStart: String?
    public var periodEnd: String?
    public var marketplace: String?
    /// The payout (total-amount) and its currency, when the report could be read.
    public var totalCents: Int?
    public var currency: String?
    public var createdTime: String?
    public var fetchedAt: Date
    public var charset: String?
    public var compressed: Bool
    /// The report's bytes once decompressed, as Amazon wrote them (nil when listed without them).
    public var bytes: [UInt8]?
    public var state: FetchedState
    public var reason: String?
    public var decidedAt: Date?
    /// The qblink user it was held or enqueued for.
    public var userName: String?

    public init(
        account: String, reportID: String, documentID: String, settlementID: String, periodStart: String?, periodEnd: String?,
        marketplace: String?, totalCents: Int?, currency: String?, createdTime: String?, fetchedAt: Date, charset: String?, compressed: Bool,
        bytes: [UInt8]
    ) {
        self.totalCents = totalCents
        self.currency = currency
        self.account = account
        self.reportID = reportID
        self.documentID = documentID
        self.settlementID = settlementID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.marketplace = marketplace
        self.createdTime = createdTime
        self.fetchedAt = fetchedAt
        self.charset = charset
        self.compressed = compressed
        self.bytes = bytes
        self.state = .fetched
    }

    init(row: Row) {
        id = row["id"]
        account = row["account"]
        reportID = row["report_id"]
        documentID = row["document_id"]
        settlementID = row["settlement_id"]
        periodStart = row["period_start"]
        periodEnd = row["period_end"]
        marketplace = row["marketplace"]
        totalCents = row["total_cents"]
        currency = row["currency"]
        createdTime = row["created_time"]
        fetchedAt = row["fetched_at"]
        charset = row["charset"]
        compressed = row["compressed"]
        bytes = row.hasColumn("bytes") ? (row["bytes"] as Data?).map { Array($0) } : nil
        state = FetchedState(rawValue: row["state"]) ?? .fetched
        reason = row["reason"]
        decidedAt = row["decided_at"]
        userName = row["user_name"]
    }
}
