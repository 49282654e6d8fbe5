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
        var entries: [SalesEntry] = []
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
                "creditMemo": ["type", "customer", "date", "refNumber", "memo", "class", "terms", "dueDate", "billAddress", "shipAddress", "lines"],
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

    mutating func payment(_ o: [String: JSONValue], _ path: String, invoices: [String: (customer: String, totalCents: Int?)]) -> SalesEntry? {
        let before = problems.count
        let customer = name(o, "customer", path, limit: 41, required: true) ?? ""
        let total = decimal(o, "amount", path, places: 2, what: "amount", required: true)
        if let total, total <= 0 { fail("\(path).amount", "a payment's amount must be more than zero") }
        var p = QBPayment(customer: customer, totalCents: total.map(cents) ?? 0)
        p.txnDate = date(o, "date", path)
        p.refNumber = text(o, "refNumber", path, limit: 20)
        p.memo = text(o, "memo", path, limit: 4095)
        p.method = name(o, "method", path, limit: 31)
        p.depositAccount = name(o, "depositAccount", path, limit: 159, allowColon: true)
        var invoiceRefs: [String] = []
        if let pays = o["pays"] {
            guard case .array(let list) = pays else {
                fail("\(path).pays", "expected a list of invoice RefNumbers or {\"refNumber\"|\"txnID\", \"amount\"} objects")
                return nil
            }
            var applied = 0
            for (k, item) in list.enumerated() {
                let itemPath = "\(path).pays[\(k)]"
                var ref: String?
                var txnID: String?
                var amount: Decimal?
                switch item {
                case .string(let s): ref = s
                case .object(let a):
                    for key in a.keys.sorted() where !["refNumber", "txnID", "amount"].contains(key) {
                        fail("\(itemPath).\(key)", "unknown field (expected: refNumber or txnID, and amount)")
                    }
                    ref = text(a, "refNumber", itemPath, limit: 11)
                    txnID = text(a, "txnID", itemPath, limit: 36)
                    amount = decimal(a, "amount", itemPath, places: 2, what: "amount")
                default:
                    fail(itemPath, "expected an invoice RefNumber or an object, got \(item.kindName)")
                    continue
                }
                if (ref == nil) == (txnID == nil) {
                    fail(itemPath, "name the invoice by refNumber (an invoice in this file) or by txnID (one already in QuickBooks)")
                    continue
                }
                if let ref {
                    guard let invoice = invoices[ref] else {
                        fail(itemPath, "no invoice with RefNumber '\(ref)' comes before this payment in the file")
                        continue
                    }
                    if invoice.customer.lowercased() != customer.lowercased() {
                        fail(itemPath, "invoice '\(ref)' is for '\(invoice.customer)', not '\(customer)'")
                    }
                    var share = amount.map(cents)
                    if share == nil, list.count == 1, let invoiceTotal = invoice.totalCents { share = min(invoiceTotal, p.totalCents) }
                    p.applications.append(.init(txnID: QBPayment.placeholder(invoiceRef: ref), amountCents: share))
                    invoiceRefs.append(ref)
                    applied += share ?? 0
                } else if let txnID {
                    let share = amount.map(cents)
                    p.applications.append(.init(txnID: txnID, amountCents: share))
                    applied += share ?? 0
                }
            }
            if total != nil && applied > p.totalCents {
                fail("\(path).pays", "applies \(QBRequestWriter.amount(applied)), more than the payment's amount \(QBRequestWriter.amount(p.totalCents))")
            }
        }
        return problems.count == before ? .payment(p, invoiceRefs: invoiceRefs) : nil
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

    mutating func string(_ o: [String: JSONValue], _ key: String, _ path: String, required: Bool = false) -> String? {
        switch o[key] {
        case nil, .null?:
            if required { fail("\(path).\(key)", "missing") }
            return nil
        case .string(let s)?: return s
        case let other?:
            fail("\(path).\(key)", "expected a string, got \(other.kindName)")
            return nil
        }
    }

    /// Free text: transliterated to what QuickBooks stores (ISO-8859-1) when written; its length is checked.
    mutating func text(_ o: [String: JSONValue], _ key: String, _ path: String, limit: Int, required: Bool = false) -> String? {
        guard let s = string(o, key, path, required: required) else { return nil }
        if s.count > limit { fail("\(path).\(key)", "\(s.count) characters; QuickBooks allows at most \(limit)") }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty { fail("\(path).\(key)", "empty") }
        return s
    }

    /// A name QuickBooks looks records up by: refused, not transliterated, when QuickBooks cannot store it.
    mutating func name(_ o: [String: JSONValue], _ key: String, _ path: String, limit: Int, required: Bool = false, allowColon: Bool = false) -> String? {
        guard let s = text(o, key, path, limit: limit, required: required) else { return nil }
        if let bad = QBXMLText.firstUnsafeCharacter(in: s) {
            fail("\(path).\(key)", "'\(s)' holds \(QBXMLText.describe(bad)), which QuickBooks cannot store (ISO-8859-1 only)")
        }
        if !allowColon && s.contains(":") {
            fail("\(path).\(key)", "':' separates a parent from a sub-item or job in QuickBooks; use a plain name")
        }
        return s
    }

    mutating func date(_ o: [String: JSONValue], _ key: String, _ path: String) -> String? {
        guard let s = string(o, key, path) else { return nil }
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1,
            d <= [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        else {
            fail("\(path).\(key)", "'\(s)' is not a date; write YYYY-MM-DD")
            return nil
        }
        return s
    }

    /// A decimal from a JSON number or a string, with at most `places` decimals.
    mutating func decimal(_ o: [String: JSONValue], _ key: String, _ path: String, places: Int, what: String, required: Bool = false) -> Decimal? {
        let value: Decimal
        let text: String
        switch o[key] {
        case nil, .null?:
            if required { fail("\(path).\(key)", "missing") }
            return nil
        case .number(let d)?:
            value = d
            text = "\(d)"
        case .string(let s)?:
            let t = s.trimmingCharacters(in: .whitespaces)
            guard t.range(of: #"^[+-]?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil, let d = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")) else {
                fail("\(path).\(key)", "'\(s)' is not a decimal number (write it like 1234.56)")
                return nil
            }
            value = d
            text = t
        case let other?:
            fail("\(path).\(key)", "expected a number or a decimal string, got \(other.kindName)")
            return nil
        }
        let decimals = text.split(separator: ".").dropFirst().first.map { $0.count } ?? max(0, -value.exponent)
        if decimals > places {
            fail("\(path).\(key)", "\(what) has \(decimals) decimals; at most \(places) are allowed")
            return nil
        }
        if abs(value) >= Decimal(string: places == 2 ? "10000000000000" : "10000000000")! {
            fail("\(path).\(key)", "\(what) is too large for QuickBooks")
            return nil
        }
        return value
    }

    func cents(_ d: Decimal) -> Int {
        NSDecimalNumber(decimal: d * 100).intValue
    }
}
