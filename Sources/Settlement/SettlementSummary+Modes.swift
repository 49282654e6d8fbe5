import QBModel
import QBXML

extension SettlementSummary {
    /// The same settlement posted another way (see `PostingMode`). Summaries are made as receipts.
    public func posted(as mode: PostingMode) -> SettlementSummary {
        switch mode {
        case .receipts: self
        case .invoices: asInvoices()
        case .journal: asJournal()
        }
    }

    /// Each group as an invoice paid in full into the deposit account, instead of a sales receipt. Credit
    /// memos stay credit memos, refunded from the deposit account; the deposit still reconciles.
    public func asInvoices() -> SettlementSummary {
        var s = self
        s.mode = .invoices
        s.payments = []
        for i in s.transactions.indices where s.transactions[i].transaction.kind == .salesReceipt {
            var t = s.transactions[i].transaction
            let account = t.depositAccount
            t.kind = .invoice
            t.depositAccount = nil
            s.transactions[i].transaction = t
            let ref = t.refNumber ?? ""
            s.payments.append(QBPayment(
                customer: t.customer, txnDate: t.txnDate, refNumber: ref + "-P", totalCents: t.totalCents, memo: t.memo,
                depositAccount: account, applications: [.init(txnID: QBPayment.placeholder(invoiceRef: ref), amountCents: t.totalCents)]))
        }
        return s
    }

    /// The whole settlement as one journal entry, as A2X and Taxomate post it: the deposit account debited by
    /// the payout (credited when negative), and one line per group, account and category with a memo naming
    /// them. Accounts only: no customer, no items, never an A/R line.
    public func asJournal() -> SettlementSummary {
        var s = self
        s.mode = .journal
        s.payments = []
        s.refunds = []
        let accounts = itemAccounts
        let settlement = "Amazon settlement \(header.settlementID)"
        var lines: [QBJournalEntry.Line] = []
        var depositCents = 0
        for t in transactions {
            // Each line's effect on the deposit: a receipt's lines add to it, a credit memo's take from it.
            let sign = t.transaction.kind == .creditMemo ? -1 : 1
            var byCategory: [(account: String, category: String, cents: Int)] = []
            for line in t.transaction.lines {
                let account = accounts[line.item] ?? line.item
                let category = isSKU(line) ? (t.family == .refunds ? "refunds" : "sales") : line.item
                let cents = sign * (line.amountCents ?? 0)
                if let i = byCategory.firstIndex(where: { $0.account == account && $0.category == category }) {
                    byCategory[i].cents += cents
                } else {
                    byCategory.append((account, category, cents))
                }
            }
            for (account, category, cents) in byCategory where cents != 0 {
                // Money in is credited to the account it comes from (income); money out is debited (fees).
                lines.append(.init(
                    account: account, amountCents: abs(cents), isDebit: cents < 0, memo: "\(settlement), \(t.family.rawValue) \(t.group): \(category)",
                    className: t.transaction.className))
                depositCents += cents
            }
        }
        if depositCents != 0 {
            lines.insert(.init(
                account: depositAccount, amountCents: abs(depositCents), isDebit: depositCents > 0,
                memo: "\(settlement): payout \(header.deposit?.description ?? header.end?.description ?? "")"), at: 0)
        }
        let date = header.end ?? header.deposit ?? header.start
        s.journalEntry = lines.isEmpty ? nil : QBJournalEntry(
            txnDate: date?.description, refNumber: RefNumbers.settlementPart(header.settlementID) + "-J1", lines: lines)
        var needed = Set(lines.map(\.account))
        if let bankAccount = s.bankAccount { needed.insert(bankAccount) }
        s.requirements = requirements.filter { requirement in
            if case .account = requirement.kind { return needed.contains(requirement.name) }
            return false
        }
        return s
    }

    /// A line of a SKU (its description is the SKU it stands for).
    func isSKU(_ line: QBTransaction.Line) -> Bool {
        requirements.contains { $0.name == line.item && $0.description != nil }
    }
}
