import Foundation
import Store
import Testing

@Suite struct StoreTests {
    @Test func migratesAndReopens() throws {
        let t = try TempStore()
        defer { t.remove() }
        #expect(try t.store.appliedMigrations() == ["v1: users, queue, sessions, exchanges", "v2: prerequisites, list lookups, settlements"])
        let again = try Store(path: t.store.path)
        #expect(try again.appliedMigrations().count == 2)
        #expect(FileManager.default.fileExists(atPath: t.store.path + "-wal"))
    }

    @Test func refusesADatabaseItCannotOpen() {
        #expect(throws: StoreError.self) { try Store(path: "/nonexistent-folder/x/q.sqlite") }
    }

    @Test func usersAreUniqueAndRemovable() throws {
        let t = try TempStore()
        defer { t.remove() }
        let u = try t.user()
        #expect(u.fileID.hasPrefix("{"))
        #expect(throws: StoreError.userExists("AMAZON")) { try t.user("AMAZON") }
        #expect(throws: StoreError.self) { try t.user("bad name!") }
        try t.store.enqueue(t.items(2), userName: "amazon")
        try t.store.removeUser(name: "amazon")
        #expect(try t.store.users().isEmpty)
        #expect(try t.store.items().isEmpty)
        #expect(throws: StoreError.noSuchUser("amazon")) { try t.store.removeUser(name: "amazon") }
        let owner = try t.store.ownerID()
        #expect(try t.store.ownerID() == owner)
    }

    @Test func enqueueIsAllOrNothing() throws {
        let t = try TempStore()
        defer { t.remove() }
        #expect(throws: StoreError.noSuchUser("nobody")) { try t.store.enqueue(t.items(3), userName: "nobody") }
        #expect(try t.store.items().isEmpty)
        try t.user()
        let ids = try t.store.enqueue(t.items(3), userName: "amazon")
        #expect(ids.count == 3 && ids == ids.sorted())
        #expect(try t.store.items(state: .queued).count == 3)
    }

