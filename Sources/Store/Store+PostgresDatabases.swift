import Foundation
import PostgresNIO

extension Store {
    /// Creates the database `name` on the PostgreSQL server of `serverURL` (a `postgres://` URL of any database
    /// there the user may connect to, its password from the environment as always) unless it exists, and
    /// returns the new database's URL. For test suites and provisioning scripts; `name` is letters, digits and
    /// underscores.
    public static func createPostgresDatabase(
        serverURL: String, name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        guard let location = try PostgresLocation(url: serverURL, environment: environment), var parts = URLComponents(string: serverURL) else {
            throw StoreError.cannotOpen(path: serverURL, reason: "not a postgres:// URL")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError.invalidName("'\(name)' is not a database name qblink creates: use letters, digits and '_'")
        }
        let connections = try PostgresConnections(location: location, changes: ChangeCounter(), traceStatements: nil)
        defer { connections.closeAll() }
        let connection = try connections.checkOut()
        defer { connections.checkIn(connection) }
        do {
            let exists = try Int.fetchOne(connection, literal: "SELECT 1 FROM pg_database WHERE datname = \(name)") != nil
            if !exists { try connection.simple("CREATE DATABASE \(name)") }
        } catch {
            // Two creating it at once: the loser's CREATE fails with duplicate_database (42P04); it exists now.
            if (error as? PSQLError)?.serverInfo?[.sqlState] != "42P04" {
                throw PostgresConnectionWrapper.readable(error, location: location)
            }
        }
        parts.path = "/" + name
        guard let url = parts.string else { throw StoreError.cannotOpen(path: serverURL, reason: "cannot name the database \(name) in this URL") }
        return url
    }
}
