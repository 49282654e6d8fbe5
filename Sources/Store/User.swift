import Foundation
import GRDB

/// A Web Connector user: one company file, one password.
public struct User: Sendable, Equatable, Codable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "users"

    public var id: Int64?
    public var name: String
    public var passwordHash: String
    public var companyFile: String
    /// The .qwc's FileID, which the Web Connector stores in the company file.
    public var fileID: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The id of a user read from the database (always set).
    public var userID: Int64 { id ?? 0 }
}
