import Foundation
import QBModel
import QBXML
import Settlement
import Store
import XMLKit

/// What `qblink settlement undo` did.
public struct UndoneSettlement: Sendable {
    public var result: UndoResult
    /// Transactions QuickBooks cannot delete through its SDK, reversed instead (labels).
    public var reversed: [String]
}

extension Posting {
    /// Takes a settlement back out of QuickBooks: never-sent transactions are cancelled; those in doubt are
    /// looked up first; every transaction QuickBooks has is deleted (`TxnDelRq`), dependants first (refunds,
    /// payments and transfers before the memos, receipts and invoices they touch); one that QuickBooks cannot
    /// delete (a transfer) is reversed by a transfer the other way dated `today`.
    @discardableResult
    public static func undo(settlementID: String, userName: String, today: String, store: Store) async throws -> UndoneSettlement {
        do {
            let detail = try await store.settlement(settlementID, userName: userName)
            var undos: [UndoItem] = []
            var reversed: [String] = []
            var keys: [Int64: PlanKey] = [:]
            for item in detail.items { keys[item.id!] = undoKey(item) }
            for item in detail.items {
                let (request, label) = try undoRequest(item, today: today, settlementID: settlementID)
                if request.type == TransactionType.transfer.addRequest { reversed.append(item.label ?? item.type) }
                // What waits for this item is undone before it.
                let dependants = detail.waitsFor.filter { $0.value.contains(item.id!) }.keys.sorted().compactMap { keys[$0] }
                undos.append(UndoItem(
                    undoes: item.id!, key: keys[item.id!]!, item: QueueItem(request, source: item.source, label: label),
                    prerequisites: dependants))
            }
            // Dependants first: an undo is inserted after those it waits for.
            let result = try await store.undo(settlementID: settlementID, userName: userName, undos: ordered(undos), now: Date())
            return UndoneSettlement(result: result, reversed: reversed)
        } catch let error as StoreError {
            throw PostingError(error)
        }
    }

    static func undoKey(_ item: QueueItem) -> PlanKey {
        if let key = item.planKey?.undo { return key }
        return .undo(transactionType(item) ?? .salesReceipt, "#\(item.id!)")
    }

    static func transactionType(_ item: QueueItem) -> TransactionType? {
        item.type.hasSuffix("Add") ? TransactionType(rawValue: String(item.type.dropLast(3))) : nil
    }

    /// The deletion of an item (or, for a transfer, its reversal), and a label for it.
    static func undoRequest(_ item: QueueItem, today: String, settlementID: String) throws -> (QBXMLRequest, String) {
        guard let type = transactionType(item) else {
            throw PostingError("queue item \(item.id!) (\(item.type)) of settlement \(settlementID) is not a transaction qblink can undo")
        }
        let name = item.label ?? "\(type.rawValue) \(item.refNumber ?? "")"
        guard type.isDeletable else {
            guard let add = try? XMLReader.parse(item.body).child("TransferAdd"),
                let from = add.child("TransferFromAccountRef")?.childText("FullName"), let to = add.child("TransferToAccountRef")?.childText("FullName"),
                let amount = add.childText("Amount").flatMap({ try? Cents.parse($0) })
            else { throw PostingError("queue item \(item.id!) of settlement \(settlementID): its transfer cannot be read to reverse it") }
            let reversal = QBTransfer(
                txnDate: today, from: to, to: from, amountCents: amount,
                memo: "Reverses the payout transfer of Amazon settlement \(settlementID) (undone \(today))",
                className: add.child("ClassRef")?.childText("FullName"))
            let request = Plan.request(for: .transfer(reversal)).0
            return (request, "Reversal of \(name)")
        }
        let txnID = item.planKey.map(TxnIDPlaceholder.make) ?? TxnIDPlaceholder.make(queueID: item.id!)
        return (Plan.request(for: .deletion(QBTxnDel(type: type, txnID: txnID))).0, "Deletion of \(name)")
    }

    /// Undo items in an order where each comes after the ones it waits for.
    static func ordered(_ undos: [UndoItem]) -> [UndoItem] {
        var placed = Set<PlanKey>()
        var out: [UndoItem] = []
        var rest = undos
        while !rest.isEmpty {
            let ready = rest.filter { $0.prerequisites.allSatisfy(placed.contains) }
            guard !ready.isEmpty else { return out + rest }  // a cycle: the Store refuses it, saying which
            for undo in ready { placed.insert(undo.key) }
            out += ready
            rest.removeAll { placed.contains($0.key) }
        }
        return out
    }
}
