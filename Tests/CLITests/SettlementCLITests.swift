import Foundation
import QBLinkTestSupport
import Store
import Testing

@Suite(.enabled(if: CLIRunner.isAvailable, "the qblink executable is not built beside the tests"))
struct SettlementCLITests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    func report(_ id: String, end: (Int, Int, Int), name: String) throws -> String {
        var b = ReportBuilder()
        b.settlementID = id
        b.end = end
        b.order("SKU-A", cents: 5000, tax: 400)
        b.order("SKU-B", cents: 2500, channel: "MFN")
        b.refund("SKU-A", cents: 5000)
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1000)
        let path = folder.path(name)
        try b.v2().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func previewShowsTransactionsAndTheReconciliation() throws {
        defer { folder.remove() }
        let path = try report("21871512981", end: (2024, 11, 6), name: "r.txt")
        let text = try qblink("settlement", "preview", path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Sales receipt 0A1PQFF9-O1 — orders AFN"))
        #expect(text.stdout.contains("Credit memo 0A1PQFF9-R1 — refunds AFN"))
        #expect(text.stdout.contains("✓ reconciles to the cent"))
        let json = try qblink("settlement", "preview", path, "--json", "--group", "none")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.first?["reconciles"] as? Bool == true)
        #expect(parsed.first?["group"] as? String == "none")
        #expect((parsed.first?["transactions"] as? [Any])?.count == 3)
        #expect(try qblink("settlement", "preview", path).stdout == text.stdout)  // nothing changes between runs
    }

    @Test func aBrokenReportIsRefusedWholeWithFileLineAndReason() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        let path = try report("21871512981", end: (2024, 11, 6), name: "broken.txt")
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\t50.00\t", with: "\t50.0.0\t")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try qblink("settlement", "enqueue", path, "--user", "amazon")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("broken.txt: line 3: amount '50.0.0'"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Nothing was enqueued"))
        #expect(try qblink("queue").stdout.contains("No items"))
    }

    @Test func enqueuesOnceAndRefusesTheSameSettlementAgain() async throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        let path = try report("21871512981", end: (2024, 11, 6), name: "r.txt")
        let queued = try qblink("settlement", "enqueue", path, "--user", "amazon")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("queued 2 sales receipt(s) and 2 credit memo(s)"), "\(queued.stdout)")
        // The report is kept as it was, for the console's preview and download.
        let original = try await Store(path: db).fetchedReport(settlementID: "21871512981")
        #expect(original?.bytes == Array(try Data(contentsOf: URL(fileURLWithPath: path))) && original?.state == .enqueued && original?.userName == "amazon")
        // The operator finds a settlement's items by its id.
        let bySettlement = try qblink("queue", "--source", "21871512981")
        #expect(bySettlement.stdout.contains("SalesReceiptAdd") && bySettlement.stdout.contains("CreditMemoAdd"))
        #expect(try qblink("queue", "--source", "99999").stdout.contains("No items from 99999."))
        let again = try qblink("settlement", "enqueue", path, "--user", "amazon")
        #expect(again.status != 0)
        #expect(again.stderr.contains("already enqueued") && again.stderr.contains("--replace"))
        let replaced = try qblink("settlement", "enqueue", path, "--user", "amazon", "--replace")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("6 earlier item(s) cancelled, 0 already sent and kept"))  // 4 transactions, 2 refunds
        let json = try JSONSerialization.jsonObject(with: Data(try qblink("queue", "--json", "--state", "queued").stdout.utf8)) as? [[String: Any]]
        #expect(json?.contains { $0["type"] as? String == "CustomerQuery" } == true)
        #expect(json?.filter { $0["type"] as? String == "SalesReceiptAdd" }.count == 2)
    }

    /// A user and a folder of three reports ending 2024-10-09, 2024-10-23 and 2024-11-06 (a, b, c.txt).
    func userAndReports() throws -> String {
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        let reports = folder.path("reports")
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        _ = try report("11111111111", end: (2024, 10, 9), name: "reports/a.txt")
        _ = try report("22222222222", end: (2024, 10, 23), name: "reports/b.txt")
        _ = try report("33333333333", end: (2024, 11, 6), name: "reports/c.txt")
        return reports
    }

    @Test func aFolderIsChosenBySettlementEndDate() throws {
        defer { folder.remove() }
        let reports = try userAndReports()
        try "not a report".write(toFile: folder.path("reports/notes.md"), atomically: true, encoding: .utf8)
        #expect(try qblink("settlement", "preview", reports).stderr.contains("--from DATE --to DATE"))
        let preview = try qblink("settlement", "preview", reports, "--from", "2024-10-10", "--to", "2024-11-30")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(!preview.stdout.contains("Settlement 11111111111"))
        #expect(preview.stdout.contains("Settlement 22222222222") && preview.stdout.contains("Settlement 33333333333"))
        let queued = try qblink("settlement", "enqueue", reports, "--from", "2024-10-01", "--to", "2024-10-31", "--user", "amazon")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("Settlement 11111111111") && queued.stdout.contains("Settlement 22222222222"))
        #expect(!queued.stdout.contains("33333333333"))
        #expect(try qblink("settlement", "preview", reports, "--from", "2030-01-01", "--to", "2030-12-31").stderr.contains("no settlement report ends"))
    }

    @Test func aFolderIsEnqueuedWholeOrNotAtAll() throws {
        defer { folder.remove() }
        let reports = try userAndReports()
        let third = folder.path("reports/c.txt")
        #expect(try qblink("settlement", "enqueue", third, "--user", "amazon").status == 0)
        let queued = try qblink("queue", "--json").stdout
        let refused = try qblink("settlement", "enqueue", reports, "--from", "2024-10-01", "--to", "2024-11-30", "--user", "amazon")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("c.txt: settlement 33333333333 was already enqueued"), "\(refused.stderr)")
        #expect(try qblink("queue", "--json").stdout == queued)  // nothing of a.txt or b.txt
    }

    @Test func aBadMappingFileIsRefusedWithWhere() throws {
        defer { folder.remove() }
        let path = try report("21871512981", end: (2024, 11, 6), name: "r.txt")
        let config = folder.path("mapping.json")
        try #"{"group": "channel", "accounts": {"Amazon Sales": "Sales"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try qblink("settlement", "preview", path, "--config", config)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("mapping.json: accounts.Amazon Sales: 'Sales' is not a QuickBooks account type"))
        try #"{"depositAcount": "Amazon Clearing"}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let misspelt = try qblink("settlement", "preview", path, "--config", config)
        #expect(misspelt.stderr.contains("mapping.json: $.depositAcount: unknown key; did you mean 'depositAccount'?"))
        let mapping = try qblink("settlement", "mapping")
        #expect(mapping.stdout.contains("\"customer\" : \"Amazon Summary\""))
    }

    @Test func previewShowsTheBooksAndAJournalEntry() throws {
        defer { folder.remove() }
        let path = try report("21871512981", end: (2024, 11, 6), name: "r.txt")
        let config = folder.path("bank.json")
        try #"{"bankAccount": "Checking"}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let text = try qblink("settlement", "preview", path, "--config", config)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("refunded at once, in full, from Amazon Clearing by refund 0A1PQFF9-R1"))
        #expect(text.stdout.contains("Payout transfer 2024-11-08"))
        #expect(text.stdout.contains("The books: what each account will show once it is posted"))
        #expect(text.stdout.contains("Accounts Receivable"))
        #expect(text.stdout.contains("debits − credits 0.00; Accounts Receivable 0.00; Amazon Clearing 0.00; Checking "))
        let json = try qblink("settlement", "preview", path, "--as", "journal", "--json")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]).first
        #expect(parsed?["mode"] as? String == "journal")
        #expect((parsed?["problems"] as? [String])?.isEmpty == true)
        let books = try #require(parsed?["books"] as? [[String: Any]])
        #expect(books.last?["account"] as? String == "Accounts Receivable" && books.last?["change"] as? String == "0.00")
        let journal = try #require(parsed?["journalEntry"] as? [String: Any])
        #expect((journal["lines"] as? [Any])?.isEmpty == false)
        let journalText = try qblink("settlement", "preview", path, "--as", "journal")
        #expect(journalText.stdout.contains("Journal entry 0A1PQFF9-J1"))
    }

    @Test func listAndUndoShowWhereEachSettlementIs() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        #expect(try qblink("settlement", "list").stdout.contains("No settlement enqueued yet"))
        let path = try report("21871512981", end: (2024, 11, 6), name: "r.txt")
        #expect(try qblink("settlement", "enqueue", path, "--user", "amazon", "--as", "journal", "--group", "month").status == 0)
        let list = try qblink("settlement", "list", "--user", "amazon")
        #expect(list.stdout.contains("21871512981") && list.stdout.contains("journal, month") && list.stdout.contains("queued"), "\(list.stdout)")
        let undo = try qblink("settlement", "undo", "21871512981", "--user", "amazon")
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(undo.stdout.contains("0 deletion(s) queued for amazon; 1 transaction(s) never sent, now cancelled"), "\(undo.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(try qblink("settlement", "list", "--json").stdout.utf8)) as? [[String: Any]]
        #expect(json?.first?["state"] as? String == "undone" && json?.first?["postedAs"] as? String == "journal")
        #expect(try qblink("settlement", "undo", "21871512981", "--user", "amazon").stderr.contains("already being undone"))
        #expect(try qblink("settlement", "undo", "999", "--user", "amazon").stderr.contains("no settlement 999 was enqueued for amazon"))
        #expect(try qblink("settlement", "enqueue", path, "--user", "amazon").status == 0)  // undone: it may go again
        #expect(try qblink("settlement", "list").stdout.contains("receipts, channel (undone 1×)"))
    }
}

