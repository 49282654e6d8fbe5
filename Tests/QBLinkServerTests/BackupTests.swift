import Foundation
import QBLinkTestSupport
import Store
import Testing

/// SQLite's online backup (PostgreSQL is backed up with its own tools).
@Suite(.enabled(if: !TestDatabase.isPostgres, "qblink backup copies SQLite files; PostgreSQL has pg_dump")) struct BackupTests {
    @Test func aBackupTakenMidSessionRestoresAndFinishesTheSyncWithoutADuplicate() async throws {
        let h = try await Harness(configuration: .init(batchSize: 2))
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Acme")] + (1...6).map { QBXMLSamples.receipt(ref: "R\($0)", customer: "Acme") })
        #expect(ids.count == 7)
        // QuickBooks applies the second message, and the Web Connector dies before its response comes back.
        let first = try await h.run(crash: .afterQuickBooksProcessed(message: 2))
        #expect(first.crashed)
        #expect(h.quickBooks.transactions.count >= 2)
        // The backup is taken now, mid-session, from another connection (as `qblink backup` does) …
        let copy = h.folder.path("backup.sqlite")
        try Store(path: h.databasePath).backup(to: copy)
        #expect(throws: StoreError.backupExists(copy)) { try Store(path: h.databasePath).backup(to: copy) }
        #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))
        // … and the live database is lost; the copy goes in its place and the next sync finishes the work.
        try await h.restore(from: copy)
        #expect(try await h.store.integrityCheck() == ["ok"])
        _ = try await h.run()
        for id in ids { #expect(try await h.state(id) == .done, "item \(id)") }
        let refs = h.quickBooks.transactions.compactMap(\.refNumber)
        #expect(refs.sorted() == (1...6).map { "R\($0)" }.sorted(), "each receipt once: \(refs)")
        #expect(h.quickBooks.lists.filter { $0.fullName == "Acme" }.count == 1)
    }
}
