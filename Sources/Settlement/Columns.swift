/// Where each column is, found by name in the header (never by position).
struct Columns {
    struct V1Slot {
        var name: String
        var amount: Int
        var typeColumn: Int?
        var amountType: String?
        var fixedDescription: String?
    }

    let format: SettlementFormat
    var settlementID = -1, start = -1, end = -1, deposit = -1, totalAmount = -1, currency = -1
    var transactionType = -1, marketplace = -1, fulfillment = -1, postedDate = -1, sku = -1, quantity = -1
    var amountType = -1, amountDescription = -1, amount = -1
    var v1Slots: [V1Slot] = []

    init(header: [String], line: Int) throws(SettlementError) {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let key = name.trimmed.lowercased()
            if index[key] == nil { index[key] = i }
        }
        if index["amount-type"] != nil {
            format = .flatFileV2
        } else if index["price-type"] != nil || index["other-amount"] != nil {
            format = .flatFileV1
        } else if header.first?.hasPrefix("<") == true {
            throw SettlementError(line: line, "this is an XML file; qblink reads the tab-separated Flat File V2 (or V1) settlement reports")
        } else {
            throw SettlementError(
                line: line,
                "this is not an Amazon settlement report: the header has neither amount-type (Flat File V2) nor price-type (Flat File V1)")
        }
        func column(_ name: String, required: Bool = true) throws(SettlementError) -> Int {
            if let i = index[name] { return i }
            if required { throw SettlementError(line: line, "the header has no '\(name)' column") }
            return -1
        }
        settlementID = try column("settlement-id")
        start = try column("settlement-start-date")
        end = try column("settlement-end-date")
        deposit = try column("deposit-date", required: false)
        totalAmount = try column("total-amount")
        currency = try column("currency", required: false)
        transactionType = try column("transaction-type")
        marketplace = try column("marketplace-name", required: false)
        fulfillment = try column("fulfillment-id", required: false)
        postedDate = try column("posted-date", required: false)
        if postedDate < 0 { postedDate = try column("posted-date-time", required: false) }
        sku = try column("sku", required: false)
        quantity = try column("quantity-purchased", required: false)
        switch format {
        case .flatFileV2:
            amountType = try column("amount-type")
            amountDescription = try column("amount-description")
            amount = try column("amount")
        case .flatFileV1:
            v1Slots = Self.v1Slots(index)
            guard !v1Slots.isEmpty else { throw SettlementError(line: line, "the header has no amount column") }
        }
    }

    /// The V1 amount columns present, each with the column naming its kind (or a fixed amount type).
    static func v1Slots(_ index: [String: Int]) -> [V1Slot] {
        var found: [V1Slot] = []
        let slots: [(String, String?, String?, String?)] = [
            ("shipment-fee-amount", "shipment-fee-type", "ItemFees", nil),
            ("order-fee-amount", "order-fee-type", "ItemFees", nil),
            ("price-amount", "price-type", "ItemPrice", nil),
            ("item-related-fee-amount", "item-related-fee-type", "ItemFees", nil),
            ("misc-fee-amount", nil, "other-transaction", "MiscFee"),
            ("other-fee-amount", "other-fee-reason-description", "other-transaction", nil),
            ("promotion-amount", "promotion-type", "Promotion", nil),
            ("direct-payment-amount", "direct-payment-type", "other-transaction", nil),
            ("other-amount", nil, nil, nil),
        ]
        for (amountName, typeName, amountType, fixed) in slots {
            guard let a = index[amountName] else { continue }  // 33-column files lack the promotion trio
            found.append(V1Slot(
                name: amountName, amount: a, typeColumn: typeName.flatMap { index[$0] }, amountType: amountType,
                fixedDescription: fixed))
        }
        return found
    }
}
