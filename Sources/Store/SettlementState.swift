import Foundation
import QBModel

/// Where a settlement is, from its items' states.
public enum SettlementState: String, Sendable, Codable {
    /// Nothing sent yet.
    case queued
    /// Some of it is in QuickBooks (or on its way), the rest still to go.
    case posting
    /// All of it is in QuickBooks.
    case posted
    /// A transaction (or, during an undo, a deletion) failed; see the reason.
    case failed
    /// An undo was asked for and is on its way to QuickBooks.
    case undoing
    /// Taken back out of QuickBooks; it may be enqueued again.
    case undone
}

/// A settlement as `qblink settlement list` shows it.
public struct SettlementStatus: Sendable, Equatable {
    public var record: SettlementRecord
    public var userName: String
    public var state: SettlementState
    /// Its transactions (the undo's requests aside) by state.
    public var counts: [ItemState: Int]
    /// The first failure's reason, when it failed.
    public var reason: String?

    /// Derives the state. `originals` are the settlement's transactions (lookups aside), `undos` its undo's
    /// requests; each with its state and status message, oldest first.
    static func state(
        undoRequested: Bool, originals: [(ItemState, String?)], undos: [(ItemState, String?)]
    ) -> (SettlementState, String?) {
        if undoRequested {
            if let failed = undos.first(where: { $0.0 == .failed }) { return (.failed, "undo: " + (failed.1 ?? "a deletion failed")) }
            let pending = (originals + undos).contains { ItemState.pending.contains($0.0) }
            return pending ? (.undoing, nil) : (.undone, nil)
        }
        let live = originals.filter { $0.0 != .cancelled }
        if let failed = live.first(where: { $0.0 == .failed }) { return (.failed, failed.1) }
        if !live.isEmpty && live.allSatisfy({ $0.0 == .done }) { return (.posted, nil) }
        if live.contains(where: { $0.0 != .queued }) { return (.posting, nil) }
        return (.queued, nil)
    }
}
