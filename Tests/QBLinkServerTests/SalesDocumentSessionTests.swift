import Foundation
import Posting
import QBModel
import QBLinkTestSupport
import QBXML
import SalesDocument
import Settlement
import Store
import Testing
import XMLKit

@Suite struct SalesDocumentSessionTests {
    /// Queues a JSON document the way `qblink enqueue FILE.json` does.
    @discardableResult
    func enqueue(_ h: Harness, _ json: String, missing: MissingListPolicy = .create) async throws -> EnqueueResult {
        let doc = try SalesDocument.parse(Data(json.utf8))
        return try await Posting.enqueue(document: doc, source: "sales.json", options: .init(missing: missing), userName: "amazon", store: h.store).result
    }

    @Test func everyTypePostsAndThePaymentPaysTheInvoiceByItsTxnID() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.seed("Account", name: "Undeposited Funds")
        let json = try String(contentsOf: SharedReference.packageRoot.appendingPathComponent("Resources/example-sales.json"), encoding: .utf8)
        try await enqueue(h, json)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let notDone = try await h.store.items().filter { $0.state != .done }.map { "\($0.type): \($0.statusMessage ?? "")" }
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
    }

    @Test func aFailedInvoiceHoldsItsPaymentBackAndSaysWhy() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.refusedTransactions = ["INV-7"]
        try await enqueue(h, """
            [{"type": "invoice", "customer": "Bob", "refNumber": "INV-7", "lines": [{"item": "Widget", "amount": "10.00"}]},
             {"type": "payment", "customer": "Bob", "refNumber": "PAY-7", "amount": "10.00", "pays": ["INV-7"]},
             {"type": "payment", "customer": "Bob", "refNumber": "PAY-8", "amount": "3.00"}]
            """)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let items = try await h.store.items()
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
    }

    @Test func aRejectedDocumentLeavesNothingForTheWebConnector() async throws {
        let h = try await Harness()
        defer { h.finish() }
        await #expect(throws: SalesDocument.Problems.self) {
            try await enqueue(h, #"[{"type": "invoice", "customer": "Bob", "lines": [{"item": "Widget", "amount": "10.001"}]}]"#)
        }
        #expect(try await h.store.items().isEmpty)
        #expect(try await h.run().authenticate[1] == "none")
        #expect(h.quickBooks.messages.isEmpty)
    }

    @Test func aSettlementPostsAsInvoicesAndPaymentsStillNettingToTheDeposit() async throws {
        let h = try await Harness()
        defer { h.finish() }
        var b = SettlementSessionTests.report()
        b.settlementID = "30000000001"
        let summary = try Settlement.summarize(Array(b.v2().utf8), source: "r.txt").asInvoices()
        let paid = summary.payments.reduce(0) { $0 + $1.totalCents }
        let refunded = summary.transactions.filter { $0.transaction.kind == .creditMemo }.reduce(0) { $0 + $1.transaction.lines.reduce(0) { $0 + ($1.amountCents ?? 0) } }
        #expect(paid - refunded == b.rows.reduce(0) { $0 + $1.cents })
        try await Posting.enqueue(settlements: [summary], missing: .create, userName: "amazon", store: h.store)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let qb = h.quickBooks
        #expect(qb.transactions(ofType: "SalesReceipt").isEmpty)
        #expect(qb.transactions(ofType: "Invoice").count == summary.payments.count)
        #expect(qb.transactions(ofType: "ReceivePayment").count == summary.payments.count)
        let deposited = qb.transactions(ofType: "ReceivePayment").reduce(0) { $0 + $1.totalCents }
            - qb.transactions(ofType: "CreditMemo").reduce(0) { $0 + $1.totalCents }
        #expect(deposited == b.totalCents)
    }
}
