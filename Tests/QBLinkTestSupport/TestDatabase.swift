import Foundation
import Store

/// Which database the suite runs against: SQLite always; PostgreSQL too when `QBLINK_TEST_POSTGRES` names a
/// server (`postgres://user@host:port/db`, its password in `QBLINK_DB_PASSWORD` or `QBLINK_DB_PASSWORD_FILE`),
/// as `.ci/run` does in a second pass over the whole suite with a private cluster it starts.
public enum TestDatabase {
    public static var postgresServer: String? {
        ProcessInfo.processInfo.environment["QBLINK_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isPostgres: Bool { postgresServer != nil }

    /// `path` itself on SQLite; else the URL of a PostgreSQL database named after `path` (created if missing).
    public static func database(for path: String) -> String {
        guard let server = postgresServer else { return path }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        do {
            return try Store.createPostgresDatabase(serverURL: server, name: "qblink_t_\(String(hash, radix: 36))")
        } catch {
            fatalError("cannot create a test database on \(server): \(error)")
        }
    }
}
