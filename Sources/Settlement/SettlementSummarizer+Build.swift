import QBXML

extension SettlementSummarizer {
    /// The summary for `header`, refusing what cannot be posted right (an item-name collision, too many
    /// groups for a RefNumber, or — never expected — transactions that do not reconcile).
    public func summary(header: SettlementHeader, source: String) throws(SettlementError) -> SettlementSummary {
        let end = header.end ?? header.deposit ?? header.start
        // Amounts without a posted date belong to the settlement's last month.
        var merged: [GroupKey: Group] = [:]
        for (i, key) in groupKeys.enumerated() {
            var k = key
            if (mapping.group == .month || mapping.group == .channelMonth) && k.month < 0, let end { k.month = end.year * 12 + end.month - 1 }
            merged[k] = merged[k].map { $0.merging(groupList[i]) } ?? groupList[i]
        }
        let customer = mapping.customer(forMarketplace: header.marketplace)
        let period = "\(header.start?.description ?? "?") to \(header.end?.description ?? "?")"
        var skuItems: [String: String] = [:]  // item name → SKU
        var shortened: [String: String] = [:]
        func item(forSKU sku: String) throws(SettlementError) -> String {
            let name = mapping.skus[sku] ?? ItemNames.forSKU(sku)
            if let other = skuItems[name.lowercased()], other != sku {
                throw SettlementError(
                    line: 0, "SKUs '\(other)' and '\(sku)' would both post to item '\(name)'; give one of them its own item in the mapping's skus")
            }
            skuItems[name.lowercased()] = sku
            if mapping.skus[sku] == nil && name != sku { shortened[sku] = name }
            return name
        }

        var transactions: [SettlementSummary.Transaction] = []
        var usedItems: [String: ListRequirement] = [:]
        var index: [Family: Int] = [:]
        func channelLabel(_ k: GroupKey) -> String { k.channel >= 0 ? channels[k.channel] : "" }
        func monthLabel(_ k: GroupKey) -> String {
            k.month >= 0 ? DayDate(year: k.month / 12, month: k.month % 12 + 1, day: 1).monthKey : ""
        }
        func named(_ lines: [Int: Int]) -> [(String, Int)] {
            lines.map { (items[$0.key], $0.value) }.filter { $0.1 != 0 }.sorted { $0.0 < $1.0 }
        }
        for key in merged.keys.sorted(by: { ($0.family, channelLabel($0), $0.month) < ($1.family, channelLabel($1), $1.month) }) {
            let group = merged[key]!
            var lines: [QBTransaction.Line] = []
            let skuLines = group.skuCents.map { (skus[$0.key], $0.value, group.skuQuantity[$0.key] ?? 0) }
                .filter { $0.1 != 0 || $0.2 != 0 }.sorted { $0.0 < $1.0 }
            for (sku, cents, count) in skuLines {
                let name = try item(forSKU: sku)
                usedItems[name.lowercased()] = ListRequirement(
                    name: name, kind: .item(type: mapping.skuItem.type, account: mapping.skuItem.account), description: sku)
                let quantity = key.family == .orders && count > 0 ? String(count) : nil
                lines.append(.init(item: name, description: sku, quantity: quantity, amountCents: cents))
            }
            for (item, cents) in named(group.saleLines) {
                lines.append(.init(item: item, amountCents: cents))
            }
            let withheldByAmazon = -group.withheld
            let sellerTax = group.tax - withheldByAmazon
            if sellerTax != 0 {
                lines.append(.init(item: mapping.salesTaxItem, description: "Sales tax collected by the seller", amountCents: sellerTax))
            }
            if withheldByAmazon != 0 {
                lines.append(.init(item: mapping.facilitatorTaxItem, description: "Marketplace facilitator tax collected", amountCents: withheldByAmazon))
                lines.append(.init(item: mapping.facilitatorTaxItem, description: "Marketplace facilitator tax withheld by Amazon", amountCents: -withheldByAmazon))
            }
            for (item, cents) in named(group.feeLines) {
                lines.append(.init(item: item, amountCents: cents))
            }
            guard !lines.isEmpty else { continue }
            let label = [channelLabel(key), monthLabel(key)].filter { !$0.isEmpty }.joined(separator: " ")
            let role = key.family == .orders ? "orders" : "refunds"
            let n = index[key.family, default: 0]
            index[key.family] = n + 1
            guard n < 35 else { throw SettlementError(line: 0, "more than 35 \(role) groups; choose a coarser --group") }
            var date = end
            if key.month >= 0, let d = end {
                date = min(DayDate(year: key.month / 12, month: key.month % 12 + 1, day: 1).lastDayOfMonth, d)
            }
            transactions.append(make(
                role: role, group: label.isEmpty ? "all" : label, lines: lines, rows: group.rows, date: date,
                ref: RefNumbers.make(settlementID: header.settlementID, role: key.family == .orders ? "O" : "R", groupIndex: n),
                memo: "Amazon settlement \(header.settlementID) (\(period)), \(role)\(label.isEmpty ? "" : ", \(label)")",
                customer: customer))
        }
        let adjustmentLines = named(adjustments).map { QBTransaction.Line(item: $0.0, amountCents: $0.1) }
        if !adjustmentLines.isEmpty {
            transactions.append(make(
                role: "adjustments", group: "settlement", lines: adjustmentLines, rows: adjustmentRows, date: end,
                ref: RefNumbers.make(settlementID: header.settlementID, role: "A", groupIndex: 0),
                memo: "Amazon settlement \(header.settlementID) (\(period)), settlement adjustments", customer: customer))
        }
        for t in transactions {
            for line in t.transaction.lines where usedItems[line.item.lowercased()] == nil {
                let spec = mapping.items[line.item] ?? mapping.items[mapping.unmappedItem]!
                usedItems[line.item.lowercased()] = ListRequirement(name: line.item, kind: .item(type: spec.type, account: spec.account))
            }
        }
        var accountNames = Set<String>()
        for requirement in usedItems.values {
            if case .item(_, let account) = requirement.kind { accountNames.insert(account) }
        }
        if transactions.contains(where: { $0.transaction.kind == .salesReceipt }) { accountNames.insert(mapping.depositAccount) }
        var requirements = accountNames.sorted().map { ListRequirement(name: $0, kind: .account(type: mapping.accounts[$0] ?? "OtherCurrentAsset")) }
        if !transactions.isEmpty { requirements.append(ListRequirement(name: customer, kind: .customer)) }
        requirements += usedItems.values.sorted { $0.name < $1.name }
        let summary = SettlementSummary(
            header: header, source: source, mappingGroup: mapping.group, transactions: transactions, requirements: requirements,
            unmapped: unmapped.values.sorted { $0.firstLine < $1.firstLine }, shortenedSKUs: shortened)
        guard summary.reconciles else {
            throw SettlementError(
                line: 0,
                "internal check failed: the transactions net to \(Cents.format(summary.postedCents)), not the deposit \(Cents.format(header.totalCents)); nothing was enqueued")
        }
        return summary
    }

