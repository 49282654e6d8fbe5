import Foundation
import GRDB

/// One Web Connector session: from authenticate to closeConnection (or expiry, or replacement).
public struct Session: Sendable, Equatable, Codable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "sessions"

    public var id: Int64?
    public var ticket: String
    public var userID: Int64
    public var state: SessionState
    /// A request message is out to QuickBooks and its response has not come back.
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

    init(ticket: String, userID: Int64, now: Date) {
        self.ticket = ticket
        self.userID = userID
        self.state = .active
        self.awaitingResponse = false
        self.startedAt = now
        self.lastSeenAt = now
        self.doneCount = 0
        self.failedCount = 0
        self.inDoubtCount = 0
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// Reads the row column by column, not through `Decodable` (every session call reads its session).
    public init(row: Row) throws {
        id = row["id"]
        ticket = row["ticket"]
        userID = row["user_id"]
        state = row["state"]
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
    }

    /// Whether the session has been idle (no call) longer than `timeout` at `now`.
    func isIdle(at now: Date, timeout: TimeInterval) -> Bool {
        now.timeIntervalSince(lastSeenAt) > timeout
    }

    /// The id of a session read from the database (always set).
    public var sessionID: Int64 { id ?? 0 }
}

/// A session with its user's name and (in listings) the number of calls logged for it. Reads as the session
/// itself (`info.state`).
@dynamicMemberLookup
public struct SessionInfo: Sendable, Equatable, Decodable, FetchableRecord {
    public var session: Session
    public var userName: String
    public var calls: Int

    public subscript<T>(dynamicMember keyPath: KeyPath<Session, T>) -> T { session[keyPath: keyPath] }

    public init(row: Row) throws {
        session = try Session(row: row)
        userName = row["userName"]
        calls = row["calls"]
    }

    static let select = "SELECT sessions.*, users.name AS userName, 0 AS calls FROM sessions JOIN users ON users.id = sessions.user_id"
    static let listSelect = """
        SELECT sessions.*, users.name AS userName,
               (SELECT COUNT(*) FROM exchanges WHERE exchanges.session_id = sessions.id) AS calls
        FROM sessions JOIN users ON users.id = sessions.user_id
        """
}
