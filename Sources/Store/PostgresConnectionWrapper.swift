import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO

/// One PostgreSQL connection as the Store's SQL sees it: GRDB's `SQL` is built into text with `?` placeholders,
/// which become `$1, $2, …`; its values are sent as text of no declared type, so that PostgreSQL infers each
/// one's type from where it is used (as SQLite takes values as they come), blobs as `bytea`. Rows come back
/// as GRDB `Row`s.
final class PostgresConnectionWrapper: StoreConnection, @unchecked Sendable {
    // @unchecked: used by one thread at a time, between check-out and check-in.
    let connection: PostgresConnection
    private let logger: Logger
    private let changes: ChangeCounter
    private let traceStatements: (@Sendable (String) -> Void)?
    /// Builds GRDB's `SQL` into text and arguments (it needs a connection for that, never for values).
    private let builder: DatabaseQueue
    private(set) var changesCount = 0
    /// Set when a statement failed in a way that leaves the connection unusable.
    private(set) var broken = false
    /// Set when a statement sent more than `retireAfterBytes`: postgres-nio keeps its message buffer as large
    /// as the largest message it wrote, so a connection that sent a 10 MB response is closed rather than
    /// pooled (the next one opens afresh), and the memory goes back.
    private(set) var retired = false
    static let retireAfterBytes = 1 << 20
    var dialect: SQLDialect { .postgres }

    init(_ connection: PostgresConnection, logger: Logger, changes: ChangeCounter, traceStatements: (@Sendable (String) -> Void)?) {
        self.connection = connection
        self.logger = logger
        self.changes = changes
        self.traceStatements = traceStatements
        builder = try! DatabaseQueue()  // in memory: cannot fail but for want of memory
    }

    /// Closes the connection without waiting; it is kept until closed (postgres-nio requires a connection to
    /// be closed before it is released).
    func closeAndRelease() {
        let connection = connection
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    func execute(_ sql: SQL, cached: Bool) throws {
        _ = try run(sql)
    }

    func rows(_ sql: SQL, cached: Bool) throws -> [Row] {
        try run(sql).rows.map(Self.row)
    }

    func insertRow(_ sql: SQL) throws -> Int64? {
        try rows(sql + " RETURNING id", cached: true).first?["id"]
    }

    /// A statement without values (BEGIN, COMMIT, DDL).
    func simple(_ text: String) throws {
        traceStatements?(text)
        let answer = Result { try connection.query(PostgresQuery(unsafeSQL: text), logger: logger).wait() }
        try settle()
        do { _ = try answer.get() } catch { throw failed(error) }
    }

    /// A statement without values whose answer is not waited for (BEGIN, taking a lock): it goes ahead of the
    /// next statement on the connection, and its answer is checked with that one's, saving a round trip.
    func send(_ text: String) {
        traceStatements?(text)
        inFlight.append(connection.query(PostgresQuery(unsafeSQL: text), logger: logger))
    }

    /// Statements sent without waiting whose answers are not checked yet.
    private var inFlight: [EventLoopFuture<PostgresQueryResult>] = []

    /// Checks the answers of the statements sent without waiting (they came before the one just answered).
    private func settle() throws {
        guard !inFlight.isEmpty else { return }
        let pending = inFlight
        inFlight = []
        var first: (any Error)?
        for future in pending {
            do { _ = try future.wait() } catch { first = first ?? error }
        }
        if let first { throw failed(first) }
    }

    private func failed(_ error: any Error) -> any Error {
        if Self.isConnectionError(error) { broken = true }
        return error
    }

    private func run(_ sql: SQL) throws -> PostgresQueryResult {
        let (text, numbered, values) = try builder.inDatabase { db in
            let (text, arguments) = try sql.build(db)
            let (numbered, count) = Self.numberedPlaceholders(text)
            guard count > 0 else { return (text, numbered, [DatabaseValue]()) }
            // GRDB keeps the arguments' values to itself: SQLite hands them back as one row.
            let select = try db.cachedStatement(sql: "SELECT " + repeatElement("?", count: count).joined(separator: ", "))
            let values: [DatabaseValue] = try Row.fetchOne(select, arguments: arguments).map { Array($0.databaseValues) } ?? []
            return (text, numbered, values)
        }
        traceStatements?(text)
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            try Self.bind(value, into: &binds)
        }
        if Self.size(of: values) + numbered.utf8.count > Self.retireAfterBytes { retired = true }
        let answer = Result { try connection.query(PostgresQuery(unsafeSQL: numbered, binds: binds), logger: logger).wait() }
        try settle()
        do {
            let result = try answer.get()
            changesCount = 0
            if let rows = result.metadata.rows, ["INSERT", "UPDATE", "DELETE"].contains(result.metadata.command) {
                changesCount = rows
                changes.add(rows)
            }
            return result
        } catch {
            throw failed(error)
        }
    }

