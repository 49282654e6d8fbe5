/// What entries do to the books, as QuickBooks posts them: the change of every account (debits positive,
/// credits negative) and of every customer's A/R balance. Pure arithmetic on the entries; the accounts of
/// items come from `itemAccounts`.
public struct Ledger: Sendable, Equatable {
    /// QuickBooks' receivables account.
    public static let accountsReceivable = "Accounts Receivable"
    /// Where a sales receipt or payment deposits when it names no account.
    public static let undepositedFunds = "Undeposited Funds"

    /// Account → change in cents, debit positive.
    public private(set) var accounts: [String: Int] = [:]
    /// Customer → change of what they owe.
    public private(set) var customers: [String: Int] = [:]

    public init() {}

    public init(_ entries: [QBEntry], itemAccounts: [String: String]) {
        for entry in entries { post(entry, itemAccounts: itemAccounts) }
    }

    public var accountsReceivable: Int { accounts[Self.accountsReceivable] ?? 0 }

    /// Debits minus credits over every account: 0 when the entries balance.
    public var imbalance: Int { accounts.values.reduce(0, +) }

    public func change(of account: String) -> Int { accounts[account] ?? 0 }

    mutating func debit(_ account: String, _ cents: Int) {
        guard cents != 0 else { return }
        accounts[account, default: 0] += cents
    }

    mutating func receivable(_ customer: String, _ cents: Int) {
        debit(Self.accountsReceivable, cents)
        customers[customer, default: 0] += cents
    }

    public mutating func post(_ entry: QBEntry, itemAccounts: [String: String]) {
        switch entry {
        case .transaction(let t):
            let sign = t.kind == .creditMemo ? 1 : -1  // lines are credited (income), or debited back on a memo
            for line in t.lines { debit(itemAccounts[line.item] ?? "item \(line.item)", sign * (line.amountCents ?? 0)) }
            switch t.kind {
            case .salesReceipt: debit(t.depositAccount ?? Self.undepositedFunds, t.totalCents)
            case .invoice: receivable(t.customer, t.totalCents)
            case .creditMemo: receivable(t.customer, -t.totalCents)
            }
        case .payment(let p):
            debit(p.depositAccount ?? Self.undepositedFunds, p.totalCents)
            receivable(p.customer, -p.totalCents)
        case .refund(let r):
            debit(r.refundFrom, -r.totalCents)
            receivable(r.customer, r.totalCents)
        case .transfer(let t):
            debit(t.to, t.amountCents)
            debit(t.from, -t.amountCents)
        case .journalEntry(let j):
            for line in j.lines { debit(line.account, line.isDebit ? line.amountCents : -line.amountCents) }
        case .deletion:
            break  // a deletion reverses what QuickBooks holds, which these entries do not describe
        }
    }
}
