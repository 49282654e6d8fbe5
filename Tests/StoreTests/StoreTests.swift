import Foundation
import Store
import Testing

@Suite struct StoreTests {
    @Test func migratesAndReopens() async throws {
        let t = try TempStore()
        defer { t.remove() }
        #expect(try await t.store.appliedMigrations().prefix(2) == ["v1: users, queue, sessions, exchanges", "v2: prerequisites, list lookups, settlements"])
        let again = try Store(path: t.store.path)
        #expect(try await again.appliedMigrations() == t.store.appliedMigrations())
        if !t.store.isPostgres { #expect(FileManager.default.fileExists(atPath: t.store.path + "-wal")) }
    }

    @Test func refusesADatabaseItCannotOpen() {
        #expect(throws: StoreError.self) { try Store(path: "/nonexistent-folder/x/q.sqlite") }
    }

    @Test func usersAreUniqueAndRemovable() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let u = try await t.user()
        #expect(u.fileID.hasPrefix("{"))
        await #expect(throws: StoreError.userExists("AMAZON")) { try await t.user("AMAZON") }
        await #expect(throws: StoreError.self) { try await t.user("bad name!") }
        try await t.store.enqueue(t.items(2), userName: "amazon")
        try await t.store.removeUser(name: "amazon")
        #expect(try await t.store.users().isEmpty)
        #expect(try await t.store.items().isEmpty)
        await #expect(throws: StoreError.noSuchUser("amazon")) { try await t.store.removeUser(name: "amazon") }
        let owner = try await t.store.ownerID()
        #expect(try await t.store.ownerID() == owner)
    }

    @Test func enqueueIsAllOrNothing() async throws {
        let t = try TempStore()
        defer { t.remove() }
        await #expect(throws: StoreError.noSuchUser("nobody")) { try await t.store.enqueue(t.items(3), userName: "nobody") }
        #expect(try await t.store.items().isEmpty)
        try await t.user()
        let ids = try await t.store.enqueue(t.items(3), userName: "amazon")
        #expect(ids.count == 3 && ids == ids.sorted())
        #expect(try await t.store.items(state: .queued).count == 3)
    }

