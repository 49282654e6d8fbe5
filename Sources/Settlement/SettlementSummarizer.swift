import QBXML

/// Folds a settlement's amounts, as the parser streams them, into summary transactions. Memory grows
/// with the number of SKUs and groups, never with the number of rows.
public struct SettlementSummarizer {
    public let mapping: SettlementMapping

    /// A group: family, channel and month as small integers (hashing them is cheap).
    struct GroupKey: Hashable {
        var family: TransactionFamily
        /// Index into `channels`, or -1.
        var channel: Int
        /// year * 12 + month - 1, or -1.
        var month: Int
    }

    struct Group {
        /// By SKU index (into `skus`).
        var skuCents: [Int: Int] = [:]
        var skuQuantity: [Int: Int] = [:]
        /// By item index (into `items`).
        var saleLines: [Int: Int] = [:]
        var feeLines: [Int: Int] = [:]
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
        case sale(Int)
        case fee(Int)
        case tax
        case withheld
        case settlement(Int)
        case unmapped
    }

    var groupIndex: [GroupKey: Int] = [:]
    /// Consecutive rows mostly belong to the same group (one order item's rows).
    var lastGroup: (key: GroupKey, index: Int)?
    var groupKeys: [GroupKey] = []
    var groupList: [Group] = []
    var adjustments: [Int: Int] = [:]
    var adjustmentRows = 0
    var unmapped: [Triple: SettlementSummary.Unmapped] = [:]
    /// Actions (and the family of the transaction type) by the parser's kind id; a string-keyed cache for
    /// entries made without ids.
    var actionsByKind: [(Action, TransactionFamily?)?] = []
    var actions: [Triple: (Action, TransactionFamily?)] = [:]
    /// Whether a marketplace (by the parser's id) is "Non-Amazon" (Multi-Channel Fulfillment).
    var nonAmazonByParserID: [Bool?] = []
    /// SKUs and channels by index, with the parser's ids mapped to them.
    var skus = NameTable()
    var channels = NameTable()
    /// Item names by index.
    var items: [String] = []
    var itemIndex: [String: Int] = [:]

    public init(mapping: SettlementMapping) {
        self.mapping = mapping
    }

    static func family(_ transactionType: String) -> TransactionFamily? {
        let t = transactionType.lowercased()
        if t.hasPrefix("order") { return .orders }
        if t.hasPrefix("refund") || t.hasSuffix("refund") { return .refunds }
        return nil
    }

    mutating func item(_ name: String) -> Int {
        if let i = itemIndex[name] { return i }
        items.append(name)
        itemIndex[name] = items.count - 1
        return items.count - 1
    }

    mutating func resolve(_ key: Triple, family: TransactionFamily?) -> Action {
        guard let rule = mapping.rule(transactionType: key.t, amountType: key.a, amountDescription: key.d) else { return .unmapped }
        switch rule.role {
        case .settlement: return .settlement(item(rule.item ?? mapping.unmappedItem))
        case .principal: return family == nil ? .unmapped : .sku
        case .sale: return family == nil ? .settlement(item(rule.item!)) : .sale(item(rule.item!))
        case .fee: return family == nil || !mapping.fees ? .settlement(item(rule.item!)) : .fee(item(rule.item!))
        case .tax: return family == nil ? .settlement(item(mapping.salesTaxItem)) : .tax
        case .withheldTax: return family == nil ? .settlement(item(mapping.facilitatorTaxItem)) : .withheld
        }
    }

    mutating func action(_ e: SettlementEntry) -> (Action, TransactionFamily?) {
        if e.kindID >= 0, e.kindID < actionsByKind.count, let cached = actionsByKind[e.kindID] { return cached }
        let key = Triple(t: e.transactionType, a: e.amountType, d: e.amountDescription)
        let family = Self.family(e.transactionType)
        let result = actions[key] ?? (resolve(key, family: family), family)
        actions[key] = result
        if e.kindID >= 0 {
            while actionsByKind.count <= e.kindID { actionsByKind.append(nil) }
            actionsByKind[e.kindID] = result
        }
        return result
    }

    mutating func isNonAmazon(_ e: SettlementEntry) -> Bool {
        if e.marketplaceID >= 0, e.marketplaceID < nonAmazonByParserID.count, let known = nonAmazonByParserID[e.marketplaceID] { return known }
        let value = e.marketplace.hasPrefix("Non-Amazon")
        if e.marketplaceID >= 0 {
            while nonAmazonByParserID.count <= e.marketplaceID { nonAmazonByParserID.append(nil) }
            nonAmazonByParserID[e.marketplaceID] = value
        }
        return value
    }

    mutating func sku(_ e: SettlementEntry) -> Int {
        skus.index(parserID: e.skuID, name: e.sku.isEmpty ? "(no SKU)" : e.sku)
    }

