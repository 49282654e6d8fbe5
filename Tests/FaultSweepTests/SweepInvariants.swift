import Foundation
import QBLinkTestSupport
import Store
import XMLKit

/// What must hold once a sweep has settled, checked against the fake QuickBooks' books, for one user.
enum SweepInvariants {
    /// The problems found (empty when everything holds).
    static func problems(_ w: SweepWorkload, _ store: Store) async throws -> [String] {
        var problems: [String] = []
        let items = try await store.items(userName: w.user).map(\.item)
        let qb = w.quickBooks
        for item in items where item.state != .done && item.state != .cancelled {
            problems.append("item \(item.id!) (\(item.type)) is \(item.state.rawValue): \(item.statusMessage ?? "no reason")")
        }
        // Exactly once: every transaction QuickBooks has (or had, before a deletion) is one done item's, and
        // every done Add of a transaction has one.
        let created = items.filter { $0.state == .done && $0.txnID != nil && $0.type.hasSuffix("Add") }
        let byTxnID = Dictionary(grouping: created, by: { $0.txnID! })
        for (id, owners) in byTxnID where owners.count > 1 {
            problems.append("TxnID \(id) is claimed by items \(owners.map { $0.id! })")
        }
        let inQuickBooks = qb.transactions + qb.deletedTransactions
        for txn in inQuickBooks where byTxnID[txn.txnID] == nil {
            problems.append("QuickBooks has a \(txn.type) \(txn.refNumber ?? txn.memo ?? "") (\(txn.txnID)) no done item created: a duplicate")
        }
        for item in created where !inQuickBooks.contains(where: { $0.txnID == item.txnID }) {
            problems.append("item \(item.id!) (\(item.type) \(item.refNumber ?? "")) is done with TxnID \(item.txnID!), which QuickBooks never had")
        }
        let deletions = items.filter { $0.state == .done && $0.type == "TxnDel" }
        if deletions.count != qb.deletedTransactions.count {
            problems.append("\(deletions.count) deletions done, \(qb.deletedTransactions.count) transactions deleted")
        }
        for (name, count) in Dictionary(grouping: qb.lists, by: { "\($0.type):\($0.fullName.lowercased())" }).mapValues(\.count) where count > 1 {
            problems.append("list element \(name) was added \(count) times")
        }
        problems += books(w)
        problems += try await logLagsQueue(w, store, items)
        return problems
    }

    /// The exchange log never runs ahead of the queue, whatever was killed when: a sendRequestXML the log shows
    /// sending an item was counted in that item's attempts (the sent mark is committed before the answer leaves,
    /// and the log's record is written after). A crash may lose log records, so the log may show fewer sends.
    static func logLagsQueue(_ w: SweepWorkload, _ store: Store, _ items: [QueueItem]) async throws -> [String] {
        let attempts = Dictionary(uniqueKeysWithValues: items.map { ($0.id!, $0.attempts) })
        var logged: [Int64: Int] = [:]
        for call in try await store.recentExchanges(limit: 1_000_000)
        where call.method == "sendRequestXML" && call.userName == w.user && call.httpStatus == 200 {
            let envelope = try XMLReader.parse(call.responseBody)
            guard let message = envelope.descendant("sendRequestXMLResult")?.text, !message.isEmpty else { continue }
            for request in try XMLReader.parse(message).descendant("QBXMLMsgsRq")?.children ?? [] {
                // Lookups (`check-N`) do not count as attempts.
                if let id = request.attribute("requestID").flatMap({ Int64($0) }) { logged[id, default: 0] += 1 }
            }
        }
        var problems: [String] = []
        for (id, sends) in logged.sorted(by: { $0.key < $1.key }) where sends > attempts[id] ?? 0 {
            problems.append("the exchange log shows item \(id) sent \(sends) times, but the queue counts \(attempts[id] ?? 0) attempts")
        }
        if logged.isEmpty && items.contains(where: { $0.attempts > 0 }) {
            problems.append("the exchange log shows no request sent at all")
        }
        return problems
    }

    /// A/R where it was, every customer at zero, debits equal to credits, and every live settlement's payout in
    /// the deposit account (or transferred on to the bank account).
    static func books(_ w: SweepWorkload) -> [String] {
        let qb = w.quickBooks
        var problems: [String] = []
        if qb.accountsReceivable != 0 { problems.append("Accounts Receivable is \(qb.accountsReceivable)") }
        if qb.imbalance != 0 { problems.append("debits exceed credits by \(qb.imbalance)") }
        for customer in Set(qb.transactions.compactMap(\.customer)) where qb.customerBalance(customer) != 0 {
            problems.append("\(customer) owes \(qb.customerBalance(customer))")
        }
        let clearing = w.live.filter { $0.bankAccount == nil }.reduce(0) { $0 + $1.header.totalCents }
        let bank = w.live.filter { $0.bankAccount != nil }.reduce(0) { $0 + $1.header.totalCents }
        if qb.balance(of: "Amazon Clearing") != clearing { problems.append("Amazon Clearing holds \(qb.balance(of: "Amazon Clearing")), not \(clearing)") }
        if qb.balance(of: "Checking") != bank { problems.append("Checking holds \(qb.balance(of: "Checking")), not \(bank)") }
        if qb.balance(of: "Undeposited Funds") != w.paymentsCents {
            problems.append("Undeposited Funds holds \(qb.balance(of: "Undeposited Funds")), not the payments' \(w.paymentsCents)")
        }
        return problems
    }
}
