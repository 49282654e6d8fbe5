import Foundation
import GRDB
import QBModel

/// A request that takes one of a settlement's transactions back out of QuickBooks: its deletion, or a
/// transfer the other way.
public struct UndoItem: Sendable {
    /// The queue item it undoes.
    public var undoes: Int64
    public var key: PlanKey
    public var item: QueueItem
    /// Other undo requests it waits for (a refund's deletion before its credit memo's).
    public var prerequisites: [PlanKey]

    public init(undoes: Int64, key: PlanKey, item: QueueItem, prerequisites: [PlanKey] = []) {
        self.undoes = undoes
        self.key = key
        self.item = item
        self.prerequisites = prerequisites
    }
}

public struct UndoResult: Sendable, Equatable {
    /// Transactions never sent, now cancelled (nothing to undo).
    public var cancelled = 0
    /// Transactions whose answer is outstanding: looked up first, never sent again.
    public var withdrawn = 0
    /// Deletions and reversing transfers queued.
    public var queued = 0
}

extension Store {
    /// Starts undoing a settlement in one transaction: what was never sent is cancelled; what is out or in
    /// doubt is withdrawn (looked up first, cancelled if QuickBooks lacks it, undone if it has it); every
    /// transaction QuickBooks has is undone by `undos`, which must name each of the settlement's transactions.
    @discardableResult
    public func undo(settlementID: String, userName: String, undos: [UndoItem], now: Date = Date()) async throws -> UndoResult {
        try await engine.write { db in
            var record = try Self.settlementRecord(db, settlementID, userName: userName)
            guard record.undoRequestedAt == nil else { throw StoreError.alreadyUndoing(settlementID) }
            let originals = try Self.originals(db, settlementRow: record.id!)
            guard Set(originals.compactMap(\.id)) == Set(undos.map(\.undoes)) else { throw StoreError.settlementChanged(settlementID) }
            let byID = Dictionary(uniqueKeysWithValues: originals.map { ($0.id!, $0) })
            var result = UndoResult()
            var ids: [PlanKey: Int64] = [:]
            let created = now.databaseValue
            for undo in undos {
                var item = undo.item
                item.userID = record.userID
                item.settlementRow = record.id
                item.planKey = undo.key
                item.undoes = undo.undoes
                switch byID[undo.undoes]!.state {
                case .queued, .failed, .cancelled:
                    try db.execute(literal: """
                        UPDATE queue SET state = \(ItemState.cancelled), status_message = 'cancelled: its settlement was undone before it was sent',
                          updated_at = \(now)
                        WHERE id = \(undo.undoes) AND state != \(ItemState.cancelled)
                        """)
                    result.cancelled += db.changesCount
                    item.state = .cancelled
                    item.statusMessage = "nothing to undo: it never reached QuickBooks"
                case .sent, .checking, .inDoubt:
                    try db.execute(literal: "UPDATE queue SET withdrawn = 1, updated_at = \(now) WHERE id = \(undo.undoes)")
                    result.withdrawn += 1
                    result.queued += 1
                case .done:
                    result.queued += 1
                }
                let id = try item.insertFast(db, created: created)
                ids[undo.key] = id
                try Self.wait(db, id, for: undo.undoes)
                for key in undo.prerequisites {
                    guard let other = ids[key] else {
                        throw StoreError.invalidPlan("undo item '\(undo.key)' waits for '\(key)', which comes later or not at all")
                    }
                    try Self.wait(db, id, for: other)
                }
            }
            record.undoRequestedAt = now
            try db.update(record, id: record.id!)
            return result
        }
    }

    static func wait(_ db: any StoreConnection, _ id: Int64, for prerequisite: Int64) throws {
        try db.execute(sql: "INSERT INTO prerequisites (item_id, prerequisite_id) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [id, prerequisite])
    }
}
