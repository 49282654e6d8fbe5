import Foundation
import Posting
import QBLinkTestSupport
import QBXML
import Settlement
import Store
import Testing

@Suite struct SettlementSessionTests {
    static func report(id: String = "21871512981") -> ReportBuilder {
        var b = ReportBuilder()
        b.settlementID = id
        b.order("TM-ATRNS-LL", cents: 6899, tax: 630, fba: -584, channel: "AFN")
        b.order("TM-ATRNS-LR", cents: 6899, quantity: 2, shipping: 499, channel: "AFN")
        b.order("HANDMADE-1", cents: 2500, channel: "MFN")
        b.refund("TM-ATRNS-LL", cents: 6899, tax: 630)
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -5000)
        b.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -1999)
        return b
    }

    /// Queues a report the way `qblink settlement enqueue` does.
    @discardableResult
    func enqueue(_ h: Harness, _ b: ReportBuilder, mapping: SettlementMapping = .standard, replace: Bool = false) async throws -> (SettlementSummary, EnqueueResult) {
        let summary = try Settlement.summarize(Array(b.v2().utf8), source: "report.txt", mapping: mapping)
        let enqueued = try await Posting.enqueue(settlements: [summary], missing: mapping.missing, replace: replace, userName: "amazon", store: h.store)
        return (summary, enqueued[0].result)
    }

    /// Receipts minus credit memos, in QuickBooks.
    func net(_ qb: FakeQuickBooks) -> Int {
        qb.transactions.reduce(0) { $0 + ($1.type == "CreditMemo" ? -$1.totalCents : $1.type == "SalesReceipt" ? $1.totalCents : 0) }
    }

    /// The books after posting: the deposit account holds the payouts and Accounts Receivable nothing.
    func expectBooks(_ qb: FakeQuickBooks, deposited: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(qb.balance(of: "Amazon Clearing") == deposited, sourceLocation: sourceLocation)
        #expect(qb.accountsReceivable == 0, sourceLocation: sourceLocation)
        #expect(qb.customerBalance("Amazon Summary") == 0, sourceLocation: sourceLocation)
        #expect(qb.imbalance == 0, sourceLocation: sourceLocation)
    }

    @Test func aSettlementPostsIntoAFreshCompanyFileNettingToTheDeposit() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let b = Self.report()
        let (summary, result) = try await enqueue(h, b)
        #expect(result.inserted.count == summary.requirements.count + summary.entries.count)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        #expect(run.requests.count <= 6, "a settlement should post in a handful of round trips, took \(run.requests.count)")
        let notDone = try await h.store.items().filter { $0.state != .done }.map { "\($0.type) \($0.statusMessage ?? "")" }
        #expect(notDone.isEmpty, "\(notDone)")
        let qb = h.quickBooks
        #expect(qb.transactions(ofType: "SalesReceipt").count == summary.transactions.filter { $0.transaction.kind == .salesReceipt }.count)
        #expect(qb.transactions(ofType: "CreditMemo").count == summary.transactions.filter { $0.transaction.kind == .creditMemo }.count)
        #expect(qb.transactions(ofType: "ARRefundCreditCard").count == summary.refunds.count)
        #expect(qb.transactions.count == summary.entries.count)
        #expect(net(qb) == b.totalCents)
        expectBooks(qb, deposited: b.totalCents)
        // Every list element was made once.
        for requirement in summary.requirements {
            let type = requirement.listKind == .item ? qb.lists.first { $0.fullName == requirement.name }?.type ?? "?" : requirement.listKind.rawValue
            #expect(qb.count(ofListType: type, named: requirement.name) == 1, "\(requirement.label)")
        }
        #expect(qb.lists.contains { $0.type == "ItemNonInventory" && $0.fullName == "TM-ATRNS-LL" })
        #expect(qb.lists.contains { $0.type == "Account" && $0.fullName == "Amazon Reserved Balances" })

        // The next settlement finds the customer, items and accounts already there.
        let before = qb.lists.count
        try await enqueue(h, Self.report(id: "21871512999"))
        let second = try await h.run()
        #expect(second.progress.last == 100)
        #expect(qb.lists.count == before)
        #expect(net(qb) == 2 * b.totalCents)
        expectBooks(qb, deposited: 2 * b.totalCents)
    }

    @Test func theFailPolicyNamesWhatIsMissingAndSendsNoTransaction() async throws {
        let h = try await Harness()
        defer { h.finish() }
        var mapping = SettlementMapping.standard
        mapping.missing = .fail
        let (summary, _) = try await enqueue(h, Self.report(), mapping: mapping)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        #expect(h.quickBooks.transactions.isEmpty)
        #expect(h.quickBooks.lists.count == 2)  // only what the harness seeded
        let failed = try await h.store.items(state: .failed)
        #expect(failed.count == summary.requirements.count + summary.entries.count)
        let receipt = try #require(failed.first { $0.type == "SalesReceiptAdd" })
        #expect(receipt.statusMessage?.contains("customer 'Amazon Summary' does not exist in QuickBooks") == true)
        #expect(receipt.attempts == 0)
    }

    @Test func aFailedPrerequisiteHoldsBackOnlyTheTransactionsThatNeedIt() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.refusedAdds = ["Amazon Advertising"]
        let (summary, _) = try await enqueue(h, Self.report())
        _ = try await h.run()
        let adjustments = try #require(try await h.store.items().first { $0.refNumber == summary.transactions.last?.transaction.refNumber })
        #expect(adjustments.state == .failed)
        #expect(adjustments.attempts == 0)
        #expect(adjustments.statusMessage?.contains("item 'Amazon Advertising'") == true)
        // The adjustments (a credit memo) and its refund are held back; everything else posts.
        #expect(h.quickBooks.transactions.count == summary.entries.count - 2)
        #expect(!h.quickBooks.transactions.contains { $0.refNumber == adjustments.refNumber })
    }

    @Test func enqueueingASettlementTwiceIsRefusedAndReplaceKeepsWhatWasSent() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let (summary, _) = try await enqueue(h, Self.report())
        do {
            try await enqueue(h, Self.report())
            Issue.record("a second enqueue was accepted")
        } catch let error as PostingError {
            #expect("\(error)".contains("already enqueued"))
            #expect("\(error)".contains("0 of its \(summary.entries.count) transactions are done"))
        }
        // Nothing sent yet: --replace replaces every transaction.
        let (_, replaced) = try await enqueue(h, Self.report(), replace: true)
        #expect(replaced.replaced == summary.entries.count)
        #expect(replaced.kept == 0)
        _ = try await h.run()
        #expect(h.quickBooks.transactions.count == summary.entries.count)
        // Everything sent: --replace has nothing to replace and says to undo first; nothing is posted twice.
        do {
            try await enqueue(h, Self.report(), replace: true)
            Issue.record("--replace was accepted on a posted settlement")
        } catch let error as PostingError {
            #expect("\(error)".contains("is posted") && "\(error)".contains("qblink settlement undo 21871512981 --user amazon"))
        }
        _ = try await h.run()
        #expect(h.quickBooks.transactions.count == summary.entries.count)
        expectBooks(h.quickBooks, deposited: Self.report().totalCents)
    }
}