    @Test func batchesAreBoundedByCountAndBytesOldestFirst() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue(t.items(7, size: 100), userName: "amazon")
        let (session, pending) = try await t.store.beginSession(userID: user.userID, ticket: "t1", idleTimeout: 600)
        #expect(pending == 7)
        let first = try await t.store.startBatch(sessionID: session.sessionID, limit: 3, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        #expect(first.items.map { $0.id! } == [1, 2, 3])
        #expect(try await t.store.items(state: .sent).count == 3)
        let progress = try await t.store.finishBatch(sessionID: session.sessionID) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, ItemOutcome.done(txnID: nil, listID: "L\($0.id!)", statusCode: 0, severity: "Info", message: "Status OK", response: nil)) })
        }
        #expect(progress == 3 * 100 / 7)
        let second = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 350) { item, _ in .send(item.body) }
        #expect(second.items.count == 2)  // two bodies of about 172 bytes fit in 350, three do not
        _ = try await t.store.finishBatch(sessionID: session.sessionID) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, ItemOutcome.failed(statusCode: 3100, severity: "Error", message: "in use", response: nil)) })
        }
        let third = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 10) { item, _ in .send(item.body) }
        #expect(third.items.count == 1)  // one item larger than the limit still goes, alone
        #expect(try await t.store.item(id: 1).listID == "L1")
        #expect(try await t.store.item(id: 4).statusCode == 3100)
    }

    @Test func soloItemsTravelAlone() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue(t.items(4), userName: "amazon")
        let (session, _) = try await t.store.beginSession(userID: user.userID, ticket: "t", idleTimeout: 600)
        _ = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        _ = try await t.store.finishBatch(sessionID: session.sessionID) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, ItemOutcome.rejected(message: "unreadable message")) })
        }
        for id in 1...4 { _ = try await t.store.retry(id: Int64(id)) }
        for expected in 1...4 {
            let batch = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
            #expect(batch.items.map { $0.id! } == [Int64(expected)])
            _ = try await t.store.finishBatch(sessionID: session.sessionID) { inFlight in
                [inFlight[0].id!: .done(txnID: "T", listID: nil, statusCode: 0, severity: "Info", message: nil, response: nil)]
            }
        }
        #expect(try await t.store.progress(sessionID: session.sessionID) == 100)
    }

    @Test func itemsNeedingANewerQBXMLFailWithoutBeingSent() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue([QueueItem(type: "CustomerAdd", body: "<CustomerAddRq/>", minVersion: "16.0")] + t.items(1), userName: "amazon")
        let (session, _) = try await t.store.beginSession(userID: user.userID, ticket: "t", idleTimeout: 600)
        let batch = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in item.minVersion == "16.0" ? .refuse("too new") : .send(item.body) }
        #expect(batch.items.map { $0.id! } == [2])
        #expect(batch.refused.map { $0.id! } == [1])
        #expect(try await t.store.item(id: 1).state == .failed)
        #expect(try await t.store.item(id: 1).statusMessage == "too new")
    }

    @Test func aNewSessionPutsTheUnansweredRequestsOfTheOldOneInDoubt() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue(t.items(2) + [QueueItem(type: "DepositAdd", body: "<DepositAddRq/>")], userName: "amazon")
        let (old, _) = try await t.store.beginSession(userID: user.userID, ticket: "old", idleTimeout: 600)
        _ = try await t.store.startBatch(sessionID: old.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        let (new, pending) = try await t.store.beginSession(userID: user.userID, ticket: "new", idleTimeout: 600)
        #expect(pending == 2)  // the two that can be looked up; the deposit cannot
        #expect(try await t.store.items(state: .inDoubt).count == 3)
        guard case .ended(let ended) = try await t.store.session(ticket: "old", idleTimeout: 600) else {
            Issue.record("the old session is still active")
            return
        }
        #expect(ended.state == .replaced)
        #expect(ended.inDoubtCount == 3)
        // The new session looks the in-doubt items up before sending anything else.
        let batch = try await t.store.startBatch(sessionID: new.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        #expect(batch.lookups.map { $0.id! } == [1, 2])
        #expect(batch.items.isEmpty)
        _ = try await t.store.finishBatch(sessionID: new.sessionID) { _ in
            [1: .done(txnID: nil, listID: "L1", statusCode: 0, severity: "Info", message: "found", response: nil),
             2: .requeue(message: "not found")]
        }
        #expect(try await t.store.item(id: 1).state == .done)
        #expect(try await t.store.item(id: 2).state == .queued)
        #expect(try await t.store.item(id: 3).state == .inDoubt)
        let next = try await t.store.startBatch(sessionID: new.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        #expect(next.lookups.isEmpty)
        #expect(next.items.map { $0.id! } == [2])
    }

    @Test func idleSessionsExpire() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue(t.items(1), userName: "amazon")
        let start = Date()
        let (session, _) = try await t.store.beginSession(userID: user.userID, ticket: "t", now: start, idleTimeout: 60)
        _ = try await t.store.startBatch(sessionID: session.sessionID, now: start, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        guard case .active = try await t.store.session(ticket: "t", now: start.addingTimeInterval(59), idleTimeout: 60) else {
            Issue.record("expired too early")
            return
        }
        guard case .ended(let s) = try await t.store.session(ticket: "t", now: start.addingTimeInterval(59 + 61), idleTimeout: 60) else {
            Issue.record("did not expire")
            return
        }
        #expect(s.state == .expired)
        #expect(try await t.store.item(id: 1).state == .inDoubt)
        guard case .unknown = try await t.store.session(ticket: "nope", idleTimeout: 60) else {
            Issue.record("unknown ticket found")
            return
        }
    }

    @Test func failuresAreThrottledAfterFiveAndClearedOnSuccess() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let now = Date()
        for i in 1...5 {
            #expect(try await t.store.authThrottle(name: "amazon", now: now).wait == nil)
            #expect(try await t.store.recordAuthFailure(name: "Amazon", now: now) == i)
        }
        let wait = try #require(try await t.store.authThrottle(name: "amazon", now: now).wait)
        #expect(wait > 29 && wait <= 30.01)  // dates are stored to the millisecond
        #expect(try await t.store.authThrottle(name: "amazon", now: now.addingTimeInterval(31)).wait == nil)
        try await t.store.recordAuthFailure(name: "amazon", now: now)
        #expect(try #require(try await t.store.authThrottle(name: "amazon", now: now).wait) > 59)
        for _ in 0..<20 { try await t.store.recordAuthFailure(name: "amazon", now: now) }
        #expect(try #require(try await t.store.authThrottle(name: "amazon", now: now).wait) <= 900.01)
        try await t.store.clearAuthFailures(name: "amazon")
        #expect(try await t.store.authThrottle(name: "amazon", now: now).wait == nil)
    }

    @Test func operatorsRetryAndCancelOnlyWhatIsParked() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        try await t.store.enqueue(t.items(2), userName: "amazon")
        await #expect(throws: StoreError.invalidState(item: 1, state: .queued, action: "retried")) { try await t.store.retry(id: 1) }
        let (session, _) = try await t.store.beginSession(userID: user.userID, ticket: "t", idleTimeout: 600)
        _ = try await t.store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        _ = try await t.store.finishBatch(sessionID: session.sessionID) { _ in
            [1: .failed(statusCode: 3100, severity: "Error", message: "in use", response: nil)]
        }
        #expect(try await t.store.item(id: 2).state == .inDoubt)  // no outcome given: in doubt, never silently lost
        #expect(try await t.store.retry(id: 1).state == .queued)
        // An in-doubt write is never re-sent blind: with a lookup it stays in doubt (looked up next time), …
        #expect(try await t.store.retry(id: 2).state == .inDoubt)
        #expect(try await t.store.item(id: 2).lookupSessionID == nil)
        #expect(try await t.store.cancel(id: 2).state == .cancelled)
        // … and without one it is queued again only on the operator's word that QuickBooks does not have it.
        try await t.store.enqueue([QueueItem(type: "DepositAdd", body: "<DepositAddRq/>")], userName: "amazon")
        let (next, _) = try await t.store.beginSession(userID: user.userID, ticket: "t2", idleTimeout: 600)
        _ = try await t.store.startBatch(sessionID: next.sessionID, limit: 50, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        try await t.store.endSession(id: next.sessionID)
        #expect(try await t.store.item(id: 3).state == .inDoubt)
        await #expect(throws: StoreError.cannotLookUp(item: 3)) { try await t.store.retry(id: 3) }
        #expect(try await t.store.retry(id: 3, notInQuickBooks: true).state == .queued)
        await #expect(throws: StoreError.noSuchItem(99)) { try await t.store.cancel(id: 99) }
    }
}

