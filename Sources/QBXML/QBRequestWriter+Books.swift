import XMLKit

extension QBRequestWriter {
    /// The `*Rq` element of any entry.
    public static func body(of entry: QBEntry) -> String {
        switch entry {
        case .transaction(let t): add(t)
        case .payment(let p): payment(p)
        case .refund(let r): refund(r)
        case .transfer(let t): transfer(t)
        case .journalEntry(let j): journalEntry(j)
        case .deletion(let d): deletion(d)
        }
    }

    /// ARRefundCreditCardAdd, children in schema order.
    public static func refund(_ r: QBRefund) -> String {
        var add = XElement("ARRefundCreditCardAdd")
        add.append(ref("CustomerRef", r.customer))
        add.append(ref("RefundFromAccountRef", r.refundFrom))
        if let d = r.txnDate { add.append(leaf("TxnDate", d)) }
        if let n = r.refNumber { add.append(leaf("RefNumber", n)) }
        if let m = r.method { add.append(ref("PaymentMethodRef", m)) }
        if let m = r.memo { add.append(leaf("Memo", QBXMLText.fit(m, 4095))) }
        for application in r.applications {
            var applied = XElement("RefundAppliedToTxnAdd")
            applied.append(leaf("TxnID", application.txnID))
            applied.append(leaf("RefundAmount", amount(application.amountCents)))
            add.append(applied)
        }
        return XElement("ARRefundCreditCardAddRq", nodes: [.element(add)]).serialized()
    }

    /// TransferAdd, children in schema order.
    public static func transfer(_ t: QBTransfer) -> String {
        var add = XElement("TransferAdd")
        if let d = t.txnDate { add.append(leaf("TxnDate", d)) }
        add.append(ref("TransferFromAccountRef", t.from))
        add.append(ref("TransferToAccountRef", t.to))
        if let c = t.className { add.append(ref("ClassRef", c)) }
        add.append(leaf("Amount", amount(t.amountCents)))
        if let m = t.memo { add.append(leaf("Memo", QBXMLText.fit(m, 4095))) }
        return XElement("TransferAddRq", nodes: [.element(add)]).serialized()
    }

    /// JournalEntryAdd, children in schema order. The entry's own Memo is not in QuickBooks Desktop: each
    /// line carries its memo.
    public static func journalEntry(_ j: QBJournalEntry) -> String {
        var add = XElement("JournalEntryAdd")
        if let d = j.txnDate { add.append(leaf("TxnDate", d)) }
        if let n = j.refNumber { add.append(leaf("RefNumber", n)) }
        for line in j.lines {
            var l = XElement(line.isDebit ? "JournalDebitLine" : "JournalCreditLine")
            l.append(ref("AccountRef", line.account))
            l.append(leaf("Amount", amount(line.amountCents)))
            if let m = line.memo { l.append(leaf("Memo", QBXMLText.fit(m, 4095))) }
            if let c = line.className { l.append(ref("ClassRef", c)) }
            add.append(l)
        }
        return XElement("JournalEntryAddRq", nodes: [.element(add)]).serialized()
    }

    /// TxnDelRq.
    public static func deletion(_ d: QBTxnDel) -> String {
        XElement("TxnDelRq", nodes: [.element(leaf("TxnDelType", d.type.rawValue)), .element(leaf("TxnID", d.txnID))]).serialized()
    }
}
