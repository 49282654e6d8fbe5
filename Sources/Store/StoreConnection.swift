import GRDB

/// Which SQL a connection speaks, where the two databases differ (a handful of functions; the rest of the
/// Store's SQL is the same text on both).
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres

    /// The bytes of a text column's UTF-8.
    func byteLength(_ column: String) -> SQL {
        SQL(sql: byteLengthSQL(column))
    }

    func byteLengthSQL(_ column: String) -> String {
        switch self {
        case .sqlite: "length(CAST(\(column) AS BLOB))"
        case .postgres: "octet_length(\(column))"
        }
    }
}

/// One transaction's view of the database, whichever it is: the Store's SQL runs through this and nothing else.
/// Statements are GRDB's `SQL` literals (values bound as arguments, never pasted into the text) and results
/// come back as GRDB `Row`s, so that records decode the same way from either database.
protocol StoreConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement; `cached`: its text does not vary with its values, so the engine may keep it prepared.
    func execute(_ sql: SQL, cached: Bool) throws
    /// Runs one statement and returns its rows.
    func rows(_ sql: SQL, cached: Bool) throws -> [Row]
    /// Rows inserted, updated or deleted by the last statement.
    var changesCount: Int { get }
    /// Runs one INSERT of one row and returns the row's id, nil when it inserted nothing (`ON CONFLICT DO
    /// NOTHING`). SQLite reads its last rowid; PostgreSQL adds `RETURNING id`.
    func insertRow(_ sql: SQL) throws -> Int64?
}

extension StoreConnection {
    /// Runs one statement through the connection's statement cache (see `cached(_:)`).
    func run(_ sql: SQL) throws { try execute(sql, cached: true) }

    func execute(literal sql: SQL) throws { try execute(sql, cached: false) }

    func execute(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try execute(SQL(sql: sql, arguments: arguments), cached: true)
    }

    /// `insertRow` for an insert that cannot be ignored.
    func insertReturningID(_ sql: SQL) throws -> Int64 {
        guard let id = try insertRow(sql) else { throw StoreError.database("an insert returned no id") }
        return id
    }
}

/// A statement run through the connection's statement cache: only for SQL whose text does not vary with its
/// values (an `IN` over a list of varying length would fill the cache); `LIMIT \(n)` and the like are
/// arguments and do not vary it.
struct CachedSQL {
    var sql: SQL
}

func cached(_ sql: SQL) -> CachedSQL {
    CachedSQL(sql: sql)
}

/// Where the Store's transactions run: SQLite through GRDB, or PostgreSQL through postgres-nio.
protocol StoreEngine: Sendable {
    var dialect: SQLDialect { get }
    /// A read-only transaction that sees one consistent state of the database.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T
    /// A write transaction, as if alone on the database (SQLite: its one writer; PostgreSQL: serializable,
    /// tried again when another server's transaction conflicted with it).
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T
    /// A write transaction whose commit need not wait for the disk: for the exchange log only.
    func writeUnsynced<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T
    /// The versioned migrations this database has had, oldest first.
    func appliedMigrations() async throws -> [String]
    /// Closes the engine's connections (PostgreSQL); the SQLite pool closes when released.
    func close() async
}
