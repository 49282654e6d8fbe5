import Foundation
import GRDB

extension Store {
    /// Names a Web Connector user may have: what the .qwc's UserName can carry safely.
    public static func validateUserName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 64,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) })
        else {
            throw StoreError.invalidName(
                "'\(name)' is not a valid user name: use 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
    }

    @discardableResult
    public func addUser(name: String, passwordHash: String, companyFile: String, now: Date = Date()) async throws -> User {
        try Self.validateUserName(name)
        return try await engine.write { db in
            if try Self.user(db, named: name) != nil { throw StoreError.userExists(name) }
            let user = User(
                id: nil, name: name, passwordHash: passwordHash, companyFile: companyFile, fileID: SecureRandom.braceGUID(),
                createdAt: now)
            let id = try db.insert(user)
            return try User.fetchOne(db, literal: "SELECT * FROM users WHERE id = \(id)")!  // as stored (dates to the millisecond)
        }
    }

    public func user(named name: String) async throws -> User? {
        try await engine.read { db in try Self.user(db, named: name) }
    }

    public func user(id: Int64) async throws -> User? {
        try await engine.read { db in try User.fetchOne(db, literal: "SELECT * FROM users WHERE id = \(id)") }
    }

    public func users() async throws -> [User] {
        try await engine.read { db in try User.fetchAll(db, sql: "SELECT * FROM users ORDER BY name") }
    }

    public func setPassword(name: String, passwordHash: String) async throws {
        try await engine.write { db in
            try db.execute(literal: "UPDATE users SET password_hash = \(passwordHash) WHERE name = \(name)")
            if db.changesCount == 0 { throw StoreError.noSuchUser(name) }
            try db.execute(literal: "DELETE FROM auth_failures WHERE name = \(name)")
        }
    }

    /// Removes a user with its queue and sessions.
    public func removeUser(name: String) async throws {
        try await engine.write { db in
            try db.execute(literal: "DELETE FROM users WHERE name = \(name)")
            if db.changesCount == 0 { throw StoreError.noSuchUser(name) }
        }
    }

    /// The installation's OwnerID for .qwc files: made once, then stable.
    public func ownerID() async throws -> String {
        try await engine.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'owner_id'") { return id }
            let id = SecureRandom.braceGUID()
            try db.execute(literal: "INSERT INTO meta (key, value) VALUES ('owner_id', \(id))")
            return id
        }
    }

    static func user(_ db: any StoreConnection, named name: String) throws -> User? {
        try User.fetchOne(db, cached("SELECT * FROM users WHERE name = \(name)"))
    }

    static func userID(_ db: any StoreConnection, named name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, literal: "SELECT id FROM users WHERE name = \(name)") else {
            throw StoreError.noSuchUser(name)
        }
        return id
    }
}
