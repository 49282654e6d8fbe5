import Foundation

/// Writes settlement reports for tests: Flat File V2 by default, V1 on request, in US, EU or ISO
/// date style, with dot or comma decimals. The summary row's total is the sum of the amounts unless set.
public struct ReportBuilder {
    public enum DateStyle { case us, eu, iso }

    public struct Row {
        public var type: String
        public var amountType: String
        public var description: String
        public var cents: Int
        public var fulfillment: String
        public var posted: (Int, Int, Int)
        public var sku: String
        public var quantity: Int?
        public var marketplace: String
        public var orderID: String

        public init(
            type: String, amountType: String, description: String, cents: Int, fulfillment: String, posted: (Int, Int, Int),
            sku: String, quantity: Int?, marketplace: String, orderID: String
        ) {
            self.type = type
            self.amountType = amountType
            self.description = description
            self.cents = cents
            self.fulfillment = fulfillment
            self.posted = posted
            self.sku = sku
            self.quantity = quantity
            self.marketplace = marketplace
            self.orderID = orderID
        }
    }

    public var settlementID = "21871512981"
    public var start = (2024, 10, 23)
    public var end = (2024, 11, 6)
    public var currency = "USD"
    public var dateStyle = DateStyle.us
    public var commaDecimals = false
    public var total: Int?
    public var rows: [Row] = []
    public var marketplace = "Amazon.com"

    public init() {}

    public static func cents(_ c: Int, comma: Bool) -> String {
        let sign = c < 0 ? "-" : ""
        let a = abs(c)
        return "\(sign)\(a / 100)\(comma ? "," : ".")\(String(format: "%02d", a % 100))"
    }

    func date(_ d: (Int, Int, Int), time: Bool) -> String {
        switch dateStyle {
        case .us: return String(format: "%04d-%02d-%02d", d.0, d.1, d.2) + (time ? " 14:28:39 UTC" : "")
        case .eu: return String(format: "%02d.%02d.%04d", d.2, d.1, d.0) + (time ? " 08:59:52 UTC" : "")
        case .iso: return String(format: "%04d-%02d-%02dT06:23:59+00:00", d.0, d.1, d.2)
        }
    }

    /// An order item: Principal (with quantity), and optional shipping, tax (withheld by Amazon or not), fees.
    public mutating func order(
        _ sku: String, cents: Int, quantity: Int = 1, shipping: Int = 0, tax: Int = 0, withheld: Bool = true,
        commission: Int? = nil, fba: Int = 0, channel: String = "AFN", posted: (Int, Int, Int) = (2024, 10, 26), orderID: String? = nil
    ) {
        let id = orderID ?? "114-\(1_000_000 + rows.count)-\(2_000_000 + rows.count)"
        func add(_ t: String, _ at: String, _ d: String, _ c: Int) {
            rows.append(Row(type: t, amountType: at, description: d, cents: c, fulfillment: channel, posted: posted, sku: sku, quantity: quantity, marketplace: marketplace, orderID: id))
        }
        add("Order", "ItemPrice", "Principal", cents)
        if shipping != 0 { add("Order", "ItemPrice", "Shipping", shipping) }
        if tax != 0 {
            add("Order", "ItemPrice", "Tax", tax)
            if withheld { add("Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", -tax) }
        }
        add("Order", "ItemFees", "Commission", commission ?? -(cents * 15 / 100))
        if fba != 0 { add("Order", "ItemFees", "FBAPerUnitFulfillmentFee", fba) }
    }

    /// A refund of an order item: negative Principal, returned commission, refund administration fee.
    public mutating func refund(_ sku: String, cents: Int, tax: Int = 0, channel: String = "AFN", posted: (Int, Int, Int) = (2024, 10, 28)) {
        let id = "114-\(3_000_000 + rows.count)-\(4_000_000 + rows.count)"
        func add(_ at: String, _ d: String, _ c: Int) {
            rows.append(Row(type: "Refund", amountType: at, description: d, cents: c, fulfillment: channel, posted: posted, sku: sku, quantity: nil, marketplace: marketplace, orderID: id))
        }
        add("ItemPrice", "Principal", -cents)
        if tax != 0 {
            add("ItemPrice", "Tax", -tax)
            add("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", tax)
        }
        add("ItemFees", "Commission", cents * 15 / 100)
        add("ItemFees", "RefundCommission", -(cents * 3 / 100))
    }