@Suite struct ExchangeLogTests {
    @Test func oldCallsArePruned() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let now = Date()
        for age in [0.0, 10, 100] {
            try await t.store.logExchange(Exchange(
                at: now.addingTimeInterval(-age * 86_400), method: "serverVersion", ticket: nil, userName: nil, sessionID: nil,
                durationMS: 1, httpStatus: 200, requestBody: "<a/>", responseBody: "<b/>"))
        }
        #expect(try await t.store.pruneExchanges(before: now.addingTimeInterval(-90 * 86_400)) == 1)
        #expect(try await t.store.recentExchanges().count == 2)
    }

    @Test func pruningGoesInBoundedStepsAlongAnIndex() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let now = Date()
        for age in 0..<25 {
            try await t.store.logExchange(Exchange(
                at: now.addingTimeInterval(-Double(age) * 86_400), method: "serverVersion", ticket: nil, userName: nil, sessionID: nil,
                durationMS: 1, httpStatus: 200, requestBody: "<a/>", responseBody: "<b/>"))
        }
        // Steps of 4 rows: 20 rows older than 4.5 days go over 6 transactions, and the rest stay.
        #expect(try await t.store.pruneExchanges(before: now.addingTimeInterval(-4.5 * 86_400), step: 4) == 20)
        #expect(try await t.store.recentExchanges().count == 5)
        if !t.store.isPostgres { #expect(try await t.store.queryPlan("SELECT id FROM exchanges WHERE at < 0 ORDER BY at LIMIT 4").contains("exchanges_at")) }
    }
}

