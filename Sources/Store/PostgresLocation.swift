import Foundation

/// Where a PostgreSQL database is: `postgres://user@host[:port]/dbname[?sslmode=disable|require&pool=N]`.
/// The password is never in the URL (a command line is visible to every user of the machine): it comes from
/// `QBLINK_DB_PASSWORD`, else from the file `QBLINK_DB_PASSWORD_FILE` names, else there is none (trust or peer
/// authentication on a private cluster).
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var password: String?
    /// `require`: TLS or nothing, the server's certificate checked against the system's roots; `disable`
    /// (the default, for a database on loopback or a private network): plain TCP.
    public var requireTLS: Bool
    /// Connections (and threads waiting on them) this process keeps open.
    public var poolSize: Int

    /// nil when `url` is not a PostgreSQL URL (it is then a SQLite file's path).
    public init?(url: String, environment: [String: String]) throws {
        guard Store.isPostgresURL(url) else { return nil }
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else {
            throw StoreError.cannotOpen(path: url, reason: "not a PostgreSQL URL: write postgres://user@host[:port]/dbname")
        }
        guard parts.password == nil else {
            throw StoreError.cannotOpen(
                path: Self.redacted(url),
                reason: "the URL holds a password; put it in QBLINK_DB_PASSWORD or in a file named by QBLINK_DB_PASSWORD_FILE, never in the URL or on the command line")
        }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard let user = parts.user, !user.isEmpty, !database.isEmpty else {
            throw StoreError.cannotOpen(path: url, reason: "the URL needs a user and a database name: postgres://user@host[:port]/dbname")
        }
        self.host = host
        self.port = parts.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.database = database.removingPercentEncoding ?? database
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        for key in query.keys where !["sslmode", "pool"].contains(key) {
            throw StoreError.cannotOpen(path: url, reason: "unknown URL parameter '\(key)' (known: sslmode, pool)")
        }
        switch query["sslmode"] ?? "disable" {
        case "disable": requireTLS = false
        case "require", "verify-full": requireTLS = true
        case let other: throw StoreError.cannotOpen(path: url, reason: "sslmode '\(other)' is not one of disable, require")
        }
        guard let pool = Int(query["pool"] ?? "8"), (1...64).contains(pool) else {
            throw StoreError.cannotOpen(path: url, reason: "pool must be a number of connections between 1 and 64")
        }
        poolSize = pool
        password = try Self.password(environment: environment, url: url)
    }

    private static func password(environment: [String: String], url: String) throws -> String? {
        if let password = environment["QBLINK_DB_PASSWORD"], !password.isEmpty { return password }
        guard let file = environment["QBLINK_DB_PASSWORD_FILE"], !file.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw StoreError.cannotOpen(path: url, reason: "cannot read the password file \(file) (QBLINK_DB_PASSWORD_FILE)")
        }
        return String(text.trimmingCharacters(in: .newlines))
    }

    /// `url` with any password replaced by `***`, for messages.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? "postgres://***"
    }
}
