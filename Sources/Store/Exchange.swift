import Foundation
import GRDB

/// One logged SOAP call, with its request (passwords masked) and the answer.
public struct Exchange: Sendable, Equatable, Codable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "exchanges"

    public var id: Int64?
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
        at: Date, method: String, ticket: String?, userName: String?, sessionID: Int64?, durationMS: Double, httpStatus: Int,
        requestBody: String, responseBody: String
    ) {
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

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
