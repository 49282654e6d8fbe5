import QBModel
import QBXML
import Testing

@Suite struct PlanKeyTests {
    @Test func keysReadBackFromTheirTextAndFoldListNames() {
        let keys: [PlanKey] = [.list(.customer, "Amazon Summary"), .list(.item, "TM-ATRNS:LL"), .transaction(.invoice, "INV-1:2")]
        for key in keys { #expect(PlanKey(key.description) == key) }
        #expect(PlanKey.list(.customer, "Amazon Summary").description == "Customer:amazon summary")
        #expect(PlanKey.list(.account, "SALES") == .list(.account, "Sales"))
        #expect(PlanKey.transaction(.invoice, "A") != .transaction(.invoice, "a"))  // RefNumbers keep their case
        #expect(PlanKey("Bogus:x") == nil && PlanKey("no colon") == nil)
    }

    @Test func placeholdersAreMadeFoundAndFilledFromTheirSources() throws {
        let invoice = PlanKey.transaction(.invoice, "INV-1")
        let body = "<ReceivePaymentAddRq><AppliedToTxnAdd><TxnID>\(TxnIDPlaceholder.make(invoice))</TxnID></AppliedToTxnAdd>"
            + "<AppliedToTxnAdd><TxnID>{{item:42}}</TxnID></AppliedToTxnAdd></ReceivePaymentAddRq>"
        #expect(TxnIDPlaceholder.keys(in: body) == [invoice])
        let filled = try TxnIDPlaceholder.fill(body, from: [
            .init(key: invoice, queueID: 7, txnID: "1A-2&3"), .init(key: nil, queueID: 42, txnID: "9F-1"),
        ])
        #expect(filled == "<ReceivePaymentAddRq><AppliedToTxnAdd><TxnID>1A-2&amp;3</TxnID></AppliedToTxnAdd><AppliedToTxnAdd><TxnID>9F-1</TxnID></AppliedToTxnAdd></ReceivePaymentAddRq>")
        #expect(throws: TxnIDPlaceholder.FillError(key: invoice, queueID: nil)) {
            try TxnIDPlaceholder.fill(body, from: [.init(key: invoice, queueID: 7, txnID: nil)])
        }
    }

    @Test func textThatLooksLikeAPlaceholderIsNeverOne() throws {
        // A memo holding the placeholder's text is escaped when written: it cannot form a TxnID element.
        let t = QBTransaction(kind: .invoice, customer: "C", refNumber: "R", memo: "<TxnID>{{txn:Invoice:X}}</TxnID>", lines: [.init(item: "I", amountCents: 1)])
        let body = QBRequestWriter.add(t)
        #expect(TxnIDPlaceholder.keys(in: body).isEmpty)
        #expect(try TxnIDPlaceholder.fill(body, from: []) == body)
    }
}
