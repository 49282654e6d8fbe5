import Foundation
import GRDB

/// The only owner of qblink's SQLite database: users, the request queue, Web Connector sessions, the
/// settlements enqueued and the exchange log. WAL mode, a busy timeout, versioned migrations, one writer.
/// Every access runs on GRDB's own threads; callers await it.
///
/// Durability: every write transaction commits with `synchronous = FULL` (the WAL is fsynced before the commit
/// returns), so a queue state change (sent, done, failed, in doubt) is on disk before the answer that reports
/// it leaves. The exchange log alone is written with `synchronous = NORMAL` (`logExchanges`): a power cut may
/// lose its last lines, never a queue state. WAL frames reach the disk in order, so the log can only lag the
/// queue, never run ahead of it.
public final class Store: Sendable {
    let engine: any StoreEngine
    /// SQLite's pool, for what only SQLite has (online backup, integrity check, query plans); nil on PostgreSQL.
    let sqlite: DatabasePool?
    /// The database: a SQLite file's path, or a `postgres://` URL (which never holds a password).
    public let path: String
    private let changes: ChangeCounter

    /// Opens (creating when missing) the database at `path` and brings its schema up to date: a SQLite file, or
    /// PostgreSQL when `path` is a `postgres://user@host[:port]/dbname` URL (see `PostgresLocation`).
    /// - Parameter traceStatements: told the SQL (with `?` for its values) of every statement run, on any of the
    ///   Store's connections: for diagnostics and for the tests that check what a call costs.
    public init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                traceStatements: (@Sendable (String) -> Void)? = nil) throws {
        self.path = path
        if let location = try PostgresLocation(url: path, environment: environment) {
            let changes = ChangeCounter()
            self.changes = changes
            sqlite = nil
            engine = try PostgresEngine(location: location, changes: changes, traceStatements: traceStatements)
            return
        }
        changes = ChangeCounter()
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        config.label = "qblink"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let traceStatements {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { traceStatements(statement.sql) }
                }
            }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
            sqlite = pool
            engine = SQLiteEngine(pool: pool)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? error.description)
        }
    }

    /// Whether `path` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file.
    public static func isPostgresURL(_ path: String) -> Bool {
        path.hasPrefix("postgres://") || path.hasPrefix("postgresql://")
    }

    /// Whether this Store is on PostgreSQL.
    public var isPostgres: Bool { engine.dialect == .postgres }

    /// Closes the database's connections (PostgreSQL's; SQLite's close with the Store).
    public func close() async {
        await engine.close()
    }

    /// One read, for health checks: throws when the database does not answer.
    public func ping() async throws {
        _ = try await engine.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// The database's own check: `["ok"]` when it is sound (SQLite's `integrity_check`; PostgreSQL checks its
    /// pages itself, so there it is `["ok"]` when the database answers).
    public func integrityCheck() async throws -> [String] {
        guard let sqlite else {
            try await ping()
            return ["ok"]
        }
        return try await sqlite.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    /// The database's plan for a query (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL), its steps
    /// joined by newlines: which indexes it uses.
    public func queryPlan(_ sql: String) async throws -> String {
        guard let sqlite else {
            return try await engine.read { db in
                try Row.fetchAll(db, literal: SQL(sql: "EXPLAIN " + sql)).map { $0["QUERY PLAN"] as String? ?? "" }.joined(separator: "\n")
            }
        }
        return try await sqlite.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
    }

    /// Rows inserted, updated or deleted through this Store since it opened (SQLite's `total_changes` of its one
    /// writing connection; on PostgreSQL the rows its statements reported): a test that a call wrote nothing
    /// compares it before and after.
    public func changeCount() async throws -> Int {
        guard let sqlite else { return changes.total }
        return try await sqlite.write { db in db.totalChangesCount }
    }

    /// The migrations applied to this database, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await engine.appliedMigrations()
    }
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case userExists(String)
    case noSuchUser(String)
    case noSuchItem(Int64)
    case noSuchSession(String)
    case invalidState(item: Int64, state: ItemState, action: String)
    case invalidName(String)
    /// A plan whose items wait for something it does not hold (a programming error, said plainly).
    case invalidPlan(String)
    case settlementExists(String, enqueuedAt: Date, counts: [ItemState: Int])
    /// `Type:RefNumber` of transactions the user already has queued, in flight or created.
    case duplicateRefNumbers(user: String, [String])
    case noSuchSettlement(String, user: String)
    /// `--replace` on a settlement QuickBooks has in full.
    case settlementPosted(String, user: String)
    case alreadyUndoing(String)
    /// An enqueue while its undo is still on its way.
    case undoInProgress(String)
    /// The settlement's transactions changed while the undo was being prepared.
    case settlementChanged(String)
    /// A retry of an item its settlement's undo withdrew.
    case withdrawn(item: Int64)
    /// Another Web Connector is at work for the user (a call within the last moments).
    case userBusy(retryAfter: TimeInterval)
    /// A retry of an in-doubt write that cannot be looked up, without the operator's word that QuickBooks lacks it.
    case cannotLookUp(item: Int64)
    case backupExists(String)
    case backupFailed(path: String, reason: String)
    /// A call on a session that ended (closed, expired or replaced) after the call looked it up.
    case sessionOver(id: Int64, state: SessionState)
    case amazonAccountExists(String)
    case noSuchAmazonAccount(String)
    /// The database refused or failed a statement, or could not be reached: its own words.
    case database(String)

    public var description: String {
        switch self {
        case .database(let reason):
            return "the database failed: \(reason)"
        case .cannotOpen(let path, let reason):
            return "cannot open the database \(path): \(reason)"
        case .userExists(let name):
            return "a user named '\(name)' already exists (use 'qblink user passwd \(name)' to change its password)"
        case .noSuchUser(let name):
            return "there is no user named '\(name)' (see 'qblink user list')"
        case .noSuchItem(let id):
            return "there is no queue item \(id) (see 'qblink queue')"
        case .noSuchSession(let id):
            return "there is no session \(id) (see 'qblink log')"
        case .invalidState(let item, let state, let action):
            return "queue item \(item) is \(state.rawValue); only failed or in-doubt items can be \(action)"
        case .invalidName(let reason), .invalidPlan(let reason):
            return reason
        case .settlementExists(let id, let at, let counts):
            let total = counts.values.reduce(0, +)
            let parts = ItemState.allCases.compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
            return "settlement \(id) was already enqueued for this user on \(at.formatted(.iso8601)): \(counts[.done] ?? 0) of its \(total) transactions are done (\(parts.joined(separator: ", "))). Use --replace to replace the ones not yet sent."
        case .noSuchSettlement(let id, let user):
            return "no settlement \(id) was enqueued for \(user) (see 'qblink settlement list --user \(user)')"
        case .settlementPosted(let id, let user):
            return "settlement \(id) was already enqueued for \(user) and is posted: QuickBooks has all of it, so there is nothing to replace. To post it again (another mapping or group mode), undo it first: qblink settlement undo \(id) --user \(user)"
        case .alreadyUndoing(let id):
            return "settlement \(id) is already being undone (see 'qblink settlement list')"
        case .undoInProgress(let id):
            return "settlement \(id) is being undone; enqueue it again once the undo has gone to QuickBooks (see 'qblink settlement list')"
        case .settlementChanged(let id):
            return "settlement \(id) changed while its undo was prepared; run the undo again"
        case .cannotLookUp(let id):
            return "queue item \(id) is in doubt and cannot be looked up in QuickBooks, so sending it again could make a duplicate. Check QuickBooks: if it is not there, qblink queue retry \(id) --not-in-quickbooks; if it is, qblink queue cancel \(id)"
        case .backupExists(let path):
            return "\(path) already exists; a backup never overwrites a file (choose a new name, or remove it first)"
        case .backupFailed(let path, let reason):
            return "the backup to \(path) failed: \(reason); nothing was written there"
        case .sessionOver(let id, let state):
            return "session \(id) is over (\(state.rawValue)); the Web Connector starts a new one with Update Selected"
        case .amazonAccountExists(let name):
            return "an Amazon account named '\(name)' is already connected (qblink amazon remove \(name) first to connect it anew)"
        case .noSuchAmazonAccount(let name):
            return "no Amazon account named '\(name)' is connected (see 'qblink amazon list')"
        case .userBusy(let wait):
            return "another Web Connector is syncing this user; try again in \(Int(wait.rounded(.up))) s"
        case .withdrawn(let item):
            return "queue item \(item) belongs to a settlement being undone; it is not sent again"
        case .duplicateRefNumbers(let user, let refs):
            let shown = refs.count > 10 ? refs.prefix(10).joined(separator: ", ") + " and \(refs.count - 10) more" : refs.joined(separator: ", ")
            return "already queued or created for \(user): \(shown). Nothing was queued; use --allow-duplicates to queue them again."
        }
    }
}
