import GRDB

// `fetchAll(db, literal: "… \(value) …")`: SQL written with interpolated values, which GRDB binds as
// arguments (never pasted into the text).

extension FetchableRecord {
    static func fetchAll(_ db: Database, literal sql: SQL) throws -> [Self] { try SQLRequest<Self>(literal: sql).fetchAll(db) }
    static func fetchOne(_ db: Database, literal sql: SQL) throws -> Self? { try SQLRequest<Self>(literal: sql).fetchOne(db) }
    static func fetchCursor(_ db: Database, literal sql: SQL) throws -> RecordCursor<Self> {
        try SQLRequest<Self>(literal: sql).fetchCursor(db)
    }
}

extension Row {
    static func fetchAll(_ db: Database, literal sql: SQL) throws -> [Row] { try SQLRequest<Row>(literal: sql).fetchAll(db) }
    static func fetchOne(_ db: Database, literal sql: SQL) throws -> Row? { try SQLRequest<Row>(literal: sql).fetchOne(db) }
}

extension DatabaseValueConvertible where Self: StatementColumnConvertible {
    static func fetchAll(_ db: Database, literal sql: SQL) throws -> [Self] { try SQLRequest<Self>(literal: sql).fetchAll(db) }
    static func fetchOne(_ db: Database, literal sql: SQL) throws -> Self? { try SQLRequest<Self>(literal: sql).fetchOne(db) }
}