    /// A settlement-level row (reserve, storage, advertising, …).
    public mutating func other(_ type: String, _ amountType: String, _ description: String, cents: Int, posted: (Int, Int, Int) = (2024, 11, 1)) {
        rows.append(Row(type: type, amountType: amountType, description: description, cents: cents, fulfillment: "", posted: posted, sku: "", quantity: nil, marketplace: "", orderID: ""))
    }

    public static let v2Header = [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
        "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
        "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased", "promotion-id",
    ]

    public var totalCents: Int { total ?? rows.reduce(0) { $0 + $1.cents } }

    /// The report as Flat File V2 text.
    public func v2(lineEnd: String = "\n") -> String {
        var lines = [Self.v2Header.joined(separator: "\t")]
        var summary = Array(repeating: "", count: 24)
        summary[0] = settlementID
        summary[1] = date(start, time: true)
        summary[2] = date(end, time: true)
        summary[3] = date((end.0, end.1, end.2 + 2 > 28 ? 28 : end.2 + 2), time: true)
        summary[4] = Self.cents(totalCents, comma: commaDecimals)
        summary[5] = currency
        lines.append(summary.joined(separator: "\t"))
        for (i, r) in rows.enumerated() {
            var f = Array(repeating: "", count: 24)
            f[0] = settlementID
            f[6] = r.type
            f[7] = r.orderID
            f[8] = r.orderID
            f[11] = r.marketplace
            f[12] = r.amountType
            f[13] = r.description
            f[14] = Self.cents(r.cents, comma: commaDecimals)
            f[15] = r.fulfillment
            f[16] = date(r.posted, time: false)
            f[17] = date(r.posted, time: true)
            f[18] = r.orderID.isEmpty ? "" : String(100_000_000_000_000 + i)
            f[21] = r.sku
            f[22] = r.quantity.map(String.init) ?? ""
            lines.append(f.joined(separator: "\t"))
        }
        return lines.joined(separator: lineEnd) + lineEnd
    }

    public static let v1Header = [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
        "shipment-fee-type", "shipment-fee-amount", "order-fee-type", "order-fee-amount", "fulfillment-id", "posted-date",
        "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
        "price-type", "price-amount", "item-related-fee-type", "item-related-fee-amount", "misc-fee-amount",
        "other-fee-amount", "other-fee-reason-description", "promotion-id", "promotion-type", "promotion-amount",
        "direct-payment-type", "direct-payment-amount", "other-amount",
    ]

    /// The report as Flat File V1 text (ISO dates): a quantity row per order item, then one row per amount.
    public func v1() -> String {
        let h = Self.v1Header
        func col(_ name: String) -> Int { h.firstIndex(of: name)! }
        var lines = [h.joined(separator: "\t")]
        var summary = Array(repeating: "", count: h.count)
        summary[0] = settlementID
        summary[1] = String(format: "%04d-%02d-%02dT22:07:18+00:00", start.0, start.1, start.2)
        summary[2] = String(format: "%04d-%02d-%02dT22:07:19+00:00", end.0, end.1, end.2)
        summary[3] = summary[2]
        summary[4] = Self.cents(totalCents, comma: false)
        summary[5] = currency
        lines.append(summary.joined(separator: "\t"))
        for r in rows {
            var f = Array(repeating: "", count: h.count)
            f[0] = settlementID
            f[col("transaction-type")] = r.type
            f[col("order-id")] = r.orderID
            f[col("marketplace-name")] = r.marketplace
            f[col("fulfillment-id")] = r.fulfillment
            f[col("posted-date")] = String(format: "%04d-%02d-%02dT02:48:54+00:00", r.posted.0, r.posted.1, r.posted.2)
            f[col("sku")] = r.sku
            if r.type == "Order" && r.description == "Principal", let q = r.quantity {
                var qrow = f
                qrow[col("quantity-purchased")] = String(q)
                lines.append(qrow.joined(separator: "\t"))
            }
            let amount = Self.cents(r.cents, comma: false)
            switch r.amountType {
            case "ItemPrice":
                f[col("price-type")] = r.description
                f[col("price-amount")] = amount
            case "ItemFees", "ItemWithheldTax":
                f[col("item-related-fee-type")] = r.description
                f[col("item-related-fee-amount")] = amount
            case "Promotion":
                f[col("promotion-type")] = r.description
                f[col("promotion-amount")] = amount
            default:
                f[col("transaction-type")] = r.description
                f[col("other-amount")] = amount
            }
            lines.append(f.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n\n"
    }
}
