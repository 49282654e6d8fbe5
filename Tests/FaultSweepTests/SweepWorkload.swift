import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import SalesDocument
import Settlement
import Store

/// What each user of a sweep posts: three settlements (receipts with a payout transfer, invoices by month,
/// one journal entry with a transfer), JSON invoices with their payments, and the first settlement undone
/// once posted and posted again as a journal entry.
final class SweepWorkload: @unchecked Sendable {
    static let password = "sweep password"

    let user: String
    let quickBooks = FakeQuickBooks()
    /// The settlements as they stand in the books at the end (the undone posting replaced by the re-post).
    private(set) var live: [SettlementSummary] = []
    let repost: SettlementSummary
    private(set) var undone = false
    private(set) var reposted = false
    /// What the JSON payments deposit (to Undeposited Funds).
    let paymentsCents: Int

    static func report(_ id: String, skus: Int, seed: Int) -> ReportBuilder {
        var b = ReportBuilder()
        b.settlementID = id
        for i in 0..<skus {
            b.order("SKU-\(seed)-\(i)", cents: 1000 + 137 * i, quantity: 1 + i % 3, shipping: i % 2 == 0 ? 499 : 0, tax: 80 * (i % 4),
                    fba: -(250 + i), channel: i % 3 == 0 ? "MFN" : "AFN", posted: (2024, 10 + i % 2, 20 + i % 9))
        }
        b.refund("SKU-\(seed)-0", cents: 1000, tax: 0, posted: (2024, 11, 3))
        b.refund("SKU-\(seed)-1", cents: 600, posted: (2024, 10, 29))
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1500)
        b.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -999)
        return b
    }

    static func summary(_ b: ReportBuilder, group: SettlementMapping.GroupMode, mode: PostingMode, bank: String?) throws -> SettlementSummary {
        var mapping = SettlementMapping.standard
        mapping.group = group
        mapping.bankAccount = bank
        return try Settlement.summarize(Array(b.v2().utf8), source: "\(b.settlementID).txt", mapping: mapping).posted(as: mode)
    }

    init(user: String, store: Store, skus: Int) async throws {
        self.user = user
        try await store.addUser(name: user, passwordHash: PasswordHasher.hash(Self.password, iterations: 1_000), companyFile: "")
        let s1 = Self.report("21871512981", skus: skus, seed: 1)
        let settlements = [
            try Self.summary(s1, group: .channel, mode: .receipts, bank: "Checking"),
            try Self.summary(Self.report("21871512982", skus: skus, seed: 2), group: .month, mode: .invoices, bank: nil),
            try Self.summary(Self.report("21871512983", skus: skus, seed: 3), group: .none, mode: .journal, bank: "Checking"),
        ]
        repost = try Self.summary(s1, group: .month, mode: .journal, bank: "Checking")
        try await Posting.enqueue(settlements: settlements, missing: .create, userName: user, store: store)
        live = Array(settlements.dropFirst())
        var entries: [String] = []
        var paid = 0
        for i in 0..<4 {
            let cents = 2000 + 250 * i
            paid += cents
            entries.append(#"{"type": "invoice", "customer": "Buyer \#(i % 2)", "refNumber": "INV-\#(i)", "date": "2024-11-0\#(i + 1)", "lines": [{"item": "Gadget \#(i)", "quantity": "1", "rate": "\#(cents / 100).\#(String(format: "%02d", cents % 100))"}]}"#)
            entries.append(#"{"type": "payment", "customer": "Buyer \#(i % 2)", "refNumber": "PAY-\#(i)", "amount": "\#(cents / 100).\#(String(format: "%02d", cents % 100))", "pays": ["INV-\#(i)"]}"#)
        }
        paymentsCents = paid
        let document = try SalesDocument.parse(Data(("[" + entries.joined(separator: ",") + "]").utf8))
        try await Posting.enqueue(document: document, source: "sales.json", userName: user, store: store)
    }

    /// The operator's part, after each round: the first settlement is undone once posted, then posted again;
    /// whatever failed is retried (every failure in a sweep is a fault it injected).
    func operate(_ store: Store) async throws {
        for item in try await store.items(state: .failed, userName: user) {
            _ = try? await store.retry(id: item.id!)
        }
        guard !reposted, let first = try await store.settlements(userName: user).first(where: { $0.record.settlementID == "21871512981" }) else { return }
        if !undone, first.state == .posted {
            try await Posting.undo(settlementID: "21871512981", userName: user, today: "2026-12-01", store: store)
            undone = true
        } else if undone, first.state == .undone {
            try await Posting.enqueue(settlements: [repost], missing: .create, userName: user, store: store)
            live.append(repost)
            reposted = true
        }
    }

    /// Whether everything has settled: the re-post queued, and nothing left to send, look up or retry.
    func settled(_ store: Store) async throws -> Bool {
        guard reposted else { return false }
        return try await store.items(userName: user).allSatisfy { $0.state == .done || $0.state == .cancelled }
    }
}
