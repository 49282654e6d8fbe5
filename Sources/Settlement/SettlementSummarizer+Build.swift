import QBXML

extension SettlementSummarizer {
    /// The summary for `header`, refusing what cannot be posted right (an item-name collision, too many
    /// groups for a RefNumber, or — never expected — transactions that do not reconcile).
    public func summary(header: SettlementHeader, source: String) throws(SettlementError) -> SettlementSummary {
        var build = SummaryBuild(summarizer: self, header: header)
        let end = header.end ?? header.deposit ?? header.start
        var index: [TransactionFamily: Int] = [:]
        let merged = mergedGroups(end: end)
        for key in merged.keys.sorted(by: { ($0.family, channelLabel($0), $0.month) < ($1.family, channelLabel($1), $1.month) }) {
            let lines = try build.lines(merged[key]!, family: key.family)
            guard !lines.isEmpty else { continue }
            let n = index[key.family, default: 0]
            index[key.family] = n + 1
            guard n < 35 else { throw SettlementError(line: 0, "more than 35 \(key.family.rawValue) groups; choose a coarser --group") }
            var date = end
            if key.month >= 0, let d = end { date = min(monthStart(key.month).lastDayOfMonth, d) }
            let label = [channelLabel(key), key.month >= 0 ? monthStart(key.month).monthKey : ""].filter { !$0.isEmpty }.joined(separator: " ")
            build.add(family: key.family, group: label, lines: lines, rows: merged[key]!.rows, date: date, groupIndex: n)
        }
        let adjustmentLines = named(adjustments).map { QBTransaction.Line(item: $0.0, amountCents: $0.1) }
        if !adjustmentLines.isEmpty {
            build.add(family: .adjustments, group: "", lines: adjustmentLines, rows: adjustmentRows, date: end, groupIndex: 0)
        }
        let summary = build.summary(source: source, unmapped: unmapped.values.sorted { $0.firstLine < $1.firstLine })
        if let problem = summary.bookProblems.first {
            throw SettlementError(line: 0, "internal check failed: \(problem); nothing was enqueued")
        }
        return summary
    }

    /// The groups, with amounts that have no posted date moved into the settlement's last month.
    func mergedGroups(end: DayDate?) -> [GroupKey: Group] {
        var merged: [GroupKey: Group] = [:]
        for (i, key) in groupKeys.enumerated() {
            var k = key
            if (mapping.group == .month || mapping.group == .channelMonth) && k.month < 0, let end { k.month = end.year * 12 + end.month - 1 }
            merged[k] = merged[k].map { $0.merging(groupList[i]) } ?? groupList[i]
        }
        return merged
    }

    func channelLabel(_ k: GroupKey) -> String { k.channel >= 0 ? channels[k.channel] : "" }

    func monthStart(_ month: Int) -> DayDate { DayDate(year: month / 12, month: month % 12 + 1, day: 1) }

    /// Item lines by name, without the zero ones, in name order.
    func named(_ lines: [Int: Int]) -> [(String, Int)] {
        lines.map { (items[$0.key], $0.value) }.filter { $0.1 != 0 }.sorted { $0.0 < $1.0 }
    }
}

/// The transactions of one summary as they are made, with the items they name.
struct SummaryBuild {
    let summarizer: SettlementSummarizer
    let header: SettlementHeader
    var transactions: [SettlementSummary.Transaction] = []
    /// By lower-cased name: every item a line names, with its type and account.
    var usedItems: [String: ListRequirement] = [:]
    /// Item name (lower-cased) → the SKU that took it.
    var skuItems: [String: String] = [:]
    var shortened: [String: String] = [:]

    init(summarizer: SettlementSummarizer, header: SettlementHeader) {
        self.summarizer = summarizer
        self.header = header
    }

    var mapping: SettlementMapping { summarizer.mapping }

    mutating func item(forSKU sku: String) throws(SettlementError) -> String {
        let name = mapping.skus[sku] ?? ItemNames.forSKU(sku)
        if let other = skuItems[name.lowercased()], other != sku {
            throw SettlementError(
                line: 0, "SKUs '\(other)' and '\(sku)' would both post to item '\(name)'; give one of them its own item in the mapping's skus")
        }
        skuItems[name.lowercased()] = sku
        if mapping.skus[sku] == nil && name != sku { shortened[sku] = name }
        usedItems[name.lowercased()] = ListRequirement(
            name: name, kind: .item(type: mapping.skuItem.type, account: mapping.skuItem.account), description: sku)
        return name
    }

