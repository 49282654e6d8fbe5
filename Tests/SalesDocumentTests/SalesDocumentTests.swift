import Foundation
import QBModel
import QBLinkTestSupport
import QBXML
import SalesDocument
import Settlement
import Testing

@Suite struct SalesDocumentTests {
    func parse(_ json: String) throws -> SalesDocument {
        try SalesDocument.parse(Data(json.utf8))
    }

    func problems(_ json: String) -> [String] {
        do {
            _ = try parse(json)
            return []
        } catch {
            return (error as? SalesDocument.Problems)?.messages ?? ["\(error)"]
        }
    }

    static var example: Data {
        get throws { try Data(contentsOf: SharedReference.packageRoot.appendingPathComponent("Resources/example-sales.json")) }
    }

    @Test func readsTheExampleDocument() throws {
        let doc = try SalesDocument.parse(Self.example)
        #expect(doc.entries.count == 4)
        guard case .transaction(let invoice) = doc.entries[0], case .payment(let payment) = doc.entries[1] else {
            Issue.record("unexpected entries")
            return
        }
        #expect(invoice.kind == .invoice)
        #expect(invoice.terms == "Net 30")
        #expect(invoice.billAddress?.lines == ["Jane Doe", "12 Elm Street"])
        #expect(invoice.lines[0].quantity == "2" && invoice.lines[0].rate == "19.99" && invoice.lines[0].amountCents == 3998)
        #expect(invoice.totalCents == 4498)
        #expect(TxnIDPlaceholder.keys(in: QBRequestWriter.payment(payment)) == [.transaction(.invoice, "INV-1001")])
        #expect(payment.applications == [.init(txnID: "{{txn:Invoice:INV-1001}}", amountCents: 4498)])
        #expect(payment.totalCents == 4498)
        let requirements = doc.requirements(itemType: .nonInventory, itemAccount: "Sales", itemAccountType: "Income")
        #expect(requirements.map(\.label) == [
            "account 'Sales' (Income)", "customer 'Jane Doe'", "customer 'Walk-in Customer'",
            "item 'Widget' (NonInventory → Sales)", "item 'Shipping' (NonInventory → Sales)",
        ])
    }

    @Test func amountsAreExactDecimalsNeverBinaryFloatingPoint() throws {
        let doc = try parse(#"[{"type": "salesReceipt", "customer": "A", "lines": [{"item": "X", "amount": 0.1}, {"item": "X", "amount": "0.20"}, {"item": "Y", "quantity": 3, "rate": 0.1}, {"item": "Z", "amount": 12345678901.99}]}]"#)
        guard case .transaction(let t) = doc.entries[0] else { throw FailedExpectation() }
        #expect(t.lines.map(\.amountCents) == [10, 20, 30, 1_234_567_890_199])
        #expect(t.totalCents == 1_234_567_890_259)
        let writer = QBRequestWriter.add(t)
        #expect(writer.contains("<Amount>0.10</Amount>") && writer.contains("<Amount>12345678901.99</Amount>"))
    }

    @Test func everyProblemIsReportedWithItsPath() {
        let found = problems("""
            [
              {"type": "invoice", "customer": "Jane", "lines": [{"item": "Widget", "amount": 1.005}]},
              {"type": "invoice", "customer": "", "refNumber": "TOO-LONG-REF-1", "date": "2026-13-01", "lines": []},
              {"type": "salesReceipt", "customer": "Анна", "lines": [{"item": "A:B", "rate": 1, "amount": 1}]},
              {"type": "payment", "customer": "Jane", "amount": "10.00", "pays": ["INV-9", {"refNumber": "X", "txnID": "Y"}]},
              {"type": "refund", "customer": "Jane"},
              {"type": "creditMemo", "customer": "Jane", "lines": [{"item": "W", "amount": "1.00", "colour": "red"}], "notes": "x"},
              {"type": "invoice", "customer": "Jane", "refNumber": "R1", "lines": [{"item": "W", "amount": 1}]},
              {"type": "invoice", "customer": "Jane", "refNumber": "R1", "lines": [{"item": "W", "amount": 1}]},
              {"type": "payment", "customer": "Bob", "amount": 5, "pays": [{"refNumber": "R1", "amount": "6.00"}]},
              "not an object"
            ]
            """)
        let expected = [
            "$[0].lines[0].amount: amount has 3 decimals; at most 2 are allowed",
            "$[1].refNumber: 14 characters; QuickBooks allows at most 11",
            "$[1].customer: empty",
            "$[1].date: '2026-13-01' is not a date; write YYYY-MM-DD",
            "$[1].lines: empty: at least one line is needed",
            "$[2].customer: 'Анна' holds U+0410 'А', which QuickBooks cannot store (ISO-8859-1 only)",
            "$[2].lines[0].item: ':' separates a parent from a sub-item or job in QuickBooks; use a plain name",
            "$[2].lines[0]: give rate or amount, not both",
            "$[3].pays[0]: no invoice with RefNumber 'INV-9' comes before this payment in the file",
            "$[3].pays[1]: name the invoice by refNumber (an invoice in this file) or by txnID (one already in QuickBooks)",
            "$[4].type: 'refund' is not one of invoice, payment, salesReceipt, creditMemo",
            "$[5].notes: unknown field for a creditMemo (expected: billAddress, class, customer, date, dueDate, lines, memo, refNumber, refund, shipAddress, terms, type)",
            "$[5].lines[0].colour: unknown field for a line (expected: item, description, quantity, rate, amount, salesTaxCode, class)",
            "$[7].refNumber: 'R1' is already the RefNumber of $[6]",
            "$[8].pays[0]: invoice 'R1' is for 'Jane', not 'Bob'",
            "$[8].pays: applies 6.00, more than the payment's amount 5.00",
            "$[9]: expected a transaction object, got a string",
        ]
        #expect(found.count == expected.count, "\(found.joined(separator: "\n"))")
        for message in expected {
            #expect(found.contains(message), "missing: \(message)\nfound:\n\(found.joined(separator: "\n"))")
        }
        #expect(problems("{").first?.hasPrefix("$: not valid JSON") == true)
        #expect(problems(#"{"type": "invoice"}"#) == ["$: expected a list of transactions, got an object"])
        #expect(problems("[]") == ["$: the list is empty: nothing to queue"])
    }

    @Test func freeTextIsTransliteratedNamesAreNot() throws {
        let doc = try parse(#"[{"type": "invoice", "customer": "Café Müller", "memo": "“Thanks” — see you", "lines": [{"item": "Tea", "description": "Grüner Tee 绿茶", "amount": "3.50"}]}]"#)
        guard case .transaction(let t) = doc.entries[0] else { throw FailedExpectation() }
        let xml = QBRequestWriter.add(t)
        #expect(xml.contains("<FullName>Café Müller</FullName>"))
        #expect(xml.contains("<Memo>\"Thanks\" - see you</Memo>"))
        #expect(xml.contains("<Desc>Grüner Tee ??</Desc>"))
    }

    @Test(.enabled(if: SharedReference.isAvailable && SharedReference.hasXmllint, "needs ../shared/ref and xmllint"))
    func everyGeneratedRequestValidatesAgainstTheSchema() throws {
        let doc = try SalesDocument.parse(Self.example)
        var bodies: [String] = []
        for entry in doc.entries {
            switch entry {
            case .transaction(let t): bodies.append(QBRequestWriter.add(t))
            case .payment(let p):
                bodies.append(QBRequestWriter.payment(p))
                var auto = p
                auto.applications = []
                bodies.append(QBRequestWriter.payment(auto))
            default: bodies.append(QBRequestWriter.body(of: entry))
            }
        }
        for r in doc.requirements(itemType: .service, itemAccount: "Sales", itemAccountType: "Income") { bodies += [r.queryBody, r.addBody] }
        var b = ReportBuilder()
        b.order("SKU-A", cents: 5000)
        b.refund("SKU-A", cents: 1000)
        let settlement = try Settlement.summarize(Array(b.v2().utf8), source: "s.txt").asInvoices()
        bodies += settlement.transactions.map { QBRequestWriter.add($0.transaction) }
        bodies += settlement.payments.map(QBRequestWriter.payment)
        let message = QBXMLRequestMessage.build(
            version: QBXMLVersion("13.0")!, requests: bodies.enumerated().map { (String($0.offset + 1), $0.element) })
        try SchemaCheck.validate(message)
    }
}

struct FailedExpectation: Error {}
