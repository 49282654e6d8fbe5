import Foundation
import QBXML

/// Walks a JSON document, building transactions and noting every problem with its path.
struct Reader {
    var problems: [String] = []

    mutating func fail(_ path: String, _ message: String) {
        problems.append("\(path): \(message)")
    }

    mutating func document(_ root: JSONValue) -> SalesDocument {
        guard case .array(let list) = root else {
            fail("$", "expected a list of transactions, got \(root.kindName)")
            return SalesDocument(entries: [])
        }
        if list.isEmpty { fail("$", "the list is empty: nothing to queue") }
        var entries: [QBEntry] = []
        var refs: [String: [String: String]] = [:]  // type → RefNumber → path
        var invoices: [String: (customer: String, totalCents: Int?)] = [:]
        for (i, value) in list.enumerated() {
            let path = "$[\(i)]"
            guard case .object(let o) = value else {
                fail(path, "expected a transaction object, got \(value.kindName)")
                continue
            }
            let type = string(o, "type", path, required: true) ?? ""
            let allowed: [String: Set<String>] = [
                "invoice": ["type", "customer", "date", "refNumber", "memo", "class", "terms", "dueDate", "billAddress", "shipAddress", "lines"],
                "salesReceipt": ["type", "customer", "date", "refNumber", "memo", "class", "dueDate", "billAddress", "shipAddress", "lines", "depositAccount", "method"],
                "creditMemo": ["type", "customer", "date", "refNumber", "memo", "class", "terms", "dueDate", "billAddress", "shipAddress", "lines", "refund"],
                "payment": ["type", "customer", "date", "refNumber", "memo", "amount", "method", "depositAccount", "pays"],
            ]
            guard let keys = allowed[type] else {
                if !type.isEmpty { fail("\(path).type", "'\(type)' is not one of invoice, payment, salesReceipt, creditMemo") }
                continue
            }
            for key in o.keys.sorted() where !keys.contains(key) {
                fail("\(path).\(key)", "unknown field for a \(type) (expected: \(keys.sorted().joined(separator: ", ")))")
            }
            if case .string(let ref)? = o["refNumber"] {
                if let earlier = refs[type]?[ref] {
                    fail("\(path).refNumber", "'\(ref)' is already the RefNumber of \(earlier)")
                }
                refs[type, default: [:]][ref] = path
            }
            if type == "payment" {
                if let entry = payment(o, path, invoices: invoices) { entries.append(entry) }
                continue
            }
            if let t = transaction(o, path, kind: type == "invoice" ? .invoice : type == "salesReceipt" ? .salesReceipt : .creditMemo) {
                if t.kind == .invoice, let ref = t.refNumber {
                    invoices[ref] = (t.customer, lineTotal(t))
                }
                entries.append(.transaction(t))
                if t.kind == .creditMemo, let value = o["refund"], let refund = refund(value, of: t, "\(path).refund") {
                    entries.append(.refund(refund))
                }
            }
        }
        return SalesDocument(entries: entries)
    }

    /// The total of the lines when every line has an amount (or quantity × rate, rounded to the cent).
    func lineTotal(_ t: QBTransaction) -> Int? {
        var total = 0
        for line in t.lines {
            guard let a = line.amountCents else { return nil }
            total += a
        }
        return total
    }

    mutating func transaction(_ o: [String: JSONValue], _ path: String, kind: QBTransaction.Kind) -> QBTransaction? {
        let before = problems.count
        let customer = name(o, "customer", path, limit: 41, required: true)
        var t = QBTransaction(kind: kind, customer: customer ?? "", lines: [])
        t.txnDate = date(o, "date", path)
        t.refNumber = text(o, "refNumber", path, limit: 11)
        t.memo = text(o, "memo", path, limit: 4095)
        t.className = name(o, "class", path, limit: 159, allowColon: true)
        t.terms = name(o, "terms", path, limit: 31)
        t.dueDate = date(o, "dueDate", path)
        t.billAddress = address(o["billAddress"], "\(path).billAddress")
        t.shipAddress = address(o["shipAddress"], "\(path).shipAddress")
        if kind == .salesReceipt {
            t.depositAccount = name(o, "depositAccount", path, limit: 159, allowColon: true)
        }
        guard case .array(let lines)? = o["lines"] else {
            fail("\(path).lines", o["lines"] == nil ? "missing: at least one line is needed" : "expected a list of lines")
            return nil
        }
        if lines.isEmpty { fail("\(path).lines", "empty: at least one line is needed") }
        for (j, value) in lines.enumerated() {
            if let line = line(value, "\(path).lines[\(j)]") { t.lines.append(line) }
        }
        return problems.count == before ? t : nil
    }

    mutating func line(_ value: JSONValue, _ path: String) -> QBTransaction.Line? {
        guard case .object(let o) = value else {
            fail(path, "expected a line object, got \(value.kindName)")
            return nil
        }
        for key in o.keys.sorted() where !["item", "description", "quantity", "rate", "amount", "salesTaxCode", "class"].contains(key) {
            fail("\(path).\(key)", "unknown field for a line (expected: item, description, quantity, rate, amount, salesTaxCode, class)")
        }
        let before = problems.count
        let item = name(o, "item", path, limit: 31, required: true)
        var line = QBTransaction.Line(item: item ?? "")
        line.description = text(o, "description", path, limit: 4095)
        let quantity = decimal(o, "quantity", path, places: 5, what: "quantity")
        let rate = decimal(o, "rate", path, places: 5, what: "rate")
        let amount = decimal(o, "amount", path, places: 2, what: "amount")
        let priced = o["rate"] != nil || o["amount"] != nil  // present, even if refused above
        line.quantity = quantity.map { "\($0)" }
        line.rate = rate.map { "\($0)" }
        line.salesTaxCode = name(o, "salesTaxCode", path, limit: 3)
        line.className = name(o, "class", path, limit: 159, allowColon: true)
        if rate != nil && amount != nil {
            fail(path, "give rate or amount, not both")
        } else if let amount {
            line.amountCents = cents(amount)
        } else if let rate {
            // QuickBooks computes Amount = Quantity × Rate; qblink does the same, to the cent, for totals.
            var product = rate * (quantity ?? 1)
            var rounded = Decimal()
            NSDecimalRound(&rounded, &product, 2, .plain)
            line.amountCents = cents(rounded)
        } else if !priced {
            fail(path, "a line needs a rate or an amount")
        }
        return problems.count == before ? line : nil
    }

    mutating func address(_ value: JSONValue?, _ path: String) -> QBTransaction.Address? {
        guard let value else { return nil }
        guard case .object(let o) = value else {
            fail(path, "expected an address object, got \(value.kindName)")
            return nil
        }
        let keys = ["addr1", "addr2", "addr3", "addr4", "addr5", "city", "state", "postalCode", "country", "note"]
        for key in o.keys.sorted() where !keys.contains(key) {
            fail("\(path).\(key)", "unknown field for an address (expected: \(keys.joined(separator: ", ")))")
        }
        var a = QBTransaction.Address()
        a.lines = (1...5).compactMap { text(o, "addr\($0)", path, limit: 41) }
        a.city = text(o, "city", path, limit: 31)
        a.state = text(o, "state", path, limit: 21)
        a.postalCode = text(o, "postalCode", path, limit: 13)
        a.country = text(o, "country", path, limit: 31)
        a.note = text(o, "note", path, limit: 41)
        return a
    }

    // MARK: - Fields
}
