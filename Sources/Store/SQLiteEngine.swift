import GRDB

/// SQLite through GRDB: WAL mode, one writer, readers beside it. The default.
struct SQLiteEngine: StoreEngine {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteConnection(db)) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await pool.write { db in try body(SQLiteConnection(db)) }
    }

    /// `synchronous = NORMAL` for this transaction, FULL again before the next (a PRAGMA cannot change inside a
    /// transaction).
    func writeUnsynced<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            defer { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
            var result: T?
            try db.inTransaction {
                result = try body(SQLiteConnection(db))
                return .commit
            }
            return result!
        }
    }

    func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    func close() async {}
}

/// One GRDB connection, inside a transaction.
final class SQLiteConnection: StoreConnection {
    let db: Database
    init(_ db: Database) { self.db = db }

    var dialect: SQLDialect { .sqlite }
    var changesCount: Int { db.changesCount }

    func execute(_ sql: SQL, cached: Bool) throws {
        let (text, arguments) = try sql.build(db)
        if cached {
            try db.cachedStatement(sql: text).execute(arguments: arguments)
        } else {
            try db.execute(sql: text, arguments: arguments)
        }
    }

    func insertRow(_ sql: SQL) throws -> Int64? {
        try execute(sql, cached: true)
        return db.changesCount > 0 ? db.lastInsertedRowID : nil
    }

    func rows(_ sql: SQL, cached: Bool) throws -> [Row] {
        try SQLRequest<Row>(literal: sql, cached: cached).fetchAll(db)
    }
}