    /// A group's lines: SKUs, sales lines, seller tax, the facilitator-tax pair, fees.
    mutating func lines(_ group: SettlementSummarizer.Group, family: TransactionFamily) throws(SettlementError) -> [QBTransaction.Line] {
        var lines: [QBTransaction.Line] = []
        let skuLines = group.skuCents.map { (summarizer.skus[$0.key], $0.value, group.skuQuantity[$0.key] ?? 0) }
            .filter { $0.1 != 0 || $0.2 != 0 }.sorted { $0.0 < $1.0 }
        for (sku, cents, count) in skuLines {
            let quantity = family == .orders && count > 0 ? String(count) : nil
            lines.append(.init(item: try item(forSKU: sku), description: sku, quantity: quantity, amountCents: cents))
        }
        for (item, cents) in summarizer.named(group.saleLines) {
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
        for (item, cents) in summarizer.named(group.feeLines) {
            lines.append(.init(item: item, amountCents: cents))
        }
        return lines
    }

    /// Adds a transaction. QuickBooks refuses a sales receipt with a negative total: those post as credit
    /// memos (the lines negated).
    mutating func add(family: TransactionFamily, group: String, lines: [QBTransaction.Line], rows: Int, date: DayDate?, groupIndex: Int) {
        let period = "\(header.start?.description ?? "?") to \(header.end?.description ?? "?")"
        let memo: String
        switch family {
        case .adjustments: memo = "Amazon settlement \(header.settlementID) (\(period)), settlement adjustments"
        case .orders, .refunds: memo = "Amazon settlement \(header.settlementID) (\(period)), \(family.rawValue)\(group.isEmpty ? "" : ", \(group)")"
        }
        let net = lines.reduce(0) { $0 + ($1.amountCents ?? 0) }
        let isReceipt = net >= 0
        let posted = isReceipt ? lines : lines.map { line in
            var l = line
            l.amountCents = line.amountCents.map { -$0 }
            return l
        }
        let transaction = QBTransaction(
            kind: isReceipt ? .salesReceipt : .creditMemo, customer: mapping.customer(forMarketplace: header.marketplace),
            className: mapping.className, txnDate: date?.description,
            refNumber: RefNumbers.make(settlementID: header.settlementID, role: family.refLetter, groupIndex: groupIndex), memo: memo,
            depositAccount: isReceipt ? mapping.depositAccount : nil, lines: posted)
        let label = family == .adjustments ? "settlement" : (group.isEmpty ? "all" : group)
        transactions.append(SettlementSummary.Transaction(family: family, group: label, transaction: transaction, depositCents: net, rows: rows))
    }

    /// Accounts, then the customer, then items: everything the transactions name.
    mutating func requirements() -> [ListRequirement] {
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
        if !transactions.isEmpty { accountNames.insert(mapping.depositAccount) }
        if transfer() != nil, let bank = mapping.bankAccount { accountNames.insert(bank) }
        var requirements = accountNames.sorted().map { name in
            ListRequirement(name: name, kind: .account(type: mapping.accounts[name] ?? (name == mapping.bankAccount ? "Bank" : "OtherCurrentAsset")))
        }
        if !transactions.isEmpty { requirements.append(ListRequirement(name: mapping.customer(forMarketplace: header.marketplace), kind: .customer)) }
        return requirements + usedItems.values.sorted { $0.name < $1.name }
    }

    mutating func summary(source: String, unmapped: [SettlementSummary.Unmapped]) -> SettlementSummary {
        let requirements = requirements()
        var summary = SettlementSummary(
            header: header, source: source, mappingGroup: mapping.group, depositAccount: mapping.depositAccount,
            bankAccount: mapping.bankAccount, transactions: transactions, requirements: requirements, unmapped: unmapped,
            shortenedSKUs: shortened)
        summary.refunds = transactions.compactMap { refund(of: $0.transaction) }
        summary.transfer = transfer()
        return summary
    }

    /// A credit memo refunded at once, in full, from the deposit account: the customer's A/R balance comes
    /// back to where it was, and the money leaves the account it came into.
    func refund(of memo: QBTransaction) -> QBRefund? {
        guard memo.kind == .creditMemo, let key = memo.planKey else { return nil }
        return QBRefund(
            customer: memo.customer, refundFrom: mapping.depositAccount, txnDate: memo.txnDate, refNumber: memo.refNumber,
            memo: "Refund of credit memo \(memo.refNumber ?? ""): \(memo.memo ?? "")",
            applications: [.init(txnID: TxnIDPlaceholder.make(key), amountCents: memo.totalCents)])
    }

    /// The payout into the bank account (when the mapping names one), on the deposit date, for total-amount;
    /// a negative payout goes the other way and a zero one posts none.
    func transfer() -> QBTransfer? {
        guard let bank = mapping.bankAccount, header.totalCents != 0 else { return nil }
        let date = header.deposit ?? header.end ?? header.start
        let payout = QBTransfer(
            txnDate: date?.description, from: mapping.depositAccount, to: bank, amountCents: abs(header.totalCents),
            memo: "Amazon settlement \(header.settlementID) payout, deposited \(date?.description ?? "?")", className: mapping.className,
            key: RefNumbers.settlementPart(header.settlementID) + "-T")
        return header.totalCents > 0 ? payout : payout.reversed(on: payout.txnDate ?? "", memo: payout.memo ?? "")
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
