import QBXML
import Store

/// Turns transactions and the list elements they name into an enqueue plan: a lookup (and, when missing,
/// an Add) for every account, customer and item, and every transaction waiting for the ones it names.
public enum Planner {
    public static func plan(
        requirements: [ListRequirement], transactions: [QBTransaction], missingPolicy: String, source: String
    ) -> [PlannedItem] {
        plan(requirements: requirements, entries: transactions.map { .transaction($0) }, missingPolicy: missingPolicy, source: source)
    }

    public static func plan(
        requirements: [ListRequirement], entries: [SalesEntry], missingPolicy: String, source: String
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
                ensure: .init(key: requirement.key, addBody: requirement.addBody, policy: missingPolicy)))
        }
        for entry in entries {
            switch entry {
            case .transaction(let transaction):
                let request = QBXMLRequest(
                    type: transaction.kind.rawValue + "Add", body: QBRequestWriter.add(transaction), refNumber: transaction.refNumber,
                    minimumVersion: nil)
                var needs = ["Customer:\(transaction.customer.lowercased())"]
                needs += transaction.itemNames.map { "Item:\($0.lowercased())" }
                if let account = transaction.depositAccount { needs.append("Account:\(account.lowercased())") }
                let key = "\(transaction.kind.rawValue):\(transaction.refNumber ?? "#\(plan.count)")"
                plan.append(PlannedItem(
                    key: key, item: NewItem(request, source: source), label: "\(transaction.kind.rawValue) \(transaction.refNumber ?? "")",
                    prerequisites: needs.filter { keys.contains($0) }, belongsToSettlement: true))
                keys.insert(key)
            case .payment(let payment, let invoiceRefs):
                let request = QBXMLRequest(
                    type: "ReceivePaymentAdd", body: QBRequestWriter.payment(payment), refNumber: payment.refNumber, minimumVersion: nil)
                var needs = ["Customer:\(payment.customer.lowercased())"]
                if let account = payment.depositAccount { needs.append("Account:\(account.lowercased())") }
                // The invoices it pays must be created first: their TxnIDs go into the request then.
                needs += invoiceRefs.map { "Invoice:\($0)" }
                let key = "ReceivePayment:\(payment.refNumber ?? "#\(plan.count)")"
                plan.append(PlannedItem(
                    key: key, item: NewItem(request, source: source), label: "Payment \(payment.refNumber ?? "")",
                    prerequisites: needs.filter { keys.contains($0) }, belongsToSettlement: true))
                keys.insert(key)
            }
        }
        return plan
    }
}
