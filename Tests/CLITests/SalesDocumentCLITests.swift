import Foundation
import QBLinkTestSupport
import Testing

@Suite(.enabled(if: CLIRunner.isAvailable, "the qblink executable is not built beside the tests"))
struct SalesDocumentCLITests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    var example: String { SharedReference.packageRoot.appendingPathComponent("Resources/example-sales.json").path }

    @Test func enqueuesAJSONDocumentOnceAndRefusesItAgain() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "shop", "--password-stdin", stdin: "long enough pw\n")
        let queued = try qblink("enqueue", example, "--user", "shop")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("Queued 4 transaction(s) for shop"))
        let items = try #require(try JSONSerialization.jsonObject(with: Data(try qblink("queue", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(items.compactMap { $0["type"] as? String }.filter { $0.hasSuffix("Add") } == ["InvoiceAdd", "ReceivePaymentAdd", "SalesReceiptAdd", "CreditMemoAdd"])
        let again = try qblink("enqueue", example, "--user", "shop")
        #expect(again.status != 0)
        #expect(again.stderr.contains("already queued or created for shop: InvoiceAdd:INV-1001"))
        #expect(try qblink("enqueue", example, "--user", "shop", "--allow-duplicates").status == 0)
    }

    @Test func aRejectedDocumentQueuesNothing() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "shop", "--password-stdin", stdin: "long enough pw\n")
        let bad = #"[{"type": "invoice", "customer": "A", "lines": [{"item": "X", "amount": "1.005"}]}, {"type": "payment", "customer": "A", "amount": 5, "pays": ["NOPE"]}]"#
        let refused = try qblink("enqueue", "-", "--user", "shop", stdin: bad)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("standard input was refused; nothing was queued"))
        #expect(refused.stderr.contains("$[0].lines[0].amount: amount has 3 decimals"))
        #expect(refused.stderr.contains("$[1].pays[0]: no invoice with RefNumber 'NOPE'"))
        #expect(try qblink("queue").stdout.contains("No items"))
        #expect(try qblink("enqueue", "--user", "shop").stderr.contains("name one file"))
        let xml = folder.path("x.json")
        try "<QBXML/>".write(toFile: xml, atomically: true, encoding: .utf8)
        #expect(try qblink("enqueue", xml, "--user", "shop").stderr.contains("--qbxml"))
    }

    @Test func aSettlementCanPostAsInvoicesWithPayments() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        var b = ReportBuilder()
        b.order("SKU-A", cents: 5000, channel: "AFN")
        b.order("SKU-B", cents: 2500, channel: "MFN")
        b.refund("SKU-A", cents: 1000)
        let path = folder.path("r.txt")
        try b.v2().write(toFile: path, atomically: true, encoding: .utf8)
        let preview = try qblink("settlement", "preview", path, "--as", "invoice")
        #expect(preview.stdout.contains("Invoice 0A1PQFF9-O1"))
        #expect(preview.stdout.contains("paid in full by payment 0A1PQFF9-O1-P"))
        #expect(preview.stdout.contains("✓ reconciles to the cent"))
        let queued = try qblink("settlement", "enqueue", path, "--user", "amazon", "--as", "invoice")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("queued 2 invoice(s) with their payments and 1 credit memo(s)"))
        let json = try JSONSerialization.jsonObject(with: Data(try qblink("queue", "--json").stdout.utf8)) as? [[String: Any]]
        #expect(json?.filter { $0["type"] as? String == "ReceivePaymentAdd" }.count == 2)
    }
}
