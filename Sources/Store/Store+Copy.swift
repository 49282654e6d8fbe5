import Foundation
import GRDB

/// One table's rows in the source and in the copy.
public struct TableCount: Sendable, Equatable, Codable {
    public var table: String
    public var source: Int
    public var copied: Int
}

extension Store {
    /// Every table, parents before the tables that refer to them.
    static let tablesInCopyOrder = [
        "meta", "users", "auth_failures", "sessions", "settlements", "queue", "prerequisites", "exchanges", "log_totals",
        "amazon_accounts", "fetched_reports", "console_users", "console_sessions", "console_actions",
    ]

    /// Copies this SQLite database whole — users, queue, sessions, settlements, the exchange log, Amazon
    /// accounts and fetched reports, the console's users, sessions and actions — into `target`, a PostgreSQL
    /// database that has none of them, in one transaction there (all or nothing) from one snapshot here, ids
    /// kept; then counts every table on both sides. `progress` is told the table being copied and the rows
    /// copied so far.
    public func copy(to target: Store, progress: (@Sendable (_ table: String, _ rows: Int) -> Void)? = nil) async throws -> [TableCount] {
        guard let sqlite else { throw StoreError.database("qblink migrate copies from a SQLite database; \(path) is PostgreSQL") }
        guard target.isPostgres else { throw StoreError.database("qblink migrate copies into PostgreSQL (--to postgres://user@host/dbname)") }
        let tables = Self.tablesInCopyOrder
        let counts = try await target.engine.write { pg -> [TableCount] in
            let held = try tables.filter { $0 != "log_totals" && $0 != "meta" }.compactMap { table -> String? in
                let n = try Int.fetchOne(pg, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                return n > 0 ? "\(n) rows in \(table)" : nil
            }
            guard held.isEmpty else {
                throw StoreError.database("the target database is not empty (\(held.joined(separator: ", "))); qblink migrate copies into an empty one")
            }
            try pg.execute(sql: "DELETE FROM log_totals")
            try pg.execute(sql: "DELETE FROM meta")
            return try sqlite.read { db in
                try tables.map { table in
                    let copied = try Self.copyRows(of: table, from: db, to: pg, progress: progress)
                    try Self.restartIdentity(of: table, in: pg)
                    return TableCount(table: table, source: copied, copied: 0)
                }
            }
        }
        // Counted again, apart from the copy, on both sides.
        let copied = try await target.engine.read { pg in
            try tables.map { try Int.fetchOne(pg, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 }
        }
        let source = try await sqlite.read { db in try tables.map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0 } }
        return zip(counts, zip(source, copied)).map { count, pair in
            TableCount(table: count.table, source: pair.0, copied: pair.1)
        }
    }

    private static func copyRows(
        of table: String, from db: Database, to pg: any StoreConnection, progress: (@Sendable (String, Int) -> Void)?
    ) throws -> Int {
        let order = table == "console_sessions" ? "token_hash" : table == "prerequisites" ? "item_id, prerequisite_id"
            : table == "meta" ? "key" : table == "auth_failures" ? "name" : "id"
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(order)")
        var n = 0
        progress?(table, 0)
        while let row = try rows.next() {
            let columns = Array(row.columnNames)
            let marks = repeatElement("?", count: columns.count).joined(separator: ", ")
            try pg.execute(
                sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))",
                arguments: StatementArguments(Array(row.databaseValues)))
            n += 1
            if n % 1_000 == 0 { progress?(table, n) }
        }
        progress?(table, n)
        return n
    }

    /// Ids were copied as they were: the identity goes on after the largest.
    private static func restartIdentity(of table: String, in pg: any StoreConnection) throws {
        guard !["meta", "auth_failures", "prerequisites", "console_sessions", "log_totals"].contains(table) else { return }
        try pg.execute(literal: SQL(sql: """
            SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)
            """))
    }
}
