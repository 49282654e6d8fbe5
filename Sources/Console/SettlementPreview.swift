import QBModel
import QBXML
import Settlement

/// A settlement's preview as HTML, as `qblink settlement preview` prints it: each transaction as a table, the
/// reconciliation, the change to each account, unmapped amounts and shortened SKUs flagged.
enum SettlementPreview {
    static func money(_ cents: Int) -> Markup { Markup.el("span", [], text: Cents.format(cents)) }

    static func markup(_ s: SettlementSummary) -> Markup {
        let h = s.header
        var parts: [Markup] = [
            Markup.el("p", text: "\(h.marketplace.isEmpty ? "" : h.marketplace + ", ")\(h.currency), \(h.start?.description ?? "?") to \(h.end?.description ?? "?"), deposit \(h.deposit?.description ?? "?"): \(Cents.format(h.totalCents)). \(h.rows) rows, grouped by \(s.mappingGroup.rawValue), posted as \(s.mode.rawValue)."),
        ]
        if !s.unmapped.isEmpty {
            parts.append(Markup.el("div", [("class", "warn")], [
                Markup.el("strong", text: "Unmapped amounts (posted to the unmapped item; add a rule to the mapping):"),
                Markup.el("ul", [], s.unmapped.map { u in
                    Markup.el("li", text: "line \(u.firstLine): \(u.transactionType) / \(u.amountType) / \(u.amountDescription): \(Cents.format(u.cents)) (\(u.rows) rows)")
                }),
            ]))
        }
        if !s.shortenedSKUs.isEmpty {
            parts.append(Markup.el("div", [("class", "warn")], [
                Markup.el("strong", text: "SKUs longer than QuickBooks' 31 characters, and their item names:"),
                Markup.el("ul", [], s.shortenedSKUs.sorted { $0.key < $1.key }.map { Markup.el("li", text: "\($0.key) → \($0.value)") }),
            ]))
        }
        if s.mode == .journal, let j = s.journalEntry {
            parts.append(Markup.el("h2", text: "Journal entry \(j.refNumber ?? "") — \(j.txnDate ?? "")"))
            parts.append(Markup.table(["Account", "Debit", "Credit", "Memo"], j.lines.map { line in
                [Markup(text: line.account), line.isDebit ? money(line.amountCents) : Markup(text: ""), line.isDebit ? Markup(text: "") : money(line.amountCents), Markup(text: line.memo ?? "")]
            }))
        }
        for t in s.transactions {
            let x = t.transaction
            let kind = x.kind == .salesReceipt ? "Sales receipt" : x.kind == .invoice ? "Invoice" : "Credit memo"
            parts.append(Markup.el("h2", text: "\(kind) \(x.refNumber ?? "") — \(t.family.rawValue) \(t.group) — \(x.txnDate ?? "") — \(x.customer)"))
            var rows = x.lines.map { line in
                [Markup(text: line.item), Markup(text: line.description ?? ""), Markup(text: line.quantity ?? ""), money(line.amountCents ?? 0)]
            }
            rows.append([Markup.el("strong", text: "Total"), Markup(text: ""), Markup(text: ""), money(x.totalCents)])
            parts.append(Markup.table(["Item", "Description", "Qty", "Amount"], rows))
        }
        if let transfer = s.transfer {
            parts.append(Markup.el("p", text: "Payout transfer \(transfer.txnDate ?? ""): \(Cents.format(transfer.amountCents)) from \(transfer.from) to \(transfer.to)"))
        }
        parts.append(Markup.el("h2", text: "Reconciliation"))
        var reconciliation: [[Markup]] = []
        if s.mode != .journal {
            reconciliation += [
                [Markup(text: s.payments.isEmpty ? "Sales receipts" : "Invoices (paid)"), money(s.receiptsCents)],
                [Markup(text: "Credit memos (refunded)"), money(-s.creditMemosCents)], [Markup(text: "Posted"), money(s.postedCents)],
            ]
        }
        reconciliation.append([Markup(text: "Deposit (total-amount)"), money(h.totalCents)])
        parts.append(Markup.table(["", "Amount"], reconciliation))
        let problems = s.bookProblems
        parts.append(problems.isEmpty ? Markup.el("p", text: "✓ reconciles to the cent, in the books")
            : Markup.el("ul", [("class", "failed")], problems.map { Markup.el("li", text: "✗ \($0)") }))
        parts.append(Markup.el("h2", text: "The books: what each account will show once it is posted"))
        parts.append(Markup.table(["Account", "Type", "Debit", "Credit"], s.books.map { line in
            [Markup(text: line.account), Markup(text: line.type), line.cents >= 0 ? money(abs(line.cents)) : Markup(text: ""), line.cents < 0 ? money(abs(line.cents)) : Markup(text: "")]
        }))
        return Markup.join(parts)
    }
}
