import Foundation
import GRDB
import QBModel

/// One item of an enqueue plan: a request (or a list lookup that adds what is missing) with the keys of
/// the plan items it must wait for.
public struct PlannedItem: Sendable, Equatable {
    /// What it stands for, when other items may wait for it; nil for a request nothing names.
    public var key: PlanKey?
    public var item: QueueItem
    public var prerequisites: [PlanKey]
    /// Part of the settlement being enqueued (replaced by `--replace`), as opposed to shared lookups.
    public var belongsToSettlement: Bool

    public init(key: PlanKey?, item: QueueItem, prerequisites: [PlanKey] = [], belongsToSettlement: Bool = false) {
        self.key = key
        self.item = item
        self.prerequisites = prerequisites
        self.belongsToSettlement = belongsToSettlement
    }
}

/// What one enqueue puts in the queue, with the checks it must pass: a settlement's plan, a document's,
/// or a file of requests. Several parts go in together, all or nothing.
public struct EnqueuePart: Sendable {
    public var plan: [PlannedItem]
    /// The settlement the plan posts: refused when already enqueued for the user, unless `replace`.
    public var settlement: SettlementRecord?
    /// For a settlement already enqueued: replace its items QuickBooks does not have (never sent, failed
    /// or cancelled) and keep the rest.
    public var replace: Bool
    /// Refuse the part when the user already has a transaction of the same type and RefNumber queued, in
    /// flight or created.
    public var refuseDuplicateRefNumbers: Bool

    public init(plan: [PlannedItem], settlement: SettlementRecord? = nil, replace: Bool = false, refuseDuplicateRefNumbers: Bool = false) {
        self.plan = plan
        self.settlement = settlement
        self.replace = replace
        self.refuseDuplicateRefNumbers = refuseDuplicateRefNumbers
    }
}

public struct EnqueueResult: Sendable, Equatable {
    /// Items inserted, in plan order.
    public var inserted: [Int64] = []
    /// Pending lookups of earlier enqueues that this plan shares instead of adding its own.
    public var shared: Int = 0
    /// `--replace`: earlier items of the settlement QuickBooks does not have, now cancelled.
    public var replaced: Int = 0
    /// `--replace`: new items left out because the earlier one was already sent.
    public var kept: Int = 0
}

extension Store {
    /// Queues every part in one write transaction, checks included: all of them or none.
    @discardableResult
    public func enqueue(_ parts: [EnqueuePart], userName: String, now: Date = Date()) async throws -> [EnqueueResult] {
        try await engine.write { db in
            let userID = try Self.userID(db, named: userName)
            return try parts.map { part in try PlanInsertion(db: db, userID: userID, userName: userName, now: now).insert(part) }
        }
    }

    /// Queues plain requests (nothing waits for anything), all or none. Returns their ids in order.
    @discardableResult
    public func enqueue(_ items: [QueueItem], userName: String, now: Date = Date()) async throws -> [Int64] {
        let part = EnqueuePart(plan: items.map { PlannedItem(key: nil, item: $0) })
        return try await enqueue([part], userName: userName, now: now)[0].inserted
    }
}

/// Puts one part of an enqueue into the queue, inside the caller's transaction.
struct PlanInsertion {
    let db: any StoreConnection
    let userID: Int64
    let userName: String
    let now: Date

    func insert(_ part: EnqueuePart) throws -> EnqueueResult {
        var result = EnqueueResult()
        if part.refuseDuplicateRefNumbers { try refuseDuplicates(part.plan) }
        var settlementRow: Int64?
        /// RefNumber → the earlier item kept by `--replace` (QuickBooks has it or may have it).
        var kept: [String: Int64] = [:]
        if var settlement = part.settlement {
            (settlementRow, kept, result.replaced) = try record(&settlement, replace: part.replace)
        }
        var ids: [PlanKey: Int64] = [:]
        let created = now.databaseValue
        for planned in part.plan {
            if planned.item.ensures, let key = planned.key, let pending = try pendingLookup(key) {
                ids[key] = pending
                result.shared += 1
                continue
            }
            if planned.belongsToSettlement, let ref = planned.item.refNumber, let earlier = kept[ref] {
                if let key = planned.key { ids[key] = earlier }
                result.kept += 1
                continue
            }
            var item = planned.item
            item.id = nil
            item.userID = userID
            item.state = .queued
            item.planKey = planned.key
            item.settlementRow = planned.belongsToSettlement ? settlementRow : nil
            let id = try item.insertFast(db, created: created)
            if let key = planned.key { ids[key] = id }
            result.inserted.append(id)
            for prerequisite in planned.prerequisites {
                guard let prerequisiteID = ids[prerequisite] else {
                    throw StoreError.invalidPlan(
                        "plan item '\(planned.key.map(String.init) ?? planned.item.type)' waits for '\(prerequisite)', which comes later or not at all")
                }
                try Store.wait(db, id, for: prerequisiteID)
            }
        }
        return result
    }

