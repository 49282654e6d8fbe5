import GRDB

// `fetchAll(db, literal: "… \(value) …")`: SQL written with interpolated values, which GRDB's `SQL` binds as
// arguments (never pasted into the text), run on either database through `StoreConnection`.

extension FetchableRecord {
    static func fetchAll(_ db: any StoreConnection, literal sql: SQL) throws -> [Self] {
        try db.rows(sql, cached: false).map { try Self(row: $0) }
    }
    static func fetchOne(_ db: any StoreConnection, literal sql: SQL) throws -> Self? {
        try db.rows(sql, cached: false).first.map { try Self(row: $0) }
    }
    static func fetchAll(_ db: any StoreConnection, _ request: CachedSQL) throws -> [Self] {
        try db.rows(request.sql, cached: true).map { try Self(row: $0) }
    }
    static func fetchOne(_ db: any StoreConnection, _ request: CachedSQL) throws -> Self? {
        try db.rows(request.sql, cached: true).first.map { try Self(row: $0) }
    }
    static func fetchAll(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db, cached(SQL(sql: sql, arguments: arguments)))
    }
    static func fetchOne(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db, cached(SQL(sql: sql, arguments: arguments)))
    }
}

extension Row {
    static func fetchAll(_ db: any StoreConnection, literal sql: SQL) throws -> [Row] { try db.rows(sql, cached: false) }
    static func fetchOne(_ db: any StoreConnection, literal sql: SQL) throws -> Row? { try db.rows(sql, cached: false).first }
    static func fetchAll(_ db: any StoreConnection, _ request: CachedSQL) throws -> [Row] { try db.rows(request.sql, cached: true) }
    static func fetchOne(_ db: any StoreConnection, _ request: CachedSQL) throws -> Row? { try db.rows(request.sql, cached: true).first }
    static func fetchAll(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try db.rows(SQL(sql: sql, arguments: arguments), cached: true)
    }
    static func fetchOne(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchAll(db, sql: sql, arguments: arguments).first
    }
}

/// Values of the first column.
extension DatabaseValueConvertible {
    private static func firstColumn(_ rows: [Row]) throws -> [Self?] {
        try rows.map { row in
            guard let value = row.databaseValues.first else { return nil }
            if value.isNull { return nil }
            guard let converted = Self.fromDatabaseValue(value) else {
                throw StoreError.database("could not read \(value) as \(Self.self)")
            }
            return converted
        }
    }
    static func fetchAll(_ db: any StoreConnection, literal sql: SQL) throws -> [Self] {
        try firstColumn(db.rows(sql, cached: false)).compactMap { $0 }
    }
    static func fetchOne(_ db: any StoreConnection, literal sql: SQL) throws -> Self? {
        try firstColumn(db.rows(sql, cached: false)).first ?? nil
    }
    static func fetchAll(_ db: any StoreConnection, _ request: CachedSQL) throws -> [Self] {
        try firstColumn(db.rows(request.sql, cached: true)).compactMap { $0 }
    }
    static func fetchOne(_ db: any StoreConnection, _ request: CachedSQL) throws -> Self? {
        try firstColumn(db.rows(request.sql, cached: true)).first ?? nil
    }
    static func fetchAll(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db, cached(SQL(sql: sql, arguments: arguments)))
    }
    static func fetchOne(_ db: any StoreConnection, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db, cached(SQL(sql: sql, arguments: arguments)))
    }
}