/// What a Web Connector call costs the database must not grow with the user's history or the table: no
/// statement on a session's path walks a whole table (or a whole index).
@Suite struct CallCostTests {
    final class Statements: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [String] = []
        func add(_ sql: String) { lock.withLock { seen.append(sql) } }
        func take() -> [String] { lock.withLock { defer { seen = [] }; return seen } }
    }

    @Test func noStatementOnASessionsPathScansATable() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qblink-cost-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let statements = Statements()
        // SQLite's plans (PostgreSQL's planner walks a small table whatever its indexes): always on SQLite.
        let store = try Store(path: folder.appendingPathComponent("q.sqlite").path, traceStatements: { statements.add($0) })
        let hash = PasswordHasher.hash("pw", iterations: 1_000)
        let user = try await store.addUser(name: "amazon", passwordHash: hash, companyFile: "C:\\Q.QBW")
        try await store.addUser(name: "other", passwordHash: hash, companyFile: "C:\\O.QBW")
        // A history: done items and ended sessions, the user's own and another user's.
        for name in ["amazon", "other"] {
            let items = (0..<300).map { QueueItem(type: "CustomerAdd", body: "<CustomerAddRq><CustomerAdd><Name>\(name) \($0)</Name></CustomerAdd></CustomerAddRq>") }
            try await store.enqueue(items, userName: name)
        }
        let (old, _) = try await store.beginSession(userID: user.userID, ticket: "old", idleTimeout: 600)
        _ = try await store.startBatch(sessionID: old.sessionID, limit: 300, maxBytes: 1 << 30) { item, _ in .send(item.body) }
        _ = try await store.finishBatch(sessionID: old.sessionID) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, .done(txnID: nil, listID: "L\($0.id!)", statusCode: 0, severity: "Info", message: nil, response: nil)) })
        }
        try await store.endSession(id: old.sessionID)
        try await store.enqueue([QueueItem(type: "CustomerAdd", body: "<CustomerAddRq><CustomerAdd><Name>New</Name></CustomerAdd></CustomerAddRq>")], userName: "amazon")
        _ = statements.take()

        // One Update Selected, call by call, as the service makes them.
        _ = try await store.loginState(name: "amazon")
        let (session, _) = try await store.beginSession(userID: user.userID, ticket: "t", idleTimeout: 600, busyWithin: 10)
        _ = try await store.session(ticket: "t", idleTimeout: 600)
        _ = try await store.startBatch(
            ticket: "t", idleTimeout: 600, limit: 50, maxBytes: 1 << 20, unprepared: "", whenEmpty: { _ in "" }
        ) { _ in BatchPlan(host: nil) { item, _ in .send(item.body) } }
        _ = try await store.finishBatch(ticket: "t", idleTimeout: 600) { inFlight, _ in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id!, .done(txnID: nil, listID: "L", statusCode: 0, severity: "Info", message: nil, response: nil)) })
        }
        _ = try await store.startBatch(
            ticket: "t", idleTimeout: 600, limit: 50, maxBytes: 1 << 20, unprepared: "", whenEmpty: { _ in "" }
        ) { _ in BatchPlan(host: nil) { item, _ in .send(item.body) } }
        _ = try await store.closeSession(ticket: "t", idleTimeout: 600)
        try await store.logExchanges([Exchange(
            at: Date(), method: "closeConnection", ticket: "t", userName: "amazon", sessionID: session.id, durationMS: 1, httpStatus: 200,
            requestBody: "<a/>", responseBody: "<b/>")])

        let queries = Set(statements.take().filter { sql in
            ["SELECT", "UPDATE", "DELETE", "INSERT", "WITH"].contains { sql.uppercased().hasPrefix($0) }
        })
        #expect(queries.count > 10)
        for sql in queries.sorted() {
            // The values do not change the plan; EXPLAIN needs some.
            let plan = try await store.queryPlan(sql.replacingOccurrences(of: "?", with: "NULL"))
            // A whole table or index walked, or every item the user ever had (the user alone as the search key);
            // a constant row and GRDB's look at the schema are not.
            let walks = plan.split(separator: "\n").filter { line in
                (line.hasPrefix("SCAN") && line != "SCAN CONSTANT ROW" && !line.contains("sqlite_master"))
                    || (line.hasPrefix("SEARCH queue") && line.hasSuffix("(user_id=?)"))
            }
            #expect(walks.isEmpty, "\(sql)\n\(plan)")
        }
    }
}

/// The PostgreSQL engine's connections, when the server drops them.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QBLINK_TEST_POSTGRES"].map { !$0.isEmpty } ?? false, "needs PostgreSQL (QBLINK_TEST_POSTGRES)"))
struct PostgresConnectionTests {
    /// Ends every other connection to the database, as a PostgreSQL restart or a proxy's timeout would.
    func terminateConnections(to url: String) throws {
        let parts = try #require(URLComponents(string: url))
        let environment = ProcessInfo.processInfo.environment
        let password = try environment["QBLINK_DB_PASSWORD"]
            ?? String(contentsOfFile: try #require(environment["QBLINK_DB_PASSWORD_FILE"]), encoding: .utf8).trimmingCharacters(in: .newlines)
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [
            "-h", parts.host ?? "127.0.0.1", "-p", String(parts.port ?? 5432), "-U", parts.user ?? "", String(parts.path.dropFirst()), "-qAtc",
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ]
        psql.environment = ["PGPASSWORD": password]
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/psql"), "needs psql"))
    func aDroppedConnectionIsReplacedWithoutFailingTheNextCall() async throws {
        let t = try TempStore()
        defer { t.remove() }
        try await t.user()
        _ = try await t.store.enqueue([QueueItem(type: "CustomerAddRq", body: "<CustomerAddRq/>")], userName: "amazon")
        try terminateConnections(to: t.store.path)
        // The pooled connections are dead; the next read and write open new ones and succeed.
        #expect(try await t.store.users().count == 1)
        _ = try await t.store.enqueue([QueueItem(type: "CustomerAddRq", body: "<CustomerAddRq/>")], userName: "amazon")
        #expect(try await t.store.items().count == 2)
    }
}
