/// The report formats qblink reads.
public enum SettlementFormat: String, Sendable, Codable {
    /// Flat File V2: one amount per row (amount-type, amount-description, amount).
    case flatFileV2 = "flat file V2"
    /// The older Flat File ("V1"): amounts spread over typed columns.
    case flatFileV1 = "flat file V1"
}

/// One amount of a settlement report, whatever the format wrote it as.
public struct SettlementEntry: Sendable, Equatable {
    /// 1-based line in the file.
    public var line: Int
    public var transactionType: String
    public var amountType: String
    public var amountDescription: String
    public var cents: Int
    /// `AFN`, `MFN`, or "" for rows that belong to no order.
    public var fulfillment: String
    public var posted: DayDate?
    public var sku: String
    /// `quantity-purchased` on this row, when it carries one.
    public var quantity: Int?
    public var marketplace: String
    /// V1 "quantity" rows carry a SKU and a quantity but no amount.
    public var isQuantityOnly: Bool
    /// Small ids the parser gives repeated values (the same within one parse), so that summarising a million
    /// rows hashes integers rather than strings. -1 when unknown.
    public var kindID = -1
    public var skuID = -1
    public var channelID = -1
    public var marketplaceID = -1

    public init(
        line: Int, transactionType: String, amountType: String, amountDescription: String, cents: Int,
        fulfillment: String = "", posted: DayDate? = nil, sku: String = "", quantity: Int? = nil, marketplace: String = "",
        isQuantityOnly: Bool = false
    ) {
        self.line = line
        self.transactionType = transactionType
        self.amountType = amountType
        self.amountDescription = amountDescription
        self.cents = cents
        self.fulfillment = fulfillment
        self.posted = posted
        self.sku = sku
        self.quantity = quantity
        self.marketplace = marketplace
        self.isQuantityOnly = isQuantityOnly
    }
}

/// The settlement's summary row.
public struct SettlementHeader: Sendable, Equatable, Codable {
    public var settlementID: String
    public var format: SettlementFormat
    public var start: DayDate?
    public var end: DayDate?
    public var deposit: DayDate?
    public var totalCents: Int
    public var currency: String
    /// The first marketplace named by a row (e.g. `Amazon.com`), "" when none.
    public var marketplace: String
    /// Data rows read (the summary row and blank lines excluded).
    public var rows: Int
    /// Sum of every amount, in cents (equals `totalCents` once the report is accepted).
    public var amountsCents: Int
}

/// Why a report was refused: the line (0 for the file as a whole) and the reason.
public struct SettlementError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}
