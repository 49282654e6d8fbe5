import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import QBXML
import SalesDocument
import Settlement
import Store
import Testing

/// The library's enqueue entry points, as the CLI calls them, against a real Store.
@Suite struct PostingTests {
    let folder: TemporaryDirectory
    let store: Store

    init() throws {
        folder = try TemporaryDirectory()
        store = try Store(path: folder.database("q.sqlite"))
    }

    func user(_ name: String = "amazon") async throws {
        try await store.addUser(name: name, passwordHash: PasswordHasher.hash("pw", iterations: 1_000), companyFile: "")
    }

    func writeReport(_ id: String, end: (Int, Int, Int), to name: String) throws {
        var b = ReportBuilder()
        b.settlementID = id
        b.end = end
        b.order("SKU-A", cents: 5000, tax: 400)
        b.refund("SKU-A", cents: 1000)
        try FileManager.default.createDirectory(atPath: folder.path("reports"), withIntermediateDirectories: true)
        try b.v2().write(toFile: folder.path("reports/\(name)"), atomically: true, encoding: .utf8)
    }

    @Test func aFolderWhoseThirdReportIsADuplicateLeavesNothingQueued() async throws {
        defer { folder.remove() }
        try await user()
        try writeReport("11111111111", end: (2024, 10, 9), to: "a.txt")
        try writeReport("22222222222", end: (2024, 10, 23), to: "b.txt")
        try writeReport("33333333333", end: (2024, 11, 6), to: "c.txt")
        let reports = folder.path("reports")
        let third = try SettlementReports.read(path: reports, from: DayDate(year: 2024, month: 11, day: 1), to: DayDate(year: 2024, month: 11, day: 30))
        try await Posting.enqueue(settlements: third, missing: .create, userName: "amazon", store: store)
        let before = try await store.items().count
        let all = try SettlementReports.read(path: reports, from: DayDate(year: 2024, month: 10, day: 1), to: DayDate(year: 2024, month: 11, day: 30))
        #expect(all.map(\.header.settlementID) == ["11111111111", "22222222222", "33333333333"])
        do {
            try await Posting.enqueue(settlements: all, missing: .create, userName: "amazon", store: store)
            Issue.record("a folder holding an enqueued settlement was accepted")
        } catch let error as PostingError {
            #expect(error.description.hasPrefix("c.txt: settlement 33333333333 was already enqueued"))
            #expect(error.description.contains("Nothing of the 3 reports was enqueued"))
        }
        #expect(try await store.items().count == before)
        #expect(try await store.items().allSatisfy { $0.source == "c.txt" })
    }

