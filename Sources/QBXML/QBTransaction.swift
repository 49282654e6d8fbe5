import QBModel

/// A sales transaction to create in QuickBooks (sales receipt, credit memo or invoice), independent of
/// where it came from (a settlement summary, a JSON file).
public struct QBTransaction: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case salesReceipt = "SalesReceipt"
        case creditMemo = "CreditMemo"
        case invoice = "Invoice"

        public var transactionType: TransactionType {
            switch self {
            case .salesReceipt: .salesReceipt
            case .creditMemo: .creditMemo
            case .invoice: .invoice
            }
        }
    }

    public struct Line: Sendable, Equatable, Codable {
        public var item: String
        public var description: String?
        /// A QUANTYPE decimal string ("2", "1.5").
        public var quantity: String?
        /// A PRICETYPE decimal string.
        public var rate: String?
        public var amountCents: Int?
        public var className: String?
        public var salesTaxCode: String?

        public init(
            item: String, description: String? = nil, quantity: String? = nil, rate: String? = nil, amountCents: Int? = nil,
            className: String? = nil, salesTaxCode: String? = nil
        ) {
            self.item = item
            self.description = description
            self.quantity = quantity
            self.rate = rate
            self.amountCents = amountCents
            self.className = className
            self.salesTaxCode = salesTaxCode
        }
    }

    /// A bill-to or ship-to address.
    public struct Address: Sendable, Equatable, Codable {
        public var lines: [String]
        public var city: String?
        public var state: String?
        public var postalCode: String?
        public var country: String?
        public var note: String?

        public init(lines: [String] = [], city: String? = nil, state: String? = nil, postalCode: String? = nil, country: String? = nil, note: String? = nil) {
            self.lines = lines
            self.city = city
            self.state = state
            self.postalCode = postalCode
            self.country = country
            self.note = note
        }
    }

    public var kind: Kind
    public var customer: String
    public var className: String?
    public var billAddress: Address?
    public var shipAddress: Address?
    /// Invoices and credit memos.
    public var terms: String?
    public var dueDate: String?
    /// `YYYY-MM-DD`.
    public var txnDate: String?
    public var refNumber: String?
    public var memo: String?
    /// Sales receipts only: where the money goes.
    public var depositAccount: String?
    public var lines: [Line]

    public init(
        kind: Kind, customer: String, className: String? = nil, txnDate: String? = nil, refNumber: String? = nil,
        memo: String? = nil, depositAccount: String? = nil, lines: [Line], billAddress: Address? = nil,
        shipAddress: Address? = nil, terms: String? = nil, dueDate: String? = nil
    ) {
        self.kind = kind
        self.billAddress = billAddress
        self.shipAddress = shipAddress
        self.terms = terms
        self.dueDate = dueDate
        self.customer = customer
        self.className = className
        self.txnDate = txnDate
        self.refNumber = refNumber
        self.memo = memo
        self.depositAccount = depositAccount
        self.lines = lines
    }

    /// Sum of the line amounts, in cents.
    public var totalCents: Int { lines.reduce(0) { $0 + ($1.amountCents ?? 0) } }

    /// What the plan calls it, when it has a RefNumber (a payment of it waits for that key).
    public var planKey: PlanKey? { refNumber.map { .transaction(kind.transactionType, $0) } }

    /// Every item the lines name, in first-use order.
    public var itemNames: [String] {
        var seen = Set<String>()
        return lines.map(\.item).filter { seen.insert($0.lowercased()).inserted }
    }
}

/// A customer payment (ReceivePaymentAdd).
public struct QBPayment: Sendable, Equatable, Codable {
    public struct Application: Sendable, Equatable, Codable {
        /// The invoice's TxnID, or a `TxnIDPlaceholder` filled in when the invoice has been created.
        public var txnID: String
        public var amountCents: Int?

        public init(txnID: String, amountCents: Int? = nil) {
            self.txnID = txnID
            self.amountCents = amountCents
        }
    }

    public var customer: String
    public var txnDate: String?
    public var refNumber: String?
    public var totalCents: Int
    public var method: String?
    public var memo: String?
    public var depositAccount: String?
    /// Empty: QuickBooks applies the payment itself (IsAutoApply).
    public var applications: [Application]

    /// Stands for the TxnID of the invoice with this RefNumber, queued before the payment; qblink fills it in
    /// when the invoice has been created.
    public static func placeholder(invoiceRef: String) -> String { TxnIDPlaceholder.make(.transaction(.invoice, invoiceRef)) }

    /// What the plan calls it, when it has a RefNumber.
    public var planKey: PlanKey? { refNumber.map { .transaction(.receivePayment, $0) } }

    public init(
        customer: String, txnDate: String? = nil, refNumber: String? = nil, totalCents: Int, method: String? = nil, memo: String? = nil,
        depositAccount: String? = nil, applications: [Application] = []
    ) {
        self.customer = customer
        self.txnDate = txnDate
        self.refNumber = refNumber
        self.totalCents = totalCents
        self.method = method
        self.memo = memo
        self.depositAccount = depositAccount
        self.applications = applications
    }
}
