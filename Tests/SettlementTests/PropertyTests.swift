import Foundation
import QBLinkTestSupport
import QBModel
import QBXML
import Settlement
import Testing

/// Random settlement reports — random mixes of orders, refunds, fees, reserves and other rows, negative and
/// zero payouts, comma and dot decimals, V2 and V1 — always post to the cent: in every group mode and posting
/// mode, with and without a payout transfer, the postings balance, A/R ends where it was, and the deposit (or
/// the bank) holds exactly what Amazon paid, added up here from the rows.
@Suite struct PropertyTests {
    static let runs = Int(ProcessInfo.processInfo.environment["QBLINK_PROPERTY_RUNS"] ?? "") ?? 300

    static func randomReport(_ r: inout SweepRandom) -> (ReportBuilder, v1: Bool) {
        var b = ReportBuilder()
        b.settlementID = String(10_000_000_000 + r.below(89_999_999_999))
        let v1 = r.chance(0.2)
        if !v1 && r.chance(0.3) {
            b.dateStyle = .eu
            b.commaDecimals = r.chance(0.7)
            b.currency = "EUR"
            b.marketplace = "Amazon.de"
        }
        let skus = (0..<(1 + r.below(6))).map { "SKU-\($0)-\(r.below(1000))" }
        for _ in 0..<r.below(12) {
            let sku = skus[r.below(skus.count)]
            let cents = r.below(20_000)
            b.order(
                sku, cents: cents, quantity: 1 + r.below(4), shipping: r.chance(0.3) ? r.below(900) : 0, tax: r.chance(0.5) ? r.below(900) : 0,
                withheld: r.chance(0.7), commission: r.chance(0.2) ? -r.below(30_000) : nil, fba: -r.below(1500),
                channel: r.chance(0.3) ? "MFN" : "AFN", posted: (2024, 10 + r.below(2), 1 + r.below(28)))
        }
        for _ in 0..<r.below(4) {
            b.refund(skus[r.below(skus.count)], cents: r.below(15_000), tax: r.chance(0.4) ? r.below(500) : 0, posted: (2024, 10 + r.below(2), 1 + r.below(28)))
        }
        let others: [(String, String, String)] = [
            ("other-transaction", "other-transaction", "Current Reserve Amount"),
            ("other-transaction", "other-transaction", "Previous Reserve Amount Balance"),
            ("ServiceFee", "Cost of Advertising", "TransactionTotalAmount"),
            ("Storage Fee", "other-transaction", "Storage Fee"),
            ("other-transaction", "other-transaction", "Successful charge"),
            ("Mystery", "Never Seen", "Before"),
        ]
        for _ in 0..<r.below(4) {
            let (t, a, d) = others[r.below(others.count)]
            b.other(t, a, d, cents: r.below(40_000) - 25_000)
        }
        if b.rows.isEmpty || r.chance(0.15) {
            // A payout of exactly zero: a reserve takes what the rest brought in.
            b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -b.rows.reduce(0) { $0 + $1.cents })
        }
        return (b, v1)
    }

    @Test func randomReportsPostToTheCentAndBalanceInEveryMode() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["QBLINK_PROPERTY_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)
        var r = SweepRandom(seed: seed)
        var negative = 0, zero = 0
        for run in 0..<Self.runs {
            let (b, v1) = Self.randomReport(&r)
            let paid = b.rows.reduce(0) { $0 + $1.cents }
            if paid < 0 { negative += 1 }
            if paid == 0 { zero += 1 }
            let bytes = Array((v1 ? b.v1() : b.v2()).utf8)
            for group in SettlementMapping.GroupMode.allCases {
                for bank in [nil, "Checking"] {
                    var mapping = SettlementMapping.standard
                    mapping.group = group
                    mapping.bankAccount = bank
                    mapping.fees = r.chance(0.8)
                    let summary = try Settlement.summarize(bytes, source: "random.txt", mapping: mapping)
                    for mode in PostingMode.allCases {
                        let s = summary.posted(as: mode)
                        let books = s.ledger
                        let what = "seed \(seed) run \(run) \(group) \(mode) bank=\(bank ?? "-") (replay: QBLINK_PROPERTY_SEED=\(seed))"
                        #expect(s.bookProblems.isEmpty, "\(what): \(s.bookProblems)")
                        #expect(books.imbalance == 0 && books.accountsReceivable == 0, "\(what)")
                        #expect(books.change(of: bank ?? "Amazon Clearing") == paid, "\(what)")
                        if mode == .journal, let j = s.journalEntry { #expect(j.debitCents == j.creditCents, "\(what)") }
                    }
                }
            }
        }
        #expect(negative > 0 && zero > 0, "the generator made \(negative) negative and \(zero) zero payouts in \(Self.runs) reports")
    }
}
