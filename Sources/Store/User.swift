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

    init(id: Int64?, name: String, passwordHash: String, companyFile: String, fileID: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.companyFile = companyFile
        self.fileID = fileID
        self.createdAt = createdAt
    }

    /// Reads the row column by column, not through `Decodable` (every authenticate reads its user).
    public init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        passwordHash = row["password_hash"]
        companyFile = row["company_file"]
        fileID = row["file_id"]
        createdAt = row["created_at"]
    }

    /// The id of a user read from the database (always set).
    public var userID: Int64 { id ?? 0 }
}
