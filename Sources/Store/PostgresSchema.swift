import GRDB

/// `Schema`'s migrations on PostgreSQL, rendered in its dialect, recorded in `qblink_migrations`.
enum PostgresSchema {
    /// Brings the database up to date inside the caller's (serializable) transaction. The advisory lock makes
    /// two servers starting at once on an empty database take turns: the second finds the work done.
    static func migrate(_ db: PostgresConnectionWrapper) throws {
        try db.simple("SELECT pg_advisory_xact_lock(7251083)")
        try db.simple("""
            CREATE TABLE IF NOT EXISTS qblink_migrations (
                identifier TEXT PRIMARY KEY,
                applied_order BIGINT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """)
        let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM qblink_migrations"))
        if applied.isEmpty {
            // SQLite's NOCASE folds ASCII letters only; level 2 of ICU's root locale ignores case (and keeps
            // accents), close enough for names typed by people.
            try db.simple("CREATE COLLATION IF NOT EXISTS qblink_nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)")
        }
        for (order, migration) in Schema.migrations.enumerated() where !applied.contains(migration.identifier) {
            for statement in migration.rendered(for: .postgres).split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                try db.simple(String(statement))
            }
            try db.execute(literal: "INSERT INTO qblink_migrations (identifier, applied_order) VALUES (\(migration.identifier), \(order + 1))")
        }
    }
}
