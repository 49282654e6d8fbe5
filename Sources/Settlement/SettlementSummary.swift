import QBModel
import QBXML

/// What one settlement report becomes: the transactions to post, the list elements they need, and the
/// reconciliation to the deposit, in the books.
public struct SettlementSummary: Sendable, Codable {
    public struct Transaction: Sendable, Codable {
        public var family: TransactionFamily
        /// The group label: `AFN`, `MFN`, `2024-10`, `AFN 2024-10`, `all`, or `settlement`.
        public var group: String
        public var transaction: QBTransaction
        /// What this transaction adds to the deposit (negative for a credit memo).
        public var depositCents: Int
        /// Report rows behind it.
        public var rows: Int
    }

    public struct Unmapped: Sendable, Codable, Equatable {
        public var transactionType: String
        public var amountType: String
        public var amountDescription: String
        public var cents: Int
        public var rows: Int
        public var firstLine: Int
    }

    public var header: SettlementHeader
    public var source: String
    public var mappingGroup: SettlementMapping.GroupMode
    public var mode: PostingMode = .receipts
    /// The account the settlement's money passes through (`Amazon Clearing`).
    public var depositAccount: String
    /// Where the payout is transferred, when the mapping names a bank account.
    public var bankAccount: String?
    /// The groups, as sales receipts (or invoices) and credit memos.
    public var transactions: [Transaction]
    /// Accounts, then customers, then items: everything the entries name.
    public var requirements: [ListRequirement]
    public var unmapped: [Unmapped]
    /// SKUs whose item name had to be shortened to QuickBooks' 31 characters.
    public var shortenedSKUs: [String: String]
    /// With `--as invoice`: the payment of each invoice, into the deposit account.
    public var payments: [QBPayment] = []
    /// Every credit memo, refunded at once from the deposit account (receipts and invoices).
    public var refunds: [QBRefund] = []
    /// The payout, from the deposit account to the bank account (or back, for a negative one).
    public var transfer: QBTransfer?
    /// With `--as journal`: the whole settlement.
    public var journalEntry: QBJournalEntry?

    public var receiptsCents: Int { transactions.filter { $0.transaction.kind != .creditMemo }.reduce(0) { $0 + $1.transaction.totalCents } }
    public var creditMemosCents: Int { transactions.filter { $0.transaction.kind == .creditMemo }.reduce(0) { $0 + $1.transaction.totalCents } }
    /// Receipts minus credit memos.
    public var postedCents: Int { receiptsCents - creditMemosCents }

    /// What to post, in order: each transaction (after an invoice its payment, after a credit memo its
    /// refund), or the journal entry; then the payout transfer.
    public var entries: [QBEntry] {
        var out: [QBEntry] = []
        if mode == .journal {
            if let journalEntry { out.append(.journalEntry(journalEntry)) }
        } else {
            for t in transactions.map(\.transaction) {
                out.append(.transaction(t))
                if let p = payment(of: t) { out.append(.payment(p)) }
                if let r = refund(of: t) { out.append(.refund(r)) }
            }
        }
        if let transfer { out.append(.transfer(transfer)) }
        return out
    }

    /// The payment of an invoice (with `--as invoice`).
    public func payment(of invoice: QBTransaction) -> QBPayment? {
        guard invoice.kind == .invoice, let ref = invoice.refNumber else { return nil }
        return payments.first { $0.applications.first?.txnID == QBPayment.placeholder(invoiceRef: ref) }
    }

    /// The refund of a credit memo.
    public func refund(of memo: QBTransaction) -> QBRefund? {
        guard memo.kind == .creditMemo, let key = memo.planKey else { return nil }
        return refunds.first { $0.applications.first?.txnID == TxnIDPlaceholder.make(key) }
    }

    /// Item → the account it posts to.
    public var itemAccounts: [String: String] {
        var out: [String: String] = [:]
        for r in requirements { if case .item(_, let account) = r.kind { out[r.name] = account } }
        return out
    }

    /// What the entries do to the books.
    public var ledger: Ledger { Ledger(entries, itemAccounts: itemAccounts) }

    /// What must hold before anything is enqueued, in the books: debits equal credits, A/R is where it was,
    /// the deposit account moves by exactly the payout (or, when it is transferred, to nothing and the bank
    /// account by the payout), and every invoice is paid in full. Empty when all holds.
    public var bookProblems: [String] {
        let books = ledger
        var problems: [String] = []
        if books.imbalance != 0 { problems.append("the postings do not balance: debits exceed credits by \(Cents.format(books.imbalance))") }
        if books.accountsReceivable != 0 {
            problems.append("Accounts Receivable would change by \(Cents.format(books.accountsReceivable)); it must stay where it is")
        }
        let expected = bankAccount == nil ? header.totalCents : 0
        if books.change(of: depositAccount) != expected {
            problems.append("\(depositAccount) would change by \(Cents.format(books.change(of: depositAccount))), not \(Cents.format(expected))")
        }
        if let bankAccount, books.change(of: bankAccount) != header.totalCents {
            problems.append("\(bankAccount) would change by \(Cents.format(books.change(of: bankAccount))), not the payout \(Cents.format(header.totalCents))")
        }
        if mode != .journal && postedCents != header.totalCents {
            problems.append("receipts minus credit memos are \(Cents.format(postedCents)), not the deposit \(Cents.format(header.totalCents))")
        }
        for line in self.books where ["AccountsReceivable", "AccountsPayable"].contains(line.type) && line.account != Ledger.accountsReceivable {
            problems.append("\(line.account) is an \(line.type) account: a settlement posts no A/R or A/P line; map its amounts elsewhere")
        }
        let invoices = transactions.filter { $0.transaction.kind == .invoice }.reduce(0) { $0 + $1.transaction.totalCents }
        if payments.reduce(0, { $0 + $1.totalCents }) != invoices { problems.append("the invoices are not paid in full") }
        return problems
    }

    /// True when the settlement posts, to the cent, to its total-amount, in the books (see `bookProblems`).
    public var reconciles: Bool { bookProblems.isEmpty }
}
