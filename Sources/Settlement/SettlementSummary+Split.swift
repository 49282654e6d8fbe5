extension SettlementSummary {
    /// What the payout is made of, whatever the posting mode: sales (the positive lines of the sales receipts or
    /// invoices), fees (their negative lines: Amazon's fees and promotions), refunds (the credit memos, negative)
    /// and the rest (reserves, adjustments, transfers), adding up to the payout to the cent.
    public var payoutSplit: (sales: Int, fees: Int, refunds: Int, other: Int) {
        let receipts = posted(as: .receipts).transactions.map(\.transaction)
        var sales = 0, fees = 0, refunds = 0
        for t in receipts {
            if t.kind == .creditMemo {
                refunds -= t.totalCents
                continue
            }
            for line in t.lines {
                let cents = line.amountCents ?? 0
                if cents >= 0 { sales += cents } else { fees += cents }
            }
        }
        return (sales, fees, refunds, header.totalCents - sales - fees - refunds)
    }
}
