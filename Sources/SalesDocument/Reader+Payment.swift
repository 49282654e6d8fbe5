import Foundation
import QBXML

extension Reader {
    mutating func payment(_ o: [String: JSONValue], _ path: String, invoices: [String: (customer: String, totalCents: Int?)]) -> QBEntry? {
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
        if let pays = o["pays"] {
            guard case .array(let list) = pays else {
                fail("\(path).pays", "expected a list of invoice RefNumbers or {\"refNumber\"|\"txnID\", \"amount\"} objects")
                return nil
            }
            var applied = 0
            for (k, item) in list.enumerated() {
                guard let application = application(item, "\(path).pays[\(k)]", of: p, alone: list.count == 1, invoices: invoices)
                else { continue }
                p.applications.append(application)
                applied += application.amountCents ?? 0
            }
            if total != nil && applied > p.totalCents {
                fail("\(path).pays", "applies \(QBRequestWriter.amount(applied)), more than the payment's amount \(QBRequestWriter.amount(p.totalCents))")
            }
        }
        return problems.count == before ? .payment(p) : nil
    }

    /// One entry of `pays`: an invoice of this file by RefNumber (its TxnID filled in once it exists), or
    /// one already in QuickBooks by TxnID.
    mutating func application(
        _ item: JSONValue, _ itemPath: String, of p: QBPayment, alone: Bool, invoices: [String: (customer: String, totalCents: Int?)]
    ) -> QBPayment.Application? {
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
            return nil
        }
        if (ref == nil) == (txnID == nil) {
            fail(itemPath, "name the invoice by refNumber (an invoice in this file) or by txnID (one already in QuickBooks)")
            return nil
        }
        guard let ref else { return .init(txnID: txnID!, amountCents: amount.map(cents)) }
        guard let invoice = invoices[ref] else {
            fail(itemPath, "no invoice with RefNumber '\(ref)' comes before this payment in the file")
            return nil
        }
        if invoice.customer.lowercased() != p.customer.lowercased() {
            fail(itemPath, "invoice '\(ref)' is for '\(invoice.customer)', not '\(p.customer)'")
        }
        var share = amount.map(cents)
        if share == nil, alone, let invoiceTotal = invoice.totalCents { share = min(invoiceTotal, p.totalCents) }
        return .init(txnID: QBPayment.placeholder(invoiceRef: ref), amountCents: share)
    }

    /// `"refund": {"from": ACCOUNT, "method": NAME}` on a credit memo: its whole credit paid back from that
    /// account (a Refund in QuickBooks), applied to the memo once QuickBooks has created it.
    mutating func refund(_ value: JSONValue, of memo: QBTransaction, _ path: String) -> QBRefund? {
        guard case .object(let o) = value else {
            fail(path, "expected {\"from\": ACCOUNT, \"method\": NAME}, got \(value.kindName)")
            return nil
        }
        for key in o.keys.sorted() where !["from", "method"].contains(key) {
            fail("\(path).\(key)", "unknown field (expected: from, method)")
        }
        let from = name(o, "from", path, limit: 159, required: true, allowColon: true)
        let method = name(o, "method", path, limit: 31)
        guard let key = memo.planKey else {
            fail(path, "a refunded credit memo needs a refNumber (the refund takes the same one)")
            return nil
        }
        guard let total = lineTotal(memo), total > 0 else {
            fail(path, "the credit memo's total must be known and more than zero to be refunded")
            return nil
        }
        guard let from else { return nil }
        return QBRefund(
            customer: memo.customer, refundFrom: from, txnDate: memo.txnDate, refNumber: memo.refNumber, method: method,
            memo: "Refund of credit memo \(memo.refNumber ?? "")", applications: [.init(txnID: TxnIDPlaceholder.make(key), amountCents: total)])
    }
}
