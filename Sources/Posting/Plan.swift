import QBModel
import QBXML
import Store

/// Turns transactions and the list elements they name into an enqueue plan: a lookup (and, when missing,
/// an Add) for every account, customer and item, and every transaction waiting for the ones it names and
/// for the transactions whose TxnIDs it carries (a payment waits for its invoices).
public enum Plan {
    public static func make(
        requirements: [ListRequirement], entries: [QBEntry], missing: MissingListPolicy, source: String
    ) -> [PlannedItem] {
        var plan: [PlannedItem] = []
        var keys = Set<PlanKey>()
        for requirement in requirements where keys.insert(requirement.key).inserted {
            let item = QueueItem(
                type: requirement.listKind.rawValue + "Query", body: requirement.queryBody, lookupBody: requirement.queryBody,
                source: source, label: requirement.label, ensures: true, addBody: missing == .create ? requirement.addBody : nil)
            plan.append(PlannedItem(key: requirement.key, item: item, prerequisites: requirement.prerequisiteKeys.filter { keys.contains($0) }))
        }
        for entry in entries {
            let planned = self.planned(entry, source: source, known: keys)
            if let key = planned.key { keys.insert(key) }
            plan.append(planned)
        }
        return plan
    }

    static func planned(_ entry: QBEntry, source: String, known keys: Set<PlanKey>) -> PlannedItem {
        let (request, label, needs) = request(for: entry)
        // The transactions whose TxnIDs it carries must be created first: they are filled in when it is sent.
        let carried = TxnIDPlaceholder.keys(in: request.body)
        return PlannedItem(
            key: entry.planKey, item: QueueItem(request, source: source, label: label),
            prerequisites: needs.filter { keys.contains($0) } + carried, belongsToSettlement: true)
    }

    /// The request for an entry, a human name for it, and the list elements it names.
    static func request(for entry: QBEntry) -> (QBXMLRequest, label: String, needs: [PlanKey]) {
        switch entry {
        case .transaction(let t):
            var needs: [PlanKey] = [.list(.customer, t.customer)] + t.itemNames.map { .list(.item, $0) }
            if let account = t.depositAccount { needs.append(.list(.account, account)) }
            let request = QBXMLRequest(type: t.kind.transactionType.addRequest, body: QBRequestWriter.body(of: entry), refNumber: t.refNumber)
            return (request, "\(t.kind.rawValue) \(t.refNumber ?? "")", needs)
        case .payment(let p):
            var needs: [PlanKey] = [.list(.customer, p.customer)]
            if let account = p.depositAccount { needs.append(.list(.account, account)) }
            let request = QBXMLRequest(type: TransactionType.receivePayment.addRequest, body: QBRequestWriter.body(of: entry), refNumber: p.refNumber)
            return (request, "Payment \(p.refNumber ?? "")", needs)
        case .refund(let r):
            let request = QBXMLRequest(
                type: TransactionType.arRefundCreditCard.addRequest, body: QBRequestWriter.body(of: entry), refNumber: r.refNumber,
                minimumVersion: QBXMLVersion(major: 5, minor: 0))
            return (request, "Refund \(r.refNumber ?? "")", [.list(.customer, r.customer), .list(.account, r.refundFrom)])
        case .transfer(let t):
            let request = QBXMLRequest(
                type: TransactionType.transfer.addRequest, body: QBRequestWriter.body(of: entry), minimumVersion: QBXMLVersion(major: 12, minor: 0))
            return (request, "Transfer \(t.key ?? "") of \(QBRequestWriter.amount(t.amountCents)) from \(t.from) to \(t.to)", [.list(.account, t.from), .list(.account, t.to)])
        case .journalEntry(let j):
            let request = QBXMLRequest(type: TransactionType.journalEntry.addRequest, body: QBRequestWriter.body(of: entry), refNumber: j.refNumber)
            return (request, "Journal entry \(j.refNumber ?? "")", j.lines.map { .list(.account, $0.account) })
        case .deletion(let d):
            return (QBXMLRequest(type: "TxnDel", body: QBRequestWriter.body(of: entry)), "Deletion of a \(d.type.rawValue)", [])
        }
    }
}