    mutating func channel(_ e: SettlementEntry) -> Int {
        channels.index(parserID: e.channelID, name: e.fulfillment.isEmpty ? "other" : e.fulfillment.uppercased())
    }

    /// The index of the entry's group in `groupList`, made when new.
    mutating func group(_ e: SettlementEntry, _ family: TransactionFamily) -> Int {
        var key = GroupKey(family: family, channel: -1, month: -1)
        switch mapping.group {
        case .none: break
        case .channel: key.channel = channel(e)
        case .month: key.month = e.posted.map { $0.year * 12 + $0.month - 1 } ?? -1
        case .channelMonth:
            key.channel = channel(e)
            key.month = e.posted.map { $0.year * 12 + $0.month - 1 } ?? -1
        }
        if let last = lastGroup, last.key == key { return last.index }
        if let i = groupIndex[key] {
            lastGroup = (key, i)
            return i
        }
        lastGroup = (key, groupList.count)
        groupKeys.append(key)
        groupList.append(Group())
        groupIndex[key] = groupList.count - 1
        return groupList.count - 1
    }

    public mutating func add(_ e: SettlementEntry) {
        if e.isQuantityOnly {
            // V1 "quantity" rows: the quantity of an order item, on a row of its own.
            guard Self.family(e.transactionType) == .orders, let q = e.quantity, !e.sku.isEmpty, !isNonAmazon(e) else { return }
            let g = group(e, .orders)
            groupList[g].skuQuantity[sku(e), default: 0] += q
            return
        }
        let (action, family) = action(e)
        switch action {
        case .unmapped:
            let key = Triple(t: e.transactionType, a: e.amountType, d: e.amountDescription)
            var u = unmapped[key] ?? SettlementSummary.Unmapped(
                transactionType: e.transactionType, amountType: e.amountType, amountDescription: e.amountDescription, cents: 0,
                rows: 0, firstLine: e.line)
            u.cents += e.cents
            u.rows += 1
            unmapped[key] = u
            let unmappedItem = item(mapping.unmappedItem)
            if let family {
                let g = group(e, family)
                groupList[g].add(line: unmappedItem, cents: e.cents, posted: e.posted)
            } else {
                adjustments[unmappedItem, default: 0] += e.cents
                adjustmentRows += 1
            }
        case .settlement(let item):
            adjustments[item, default: 0] += e.cents
            adjustmentRows += 1
        case .sku:
            let g = group(e, family!)
            groupList[g].rows += 1
            groupList[g].note(e.posted)
            // Multi-Channel Fulfillment rows (Principal 0.00 from a "Non-Amazon" marketplace) are sales made
            // elsewhere: only their fees belong here.
            if !(e.cents == 0 && isNonAmazon(e)) {
                let s = sku(e)
                groupList[g].skuCents[s, default: 0] += e.cents
                if family == .orders, let q = e.quantity { groupList[g].skuQuantity[s, default: 0] += q }
            }
        case .sale(let item):
            let g = group(e, family!)
            groupList[g].add(line: item, cents: e.cents, posted: e.posted)
        case .fee(let item):
            let g = group(e, family!)
            groupList[g].feeLines[item, default: 0] += e.cents
            groupList[g].rows += 1
            groupList[g].note(e.posted)
        case .tax:
            let g = group(e, family!)
            groupList[g].tax += e.cents
            groupList[g].rows += 1
        case .withheld:
            let g = group(e, family!)
            groupList[g].withheld += e.cents
            groupList[g].rows += 1
        }
    }
}

/// Names by small index, remembering which parser id (if any) stands for which name, so that a row costs
/// an array lookup rather than a string hash.
struct NameTable {
    private(set) var names: [String] = []
    private var byName: [String: Int] = [:]
    private var byParserID: [Int] = []

    mutating func index(parserID: Int, name: @autoclosure () -> String) -> Int {
        if parserID >= 0, parserID < byParserID.count, byParserID[parserID] >= 0 { return byParserID[parserID] }
        let n = name()
        let index = byName[n] ?? names.count
        if index == names.count {
            names.append(n)
            byName[n] = index
        }
        if parserID >= 0 {
            while byParserID.count <= parserID { byParserID.append(-1) }
            byParserID[parserID] = index
        }
        return index
    }

    subscript(index: Int) -> String { names[index] }
}

extension SettlementSummarizer.Group {
    mutating func add(line item: Int, cents: Int, posted: DayDate?) {
        saleLines[item, default: 0] += cents
        rows += 1
        note(posted)
    }

    mutating func note(_ posted: DayDate?) {
        if let posted, lastPosted.map({ posted > $0 }) ?? true { lastPosted = posted }
    }
}
