import Foundation
import GRDB
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio, for several qblink servers on one database.
///
/// The Store's transactions are synchronous closures (the same code runs on SQLite). Here each runs on a thread
/// of the engine's own pool (never an event loop, never Swift's cooperative threads), holding one connection,
/// and waits there for each statement's answer.
///
/// Isolation: every write transaction is SERIALIZABLE. PostgreSQL then guarantees that concurrent transactions
/// (another server claiming the same user's batch, finishing the same item, counting the same login failures,
/// replacing the same session) end as if they had run one after another — the guarantee SQLite's single writer
/// gives, which the Store's rules (exactly once, one session per user, the throttle) are written against. When
/// PostgreSQL cannot order two transactions it aborts one with `serialization_failure` (40001) or
/// `deadlock_detected` (40P01); the loser is rolled back and run again from the start, on a fresh snapshot,
/// A unique violation (23505) is treated the same way: under concurrency it means another transaction inserted
/// the row this one had just checked was absent, and on the retry the Store's own check sees it and says so.
/// The closures are safe to run again: they only read and write the database.
///
/// Retrying alone could starve a long transaction (a settlement's enqueue of thousands of items always
/// commits after the short ones of the sessions running beside it, and is always the one aborted). So every
/// write transaction holds a shared advisory lock, and after `optimisticAttempts` aborts a transaction takes
/// that lock exclusively — before BEGIN, so that its snapshot is taken once the other writers are done — and
/// runs alone among writers, where no serialization failure can hit it. Readers (REPEATABLE READ, READ ONLY)
/// take no lock and never wait.
final class PostgresEngine: StoreEngine {
    let location: PostgresLocation
    let threads: NIOThreadPool
    let connections: PostgresConnections
    var dialect: SQLDialect { .postgres }
    static let optimisticAttempts = 4
    static let maxAttempts = 6
    /// The advisory lock every writer holds shared, and a writer that lost too often holds alone.
    static let writersLock = 7_251_084

    init(location: PostgresLocation, changes: ChangeCounter, traceStatements: (@Sendable (String) -> Void)?) throws {
        self.location = location
        threads = NIOThreadPool(numberOfThreads: location.poolSize)
        threads.start()
        connections = try PostgresConnections(location: location, changes: changes, traceStatements: traceStatements)
        do {
            try transaction(.write) { db in try PostgresSchema.migrate(db) }
        } catch {
            connections.closeAll()
            threads.shutdownGracefully { _ in }
            throw StoreError.cannotOpen(path: location.description, reason: "\(error)")
        }
    }

    deinit {
        // Possibly on an event loop: nothing here may wait.
        connections.closeAll()
        threads.shutdownGracefully { _ in }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(.read, body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(.write, body) }
    }

    func writeUnsynced<T: Sendable>(_ body: @escaping @Sendable (any StoreConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { try self.transaction(.unsyncedWrite, body) }
    }

    func appliedMigrations() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT identifier FROM qblink_migrations ORDER BY applied_order") }
    }

    func close() async {
        connections.closeAll()
    }

    enum Kind {
        case read, write, unsyncedWrite

        var begin: String {
            switch self {
            case .read: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            case .write, .unsyncedWrite: "BEGIN ISOLATION LEVEL SERIALIZABLE"
            }
        }
    }

    /// Runs `body` in one transaction on a pooled connection, again from the start when PostgreSQL aborted it
    /// for a conflict with a concurrent one (see the type's comment), or on a fresh connection when the pooled
    /// one turned out dead (PostgreSQL restarted, a proxy dropped it) before COMMIT was sent — then nothing of
    /// it was committed. A connection lost during COMMIT is not retried: the commit may have happened, and the
    /// caller's error says so. On the engine's threads only: it blocks.
    func transaction<T>(_ kind: Kind, _ body: (PostgresConnectionWrapper) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try connections.checkOut()
            let alone = kind != .read && attempt > Self.optimisticAttempts
            // A session lock outlives the transaction: released before the connection goes back to the pool.
            func release() {
                if alone { try? connection.simple("SELECT pg_advisory_unlock(\(Self.writersLock))") }
                connections.checkIn(connection)
            }
            var committing = false
            do {
                // Sent without waiting: their answers come back with the first statement's.
                if alone { connection.send("SELECT pg_advisory_lock(\(Self.writersLock))") }
                connection.send(kind.begin)
                if kind != .read && !alone { connection.send("SELECT pg_advisory_xact_lock_shared(\(Self.writersLock))") }
                if kind == .unsyncedWrite { connection.send("SET LOCAL synchronous_commit = off") }
                let result = try body(connection)
                committing = true
                try connection.simple("COMMIT")
                release()
                return result
            } catch {
                try? connection.simple("ROLLBACK")
                release()
                if attempt < Self.maxAttempts, connection.broken, !committing { continue }
                if attempt < Self.maxAttempts, PostgresConnectionWrapper.isConflict(error) {
                    // Both transactions retrying in step would collide again: a short random wait spreads them.
                    usleep(UInt32.random(in: 200...2_000) * UInt32(min(attempt, 8)))
                    continue
                }
                throw PostgresConnectionWrapper.readable(error, location: location)
            }
        }
    }
}

/// The engine's open connections: one per thread at most, opened when first needed, dropped when broken.
final class PostgresConnections: Sendable {
    let location: PostgresLocation
    let configuration: PostgresConnection.Configuration
    let changes: ChangeCounter
    let traceStatements: (@Sendable (String) -> Void)?
    private let idle = Mutex<[PostgresConnectionWrapper]>([])
    private let nextID = Atomic<Int>(1)

    init(location: PostgresLocation, changes: ChangeCounter, traceStatements: (@Sendable (String) -> Void)?) throws {
        self.location = location
        self.changes = changes
        self.traceStatements = traceStatements
        let tls: PostgresConnection.Configuration.TLS =
            location.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        self.configuration = configuration
    }

    func checkOut() throws -> PostgresConnectionWrapper {
        if let connection = idle.withLock({ $0.popLast() }), !connection.connection.isClosed { return connection }
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        var logger = Logger(label: "qblink.postgres")
        logger.logLevel = .critical
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger
            ).wait()
            return PostgresConnectionWrapper(connection, logger: logger, changes: changes, traceStatements: traceStatements)
        } catch {
            throw PostgresConnectionWrapper.readable(error, location: location)
        }
    }

    /// On the engine's threads (or any thread but an event loop): a connection not to be pooled again is
    /// closed before this returns, so that its buffers are freed before the transaction's caller goes on.
    func checkIn(_ connection: PostgresConnectionWrapper) {
        guard !connection.connection.isClosed, !connection.broken, !connection.retired else {
            let closing: EventLoopFuture<Void> = connection.connection.close()
            try? closing.wait()
            return
        }
        idle.withLock { $0.append(connection) }
    }

    /// Closes the idle connections without waiting for them to close (it may be called on an event loop).
    func closeAll() {
        let all = idle.withLock { connections in
            defer { connections.removeAll() }
            return connections
        }
        for connection in all { connection.closeAndRelease() }
    }
}

/// Rows changed through the Store's PostgreSQL connections (`Store.changeCount`).
final class ChangeCounter: Sendable {
    private let count = Atomic<Int>(0)
    var total: Int { count.load(ordering: .relaxed) }
    func add(_ n: Int) { count.add(n, ordering: .relaxed) }
}

extension PostgresLocation: CustomStringConvertible {
    /// The URL without a password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
