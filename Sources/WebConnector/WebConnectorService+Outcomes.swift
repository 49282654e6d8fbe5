import QBXML
import SOAP
import Store
import XMLKit

/// What QuickBooks' answer to one request means for its queue item.
extension WebConnectorService {
    static func outcome(_ rs: QBXMLResponseItem, of item: QueueItem) -> ItemOutcome {
        let xml = rs.rets.isEmpty ? nil : rs.rets.map { $0.serialized() }.joined()
        if item.type == "TxnDel" && rs.statusCode == 3120 {
            // The transaction is not in the company file (deleted by hand, or by a deletion whose answer was lost).
            return .done(txnID: nil, listID: nil, statusCode: rs.statusCode, severity: rs.statusSeverity, message: "already gone from QuickBooks: \(rs.statusMessage)", response: nil)
        }
        if rs.isError {
            return .failed(statusCode: rs.statusCode, severity: rs.statusSeverity, message: rs.statusMessage, response: xml)
        }
        return .done(
            txnID: rs.txnID, listID: rs.listID, statusCode: rs.statusCode, severity: rs.statusSeverity,
            message: rs.statusMessage, response: xml)
    }

    /// A list lookup: found → done (with its ListID); missing → its Add goes next (policy create) or it
    /// fails naming what is missing (policy fail); an error → failed.
    static func ensureOutcome(_ item: QueueItem, _ rs: QBXMLResponseItem) -> ItemOutcome {
        let label = item.label ?? item.planKey?.description ?? item.type
        let missing = rs.statusCode == 1 || rs.statusCode == 500 || (!rs.isError && rs.rets.isEmpty)
        if !missing {
            if rs.isError { return outcome(rs, of: item) }
            return .done(
                txnID: nil, listID: rs.listID, statusCode: rs.statusCode, severity: rs.statusSeverity,
                message: "\(label) exists in QuickBooks", response: rs.rets.map { $0.serialized() }.joined())
        }
        guard let addBody = item.addBody else {
            return .failed(
                statusCode: rs.statusCode, severity: rs.statusSeverity,
                message: "\(label) does not exist in QuickBooks (missing-list policy: fail); add it in QuickBooks, then retry", response: nil)
        }
        let addType = (try? XMLReader.parse(addBody)).map { String($0.name.dropLast(2)) } ?? "Add"
        return .advance(type: addType, body: addBody, message: "\(label) is not in QuickBooks yet; adding it")
    }

    static func lookupOutcome(_ item: QueueItem, _ rs: QBXMLResponseItem, claimed: Set<String> = []) -> ItemOutcome {
        guard let plan = InDoubtLookup.plan(forRequestBody: item.body) else {
            return .inDoubt(message: "qblink cannot look this request up; check QuickBooks, then retry or cancel it")
        }
        if plan.isDeletion {
            switch plan.outcome(of: rs) {
            case .found: return .requeue(message: "still in QuickBooks after its deletion's response was lost; deleted again")
            case .notFound:
                return .done(txnID: nil, listID: nil, statusCode: 0, severity: "Info", message: "no longer in QuickBooks: the deletion took effect", response: nil)
            case .unanswered(let reason): return .inDoubt(message: "QuickBooks could not answer the lookup (\(reason))")
            }
        }
        switch plan.outcome(of: rs, claimed: claimed) {
        case .found(let id):
            let isList: Bool
            if case .fullName = plan.key { isList = true } else { isList = false }
            return .done(
                txnID: isList ? nil : id, listID: isList ? id : nil, statusCode: 0, severity: "Info",
                message: "found in QuickBooks after its response was lost; not sent again",
                response: rs.rets.map { $0.serialized() }.joined())
        case .notFound:
            return .requeue(message: "not found in QuickBooks after its response was lost; queued again")
        case .unanswered(let reason):
            return .inDoubt(message: "QuickBooks could not answer the lookup (\(reason))")
        }
    }
}
