import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import Settlement
import Store
import Testing

@Suite struct UndoTests {
    static func summary(group: SettlementMapping.GroupMode, mode: PostingMode, bank: String? = "Checking") throws -> SettlementSummary {
        var mapping = SettlementMapping.standard
        mapping.group = group
        mapping.bankAccount = bank
        return try Settlement.summarize(Array(SettlementSessionTests.report().v2().utf8), source: "report.txt", mapping: mapping).posted(as: mode)
    }

    static func state(_ h: Harness, user: String = "amazon") async throws -> SettlementState? {
        try await h.store.settlements(userName: user).first?.state
    }

    /// A harness with the report enqueued (one group, as receipts) for `amazon`, and an empty company file.
    static func enqueued() async throws -> (Harness, FakeQuickBooks) {
        let h = try await Harness(users: [])
        try await h.server.addUser("amazon", password: Harness.password)
        let s = try summary(group: .none, mode: .receipts, bank: nil)
        try await Posting.enqueue(settlements: [s], missing: .create, userName: "amazon", store: h.store)
        return (h, FakeQuickBooks())
    }

    @discardableResult
    static func undo(_ h: Harness, user: String = "amazon") async throws -> UndoneSettlement {
        try await Posting.undo(settlementID: "21871512981", userName: user, today: "2026-12-01", store: h.store)
    }

    @Test(arguments: PostingMode.allCases)
    func undoThenReEnqueueLeavesTheBooksAsIfOnlyTheSecondWasPosted(mode: PostingMode) async throws {
        let h = try await Harness(users: [])
        defer { h.finish() }
        let first = try Self.summary(group: .channel, mode: mode)
        let qb = try await BooksTests.post(h, first, user: "amazon")
        BooksTests.expectBooks(qb, first, "first posting")
        #expect(try await Self.state(h) == .posted)

        let undone = try await Self.undo(h)
        #expect(undone.result.queued == first.entries.count && undone.result.cancelled == 0)
        #expect(undone.reversed.count == 1)  // the payout transfer cannot be deleted: it is reversed
        #expect(try await Self.state(h) == .undoing)
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        #expect(try await Self.state(h) == .undone)
        // Only the two transfers (the payout and its reversal) are left, and they cancel out.
        #expect(qb.transactions.map(\.type) == ["Transfer", "Transfer"])
        #expect(qb.transactions.last?.memo?.contains("Reverses the payout transfer of Amazon settlement 21871512981") == true)
        #expect(qb.transactions.last?.txnDate == "2026-12-01")
        #expect(qb.balances.isEmpty, "\(qb.balances)")

        // Enqueued again, another way: it posts once, and the books are as if only the second had been posted.
        let second = try Self.summary(group: .month, mode: mode == .journal ? .receipts : .journal)
        _ = try await BooksTests.post(h, second, user: "amazon", quickBooks: qb)
        #expect(try await Self.state(h) == .posted)
        let fresh = FakeQuickBooks()
        _ = try await BooksTests.post(h, second, user: "fresh", quickBooks: fresh)
        #expect(qb.balances == fresh.balances)
        #expect(qb.customerBalance("Amazon Summary") == 0 && qb.accountsReceivable == 0)
        let listed = try #require(try await h.store.settlements(userName: "amazon").first)
        #expect(listed.record.undoneCount == 1 && listed.record.mode == second.mode && listed.record.groupMode == "month")
    }

