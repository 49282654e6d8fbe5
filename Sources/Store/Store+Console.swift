import Foundation
import GRDB

/// A web console account (not a Web Connector user).
public struct ConsoleUser: Sendable, Equatable {
    public var name: String
    public var passwordHash: String
    public var createdAt: Date
}

/// A signed-in console session, found by the hash of its cookie's token.
public struct ConsoleSession: Sendable, Equatable {
    public var userName: String
    /// The token every form of the session must carry back.
    public var csrf: String
    public var expiresAt: Date
}

/// Something done from the console: who, when, what, to what.
public struct ConsoleAction: Sendable, Equatable, Codable {
    public var at: Date
    public var userName: String
    public var action: String
    public var target: String
    public var detail: String?

    public init(at: Date, userName: String, action: String, target: String, detail: String? = nil) {
        self.at = at
        self.userName = userName
        self.action = action
        self.target = target
        self.detail = detail
    }
}

extension Store {
    public func addConsoleUser(name: String, passwordHash: String, now: Date = Date()) async throws {
        try Self.validateUserName(name)
        try await engine.write { db in
            guard try Int.fetchOne(db, literal: "SELECT COUNT(*) FROM console_users WHERE name = \(name)") == 0 else {
                throw StoreError.userExists(name)
            }
            try db.execute(literal: "INSERT INTO console_users (name, password_hash, created_at) VALUES (\(name), \(passwordHash), \(now))")
        }
    }

    public func consoleUser(named name: String) async throws -> ConsoleUser? {
        try await engine.read { db in
            try Row.fetchOne(db, literal: "SELECT name, password_hash, created_at FROM console_users WHERE name = \(name)").map {
                ConsoleUser(name: $0["name"], passwordHash: $0["password_hash"], createdAt: $0["created_at"])
            }
        }
    }

    public func consoleUsers() async throws -> [ConsoleUser] {
        try await engine.read { db in
            try Row.fetchAll(db, sql: "SELECT name, password_hash, created_at FROM console_users ORDER BY name").map {
                ConsoleUser(name: $0["name"], passwordHash: $0["password_hash"], createdAt: $0["created_at"])
            }
        }
    }

    /// Removes a console account and ends its sessions.
    public func removeConsoleUser(named name: String) async throws {
        try await engine.write { db in
            try db.execute(literal: "DELETE FROM console_users WHERE name = \(name)")
            guard db.changesCount > 0 else { throw StoreError.noSuchUser(name) }
            try db.execute(literal: "DELETE FROM console_sessions WHERE user_name = \(name)")
        }
    }

    public func startConsoleSession(tokenHash: String, userName: String, csrf: String, now: Date, expires: Date) async throws {
        try await engine.write { db in
            try db.execute(literal: "DELETE FROM console_sessions WHERE expires_at < \(now)")
            try db.execute(literal: """
                INSERT INTO console_sessions (token_hash, user_name, csrf, created_at, expires_at)
                VALUES (\(tokenHash), \(userName), \(csrf), \(now), \(expires))
                """)
        }
    }

    /// The session a cookie's token hash names, while it has not expired and its account exists.
    public func consoleSession(tokenHash: String, now: Date = Date()) async throws -> ConsoleSession? {
        try await engine.read { db in
            try Row.fetchOne(db, literal: """
                SELECT s.user_name, s.csrf, s.expires_at FROM console_sessions s JOIN console_users u ON u.name = s.user_name
                WHERE s.token_hash = \(tokenHash) AND s.expires_at > \(now)
                """).map { ConsoleSession(userName: $0["user_name"], csrf: $0["csrf"], expiresAt: $0["expires_at"]) }
        }
    }

    public func endConsoleSession(tokenHash: String) async throws {
        try await engine.write { db in try db.execute(literal: "DELETE FROM console_sessions WHERE token_hash = \(tokenHash)") }
    }

    public func recordConsoleAction(_ action: ConsoleAction) async throws {
        try await engine.write { db in
            try db.execute(literal: """
                INSERT INTO console_actions (at, user_name, action, target, detail)
                VALUES (\(action.at), \(action.userName), \(action.action), \(action.target), \(action.detail))
                """)
        }
    }

    public func consoleActions(limit: Int = 100) async throws -> [ConsoleAction] {
        try await engine.read { db in
            try Row.fetchAll(db, literal: "SELECT * FROM console_actions ORDER BY id DESC LIMIT \(limit)").map {
                ConsoleAction(at: $0["at"], userName: $0["user_name"], action: $0["action"], target: $0["target"], detail: $0["detail"])
            }
        }
    }
}
