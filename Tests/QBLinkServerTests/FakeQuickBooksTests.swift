import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import QBXML
import SalesDocument
import Store
import Testing
import XMLKit

/// The fake QuickBooks keeps books and refuses what QuickBooks refuses; qblink's posting is only as well
/// tested as this.
@Suite struct FakeQuickBooksTests {
    /// One request to a company file holding a customer, a credit memo of 10.00 and the usual accounts.
    func answer(_ qb: FakeQuickBooks, _ body: String) throws -> XElement {
        let message = QBXMLRequestMessage.build(version: QBXMLVersion("13.0")!, requests: [("1", body)])
        guard case .response(let xml) = qb.process(message) else { throw FailedExpectation() }
        return try #require(try XMLReader.parse(xml).child("QBXMLMsgsRs")?.children.first)
    }

    func companyFile() throws -> (FakeQuickBooks, memoID: String) {
        let qb = FakeQuickBooks()
        qb.seed("Customer", name: "Bob")
        qb.seed("Account", name: "Sales", accountType: "Income")
        qb.seed("Account", name: "Checking", accountType: "Bank")
        qb.seed("Item", name: "Widget", account: "Sales")
        let memo = QBTransaction(kind: .creditMemo, customer: "Bob", refNumber: "CM-1", lines: [.init(item: "Widget", amountCents: 1000)])
        let rs = try answer(qb, QBRequestWriter.add(memo))
        return (qb, try #require(rs.child("CreditMemoRet")?.childText("TxnID")))
    }

    @Test func aRefundAppliesToTheMemoAndPutsTheCustomerBack() throws {
        let (qb, memo) = try companyFile()
        #expect(qb.customerBalance("Bob") == -1000)
        let refund = QBRefund(customer: "Bob", refundFrom: "Checking", refNumber: "CM-1", applications: [.init(txnID: memo, amountCents: 1000)])
        #expect(try answer(qb, QBRequestWriter.refund(refund)).attribute("statusCode") == "0")
        #expect(qb.customerBalance("Bob") == 0 && qb.balance(of: "Checking") == -1000 && qb.balance(of: "Sales") == 1000)
        // Nothing is left to refund.
        let again = try answer(qb, QBRequestWriter.refund(refund))
        #expect(again.attribute("statusCode") == "3210" && again.attribute("statusMessage")?.contains("more than the credit remaining") == true)
        // The memo cannot be deleted while the refund holds it; the refund can, and then the memo.
        let memoDel = try answer(qb, QBRequestWriter.deletion(QBTxnDel(type: .creditMemo, txnID: memo)))
        #expect(memoDel.attribute("statusCode") == "3170")
        let refundID = try #require(qb.transactions(ofType: "ARRefundCreditCard").first?.txnID)
        #expect(try answer(qb, QBRequestWriter.deletion(QBTxnDel(type: .arRefundCreditCard, txnID: refundID))).attribute("statusCode") == "0")
        #expect(try answer(qb, QBRequestWriter.deletion(QBTxnDel(type: .creditMemo, txnID: memo))).attribute("statusCode") == "0")
        #expect(qb.balances.isEmpty && qb.deletedTransactions.count == 2)
        #expect(try answer(qb, QBRequestWriter.deletion(QBTxnDel(type: .creditMemo, txnID: memo))).attribute("statusCode") == "3120")
    }

    @Test func aRefundFromAnIncomeAccountAndAnUnbalancedJournalEntryAreRefused() throws {
        let (qb, memo) = try companyFile()
        let refund = QBRefund(customer: "Bob", refundFrom: "Sales", applications: [.init(txnID: memo, amountCents: 500)])
        let wrongAccount = try answer(qb, QBRequestWriter.refund(refund))
        #expect(wrongAccount.attribute("statusCode") == "3180" && wrongAccount.attribute("statusMessage")?.contains("is Income") == true)
        let unbalanced = QBJournalEntry(txnDate: "2024-11-06", refNumber: "J", lines: [
            .init(account: "Checking", amountCents: 1000, isDebit: true), .init(account: "Sales", amountCents: 999, isDebit: false),
        ])
        let je = try answer(qb, QBRequestWriter.journalEntry(unbalanced))
        #expect(je.attribute("statusCode") == "3180" && je.attribute("statusMessage")?.contains("not in balance") == true)
        let toIncome = QBTransfer(txnDate: "2024-11-06", from: "Checking", to: "Sales", amountCents: 100, memo: "x")
        #expect(try answer(qb, QBRequestWriter.transfer(toIncome)).attribute("statusCode") == "3180")
        let missing = QBTransfer(txnDate: "2024-11-06", from: "Checking", to: "Savings", amountCents: 100, memo: "x")
        #expect(try answer(qb, QBRequestWriter.transfer(missing)).attribute("statusCode") == "3140")
        #expect(qb.transactions.count == 1 && qb.imbalance == 0)
    }

    @Test func aRefundedCreditMemoFromJSONLeavesTheCustomerAtZero() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.seed("Account", name: "Checking", accountType: "Bank")
        let document = try SalesDocument.parse(Data(#"""
            [{"type": "creditMemo", "customer": "Bob", "refNumber": "CM-7", "lines": [{"item": "Widget", "amount": "12.50"}],
              "refund": {"from": "Checking", "method": "Check"}}]
            """#.utf8))
        #expect(document.entries.count == 2)
        h.quickBooks.seed("PaymentMethod", name: "Check")
        try await Posting.enqueue(document: document, source: "refund.json", userName: "amazon", store: h.store)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let qb = h.quickBooks
        #expect(qb.transactions(ofType: "ARRefundCreditCard").count == 1)
        #expect(qb.customerBalance("Bob") == 0 && qb.balance(of: "Checking") == -1250 && qb.balance(of: "Sales") == 1250)
        let refund = try #require(qb.transactions(ofType: "ARRefundCreditCard").first)
        #expect(refund.appliedTo[qb.transactions(ofType: "CreditMemo")[0].txnID] == 1250)
        #expect(refund.element.child("PaymentMethodRef")?.childText("FullName") == "Check")
    }

    @Test func aTransferToAQuickBooksTooOldForItFailsSayingSo() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.supportedVersions = ["8.0", "10.0", "11.0"]
        let transfer = QBTransfer(txnDate: "2024-11-06", from: "Amazon Clearing", to: "Checking", amountCents: 100, memo: "payout", key: "X-T")
        let plan = Plan.make(requirements: [], entries: [.transfer(transfer)], missing: .create, source: "t")
        try await h.store.enqueue([EnqueuePart(plan: plan)], userName: "amazon")
        let run = try await h.run(major: 11, minor: 0)
        let item = try #require(try await h.store.items().first)
        #expect(item.state == .failed)
        #expect(item.statusMessage == "written for qbXML 12.0, but this QuickBooks accepts at most qbXML 11.0; not sent")
        #expect(run.lastErrors.first?.contains("could not be sent") == true)
        #expect(h.quickBooks.messages.isEmpty)
    }
}
