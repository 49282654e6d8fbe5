import GRDB

extension Database {
    /// Runs one statement through this connection's statement cache: compiled, and checked by GRDB's authorizer,
    /// once rather than on every call. Only for SQL whose text does not vary with its values (an `IN` over a list
    /// of varying length would fill the cache); `LIMIT \(n)` and the like are arguments and do not vary it.
    func run(_ sql: SQL) throws {
        let (text, arguments) = try sql.build(self)
        try cachedStatement(sql: text).execute(arguments: arguments)
    }
}

/// A fetch through the connection's statement cache (see `Database.run`).
func cached(_ sql: SQL) -> SQLRequest<Row> {
    SQLRequest(literal: sql, cached: true)
}
