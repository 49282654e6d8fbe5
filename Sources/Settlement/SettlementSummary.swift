import QBXML

/// What one settlement report becomes: the transactions to post, the list elements they need, and the
/// reconciliation to the deposit.
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
    public var transactions: [Transaction]
    /// Accounts, then customers, then items: everything the transactions name.
    public var requirements: [ListRequirement]
    public var unmapped: [Unmapped]
    /// SKUs whose item name had to be shortened to QuickBooks' 31 characters.
    public var shortenedSKUs: [String: String]
    /// With `--as invoice`: the payment of each invoice, into the deposit account.
    public var payments: [QBPayment] = []

    public var receiptsCents: Int { transactions.filter { $0.transaction.kind != .creditMemo }.reduce(0) { $0 + $1.transaction.totalCents } }
    public var creditMemosCents: Int { transactions.filter { $0.transaction.kind == .creditMemo }.reduce(0) { $0 + $1.transaction.totalCents } }
    /// Receipts minus credit memos.
    public var postedCents: Int { receiptsCents - creditMemosCents }
    /// True when what is posted nets, to the cent, to the settlement's total-amount (the deposit), and
    /// every invoice is paid in full.
    public var reconciles: Bool {
        let invoices = transactions.filter { $0.transaction.kind == .invoice }.reduce(0) { $0 + $1.transaction.totalCents }
        return postedCents == header.totalCents && payments.reduce(0) { $0 + $1.totalCents } == invoices
    }

    /// What to post, in order: each transaction, and after an invoice, its payment.
    public var entries: [SalesEntry] {
        var out: [SalesEntry] = []
        for t in transactions.map(\.transaction) {
            out.append(.transaction(t))
            if let p = payment(of: t) { out.append(.payment(p)) }
        }
        return out
    }

    /// The payment of an invoice (with `--as invoice`).
    public func payment(of invoice: QBTransaction) -> QBPayment? {
        guard invoice.kind == .invoice, let ref = invoice.refNumber else { return nil }
        return payments.first { $0.applications.first?.txnID == QBPayment.placeholder(invoiceRef: ref) }
    }

    /// The same settlement posted as invoices, each paid in full into the deposit account, instead of sales
    /// receipts. Credit memos stay credit memos; the deposit still reconciles.
    public func asInvoices() -> SettlementSummary {
        var s = self
        s.payments = []
        for i in s.transactions.indices where s.transactions[i].transaction.kind == .salesReceipt {
            var t = s.transactions[i].transaction
            let account = t.depositAccount
            t.kind = .invoice
            t.depositAccount = nil
            s.transactions[i].transaction = t
            let ref = t.refNumber ?? ""
            s.payments.append(QBPayment(
                customer: t.customer, txnDate: t.txnDate, refNumber: ref + "-P", totalCents: t.totalCents, memo: t.memo,
                depositAccount: account, applications: [.init(txnID: QBPayment.placeholder(invoiceRef: ref), amountCents: t.totalCents)]))
        }
        return s
    }
}