    /// A pending lookup of the same list element from an earlier enqueue, which this plan can share.
    func pendingLookup(_ key: PlanKey) throws -> Int64? {
        try Int64.fetchOne(db, literal: """
            SELECT id FROM queue WHERE user_id = \(userID) AND plan_key = \(key) AND ensures = 1
              AND state IN \(ItemState.pending) ORDER BY id LIMIT 1
            """)
    }


    func refuseDuplicates(_ plan: [PlannedItem]) throws {
        var repeated: [String] = []
        let statement = "SELECT 1 FROM queue WHERE user_id = ? AND ref_number = ? AND type = ? AND state NOT IN (?, ?) LIMIT 1"
        for planned in plan where !planned.item.ensures {
            guard let ref = planned.item.refNumber else { continue }
            let found = try Int.fetchOne(
                db, sql: statement, arguments: [userID, ref, planned.item.type, ItemState.failed, ItemState.cancelled])
            if found != nil { repeated.append("\(planned.item.type):\(ref)") }
        }
        if !repeated.isEmpty { throw StoreError.duplicateRefNumbers(user: userName, repeated) }
    }

    /// Records the settlement, or takes over the earlier record: once undone, it posts afresh (the undone items
    /// stay in the queue's history, no longer the settlement's); with `replace` the items QuickBooks does not
    /// have are cancelled and those it has or may have are kept, by RefNumber.
    func record(_ settlement: inout SettlementRecord, replace: Bool) throws -> (row: Int64, kept: [String: Int64], replaced: Int) {
        let existing = try SettlementRecord.fetchOne(
            db, literal: "SELECT * FROM settlements WHERE user_id = \(userID) AND settlement_id = \(settlement.settlementID)")
        guard var existing, let row = existing.id else {
            settlement.userID = userID
            settlement.enqueuedAt = now
            let id = try db.insert(settlement)
            settlement.id = id
            return (id, [:], 0)
        }
        let status = try Store.status(db, existing)
        if status.state == .undone {
            try db.execute(literal: "UPDATE queue SET settlement_row = NULL WHERE settlement_row = \(row)")
            existing.undoRequestedAt = nil
            existing.undoneCount += 1
            existing.enqueuedAt = now
            existing.replacedAt = nil
            existing.adopt(settlement)
            try db.update(existing, id: row)
            return (row, [:], 0)
        }
        if existing.undoRequestedAt != nil { throw StoreError.undoInProgress(settlement.settlementID) }
        if status.state == .posted { throw StoreError.settlementPosted(settlement.settlementID, user: userName) }
        guard replace else {
            throw StoreError.settlementExists(settlement.settlementID, enqueuedAt: existing.enqueuedAt, counts: try Self.stateCounts(db, settlementRow: row))
        }
        var kept: [String: Int64] = [:]
        for earlier in try Row.fetchAll(db, literal: """
            SELECT id, ref_number FROM queue WHERE settlement_row = \(row) AND ref_number IS NOT NULL
              AND state IN \(ItemState.reachedQuickBooks) ORDER BY id
            """) {
            kept[earlier["ref_number"]] = earlier["id"]
        }
        try db.execute(literal: """
            UPDATE queue SET state = \(ItemState.cancelled), status_message = 'replaced by a new enqueue of the settlement',
              updated_at = \(now)
            WHERE settlement_row = \(row) AND state IN \([ItemState.queued, ItemState.failed])
            """)
        let replaced = db.changesCount
        existing.replacedAt = now
        existing.adopt(settlement)
        try db.update(existing, id: row)
        return (row, kept, replaced)
    }

    /// How many of a settlement's items are in each state.
    static func stateCounts(_ db: any StoreConnection, settlementRow: Int64) throws -> [ItemState: Int] {
        var counts: [ItemState: Int] = [:]
        for row in try Row.fetchAll(db, literal: "SELECT state, COUNT(*) AS n FROM queue WHERE settlement_row = \(settlementRow) GROUP BY state") {
            if let state = ItemState.fromDatabaseValue(row["state"]) { counts[state] = row["n"] }
        }
        return counts
    }
}