    private static func size(of values: [DatabaseValue]) -> Int {
        values.reduce(0) { total, value in
            switch value.storage {
            case .string(let s): total + s.utf8.count
            case .blob(let data): total + data.count
            default: total + 8
            }
        }
    }

    private static func bind(_ value: DatabaseValue, into binds: inout PostgresBindings) throws {
        switch value.storage {
        case .null: binds.appendNull()
        case .int64(let n): try binds.append(UntypedText(String(n)))
        case .double(let d): try binds.append(UntypedText(String(d)))
        case .string(let s): try binds.append(UntypedText(s))
        case .blob(let data): binds.append(ByteBuffer(bytes: data))
        }
    }

    /// `?` → `$1`, `$2`, … outside quoted text and identifiers; and how many there were.
    static func numberedPlaceholders(_ text: String) -> (String, Int) {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var n = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(character)
            }
        }
        return (out, n)
    }

    /// A PostgreSQL row as GRDB's, its values as SQLite would hold them: integers (booleans as 0 or 1), reals,
    /// text, blobs.
    static func row(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            values[cell.columnName] = try value(cell)
        }
        return Row(values)
    }

    private static func value(_ cell: PostgresCell) throws -> (any DatabaseValueConvertible)? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return try cell.decode(Int64.self)
        case .bool: return try cell.decode(Bool.self) ? Int64(1) : Int64(0)
        case .float4, .float8: return try cell.decode(Double.self)
        case .numeric:
            let decimal = try cell.decode(Decimal.self)
            let whole = NSDecimalNumber(decimal: decimal)
            return decimal == Decimal(whole.int64Value) ? whole.int64Value : whole.doubleValue
        case .bytea: return Data(try cell.decode(ByteBuffer.self).readableBytesView)
        default: return try cell.decode(String.self)
        }
    }

    /// PostgreSQL aborted the transaction for a conflict with a concurrent one: run it again.
    static func isConflict(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01" || state == "23505"
    }

    static func isConnectionError(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        return error.serverInfo == nil
    }

    /// PostgreSQL's error in words: its message and code, or why the connection failed.
    static func readable(_ error: any Error, location: PostgresLocation) -> any Error {
        guard let psql = error as? PSQLError else { return error }
        let setPassword = "set QBLINK_DB_PASSWORD, or QBLINK_DB_PASSWORD_FILE to a file holding it"
        if psql.code == .authMechanismRequiresPassword {
            return StoreError.database("PostgreSQL at \(location) asks for \(location.user)'s password: \(setPassword)")
        }
        if let info = psql.serverInfo, let message = info[.message] {
            var text = message
            if let detail = info[.detail] { text += " (\(detail))" }
            if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
            if info[.sqlState] == "28P01" { text += "; check the password (\(setPassword))" }
            return StoreError.database(text)
        }
        var reason = "\(psql.code)"
        if let underlying = psql.underlying { reason += ": \(underlying)" }
        return StoreError.database("cannot talk to PostgreSQL at \(location): \(reason)")
    }
}

/// A value sent as text with no declared type (OID 0): PostgreSQL infers its type from its use.
struct UntypedText: PostgresThrowingDynamicTypeEncodable {
    var text: String
    init(_ text: String) { self.text = text }
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        byteBuffer.writeString(text)
    }
}
