import QBXML
import Settlement

/// The human preview of one settlement: its entries, the reconciliation, and the books.
enum SettlementReport {
    static func text(_ s: SettlementSummary) -> String {
        let h = s.header
        var out = "Settlement \(h.settlementID) — \(s.source)\n"
        out += "  \(h.marketplace.isEmpty ? "" : h.marketplace + ", ")\(h.currency), \(h.start?.description ?? "?") to \(h.end?.description ?? "?"), deposit \(h.deposit?.description ?? "?"): \(Cents.format(h.totalCents))\n"
        out += "  \(h.format.rawValue), \(h.rows) rows, grouped by \(s.mappingGroup.rawValue), posted as \(s.mode == .journal ? "one journal entry" : s.mode == .invoices ? "invoices" : "sales receipts")\n"
        out += s.mode == .journal ? journal(s) : transactions(s)
        if let t = s.transfer {
            out += "\nPayout transfer \(t.txnDate ?? ""): \(Cents.format(t.amountCents)) from \(t.from) to \(t.to)\n"
        }
        out += reconciliation(s) + books(s) + notes(s)
        return out
    }

    static func transactions(_ s: SettlementSummary) -> String {
        var out = ""
        for t in s.transactions {
            let x = t.transaction
            let kind = x.kind == .salesReceipt ? "Sales receipt" : x.kind == .invoice ? "Invoice" : "Credit memo"
            out += "\n\(kind) \(x.refNumber ?? "") — \(t.family.rawValue) \(t.group) — \(x.txnDate ?? "") — \(x.customer)"
            out += (x.depositAccount.map { " → \($0)" } ?? "") + " (\(t.rows) rows)\n"
            var table = TextTable("  ITEM", "DESCRIPTION", "QTY", "AMOUNT")
            for line in x.lines {
                table.add("  " + line.item, (line.description ?? "").clipped(44), line.quantity ?? "", Cents.format(line.amountCents ?? 0))
            }
            table.add("  Total", "", "", Cents.format(x.totalCents))
            out += table.rendered + "\n"
            if let p = s.payment(of: x) {
                out += "  paid in full by payment \(p.refNumber ?? "") (\(Cents.format(p.totalCents))) into \(p.depositAccount ?? "?")\n"
            }
            if let r = s.refund(of: x) {
                out += "  refunded at once, in full, from \(r.refundFrom) by refund \(r.refNumber ?? "") (\(Cents.format(r.totalCents)))\n"
            }
        }
        return out
    }

    static func journal(_ s: SettlementSummary) -> String {
        guard let j = s.journalEntry else { return "\nNo journal entry: every amount nets to zero.\n" }
        let out = "\nJournal entry \(j.refNumber ?? "") — \(j.txnDate ?? "")\n"
        var table = TextTable("  ACCOUNT", "DEBIT", "CREDIT", "MEMO")
        for line in j.lines {
            let amount = Cents.format(line.amountCents)
            table.add("  " + line.account, line.isDebit ? amount : "", line.isDebit ? "" : amount, (line.memo ?? "").clipped(60))
        }
        table.add("  Total", Cents.format(j.debitCents), Cents.format(j.creditCents), "")
        return out + table.rendered + "\n"
    }

    static func reconciliation(_ s: SettlementSummary) -> String {
        var out = "\nReconciliation\n"
        var r = TextTable("  ", "AMOUNT")
        if s.mode != .journal {
            r.add(s.payments.isEmpty ? "  Sales receipts" : "  Invoices (paid)", Cents.format(s.receiptsCents))
            r.add("  Credit memos (refunded)", Cents.format(-s.creditMemosCents))
            r.add("  Posted (receipts − credit memos)", Cents.format(s.postedCents))
        }
        r.add("  Deposit (total-amount)", Cents.format(s.header.totalCents))
        out += r.rendered + "\n"
        let problems = s.bookProblems
        out += problems.isEmpty ? "  ✓ reconciles to the cent, in the books\n" : problems.map { "  ✗ \($0)\n" }.joined()
        return out
    }

    static func books(_ s: SettlementSummary) -> String {
        var out = "\nThe books: what each account will show once it is posted\n"
        var table = TextTable("  ACCOUNT", "TYPE", "DEBIT", "CREDIT")
        for line in s.books {
            let amount = Cents.format(abs(line.cents))
            table.add("  " + line.account, line.type, line.cents > 0 || line.cents == 0 ? amount : "", line.cents < 0 ? amount : "")
        }
        out += table.rendered + "\n"
        let ledger = s.ledger
        out += "  debits − credits \(Cents.format(ledger.imbalance)); Accounts Receivable \(Cents.format(ledger.accountsReceivable))"
        if let bank = s.bankAccount {
            out += "; \(s.depositAccount) \(Cents.format(ledger.change(of: s.depositAccount))); \(bank) \(Cents.format(ledger.change(of: bank)))\n"
        } else {
            out += "; \(s.depositAccount) \(Cents.format(ledger.change(of: s.depositAccount))) (the payout)\n"
        }
        return out
    }

    static func notes(_ s: SettlementSummary) -> String {
        var out = ""
        if !s.unmapped.isEmpty {
            out += "\nUNMAPPED amounts (posted to the unmapped item; add a rule to the mapping):\n"
            for u in s.unmapped {
                out += "  line \(u.firstLine): \(u.transactionType) / \(u.amountType) / \(u.amountDescription): \(Cents.format(u.cents)) (\(u.rows) rows)\n"
            }
        }
        if !s.shortenedSKUs.isEmpty {
            out += "\nSKUs longer than QuickBooks' 31 characters, and their item names:\n"
            for (sku, name) in s.shortenedSKUs.sorted(by: { $0.key < $1.key }) { out += "  \(sku) → \(name)\n" }
        }
        let accounts = s.requirements.filter { if case .account = $0.kind { true } else { false } }.count
        let customers = s.requirements.filter { if case .customer = $0.kind { true } else { false } }.count
        let items = s.requirements.filter { if case .item = $0.kind { true } else { false } }.count
        out += "\nNeeds in QuickBooks (looked up first, added when missing unless the mapping says fail): \(accounts) accounts, \(customers) customer, \(items) items."
        return out
    }
}