    @Test func batchesAreBoundedByCountAndBytesOldestFirst() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue(t.items(7, size: 100), userName: "amazon")
        let (session, pending) = try t.store.beginSession(userID: user.id, ticket: "t1", idleTimeout: 600)
        #expect(pending == 7)
        let first = try t.store.startBatch(sessionID: session.id, limit: 3, maxBytes: 1 << 20) { _ in nil }
        #expect(first.items.map(\.id) == [1, 2, 3])
        #expect(try t.store.items(state: .sent).count == 3)
        let progress = try t.store.finishBatch(sessionID: session.id) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id, ItemOutcome.done(txnID: nil, listID: "L\($0.id)", statusCode: 0, severity: "Info", message: "Status OK", response: nil)) })
        }
        #expect(progress == 3 * 100 / 7)
        let second = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 350) { _ in nil }
        #expect(second.items.count == 2)  // two bodies of about 172 bytes fit in 350, three do not
        _ = try t.store.finishBatch(sessionID: session.id) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id, ItemOutcome.failed(statusCode: 3100, severity: "Error", message: "in use", response: nil)) })
        }
        let third = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 10) { _ in nil }
        #expect(third.items.count == 1)  // one item larger than the limit still goes, alone
        #expect(try t.store.item(id: 1).listID == "L1")
        #expect(try t.store.item(id: 4).statusCode == 3100)
    }

    @Test func soloItemsTravelAlone() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue(t.items(4), userName: "amazon")
        let (session, _) = try t.store.beginSession(userID: user.id, ticket: "t", idleTimeout: 600)
        _ = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
        _ = try t.store.finishBatch(sessionID: session.id) { inFlight in
            Dictionary(uniqueKeysWithValues: inFlight.map { ($0.id, ItemOutcome.rejected(message: "unreadable message")) })
        }
        for id in 1...4 { _ = try t.store.retry(id: Int64(id)) }
        for expected in 1...4 {
            let batch = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
            #expect(batch.items.map(\.id) == [Int64(expected)])
            _ = try t.store.finishBatch(sessionID: session.id) { inFlight in
                [inFlight[0].id: .done(txnID: "T", listID: nil, statusCode: 0, severity: "Info", message: nil, response: nil)]
            }
        }
        #expect(try t.store.progress(sessionID: session.id) == 100)
    }

    @Test func itemsNeedingANewerQBXMLFailWithoutBeingSent() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue([NewItem(type: "CustomerAdd", body: "<CustomerAddRq/>", minVersion: "16.0")] + t.items(1), userName: "amazon")
        let (session, _) = try t.store.beginSession(userID: user.id, ticket: "t", idleTimeout: 600)
        let batch = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 1 << 20) { v in v == "16.0" ? "too new" : nil }
        #expect(batch.items.map(\.id) == [2])
        #expect(batch.refused.map(\.id) == [1])
        #expect(try t.store.item(id: 1).state == .failed)
        #expect(try t.store.item(id: 1).statusMessage == "too new")
    }

    @Test func aNewSessionPutsTheUnansweredRequestsOfTheOldOneInDoubt() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue(t.items(2) + [NewItem(type: "DepositAdd", body: "<DepositAddRq/>")], userName: "amazon")
        let (old, _) = try t.store.beginSession(userID: user.id, ticket: "old", idleTimeout: 600)
        _ = try t.store.startBatch(sessionID: old.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
        let (new, pending) = try t.store.beginSession(userID: user.id, ticket: "new", idleTimeout: 600)
        #expect(pending == 2)  // the two that can be looked up; the deposit cannot
        #expect(try t.store.items(state: .inDoubt).count == 3)
        guard case .ended(let ended) = try t.store.session(ticket: "old", idleTimeout: 600) else {
            Issue.record("the old session is still active")
            return
        }
        #expect(ended.state == .replaced)
        #expect(ended.inDoubtCount == 3)
        // The new session looks the in-doubt items up before sending anything else.
        let batch = try t.store.startBatch(sessionID: new.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
        #expect(batch.lookups.map(\.id) == [1, 2])
        #expect(batch.items.isEmpty)
        _ = try t.store.finishBatch(sessionID: new.id) { _ in
            [1: .done(txnID: nil, listID: "L1", statusCode: 0, severity: "Info", message: "found", response: nil),
             2: .requeue(message: "not found")]
        }
        #expect(try t.store.item(id: 1).state == .done)
        #expect(try t.store.item(id: 2).state == .queued)
        #expect(try t.store.item(id: 3).state == .inDoubt)
        let next = try t.store.startBatch(sessionID: new.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
        #expect(next.lookups.isEmpty)
        #expect(next.items.map(\.id) == [2])
    }

    @Test func idleSessionsExpire() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue(t.items(1), userName: "amazon")
        let start = Date()
        let (session, _) = try t.store.beginSession(userID: user.id, ticket: "t", now: start, idleTimeout: 60)
        _ = try t.store.startBatch(sessionID: session.id, now: start, limit: 50, maxBytes: 1 << 20) { _ in nil }
        guard case .active = try t.store.session(ticket: "t", now: start.addingTimeInterval(59), idleTimeout: 60) else {
            Issue.record("expired too early")
            return
        }
        guard case .ended(let s) = try t.store.session(ticket: "t", now: start.addingTimeInterval(59 + 61), idleTimeout: 60) else {
            Issue.record("did not expire")
            return
        }
        #expect(s.state == .expired)
        #expect(try t.store.item(id: 1).state == .inDoubt)
        guard case .unknown = try t.store.session(ticket: "nope", idleTimeout: 60) else {
            Issue.record("unknown ticket found")
            return
        }
    }

    @Test func failuresAreThrottledAfterFiveAndClearedOnSuccess() throws {
        let t = try TempStore()
        defer { t.remove() }
        let now = Date()
        for i in 1...5 {
            #expect(try t.store.throttleDelay(name: "amazon", now: now) == nil)
            #expect(try t.store.recordAuthFailure(name: "Amazon", now: now) == i)
        }
        let wait = try #require(try t.store.throttleDelay(name: "amazon", now: now))
        #expect(wait > 29 && wait <= 30.01)  // dates are stored to the millisecond
        #expect(try t.store.throttleDelay(name: "amazon", now: now.addingTimeInterval(31)) == nil)
        try t.store.recordAuthFailure(name: "amazon", now: now)
        #expect(try #require(try t.store.throttleDelay(name: "amazon", now: now)) > 59)
        for _ in 0..<20 { try t.store.recordAuthFailure(name: "amazon", now: now) }
        #expect(try #require(try t.store.throttleDelay(name: "amazon", now: now)) <= 900.01)
        try t.store.clearAuthFailures(name: "amazon")
        #expect(try t.store.throttleDelay(name: "amazon", now: now) == nil)
    }

    @Test func operatorsRetryAndCancelOnlyWhatIsParked() throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try t.user()
        try t.store.enqueue(t.items(2), userName: "amazon")
        #expect(throws: StoreError.invalidState(item: 1, state: .queued, action: "retried")) { try t.store.retry(id: 1) }
        let (session, _) = try t.store.beginSession(userID: user.id, ticket: "t", idleTimeout: 600)
        _ = try t.store.startBatch(sessionID: session.id, limit: 50, maxBytes: 1 << 20) { _ in nil }
        _ = try t.store.finishBatch(sessionID: session.id) { _ in
            [1: .failed(statusCode: 3100, severity: "Error", message: "in use", response: nil)]
        }
        #expect(try t.store.item(id: 2).state == .inDoubt)  // no outcome given: in doubt, never silently lost
        #expect(try t.store.retry(id: 1).state == .queued)
        #expect(try t.store.cancel(id: 2).state == .cancelled)
        #expect(throws: StoreError.noSuchItem(99)) { try t.store.cancel(id: 99) }
    }
}

@Suite struct ExchangeLogTests {
    @Test func oldCallsArePruned() throws {
        let t = try TempStore()
        defer { t.remove() }
        let now = Date()
        for age in [0.0, 10, 100] {
            try t.store.logExchange(Exchange(
                at: now.addingTimeInterval(-age * 86_400), method: "serverVersion", ticket: nil, userName: nil, sessionID: nil,
                durationMS: 1, httpStatus: 200, requestBody: "<a/>", responseBody: "<b/>"))
        }
        #expect(try t.store.pruneExchanges(before: now.addingTimeInterval(-90 * 86_400)) == 1)
        #expect(try t.store.recentExchanges().count == 2)
    }
}
