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

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["at"] = at
        container["method"] = method
        container["ticket"] = ticket
        container["user_name"] = userName
        container["session_id"] = sessionID
        container["duration_ms"] = durationMS
        container["http_status"] = httpStatus
        container["request_body"] = requestBody
        container["response_body"] = responseBody
    }

    /// Inserts the record through one cached statement, column by column rather than through `Encodable`
    /// (every call is logged).
    mutating func insertFast(_ db: any StoreConnection) throws {
        id = try db.insertReturningID(SQL(sql: Self.insertSQL, arguments: [
            at, method, ticket, userName, sessionID, durationMS, httpStatus, requestBody, responseBody,
        ]))
    }

    static let insertSQL = """
        INSERT INTO exchanges (at, method, ticket, user_name, session_id, duration_ms, http_status, request_body, response_body)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
}
