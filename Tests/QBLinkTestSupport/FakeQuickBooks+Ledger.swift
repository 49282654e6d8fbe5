/// The books: balances from every transaction in the company file (a deleted one no longer counts).
extension FakeQuickBooks {
    /// The balance of an account, debit positive (an income account's balance is negative).
    public func balance(of account: String) -> Int {
        transactions.reduce(0) { $0 + ($1.postings[account] ?? 0) }
    }

    /// What a customer owes (their A/R balance).
    public func customerBalance(_ customer: String) -> Int {
        transactions.filter { $0.customer?.lowercased() == customer.lowercased() }.reduce(0) { $0 + ($1.postings[Self.arAccount] ?? 0) }
    }

    public var accountsReceivable: Int { balance(of: Self.arAccount) }

    /// Every account's balance (debit positive), for comparing two company files.
    public var balances: [String: Int] {
        var out: [String: Int] = [:]
        for t in transactions { for (account, cents) in t.postings { out[account, default: 0] += cents } }
        return out.filter { $0.value != 0 }
    }

    /// Debits minus credits over the whole file: 0 when every transaction balanced.
    public var imbalance: Int { balances.values.reduce(0, +) }

    /// What an invoice still has open.
    func open(_ invoiceID: String) -> Int {
        guard let invoice = _transactions.first(where: { $0.txnID == invoiceID }) else { return 0 }
        return invoice.totalCents - _transactions.reduce(0) { $0 + ($1.type == "ReceivePayment" ? ($1.appliedTo[invoiceID] ?? 0) : 0) }
    }

    /// What a credit memo has left to refund.
    func creditLeft(_ memoID: String) -> Int {
        guard let memo = _transactions.first(where: { $0.txnID == memoID }) else { return 0 }
        return memo.totalCents - _transactions.reduce(0) { $0 + ($1.type == "ARRefundCreditCard" ? ($1.appliedTo[memoID] ?? 0) : 0) }
    }
}
