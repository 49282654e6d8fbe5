import Foundation
import Planner
import QBLinkTestSupport
import QBXML
import SalesDocument
import Settlement
import Store
import Testing
import XMLKit

@Suite struct SalesDocumentSessionTests {
    @discardableResult
    func enqueue(_ h: Harness, _ json: String, missing: String = "create") throws -> EnqueueResult {
        let doc = try SalesDocument.parse(Data(json.utf8))
        let plan = Planner.plan(
            requirements: doc.requirements(itemType: .nonInventory, itemAccount: "Sales", itemAccountType: "Income"), entries: doc.entries,
            missingPolicy: missing, source: "sales.json")
        return try h.store.enqueue(plan: plan, userName: "amazon")
    }

    @Test func everyTypePostsAndThePaymentPaysTheInvoiceByItsTxnID() async throws {
        let h = try await Harness()
        h.quickBooks.seed("Account", name: "Undeposited Funds")
        let json = try String(contentsOf: SharedReference.packageRoot.appendingPathComponent("Resources/example-sales.json"), encoding: .utf8)
        try enqueue(h, json)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let notDone = try h.store.items().filter { $0.state != .done }.map { "\($0.type): \($0.statusMessage ?? "")" }
        #expect(notDone.isEmpty, "\(notDone)")
        let qb = h.quickBooks
        let invoice = try #require(qb.transactions(ofType: "Invoice").first)
        #expect(invoice.refNumber == "INV-1001" && invoice.totalCents == 4498)
        let payment = try #require(qb.transactions(ofType: "ReceivePayment").first)
        #expect(payment.totalCents == 4498)
        #expect(payment.element.child("AppliedToTxnAdd")?.childText("TxnID") == invoice.txnID)
        #expect(qb.transactions(ofType: "SalesReceipt").count == 1)
        #expect(qb.transactions(ofType: "CreditMemo").count == 1)
        #expect(qb.count(ofListType: "Customer", named: "Jane Doe") == 1)
        #expect(qb.lists.filter { $0.fullName == "Widget" }.count == 1)  // already there: found, not added again
        #expect(qb.count(ofListType: "ItemNonInventory", named: "Shipping") == 1)
        // The payment was sent only after the invoice had its TxnID: a later message.
        let invoiceMessage = run.requests.firstIndex { $0.contains("<InvoiceAddRq") }!
        let paymentMessage = run.requests.firstIndex { $0.contains("<ReceivePaymentAddRq") }!
        #expect(paymentMessage > invoiceMessage)
        #expect(!run.requests[paymentMessage].contains("{{"))
        await h.finish()
    }

    @Test func aFailedInvoiceHoldsItsPaymentBackAndSaysWhy() async throws {
        let h = try await Harness()
        h.quickBooks.refusedTransactions = ["INV-7"]
        try enqueue(h, """
            [{"type": "invoice", "customer": "Bob", "refNumber": "INV-7", "lines": [{"item": "Widget", "amount": "10.00"}]},
             {"type": "payment", "customer": "Bob", "refNumber": "PAY-7", "amount": "10.00", "pays": ["INV-7"]},
             {"type": "payment", "customer": "Bob", "refNumber": "PAY-8", "amount": "3.00"}]
            """)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let items = try h.store.items()
        let invoice = try #require(items.first { $0.refNumber == "INV-7" })
        #expect(invoice.state == .failed && invoice.statusCode == 3180)
        let payment = try #require(items.first { $0.refNumber == "PAY-7" })
        #expect(payment.state == .failed)
        #expect(payment.attempts == 0)
        #expect(payment.statusMessage?.contains("Invoice INV-7") == true)
        #expect(payment.statusMessage?.contains("closed period") == true)
        // An unrelated payment (auto-applied) is not held back.
        let other = try #require(items.first { $0.refNumber == "PAY-8" })
        #expect(other.state == .done)
        #expect(h.quickBooks.transactions(ofType: "ReceivePayment").count == 1)
        #expect(run.closeMessage?.contains("failed — run qblink log") == true)
        await h.finish()
    }

    @Test func aRejectedDocumentLeavesNothingForTheWebConnector() async throws {
        let h = try await Harness()
        #expect(throws: SalesDocument.Problems.self) {
            try enqueue(h, #"[{"type": "invoice", "customer": "Bob", "lines": [{"item": "Widget", "amount": "10.001"}]}]"#)
        }
        #expect(try h.store.items().isEmpty)
        #expect(try await h.run().authenticate[1] == "none")
        #expect(h.quickBooks.messages.isEmpty)
        await h.finish()
    }

    @Test func aSettlementPostsAsInvoicesAndPaymentsStillNettingToTheDeposit() async throws {
        let h = try await Harness()
        var b = SettlementSessionTests.report()
        b.settlementID = "30000000001"
        let summary = try Settlement.summarize(Array(b.v2().utf8), source: "r.txt").asInvoices()
        #expect(summary.reconciles)
        let plan = Planner.plan(requirements: summary.requirements, entries: summary.entries, missingPolicy: "create", source: "r.txt")
        try h.store.enqueue(plan: plan, userName: "amazon")
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let qb = h.quickBooks
        #expect(qb.transactions(ofType: "SalesReceipt").isEmpty)
        #expect(qb.transactions(ofType: "Invoice").count == summary.payments.count)
        #expect(qb.transactions(ofType: "ReceivePayment").count == summary.payments.count)
        let deposited = qb.transactions(ofType: "ReceivePayment").reduce(0) { $0 + $1.totalCents }
            - qb.transactions(ofType: "CreditMemo").reduce(0) { $0 + $1.totalCents }
        #expect(deposited == b.totalCents)
        await h.finish()
    }
}
