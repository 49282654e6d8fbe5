import QBModel
import QBXML
import Store

/// Turns transactions and the list elements they name into an enqueue plan: a lookup (and, when missing,
/// an Add) for every account, customer and item, and every transaction waiting for the ones it names and
/// for the transactions whose TxnIDs it carries (a payment waits for its invoices).
public enum Plan {
    public static func make(
        requirements: [ListRequirement], entries: [SalesEntry], missing: MissingListPolicy, source: String
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

    static func planned(_ entry: SalesEntry, source: String, known keys: Set<PlanKey>) -> PlannedItem {
        let request: QBXMLRequest
        let key: PlanKey?
        let label: String
        var needs: [PlanKey]
        switch entry {
        case .transaction(let t):
            request = QBXMLRequest(type: t.kind.transactionType.addRequest, body: QBRequestWriter.add(t), refNumber: t.refNumber)
            key = t.planKey
            label = "\(t.kind.rawValue) \(t.refNumber ?? "")"
            needs = [.list(.customer, t.customer)] + t.itemNames.map { .list(.item, $0) }
            if let account = t.depositAccount { needs.append(.list(.account, account)) }
        case .payment(let p):
            request = QBXMLRequest(type: TransactionType.receivePayment.addRequest, body: QBRequestWriter.payment(p), refNumber: p.refNumber)
            key = p.planKey
            label = "Payment \(p.refNumber ?? "")"
            needs = [.list(.customer, p.customer)]
            if let account = p.depositAccount { needs.append(.list(.account, account)) }
        }
        // The transactions whose TxnIDs it carries must be created first: they are filled in when it is sent.
        let carried = TxnIDPlaceholder.keys(in: request.body)
        return PlannedItem(
            key: key, item: QueueItem(request, source: source, label: label),
            prerequisites: needs.filter { keys.contains($0) } + carried, belongsToSettlement: true)
    }
}
