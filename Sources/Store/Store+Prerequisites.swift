import Foundation
import GRDB
import QBModel

extension Store {
    /// The prerequisites of each of `ids`, with what the waiting items need of them (plan key, TxnID).
    static func prerequisites(_ db: any StoreConnection, of ids: [Int64]) throws -> [Int64: [Prerequisite]] {
        guard !ids.isEmpty else { return [:] }
        // Not cached: the statement's text varies with the number of ids.
        let links = try Prerequisite.fetchAll(db, literal: """
            SELECT p.item_id, q.id, q.plan_key, q.txn_id, q.label
            FROM prerequisites p JOIN queue q ON q.id = p.prerequisite_id
            WHERE p.item_id IN \(ids) ORDER BY p.item_id, q.id
            """)
        return Dictionary(grouping: links, by: \.itemID)
    }

    /// Queued items waiting for a prerequisite that failed or was cancelled fail too, naming it; repeated
    /// until nothing changes, so a chain (account → item → transaction) fails all the way.
    /// An undo's request whose transaction never reached QuickBooks (it failed, or was cancelled) is cancelled:
    /// there is nothing to undo; one waiting only for such a cancelled request goes on.
    static func failItemsWithFailedPrerequisites(_ db: any StoreConnection, userID: Int64, sessionID: Int64, now: Date) throws {
        while true {
            try db.run("""
                UPDATE queue SET state = \(ItemState.cancelled), status_message = 'nothing to undo: it never reached QuickBooks',
                  updated_at = \(now)
                WHERE user_id = \(userID) AND state = \(ItemState.queued) AND undoes IS NOT NULL
                  AND EXISTS (SELECT 1 FROM queue undone WHERE undone.id = queue.undoes AND undone.state IN \(ItemState.parked))
                """)
            let rows = try Row.fetchAll(db, cached("""
                SELECT p.item_id, q2.label, q2.type, q2.state, q2.status_message
                FROM prerequisites p JOIN queue q1 ON q1.id = p.item_id JOIN queue q2 ON q2.id = p.prerequisite_id
                WHERE q1.user_id = \(userID) AND q1.state = \(ItemState.queued) AND q2.state IN \(ItemState.parked)
                  AND NOT (q2.undoes IS NOT NULL AND q2.state = \(ItemState.cancelled))
                ORDER BY p.item_id, q2.id
                """))
            if rows.isEmpty { return }
            var reasons: [Int64: [String]] = [:]
            for row in rows {
                let label: String = row["label"] ?? row["type"]
                let state: ItemState? = row["state"]
                let why: String = state == .cancelled ? "cancelled" : (row["status_message"] ?? "failed")
                reasons[row["item_id"], default: []].append("\(label): \(why)")
            }
            for (id, list) in reasons {
                let message = "not sent, because a prerequisite failed — " + list.joined(separator: "; ")
                try db.run("""
                    UPDATE queue SET state = \(ItemState.failed), status_code = NULL, status_severity = NULL,
                      status_message = \(message), updated_at = \(now)
                    WHERE id = \(id)
                    """)
                try count(db, .failed, sessionID: sessionID)
            }
        }
    }
}
