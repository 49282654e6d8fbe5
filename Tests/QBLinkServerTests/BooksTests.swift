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

    static func summary(_ bytes: [UInt8], _ name: String, group: SettlementMapping.GroupMode, mode: PostingMode, bank: String?) throws -> SettlementSummary {
        var mapping = SettlementMapping.standard
        mapping.group = group
        mapping.bankAccount = bank
        return try Settlement.summarize(bytes, source: name, mapping: mapping).posted(as: mode)
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason), arguments: SharedReference.settlementSamples)
    func everyRealReportBalancesInTheBooks(name: String) async throws {
        let h = try await Harness(users: [])
        defer { h.finish() }
        let bytes = try SharedReference.bytes("settlement/samples/\(name)")
        var n = 0
        for group in SettlementMapping.GroupMode.allCases {
            for mode in PostingMode.allCases {
                for bank in [nil, "Checking"] {
                    n += 1
                    let s = try Self.summary(bytes, name, group: group, mode: mode, bank: bank)
                    let qb = try await Self.post(h, s, user: "u\(n)")
                    Self.expectBooks(qb, s, "\(name) \(group) \(mode) bank=\(bank ?? "-")")
                }
            }
        }
    }
}