    static let document = #"""
        [{"type": "invoice", "customer": "Bob", "refNumber": "INV-1", "lines": [{"item": "Widget", "amount": "10.00"}]},
         {"type": "payment", "customer": "Bob", "refNumber": "PAY-1", "amount": "10.00", "pays": ["INV-1"]}]
        """#

    @Test func twoEnqueuesOfTheSameDocumentAtOnceQueueItOnce() async throws {
        defer { folder.remove() }
        try await user()
        let document = try SalesDocument.parse(Data(Self.document.utf8))
        // Two processes at once, each with its own connection to the database.
        let stores = [store, try Store(path: store.path)]
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for s in stores {
                group.addTask {
                    (try? await Posting.enqueue(document: document, source: "sales.json", userName: "amazon", store: s)) != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1 && outcomes.count == 2)
        let refs = try await store.items().compactMap(\.refNumber)
        #expect(refs.sorted() == ["INV-1", "PAY-1"])
    }

    @Test func aDuplicateRefNumberRefusesTheWholeDocumentUnlessAllowed() async throws {
        defer { folder.remove() }
        try await user()
        let document = try SalesDocument.parse(Data(Self.document.utf8))
        try await Posting.enqueue(document: document, source: "sales.json", userName: "amazon", store: store)
        let count = try await store.items().count
        await #expect(throws: PostingError.self) {
            try await Posting.enqueue(document: document, source: "again.json", userName: "amazon", store: store)
        }
        #expect(try await store.items().count == count)
        let again = try await Posting.enqueue(
            document: document, source: "again.json", options: .init(allowDuplicates: true), userName: "amazon", store: store)
        #expect(again.result.inserted.count == 2)  // the pending lookups are shared
        #expect(again.result.shared == again.lookups)
    }

    @Test func aPaymentWaitsForItsInvoiceAndTheLookupsItNames() throws {
        let document = try SalesDocument.parse(Data(Self.document.utf8))
        let plan = Plan.make(
            requirements: document.requirements(itemType: .nonInventory, itemAccount: "Sales", itemAccountType: "Income"),
            entries: document.entries, missing: .fail, source: "sales.json")
        let payment = try #require(plan.first { $0.item.type == "ReceivePaymentAdd" })
        #expect(payment.key == .transaction(.receivePayment, "PAY-1"))
        #expect(Set(payment.prerequisites) == [.list(.customer, "Bob"), .transaction(.invoice, "INV-1")])
        let invoice = try #require(plan.first { $0.item.type == "InvoiceAdd" })
        #expect(Set(invoice.prerequisites) == [.list(.customer, "bob"), .list(.item, "WIDGET")])
        let lookups = plan.filter(\.item.ensures)
        #expect(lookups.map(\.item.type) == ["AccountQuery", "CustomerQuery", "ItemQuery"])
        #expect(lookups.allSatisfy { $0.item.addBody == nil })  // missing: fail
        #expect(lookups.last?.prerequisites == [.list(.account, "Sales")])
    }

    @Test func aPlanThatWaitsForWhatItDoesNotHoldIsRefused() async throws {
        defer { folder.remove() }
        try await user()
        let orphan = PlannedItem(
            key: .transaction(.receivePayment, "P"), item: QueueItem(type: "ReceivePaymentAdd", body: "<ReceivePaymentAddRq/>"),
            prerequisites: [.transaction(.invoice, "NOPE")])
        await #expect(throws: StoreError.invalidPlan("plan item 'ReceivePayment:P' waits for 'Invoice:NOPE', which comes later or not at all")) {
            try await store.enqueue([EnqueuePart(plan: [orphan])], userName: "amazon")
        }
        #expect(try await store.items().isEmpty)
    }

    @Test func aPlanWhosePostingsDoNotBalanceIsRefusedSayingWhich() async throws {
        defer { folder.remove() }
        try await user()
        var b = ReportBuilder()
        b.order("SKU-A", cents: 5000)
        b.refund("SKU-A", cents: 1000)
        var summary = try Settlement.summarize(Array(b.v2().utf8), source: "r.txt")
        summary.refunds = []  // the credit memo would stay open on A/R
        do {
            try await Posting.enqueue(settlements: [summary], missing: .create, userName: "amazon", store: store)
            Issue.record("an enqueue that leaves A/R open was accepted")
        } catch let error as PostingError {
            #expect(error.description.contains("r.txt: would not balance in the books"))
            #expect(error.description.contains("Accounts Receivable would change by -8.80"))
            #expect(error.description.contains("Amazon Clearing would change by 42.50, not 33.70"))
        }
        var r = ReportBuilder()
        r.order("SKU-A", cents: 5000)
        r.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1000)
        let reserved = try Settlement.summarize(Array(r.v2().utf8), source: "r.txt", mapping: .standard)
        var onAR = reserved
        onAR.requirements = reserved.requirements.map { req in
            req.name == "Amazon Reserved Balances" ? ListRequirement(name: req.name, kind: .account(type: "AccountsReceivable")) : req
        }
        #expect(onAR.asJournal().bookProblems.contains { $0.contains("Amazon Reserved Balances is an AccountsReceivable account") })
        #expect(try await store.items().isEmpty)
    }
}
