import Foundation
import Posting
import QBLinkTestSupport
import QBModel
import Settlement
import Store
import Testing

/// Settlements posted through a real session into a fake QuickBooks that keeps books: what the accounts hold
/// afterwards, not what the transactions add up to.
@Suite struct BooksTests {
    /// Posts a settlement for a new user into a fresh company file and returns the file.
    static func post(
        _ h: Harness, _ summary: SettlementSummary, user: String, quickBooks: FakeQuickBooks = FakeQuickBooks(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> FakeQuickBooks {
        if try await h.store.user(named: user) == nil { try await h.server.addUser(user, password: Harness.password) }
        try await Posting.enqueue(settlements: [summary], missing: .create, userName: user, store: h.store)
        let run = try await h.run(user: user, quickBooks: quickBooks)
        #expect(run.progress.last == 100, "\(run.lastErrors)", sourceLocation: sourceLocation)
        let left = try await h.store.items(userName: user).filter { $0.state != .done && $0.state != .cancelled }
        #expect(left.isEmpty, "\(left.map { "\($0.type) \($0.statusMessage ?? "")" })", sourceLocation: sourceLocation)
        return quickBooks
    }

    /// A/R where it was, every transaction balanced, and the payout in the deposit account, or moved on to the
    /// bank account.
    static func expectBooks(_ qb: FakeQuickBooks, _ summary: SettlementSummary, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let payout = summary.header.totalCents
        #expect(qb.accountsReceivable == 0, "\(what): A/R", sourceLocation: sourceLocation)
        #expect(qb.customerBalance(SettlementMapping.standard.customer) == 0, "\(what): the summary customer's balance", sourceLocation: sourceLocation)
        #expect(qb.imbalance == 0, "\(what): debits and credits", sourceLocation: sourceLocation)
        if let bank = summary.bankAccount {
            #expect(qb.balance(of: summary.depositAccount) == 0, "\(what): the deposit account after the transfer", sourceLocation: sourceLocation)
            #expect(qb.balance(of: bank) == payout, "\(what): the bank account", sourceLocation: sourceLocation)
        } else {
            #expect(qb.balance(of: summary.depositAccount) == payout, "\(what): the deposit account", sourceLocation: sourceLocation)
        }
        #expect(qb.transactions.count == summary.entries.count, "\(what): transactions", sourceLocation: sourceLocation)
    }

    static func summary(
        _ bytes: [UInt8], _ name: String, group: SettlementMapping.GroupMode, mode: PostingMode, bank: String?, fees: Bool = true
    ) throws -> SettlementSummary {
        var mapping = SettlementMapping.standard
        mapping.group = group
        mapping.bankAccount = bank
        mapping.fees = fees
        return try Settlement.summarize(bytes, source: name, mapping: mapping).posted(as: mode)
    }

    /// Every group mode and posting mode, with and without a bank account, and with fees off.
    static func everyWay(_ bytes: [UInt8], _ name: String, _ h: Harness) async throws {
        var n = 0
        for group in SettlementMapping.GroupMode.allCases {
            for mode in PostingMode.allCases {
                for (bank, fees) in [(nil, true), ("Checking", true), (nil, false)] as [(String?, Bool)] {
                    n += 1
                    let s = try summary(bytes, name, group: group, mode: mode, bank: bank, fees: fees)
                    let qb = try await post(h, s, user: "u\(n)")
                    expectBooks(qb, s, "\(name) \(group) \(mode) bank=\(bank ?? "-") fees=\(fees)")
                }
            }
        }
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason), arguments: SharedReference.settlementSamples)
    func everyRealReportBalancesInTheBooks(name: String) async throws {
        let h = try await Harness(users: [])
        defer { h.finish() }
        try await Self.everyWay(try SharedReference.bytes("settlement/samples/\(name)"), name, h)
    }

    /// Reports of the shapes the samples may lack: Amazon charged the seller, a payout of zero.
    static var shapes: [(String, ReportBuilder)] {
        var negative = ReportBuilder()
        negative.order("SKU-A", cents: 1000, commission: -300, fba: -900, channel: "AFN", posted: (2024, 10, 30))
        negative.order("SKU-B", cents: 500, channel: "MFN", posted: (2024, 11, 2))
        negative.refund("SKU-A", cents: 1000, posted: (2024, 11, 3))
        negative.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -25000)
        negative.other("other-transaction", "other-transaction", "Successful charge", cents: 5000)
        var zero = ReportBuilder()
        zero.settlementID = "21871512982"
        zero.order("SKU-A", cents: 4000, commission: 0, posted: (2024, 10, 30))
        zero.refund("SKU-A", cents: 1000, posted: (2024, 11, 3))
        zero.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -(4000 - 1000 + 150 - 30))
        return [("negative", negative), ("zero", zero)]
    }

    @Test(arguments: [0, 1])
    func negativeAndZeroSettlementsBalanceInTheBooks(shape: Int) async throws {
        let (name, b) = Self.shapes[shape]
        #expect(name == "negative" ? b.totalCents < 0 : b.totalCents == 0)
        let h = try await Harness(users: [])
        defer { h.finish() }
        try await Self.everyWay(Array(b.v2().utf8), name, h)
    }
}
