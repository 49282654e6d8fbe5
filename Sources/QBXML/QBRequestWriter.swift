import XMLKit

/// Writes qbXML requests in schema order (qbXML 13.0), with amounts to two decimals and text QuickBooks
/// can store. Pure: returns the `*Rq` element text without a requestID.
public enum QBRequestWriter {
    /// SalesReceiptAdd, InvoiceAdd or CreditMemoAdd, children in schema order.
    public static func add(_ t: QBTransaction) -> String {
        let name = t.kind.rawValue + "Add"
        var add = XElement(name)
        add.append(ref("CustomerRef", t.customer))
        if let c = t.className { add.append(ref("ClassRef", c)) }
        if let d = t.txnDate { add.append(leaf("TxnDate", d)) }
        if let r = t.refNumber { add.append(leaf("RefNumber", r)) }
        if let a = t.billAddress { add.append(address("BillAddress", a)) }
        if let a = t.shipAddress { add.append(address("ShipAddress", a)) }
        if t.kind != .salesReceipt, let terms = t.terms { add.append(ref("TermsRef", terms)) }
        if let due = t.dueDate { add.append(leaf("DueDate", due)) }
        if let m = t.memo { add.append(leaf("Memo", QBXMLText.fit(m, 4095))) }
        if t.kind == .salesReceipt, let account = t.depositAccount { add.append(ref("DepositToAccountRef", account)) }
        for line in t.lines {
            var l = XElement(t.kind.rawValue + "LineAdd")
            l.append(ref("ItemRef", line.item))
            if let d = line.description { l.append(leaf("Desc", QBXMLText.fit(d, 4095))) }
            if let q = line.quantity { l.append(leaf("Quantity", q)) }
            if let r = line.rate { l.append(leaf("Rate", r)) }
            if let c = line.className { l.append(ref("ClassRef", c)) }
            if let a = line.amountCents { l.append(leaf("Amount", amount(a))) }
            if let code = line.salesTaxCode { l.append(ref("SalesTaxCodeRef", code)) }
            add.append(l)
        }
        return XElement(name + "Rq", nodes: [.element(add)]).serialized()
    }

    /// ReceivePaymentAdd, children in schema order; applied to invoices, or auto-applied.
    public static func payment(_ p: QBPayment) -> String {
        var add = XElement("ReceivePaymentAdd")
        add.append(ref("CustomerRef", p.customer))
        if let d = p.txnDate { add.append(leaf("TxnDate", d)) }
        if let r = p.refNumber { add.append(leaf("RefNumber", r)) }
        add.append(leaf("TotalAmount", amount(p.totalCents)))
        if let m = p.method { add.append(ref("PaymentMethodRef", m)) }
        if let m = p.memo { add.append(leaf("Memo", QBXMLText.fit(m, 4095))) }
        if let a = p.depositAccount { add.append(ref("DepositToAccountRef", a)) }
        if p.applications.isEmpty {
            add.append(leaf("IsAutoApply", "true"))
        }
        for application in p.applications {
            var applied = XElement("AppliedToTxnAdd")
            applied.append(leaf("TxnID", application.txnID))
            if let a = application.amountCents { applied.append(leaf("PaymentAmount", amount(a))) }
            add.append(applied)
        }
        return XElement("ReceivePaymentAddRq", nodes: [.element(add)]).serialized()
    }

    static func address(_ name: String, _ a: QBTransaction.Address) -> XElement {
        var e = XElement(name)
        for (i, line) in a.lines.prefix(5).enumerated() { e.append(leaf("Addr\(i + 1)", line)) }
        if let v = a.city { e.append(leaf("City", v)) }
        if let v = a.state { e.append(leaf("State", v)) }
        if let v = a.postalCode { e.append(leaf("PostalCode", v)) }
        if let v = a.country { e.append(leaf("Country", v)) }
        if let v = a.note { e.append(leaf("Note", v)) }
        return e
    }

    /// qbXML AMTTYPE: two decimals, dot, no grouping.
    public static func amount(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let a = cents.magnitude
        let frac = a % 100
        return "\(sign)\(a / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    static func leaf(_ name: String, _ value: String) -> XElement {
        XElement(name, nodes: [.text(QBXMLText.latin1(value))])
    }

    static func ref(_ name: String, _ fullName: String) -> XElement {
        XElement(name, nodes: [.element(leaf("FullName", fullName))])
    }
}

extension XElement {
    mutating func append(_ child: XElement) {
        nodes.append(.element(child))
    }
}