    func make(
        role: String, group: String, lines: [QBTransaction.Line], rows: Int, date: DayDate?, ref: String, memo: String,
        customer: String
    ) -> SettlementSummary.Transaction {
        let net = lines.reduce(0) { $0 + ($1.amountCents ?? 0) }
        // QuickBooks refuses a sales receipt with a negative total: post those as credit memos.
        let isReceipt = net >= 0
        let posted = isReceipt ? lines : lines.map { line in
            var l = line
            l.amountCents = line.amountCents.map { -$0 }
            return l
        }
        let transaction = QBTransaction(
            kind: isReceipt ? .salesReceipt : .creditMemo, customer: customer, className: mapping.className,
            txnDate: date?.description, refNumber: ref, memo: memo, depositAccount: isReceipt ? mapping.depositAccount : nil,
            lines: posted)
        return SettlementSummary.Transaction(role: role, group: group, transaction: transaction, depositCents: net, rows: rows)
    }
}

extension SettlementSummarizer.Group {
    func merging(_ other: Self) -> Self {
        var g = self
        g.skuCents.merge(other.skuCents, uniquingKeysWith: +)
        g.skuQuantity.merge(other.skuQuantity, uniquingKeysWith: +)
        g.saleLines.merge(other.saleLines, uniquingKeysWith: +)
        g.feeLines.merge(other.feeLines, uniquingKeysWith: +)
        g.tax += other.tax
        g.withheld += other.withheld
        g.rows += other.rows
        if let p = other.lastPosted { g.note(p) }
        return g
    }
}
