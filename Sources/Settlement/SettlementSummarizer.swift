import QBXML

/// Folds a settlement's amounts, as the parser streams them, into summary transactions. Memory grows
/// with the number of SKUs and groups, never with the number of rows.
public struct SettlementSummarizer {
    public let mapping: SettlementMapping

    enum Family: Int, Comparable {
        case orders = 0
        case refunds = 1
        static func < (a: Family, b: Family) -> Bool { a.rawValue < b.rawValue }
    }

    struct GroupKey: Hashable {
        var family: Family
        var channel: String
        var month: String
    }

    struct Group {
        var skuCents: [String: Int] = [:]
        var skuQuantity: [String: Int] = [:]
        var saleLines: [String: Int] = [:]
        var feeLines: [String: Int] = [:]
        var tax = 0
        var withheld = 0
        var rows = 0
        var lastPosted: DayDate?
    }

    struct Triple: Hashable {
        var t: String
        var a: String
        var d: String
    }

    enum Action {
        case sku
        case sale(String)
        case fee(String)
        case tax
        case withheld
        case settlement(String)
        case unmapped
    }

    var groups: [GroupKey: Group] = [:]
    var adjustments: [String: Int] = [:]
    var adjustmentRows = 0
    var unmapped: [Triple: SettlementSummary.Unmapped] = [:]
    var actions: [Triple: Action] = [:]

    public init(mapping: SettlementMapping) {
        self.mapping = mapping
    }

    static func family(_ transactionType: String) -> Family? {
        let t = transactionType.lowercased()
        if t.hasPrefix("order") { return .orders }
        if t.hasPrefix("refund") || t.hasSuffix("refund") { return .refunds }
        return nil
    }

    func resolve(_ key: Triple, family: Family?) -> Action {
        guard let rule = mapping.rule(transactionType: key.t, amountType: key.a, amountDescription: key.d) else { return .unmapped }
        switch rule.role {
        case .settlement: return .settlement(rule.item ?? mapping.unmappedItem)
        case .principal: return family == nil ? .unmapped : .sku
        case .sale: return family == nil ? .settlement(rule.item!) : .sale(rule.item!)
        case .fee: return family == nil || !mapping.fees ? .settlement(rule.item!) : .fee(rule.item!)
        case .tax: return family == nil ? .settlement(mapping.salesTaxItem) : .tax
        case .withheldTax: return family == nil ? .settlement(mapping.facilitatorTaxItem) : .withheld
        }
    }

    public mutating func add(_ e: SettlementEntry) {
        let family = Self.family(e.transactionType)
        if e.isQuantityOnly {
            // V1 "quantity" rows: the quantity of an order item, on a row of its own.
            guard family == .orders, let q = e.quantity, !e.sku.isEmpty, !e.marketplace.hasPrefix("Non-Amazon") else { return }
            groups[groupKey(e, family!), default: Group()].skuQuantity[e.sku, default: 0] += q
            return
        }
        let key = Triple(t: e.transactionType, a: e.amountType, d: e.amountDescription)
        let action: Action
        if let cached = actions[key] {
            action = cached
        } else {
            action = resolve(key, family: family)
            actions[key] = action
        }
        switch action {
        case .unmapped:
            var u = unmapped[key] ?? SettlementSummary.Unmapped(
                transactionType: e.transactionType, amountType: e.amountType, amountDescription: e.amountDescription, cents: 0,
                rows: 0, firstLine: e.line)
            u.cents += e.cents
            u.rows += 1
            unmapped[key] = u
            if let family {
                groups[groupKey(e, family), default: Group()].add(line: mapping.unmappedItem, cents: e.cents, posted: e.posted)
            } else {
                adjustments[mapping.unmappedItem, default: 0] += e.cents
                adjustmentRows += 1
            }
        case .settlement(let item):
            adjustments[item, default: 0] += e.cents
            adjustmentRows += 1
        case .sku:
            let gk = groupKey(e, family!)
            var g = groups[gk] ?? Group()
            g.rows += 1
            g.note(e.posted)
            if e.marketplace.hasPrefix("Non-Amazon") && e.cents == 0 {
                // Multi-Channel Fulfillment: a sale made elsewhere; only its fees belong here.
            } else {
                let sku = e.sku.isEmpty ? "(no SKU)" : e.sku
                g.skuCents[sku, default: 0] += e.cents
                if family == .orders, let q = e.quantity { g.skuQuantity[sku, default: 0] += q }
            }
            groups[gk] = g
        case .sale(let item):
            groups[groupKey(e, family!), default: Group()].add(line: item, cents: e.cents, posted: e.posted)
        case .fee(let item):
            let gk = groupKey(e, family!)
            groups[gk, default: Group()].feeLines[item, default: 0] += e.cents
            groups[gk]!.rows += 1
            groups[gk]!.note(e.posted)
        case .tax:
            let gk = groupKey(e, family!)
            groups[gk, default: Group()].tax += e.cents
            groups[gk]!.rows += 1
        case .withheld:
            let gk = groupKey(e, family!)
            groups[gk, default: Group()].withheld += e.cents
            groups[gk]!.rows += 1
        }
    }

    func groupKey(_ e: SettlementEntry, _ family: Family) -> GroupKey {
        let channel: String
        let month: String
        switch mapping.group {
        case .none:
            channel = ""
            month = ""
        case .channel:
            channel = e.fulfillment.isEmpty ? "other" : e.fulfillment.uppercased()
            month = ""
        case .month:
            channel = ""
            month = e.posted?.monthKey ?? ""
        case .channelMonth:
            channel = e.fulfillment.isEmpty ? "other" : e.fulfillment.uppercased()
            month = e.posted?.monthKey ?? ""
        }
        return GroupKey(family: family, channel: channel, month: month)
    }
}

extension SettlementSummarizer.Group {
    mutating func add(line item: String, cents: Int, posted: DayDate?) {
        saleLines[item, default: 0] += cents
        rows += 1
        note(posted)
    }

    mutating func note(_ posted: DayDate?) {
        if let posted, lastPosted.map({ posted > $0 }) ?? true { lastPosted = posted }
    }
}
