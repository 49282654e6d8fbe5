import Foundation
import XMLKit

/// Transactions, posted as QuickBooks posts them (debits positive): a sales receipt debits its deposit
/// account and credits each line's item account; an invoice debits A/R; a credit memo credits A/R and
/// debits the item accounts; a payment debits its deposit account and credits A/R; a refund debits A/R and
/// credits the account it is paid from; a transfer moves money between two accounts; a journal entry posts
/// its lines. A/R postings are kept per customer too.
extension FakeQuickBooks {
    static let arAccount = "Accounts Receivable"
    /// What a refund may be paid from, and a transfer may move between.
    static let balanceSheetTypes: Set<String> = ["Bank", "OtherCurrentAsset", "CreditCard"]

    func addTransaction(_ rq: XElement, type: String, add: XElement) -> Reply {
        let customer = add.child("CustomerRef")?.childText("FullName")
        if let customer, findList("entity", customer) == nil {
            return error(rq, 3140, "There is an invalid reference to QuickBooks Customer \"\(customer)\" in the \(type). QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
        }
        if let ref = add.childText("RefNumber"), refusedTransactions.contains(ref) {
            return error(rq, 3180, "There was an error when saving a \(type). QuickBooks error message: The transaction is in a closed period.")
        }
        var txn = Transaction(
            type: type, txnID: "", refNumber: add.childText("RefNumber"), txnDate: add.childText("TxnDate") ?? "2026-11-21",
            customer: customer, totalCents: 0, element: add, memo: add.childText("Memo"))
        let refusal: Reply?
        switch type {
        case "ReceivePayment": refusal = payment(rq, add, &txn)
        case "ARRefundCreditCard": refusal = refund(rq, add, &txn)
        case "Transfer": refusal = transfer(rq, add, &txn)
        case "JournalEntry": refusal = journal(rq, add, &txn)
        default: refusal = sale(rq, type, add, &txn)
        }
        if let refusal { return refusal }
        txn.txnID = String(format: "%X-1700000%03d", 0x100 + sequence + 1, (sequence + 1) % 1000)
        sequence += 1
        _transactions.append(txn)
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: [Self.ret(txn)])
    }

