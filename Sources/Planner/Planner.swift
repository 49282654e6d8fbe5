import QBXML
import Store

/// Turns transactions and the list elements they name into an enqueue plan: a lookup (and, when missing,
/// an Add) for every account, customer and item, and every transaction waiting for the ones it names.
public enum Planner {
    public static func plan(
        requirements: [ListRequirement], transactions: [QBTransaction], missingPolicy: String, source: String
    ) -> [PlannedItem] {
        var plan: [PlannedItem] = []
        var keys = Set<String>()
        for requirement in requirements where keys.insert(requirement.key).inserted {
            plan.append(PlannedItem(
                key: requirement.key,
                item: NewItem(
                    type: requirement.kindName + "Query", body: requirement.queryBody, lookupBody: requirement.queryBody,
                    source: source),
                label: requirement.label,
                prerequisites: requirement.prerequisiteKeys.filter { keys.contains($0) },
                ensure: .init(key: requirement.key, addType: requirement.addType, addBody: requirement.addBody, policy: missingPolicy)))
        }
        for transaction in transactions {
            let request = QBXMLRequest(
                type: transaction.kind.rawValue + "Add", body: QBRequestWriter.add(transaction), refNumber: transaction.refNumber,
                minimumVersion: nil)
            var needs = ["Customer:\(transaction.customer.lowercased())"]
            needs += transaction.itemNames.map { "Item:\($0.lowercased())" }
            if let account = transaction.depositAccount { needs.append("Account:\(account.lowercased())") }
            let label = "\(transaction.kind.rawValue) \(transaction.refNumber ?? "")"
            plan.append(PlannedItem(
                key: "Txn:\(transaction.refNumber ?? String(plan.count))", item: NewItem(request, source: source), label: label,
                prerequisites: needs.filter { keys.contains($0) }, belongsToSettlement: true))
        }
        return plan
    }
}
