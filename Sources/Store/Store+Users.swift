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
    public func addUser(name: String, passwordHash: String, companyFile: String, now: Date = Date()) throws -> User {
        try Self.validateUserName(name)
        return try pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) != nil {
                throw StoreError.userExists(name)
            }
            try db.execute(
                sql: "INSERT INTO users (name, password_hash, company_file, file_id, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, passwordHash, companyFile, SecureRandom.braceGUID(), now])
            return User(row: try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [db.lastInsertedRowID])!)
        }
    }

    public func user(named name: String) throws -> User? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(User.init(row:))
        }
    }

    public func users() throws -> [User] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(User.init(row:)) }
    }

    public func setPassword(name: String, passwordHash: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE name = ?", arguments: [passwordHash, name])
            if db.changesCount == 0 { throw StoreError.noSuchUser(name) }
            try db.execute(sql: "DELETE FROM auth_failures WHERE name = ?", arguments: [name])
        }
    }

    /// Removes a user with its queue and sessions.
    public func removeUser(name: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
            if db.changesCount == 0 { throw StoreError.noSuchUser(name) }
        }
    }

    /// The installation's OwnerID for .qwc files: made once, then stable.
    public func ownerID() throws -> String {
        try pool.write { db in
            if let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'owner_id'") { return id }
            let id = SecureRandom.braceGUID()
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('owner_id', ?)", arguments: [id])
            return id
        }
    }

    // MARK: - Throttling of authentication failures

    /// How long `name` must wait before its password is checked again, or nil when it need not.
    /// The first `freeFailures` failures cost nothing; each one after doubles the wait, from 30 s to 15 min.
    public func throttleDelay(name: String, now: Date = Date(), freeFailures: Int = 5) throws -> TimeInterval? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT count, last_at FROM auth_failures WHERE name = ?", arguments: [name])
            else { return nil }
            let count: Int = row["count"]
            let last: Date = row["last_at"]
            guard count >= freeFailures else { return nil }
            let wait = min(30 * pow(2, Double(count - freeFailures)), 900)
            let remaining = last.addingTimeInterval(wait).timeIntervalSince(now)
            return remaining > 0 ? remaining : nil
        }
    }

    /// Records a failed authentication for `name` (known user or not) and returns the failure count.
    @discardableResult
    public func recordAuthFailure(name: String, now: Date = Date()) throws -> Int {
        try pool.write { db in
            // Forget failures a day old, so that made-up names cannot grow the table without bound.
            try db.execute(sql: "DELETE FROM auth_failures WHERE last_at < ?", arguments: [now.addingTimeInterval(-86_400)])
            try db.execute(
                sql: """
                    INSERT INTO auth_failures (name, count, last_at) VALUES (?, 1, ?)
                    ON CONFLICT(name) DO UPDATE SET count = count + 1, last_at = excluded.last_at
                    """, arguments: [name, now])
            return try Int.fetchOne(db, sql: "SELECT count FROM auth_failures WHERE name = ?", arguments: [name]) ?? 1
        }
    }

    public func clearAuthFailures(name: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM auth_failures WHERE name = ?", arguments: [name]) }
    }
}