    @Test func whatWasNeverSentIsCancelledAndTheSettlementCanBeEnqueuedAgain() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let s = try Self.summary(group: .channel, mode: .receipts, bank: nil)
        try await Posting.enqueue(settlements: [s], missing: .create, userName: "amazon", store: h.store)
        let undone = try await Self.undo(h)
        #expect(undone.result.cancelled == s.entries.count && undone.result.queued == 0)
        #expect(try await Self.state(h) == .undone)
        await #expect(throws: PostingError.self) { try await Self.undo(h) }  // already undone
        let run = try await h.run()
        #expect(!run.requests.contains { $0.contains("SalesReceiptAdd") || $0.contains("TxnDel") })
        #expect(h.quickBooks.transactions.isEmpty)
        try await Posting.enqueue(settlements: [s], missing: .create, userName: "amazon", store: h.store)
        _ = try await h.run()
        BooksTests.expectBooks(h.quickBooks, s, "posted after an undo of nothing")
    }

    @Test func aTransactionInDoubtIsLookedUpThenDeletedIfQuickBooksHasItAndCancelledIfNot() async throws {
        let (h, qb) = try await Self.enqueued()
        defer { h.finish() }
        // Lookups and additions go through; the message with the transactions is applied by QuickBooks, but
        // its answer never comes back.
        let crashed = try await h.run(quickBooks: qb, crash: .afterQuickBooksProcessedMessage(containing: "<SalesReceiptAddRq"))
        #expect(crashed.crashed)
        #expect(qb.transactions.contains { $0.type == "SalesReceipt" })
        #expect(!qb.transactions.contains { $0.type == "ARRefundCreditCard" })  // it waits for its memo's TxnID
        let awaiting = try await h.store.items(state: .sent).count
        #expect(awaiting == 3)  // the receipt, the memo, the adjustments memo
        let undone = try await Self.undo(h)
        #expect(undone.result.withdrawn == awaiting && undone.result.cancelled == 2)  // the refunds were never sent
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        #expect(qb.transactions.isEmpty, "\(qb.transactions.map(\.type))")
        #expect(qb.deletedTransactions.count == 3)
        #expect(try await Self.state(h) == .undone)
        // The refunds never reached QuickBooks: cancelled, not sent.
        #expect(!qb.messages.contains { $0.contains("<ARRefundCreditCardAddRq") })
        #expect(qb.balances.isEmpty)
    }

    @Test func aDeletionQuickBooksRefusesLeavesTheSettlementFailedWithItsReason() async throws {
        let h = try await Harness(users: [])
        defer { h.finish() }
        let s = try Self.summary(group: .channel, mode: .receipts, bank: nil)
        let qb = try await BooksTests.post(h, s, user: "amazon")
        qb.refusedDeletions = ["CreditMemo"]
        try await Self.undo(h)
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100)
        let listed = try #require(try await h.store.settlements(userName: "amazon").first)
        #expect(listed.state == .failed)
        #expect(listed.reason?.hasPrefix("undo: There was an error when deleting a CreditMemo") == true, "\(listed.reason ?? "")")
        // The refunds went first; the memos and what they hold stay in QuickBooks, visibly.
        #expect(qb.transactions(ofType: "ARRefundCreditCard").isEmpty)
        #expect(qb.transactions(ofType: "CreditMemo").count == s.transactions.filter { $0.transaction.kind == .creditMemo }.count)
        #expect(qb.transactions(ofType: "SalesReceipt").isEmpty)
    }

    @Test func aWithdrawnTransactionQuickBooksNeverGotIsCancelledNotSentAgain() async throws {
        let (h, qb) = try await Self.enqueued()
        defer { h.finish() }
        let crashed = try await h.run(quickBooks: qb, crash: .beforeQuickBooksProcessedMessage(containing: "<SalesReceiptAddRq"))
        #expect(crashed.crashed && qb.transactions.isEmpty)
        let undone = try await Self.undo(h)
        #expect(undone.result.withdrawn == 3)
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        #expect(try await Self.state(h) == .undone)
        #expect(qb.transactions.isEmpty && qb.deletedTransactions.isEmpty)
        #expect(!qb.messages.contains { $0.contains("<SalesReceiptAddRq") || $0.contains("<TxnDelRq") })
        let receipt = try #require(try await h.store.items().first { $0.type == "SalesReceiptAdd" })
        #expect(receipt.state == .cancelled && receipt.statusMessage?.contains("withdrawn by the undo") == true)
        await #expect(throws: StoreError.self) { try await h.store.retry(id: receipt.id!) }
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func aRealReportUndoneAndPostedAnotherWayLeavesTheBooksAsIfPostedOnce() async throws {
        let name = try #require(SharedReference.settlementSamples.first { $0.hasPrefix("us_") })
        let bytes = try SharedReference.bytes("settlement/samples/\(name)")
        let h = try await Harness(users: [])
        defer { h.finish() }
        let first = try BooksTests.summary(bytes, name, group: .channel, mode: .invoices, bank: "Checking")
        let qb = try await BooksTests.post(h, first, user: "amazon")
        let id = first.header.settlementID
        try await Posting.undo(settlementID: id, userName: "amazon", today: "2026-12-01", store: h.store)
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        #expect(qb.balances.isEmpty, "\(qb.balances)")
        let second = try BooksTests.summary(bytes, name, group: .channelMonth, mode: .journal, bank: "Checking")
        _ = try await BooksTests.post(h, second, user: "amazon", quickBooks: qb)
        let fresh = try await BooksTests.post(h, second, user: "fresh")
        #expect(qb.balances == fresh.balances)
        #expect(try await h.store.settlements(userName: "amazon").first?.state == .posted)
    }
}
