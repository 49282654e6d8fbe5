import XMLKit

/// Writes qbXML requests in schema order (qbXML 13.0), with amounts to two decimals and text QuickBooks
/// can store. Pure: returns the `*Rq` element text without a requestID.
public enum QBRequestWriter {
    public static func add(_ t: QBTransaction) -> String {
        let name = t.kind.rawValue + "Add"
        var add = XElement(name)
        add.append(ref("CustomerRef", t.customer))
        if let c = t.className { add.append(ref("ClassRef", c)) }
        if let d = t.txnDate { add.append(leaf("TxnDate", d)) }
        if let r = t.refNumber { add.append(leaf("RefNumber", r)) }
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
