import Foundation
import GRDB
import QBModel
import QBXML
@testable import Store
import Testing

/// A database written by qblink 0.1 (schema v2) keeps its queued work sendable after the upgrade.
@Suite struct MigrationTests {
    @Test func aVersion2QueueUpgradesToPlanKeysAndItsPlaceholdersStillFill() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qblink-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try Schema.migrator.migrate(pool, upTo: "v2: prerequisites, list lookups, settlements")
            try await pool.write { db in
                let now = Date()
                try db.execute(sql: "INSERT INTO users (id, name, password_hash, company_file, file_id, created_at) VALUES (1, 'amazon', 'x', '', '{F}', ?)", arguments: [now])
                try db.execute(sql: """
                    INSERT INTO queue (id, user_id, type, body, lookup_body, state, created_at, updated_at, add_body, ensure_key, ensure_policy, label)
                    VALUES (1, 1, 'CustomerQuery', '<CustomerQueryRq/>', '<CustomerQueryRq/>', 'queued', ?, ?, '<CustomerAddRq/>', 'Customer:bob', 'fail', 'customer ''Bob''')
                    """, arguments: [now, now])
                try db.execute(sql: """
                    INSERT INTO queue (id, user_id, type, body, ref_number, state, created_at, updated_at, txn_id, label)
                    VALUES (2, 1, 'InvoiceAdd', '<InvoiceAddRq/>', 'INV-1', 'done', ?, ?, 'T-1', 'Invoice INV-1')
                    """, arguments: [now, now])
                try db.execute(sql: """
                    INSERT INTO queue (id, user_id, type, body, ref_number, state, created_at, updated_at)
                    VALUES (3, 1, 'ReceivePaymentAdd', '<ReceivePaymentAddRq><TxnID>{{item:2}}</TxnID></ReceivePaymentAddRq>', 'PAY-1', 'queued', ?, ?)
                    """, arguments: [now, now])
                try db.execute(sql: "INSERT INTO prerequisites (item_id, prerequisite_id) VALUES (3, 2)")
            }
        }
        let store = try Store(path: path)
        #expect(try await store.appliedMigrations().contains("v3: plan keys"))
        let lookup = try await store.item(id: 1)
        #expect(lookup.ensures && lookup.planKey == .list(.customer, "Bob") && lookup.addBody == nil)  // policy fail: nothing to add
        #expect(try await store.item(id: 2).planKey == .transaction(.invoice, "INV-1"))
        #expect(try await store.item(id: 3).planKey == .transaction(.receivePayment, "PAY-1"))
        let (session, _) = try await store.beginSession(userID: 1, ticket: "t", idleTimeout: 600)
        _ = try await store.startBatch(sessionID: session.sessionID, limit: 1, maxBytes: 1 << 20) { item, _ in .send(item.body) }
        _ = try await store.finishBatch(sessionID: session.sessionID) { _ in
            [1: .done(txnID: nil, listID: "L-1", statusCode: 0, severity: "Info", message: nil, response: nil)]
        }
        let batch = try await store.startBatch(sessionID: session.sessionID, limit: 50, maxBytes: 1 << 20) { item, prerequisites in
            let sources = prerequisites.map { TxnIDPlaceholder.Source(key: $0.planKey, queueID: $0.id, txnID: $0.txnID) }
            return (try? TxnIDPlaceholder.fill(item.body, from: sources)).map { .send($0) } ?? .refuse("no TxnID")
        }
        #expect(batch.items.map(\.body) == ["<ReceivePaymentAddRq><TxnID>T-1</TxnID></ReceivePaymentAddRq>"])
        #expect(try await store.item(id: 3).body == "<ReceivePaymentAddRq><TxnID>T-1</TxnID></ReceivePaymentAddRq>")
    }

    /// Every field of a queue item, none at its default, survives insertion (whose columns are written out
    /// by hand for speed) and reading back.
    @Test func recordsReadBackAsTheyWereWritten() async throws {
        let t = try TempStore()
        defer { t.remove() }
        let user = try await t.user()
        #expect(try await t.store.user(id: user.userID) == user)
        let (session, _) = try await t.store.beginSession(userID: user.userID, ticket: "t", idleTimeout: 60)
        var item = QueueItem(
            type: "InvoiceAdd", body: "<InvoiceAddRq/>", refNumber: "R", lookupBody: "<InvoiceQueryRq/>", minVersion: "13.0",
            source: "s.json", label: "Invoice R", ensures: true, addBody: "<InvoiceAddRq/>")
        item.state = .done
        item.solo = true
        item.attempts = 3
        item.sessionID = session.sessionID
        item.lookupSessionID = session.sessionID
        item.sentAt = Date(timeIntervalSince1970: 1_700_000_000)
        item.txnID = "T-1"
        item.listID = "L-1"
        item.statusCode = 530
        item.statusSeverity = "Warn"
        item.statusMessage = "almost"
        item.response = "<InvoiceRet/>"
        let planned = PlannedItem(key: .transaction(.invoice, "R"), item: item)
        let id = try await t.store.enqueue([EnqueuePart(plan: [planned])], userName: "amazon")[0].inserted[0]
        let read = try await t.store.item(id: id)
        item.id = id
        item.userID = user.userID
        item.state = .queued  // what the enqueue sets
        item.planKey = .transaction(.invoice, "R")
        item.createdAt = read.createdAt
        item.updatedAt = read.updatedAt
        #expect(read.item == item)
        #expect(abs(read.createdAt.timeIntervalSinceNow) < 60)
        #expect(read.userName == "amazon")
        // The listing's JSON is the item's fields with its user beside them.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(read)) as? [String: Any]
        #expect(json?["user"] as? String == "amazon" && json?["refNumber"] as? String == "R" && json?["state"] as? String == "queued")
    }
}
