import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import Store
import Testing

/// `qblink queue purge --done`: the qbXML of old done items goes, and nothing that relies on those items breaks.
@Suite struct PurgeTests {
    @Test func purgedItemsStillUndoAndStillRefuseADuplicate() async throws {
        let h = try await Harness(users: [])
        defer { h.finish() }
        let posted = try UndoTests.summary(group: .channel, mode: .receipts)
        let qb = try await BooksTests.post(h, posted, user: "amazon")
        let queued = try await h.enqueue([QBXMLSamples.customer("Not yet sent")])
        let before = try await h.store.items(userName: "amazon")
        let done = before.filter { $0.item.state == .done }
        #expect(done.count > 3)

        // Nothing is old enough yet; then everything done is.
        #expect(try await h.store.purgeDone(before: Date().addingTimeInterval(-86_400)).items == 0)
        let purged = try await h.store.purgeDone(before: Date().addingTimeInterval(60), step: 2)
        #expect(purged.items == done.filter { $0.item.type != "TransferAdd" }.count)
        #expect(purged.bytes > 1_000)
        let after = try await h.store.items(userName: "amazon")
        for listed in after where listed.item.state == .done && listed.item.type != "TransferAdd" {
            #expect(listed.item.body.isEmpty && listed.item.response == nil && listed.item.purgedAt != nil)
            let original = try #require(done.first { $0.item.id == listed.item.id })
            #expect(listed.item.txnID == original.item.txnID && listed.item.listID == original.item.listID)
            #expect(listed.item.refNumber == original.item.refNumber && listed.item.settlementRow == original.item.settlementRow)
        }
        // The item never sent is untouched, and purging again finds nothing.
        #expect(try await h.store.item(id: queued[0]).item.body.contains("Not yet sent"))
        #expect(try await h.store.purgeDone(before: Date().addingTimeInterval(60)).items == 0)

        // The settlement cannot be enqueued twice, and undoing it still takes every transaction back out.
        await #expect(throws: (any Error).self) {
            try await Posting.enqueue(settlements: [posted], missing: .create, userName: "amazon", store: h.store)
        }
        try await UndoTests.undo(h)
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        #expect(try await UndoTests.state(h) == .undone)
        #expect(qb.balances.isEmpty, "\(qb.balances)")
    }
}
