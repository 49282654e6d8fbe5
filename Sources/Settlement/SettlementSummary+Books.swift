import QBXML

/// One account's change in the books once a settlement is posted.
public struct BookLine: Sendable, Codable, Equatable {
    public var account: String
    /// Its QuickBooks account type (`Income`, `OtherCurrentAsset`, …).
    public var type: String
    /// The change, debit positive.
    public var cents: Int
}

extension SettlementSummary {
    /// Every account the settlement's entries touch, deposit account first, then by name, and Accounts
    /// Receivable last (shown even when, as it must, it does not change).
    public var books: [BookLine] {
        let ledger = self.ledger
        var types: [String: String] = [Ledger.accountsReceivable: "AccountsReceivable", Ledger.undepositedFunds: "OtherCurrentAsset"]
        for r in requirements { if case .account(let type) = r.kind { types[r.name] = type } }
        let names = ledger.accounts.keys.filter { $0 != Ledger.accountsReceivable }.sorted { a, b in
            (a == depositAccount ? 0 : 1, a) < (b == depositAccount ? 0 : 1, b)
        }
        let lines = names.map { BookLine(account: $0, type: types[$0] ?? "?", cents: ledger.change(of: $0)) }
        return lines + [BookLine(account: Ledger.accountsReceivable, type: "AccountsReceivable", cents: ledger.accountsReceivable)]
    }
}
