/// A sales transaction to create in QuickBooks (sales receipt, credit memo or invoice), independent of
/// where it came from (a settlement summary, a JSON file).
public struct QBTransaction: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case salesReceipt = "SalesReceipt"
        case creditMemo = "CreditMemo"
        case invoice = "Invoice"
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

    public var kind: Kind
    public var customer: String
    public var className: String?
    /// `YYYY-MM-DD`.
    public var txnDate: String?
    public var refNumber: String?
    public var memo: String?
    /// Sales receipts only: where the money goes.
    public var depositAccount: String?
    public var lines: [Line]

    public init(
        kind: Kind, customer: String, className: String? = nil, txnDate: String? = nil, refNumber: String? = nil,
        memo: String? = nil, depositAccount: String? = nil, lines: [Line]
    ) {
        self.kind = kind
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

    /// Every item the lines name, in first-use order.
    public var itemNames: [String] {
        var seen = Set<String>()
        return lines.map(\.item).filter { seen.insert($0.lowercased()).inserted }
    }
}
