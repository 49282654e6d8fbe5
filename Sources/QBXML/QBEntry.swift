import QBModel

/// One thing to post to QuickBooks (or to take back out of it), independent of where it came from.
public enum QBEntry: Sendable, Equatable {
    /// A sales receipt, invoice or credit memo.
    case transaction(QBTransaction)
    /// A payment, which may pay invoices posted before it (its applications then hold `TxnIDPlaceholder`s).
    case payment(QBPayment)
    /// A refund of credit memos' credit (their TxnIDs as placeholders when they are posted with it).
    case refund(QBRefund)
    case transfer(QBTransfer)
    case journalEntry(QBJournalEntry)
    /// The deletion of a transaction QuickBooks has.
    case deletion(QBTxnDel)

    /// What the plan calls it, when other entries may need its TxnID.
    public var planKey: PlanKey? {
        switch self {
        case .transaction(let t): t.planKey
        case .payment(let p): p.planKey
        case .refund(let r): r.refNumber.map { .transaction(.arRefundCreditCard, $0) }
        case .transfer(let t): t.key.map { .transaction(.transfer, $0) }
        case .journalEntry(let j): j.refNumber.map { .transaction(.journalEntry, $0) }
        case .deletion: nil
        }
    }
}

/// A refund of credit (ARRefundCreditCardAdd): money paid back to the customer from an account, applied to
/// the credit memos whose credit it uses up. The customer's A/R balance goes back up by the amount.
public struct QBRefund: Sendable, Equatable, Codable {
    public struct Application: Sendable, Equatable, Codable {
        /// The credit memo's TxnID, or a `TxnIDPlaceholder` filled in when the memo has been created.
        public var txnID: String
        public var amountCents: Int

        public init(txnID: String, amountCents: Int) {
            self.txnID = txnID
            self.amountCents = amountCents
        }
    }

    public var customer: String
    /// The account the money leaves (a bank or other current asset account).
    public var refundFrom: String
    public var txnDate: String?
    public var refNumber: String?
    public var method: String?
    public var memo: String?
    public var applications: [Application]

    public init(
        customer: String, refundFrom: String, txnDate: String? = nil, refNumber: String? = nil, method: String? = nil, memo: String? = nil,
        applications: [Application]
    ) {
        self.customer = customer
        self.refundFrom = refundFrom
        self.txnDate = txnDate
        self.refNumber = refNumber
        self.method = method
        self.memo = memo
        self.applications = applications
    }

    public var totalCents: Int { applications.reduce(0) { $0 + $1.amountCents } }
}

/// Money moved between two balance-sheet accounts (TransferAdd, qbXML 12.0 and later).
public struct QBTransfer: Sendable, Equatable, Codable {
    public var txnDate: String?
    public var from: String
    public var to: String
    /// More than zero.
    public var amountCents: Int
    public var memo: String?
    public var className: String?
    /// A transfer has no RefNumber: this names it within a plan and in the queue (e.g. `0A1PQFF9-T`).
    public var key: String?

    public init(txnDate: String?, from: String, to: String, amountCents: Int, memo: String?, className: String? = nil, key: String? = nil) {
        self.txnDate = txnDate
        self.from = from
        self.to = to
        self.amountCents = amountCents
        self.memo = memo
        self.className = className
        self.key = key
    }

    /// The same amount moved back.
    public func reversed(on date: String, memo: String) -> QBTransfer {
        QBTransfer(txnDate: date, from: to, to: from, amountCents: amountCents, memo: memo, className: className, key: key)
    }
}

/// A journal entry: debits and credits to accounts that balance.
public struct QBJournalEntry: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var account: String
        /// More than zero: debited when `isDebit`, else credited.
        public var amountCents: Int
        public var isDebit: Bool
        public var memo: String?
        public var className: String?

        public init(account: String, amountCents: Int, isDebit: Bool, memo: String? = nil, className: String? = nil) {
            self.account = account
            self.amountCents = amountCents
            self.isDebit = isDebit
            self.memo = memo
            self.className = className
        }
    }

    public var txnDate: String?
    public var refNumber: String?
    public var lines: [Line]

    public init(txnDate: String?, refNumber: String?, lines: [Line]) {
        self.txnDate = txnDate
        self.refNumber = refNumber
        self.lines = lines
    }

    public var debitCents: Int { lines.filter(\.isDebit).reduce(0) { $0 + $1.amountCents } }
    public var creditCents: Int { lines.filter { !$0.isDebit }.reduce(0) { $0 + $1.amountCents } }
}

/// The deletion of a transaction (TxnDelRq).
public struct QBTxnDel: Sendable, Equatable, Codable {
    public var type: TransactionType
    /// Its TxnID, or a `TxnIDPlaceholder` of it (known once QuickBooks has answered for it).
    public var txnID: String

    public init(type: TransactionType, txnID: String) {
        self.type = type
        self.txnID = txnID
    }
}