    /// Sales receipts, invoices and credit memos.
    func sale(_ rq: XElement, _ type: String, _ add: XElement, _ txn: inout Transaction) -> Reply? {
        var cents = 0
        for line in add.children where line.name.hasSuffix("LineAdd") {
            guard let itemName = line.child("ItemRef")?.childText("FullName") else { continue }
            guard let item = findList("item", itemName) else {
                return error(rq, 3140, "There is an invalid reference to QuickBooks Item \"\(itemName)\" in the \(type) line. QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
            }
            var amount = 0
            if let text = line.childText("Amount") {
                amount = Self.cents(text)
            } else if let rate = line.childText("Rate"), let quantity = line.childText("Quantity") {
                let value = (Decimal(string: rate) ?? 0) * (Decimal(string: quantity) ?? 0) * 100
                amount = NSDecimalNumber(decimal: value).rounding(accordingToBehavior: nil).intValue
            }
            cents += amount
            txn.post(item.itemAccount ?? "Sales", type == "CreditMemo" ? amount : -amount)
        }
        txn.totalCents = cents
        switch type {
        case "SalesReceipt":
            if cents < 0 { return error(rq, 3180, "There was an error when saving a Sales Receipt. QuickBooks error message: Transaction must be positive.") }
            let deposit = add.child("DepositToAccountRef")?.childText("FullName") ?? "Undeposited Funds"
            guard accountType(deposit) != nil else { return missingAccount(rq, deposit, in: type) }
            txn.post(deposit, cents)
        case "Invoice": txn.post(Self.arAccount, cents)
        case "CreditMemo": txn.post(Self.arAccount, -cents)
        default: return error(rq, 1030, "The \(type)Add request is not supported by this fake.")
        }
        return nil
    }

    func payment(_ rq: XElement, _ add: XElement, _ txn: inout Transaction) -> Reply? {
        let total = Self.cents(add.childText("TotalAmount") ?? "0")
        let deposit = add.child("DepositToAccountRef")?.childText("FullName") ?? "Undeposited Funds"
        guard accountType(deposit) != nil else { return missingAccount(rq, deposit, in: "ReceivePayment") }
        for applied in add.children("AppliedToTxnAdd") {
            let id = applied.childText("TxnID") ?? ""
            guard _transactions.contains(where: { $0.txnID == id && $0.type == "Invoice" }) else {
                return error(rq, 3120, "Object \"\(id)\" specified in the request cannot be found.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.")
            }
            let amount = applied.childText("PaymentAmount").map(Self.cents) ?? total
            if amount > open(id) { return error(rq, 3210, "The \"PaymentAmount\" field has an invalid value \"\(Self.amount(amount))\". QuickBooks error message: You cannot pay more than the amount due.") }
            txn.appliedTo[id] = amount
        }
        txn.totalCents = total
        txn.post(deposit, total)
        txn.post(Self.arAccount, -total)
        return nil
    }

    /// QuickBooks' Refund: money paid back from a bank or other current asset account, applied to credit
    /// memos, never more than the credit they have left.
    func refund(_ rq: XElement, _ add: XElement, _ txn: inout Transaction) -> Reply? {
        let from = add.child("RefundFromAccountRef")?.childText("FullName") ?? "Undeposited Funds"
        guard let fromType = accountType(from) else { return missingAccount(rq, from, in: "ARRefundCreditCard") }
        guard Self.balanceSheetTypes.contains(fromType) else {
            return error(rq, 3180, "There was an error when saving a ARRefundCreditCard. QuickBooks error message: A refund must be paid from a bank, credit card or other current asset account; \"\(from)\" is \(fromType).")
        }
        for applied in add.children("RefundAppliedToTxnAdd") {
            let id = applied.childText("TxnID") ?? ""
            guard let memo = _transactions.first(where: { $0.txnID == id }), memo.type == "CreditMemo", memo.customer == txn.customer else {
                return error(rq, 3120, "Object \"\(id)\" specified in the request cannot be found.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.")
            }
            let amount = Self.cents(applied.childText("RefundAmount") ?? "0")
            if amount > creditLeft(id) {
                return error(rq, 3210, "The \"RefundAmount\" field has an invalid value \"\(Self.amount(amount))\". QuickBooks error message: You cannot refund more than the credit remaining (\(Self.amount(creditLeft(id)))).")
            }
            txn.appliedTo[id] = amount
            txn.totalCents += amount
        }
        txn.post(from, -txn.totalCents)
        txn.post(Self.arAccount, txn.totalCents)
        return nil
    }

    func transfer(_ rq: XElement, _ add: XElement, _ txn: inout Transaction) -> Reply? {
        let from = add.child("TransferFromAccountRef")?.childText("FullName") ?? ""
        let to = add.child("TransferToAccountRef")?.childText("FullName") ?? ""
        for account in [from, to] {
            guard let type = accountType(account) else { return missingAccount(rq, account, in: "Transfer") }
            guard Self.balanceSheetTypes.contains(type) else {
                return error(rq, 3180, "There was an error when saving a Transfer. QuickBooks error message: Funds can only be transferred between bank, credit card and other current asset accounts; \"\(account)\" is \(type).")
            }
        }
        let amount = Self.cents(add.childText("Amount") ?? "0")
        guard amount > 0 else { return error(rq, 3180, "There was an error when saving a Transfer. QuickBooks error message: The amount must be more than zero.") }
        txn.totalCents = amount
        txn.post(from, -amount)
        txn.post(to, amount)
        return nil
    }

    func journal(_ rq: XElement, _ add: XElement, _ txn: inout Transaction) -> Reply? {
        var debits = 0
        var credits = 0
        for line in add.children where line.name == "JournalDebitLine" || line.name == "JournalCreditLine" {
            let account = line.child("AccountRef")?.childText("FullName") ?? ""
            guard let type = accountType(account) else { return missingAccount(rq, account, in: "JournalEntry") }
            if type == "AccountsReceivable" || type == "AccountsPayable", line.child("EntityRef") == nil {
                return error(rq, 3180, "There was an error when saving a JournalEntry. QuickBooks error message: A line posting to \(account) needs a customer or vendor.")
            }
            let amount = Self.cents(line.childText("Amount") ?? "0")
            if line.name == "JournalDebitLine" { debits += amount } else { credits += amount }
            txn.post(account, line.name == "JournalDebitLine" ? amount : -amount)
        }
        guard debits == credits else {
            return error(rq, 3180, "There was an error when saving a JournalEntry. QuickBooks error message: The transaction is not in balance. Make sure the amounts in the debit column equal the amounts in the credit column.")
        }
        txn.totalCents = debits
        return nil
    }

    /// TxnDelRq: the transaction and its postings go; one that others are applied to cannot be deleted first.
    func delete(_ rq: XElement) -> Reply {
        let type = rq.childText("TxnDelType") ?? ""
        let id = rq.childText("TxnID") ?? ""
        guard let index = _transactions.firstIndex(where: { $0.txnID == id && $0.type == type }) else {
            return error(rq, 3120, "Object \"\(id)\" specified in the request cannot be found.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.")
        }
        if refusedDeletions.contains(type) {
            return error(rq, 3180, "There was an error when deleting a \(type). QuickBooks error message: The transaction is in a closed period.")
        }
        if let linked = _transactions.first(where: { $0.appliedTo[id] != nil }) {
            return error(rq, 3170, "There was an error when deleting a \(type). QuickBooks error message: It is linked to \(linked.type) \(linked.txnID); delete that first.")
        }
        _deleted.append(_transactions.remove(at: index))
        let extra = [XElement("TxnDelType", nodes: [.text(type)]), XElement("TxnID", nodes: [.text(id)])]
        return reply(rq, code: 0, severity: "Info", message: "Status OK", extra: extra)
    }

    static func ret(_ txn: Transaction) -> XElement {
        var ret = XElement(txn.type + "Ret")
        ret.nodes.append(.element(XElement("TxnID", nodes: [.text(txn.txnID)])))
        ret.nodes.append(.element(XElement("TxnNumber", nodes: [.text(String(txn.txnID.count))])))
        if let customer = txn.customer {
            ret.nodes.append(.element(XElement("CustomerRef", nodes: [.element(XElement("FullName", nodes: [.text(customer)]))])))
        }
        ret.nodes.append(.element(XElement("TxnDate", nodes: [.text(txn.txnDate ?? "")])))
        if let ref = txn.refNumber { ret.nodes.append(.element(XElement("RefNumber", nodes: [.text(ref)]))) }
        if txn.type == "Transfer" {
            ret.nodes.append(.element(XElement("Amount", nodes: [.text(Self.amount(txn.totalCents))])))
            if let memo = txn.memo { ret.nodes.append(.element(XElement("Memo", nodes: [.text(memo)]))) }
        } else {
            ret.nodes.append(.element(XElement("TotalAmount", nodes: [.text(Self.amount(txn.totalCents))])))
        }
        return ret
    }
}

extension FakeQuickBooks.Transaction {
    mutating func post(_ account: String, _ cents: Int) {
        guard cents != 0 else { return }
        postings[account, default: 0] += cents
    }
}
