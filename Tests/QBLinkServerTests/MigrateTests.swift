import Foundation
import QBLinkTestSupport
import Store
import Testing

/// `qblink migrate --to postgres://…`: a SQLite database copied whole into PostgreSQL, and the sync going on
/// from there as if nothing had moved.
@Suite(.enabled(if: TestDatabase.isPostgres && CLIRunner.isAvailable, "needs PostgreSQL (QBLINK_TEST_POSTGRES; .ci/run starts one) and the qblink executable"))
struct MigrateTests {
    @Test func aSQLiteDatabaseCopiedMidSyncFinishesOnPostgreSQLWithoutADuplicate() async throws {
        let h = try await Harness(configuration: .init(batchSize: 2), sqlite: true)
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Acme")] + (1...6).map { QBXMLSamples.receipt(ref: "R\($0)", customer: "Acme") })
        // QuickBooks applies the second message and the Web Connector dies before its response comes back:
        // the database holds done, in-doubt and queued items, a session, its log.
        #expect(try await h.run(crash: .afterQuickBooksProcessed(message: 2)).crashed)
        #expect(try CLIRunner.run(["console-user", "add", "keeper", "--password-stdin"], database: h.databasePath, stdin: "long enough pw\n").status == 0)
        let before = try await (h.store.users().count, h.store.items().count, h.store.sessions(limit: 100).count, h.store.recentExchanges(limit: 1_000).count)
        await h.server.stop()

        let target = TestDatabase.database(for: h.folder.path("migrated"))
        let copied = try CLIRunner.run(["migrate", "--to", target, "--json"], database: h.databasePath)
        #expect(copied.status == 0, "\(copied.stderr)")
        struct Counts: Decodable { var counts: [TableCount]; var matches: Bool }
        let counts = try JSONDecoder().decode(Counts.self, from: Data(copied.stdout.utf8))
        #expect(counts.matches)
        let byTable = Dictionary(uniqueKeysWithValues: counts.counts.map { ($0.table, $0) })
        #expect(byTable["users"]?.copied == 1 && byTable["queue"]?.copied == 7 && byTable["console_users"]?.copied == 1)
        #expect((byTable["exchanges"]?.copied ?? 0) > 0 && byTable["exchanges"]?.copied == byTable["exchanges"]?.source)
        // Into a database that is no longer empty: refused, nothing written.
        let again = try CLIRunner.run(["migrate", "--to", target], database: h.databasePath)
        #expect(again.status != 0 && again.stderr.contains("not empty"), "\(again.stderr)")
        let plain = try CLIRunner.run(["migrate", "--to", h.folder.path("other.sqlite")], database: h.databasePath)
        #expect(plain.status != 0 && plain.stderr.contains("postgres://"))

        // The same users, items, sessions and log, read from PostgreSQL …
        try await h.move(to: target)
        let after = try await (h.store.users().count, h.store.items().count, h.store.sessions(limit: 100).count, h.store.recentExchanges(limit: 1_000).count)
        #expect(after == before)
        #expect(try CLIRunner.run(["user", "list"], database: target).stdout.contains("amazon"))
        // … and the next sync looks the in-doubt items up and finishes: each receipt once in QuickBooks.
        _ = try await h.run()
        for id in ids { #expect(try await h.state(id) == .done, "item \(id)") }
        let refs = h.quickBooks.transactions.compactMap(\.refNumber)
        #expect(refs.sorted() == (1...6).map { "R\($0)" }.sorted(), "each receipt once: \(refs)")
        // New rows take ids after the copied ones.
        let more = try await h.enqueue([QBXMLSamples.receipt(ref: "R7", customer: "Acme")])
        #expect(more[0] > ids.max()!)
    }
}
