import Foundation

/// Where a seller's data lives: the Selling Partner API has one endpoint per region; Login with Amazon one for all.
public enum SPRegion: String, CaseIterable, Sendable, Codable {
    case na, eu, fe

    public var endpoint: String { "https://sellingpartnerapi-\(rawValue).amazon.com" }
    public static let tokenURL = "https://api.amazon.com/auth/o2/token"
}

/// One seller account's app credentials and where to reach Amazon.
public struct SPCredentials: Sendable {
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String
    /// The Selling Partner API base URL (the region's, or `--endpoint`).
    public var endpoint: String
    /// The LWA token URL (Amazon's, or `--token-url`).
    public var tokenURL: String

    public init(clientID: String, clientSecret: String, refreshToken: String, endpoint: String, tokenURL: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.endpoint = endpoint
        self.tokenURL = tokenURL
    }
}

/// A report as `getReports` lists it.
public struct SPReport: Sendable, Codable, Equatable {
    public var reportId: String
    public var reportType: String
    public var dataStartTime: String?
    public var dataEndTime: String?
    public var createdTime: String
    public var processingStatus: String
    public var reportDocumentId: String?
    public var marketplaceIds: [String]?

    public init(
        reportId: String, reportType: String = SPAPIClient.settlementReportType, dataStartTime: String? = nil, dataEndTime: String? = nil,
        createdTime: String, processingStatus: String = "DONE", reportDocumentId: String?, marketplaceIds: [String]? = nil
    ) {
        self.reportId = reportId
        self.reportType = reportType
        self.dataStartTime = dataStartTime
        self.dataEndTime = dataEndTime
        self.createdTime = createdTime
        self.processingStatus = processingStatus
        self.reportDocumentId = reportDocumentId
        self.marketplaceIds = marketplaceIds
    }
}

struct SPReportPage: Decodable {
    var reports: [SPReport]
    var nextToken: String?
}

struct SPDocument: Decodable {
    var reportDocumentId: String
    var url: String
    var compressionAlgorithm: String?
}

struct LWAToken: Decodable {
    var access_token: String
    var expires_in: Int?
}

/// A report document downloaded whole: its bytes once decompressed, exactly as Amazon wrote them, and the charset
/// its download named.
public struct SPDownload: Sendable {
    public var bytes: [UInt8]
    public var charset: String?
    public var compressed: Bool
}

/// Why talking to Amazon failed, and what to do about it.
public struct SPAPIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
