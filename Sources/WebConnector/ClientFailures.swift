import Foundation
import Synchronization

/// Failed authentications per client address, in memory: a client that keeps failing is answered at once,
/// without a password check, until its window passes. Bounded: at most `capacity` addresses are tracked.
final class ClientFailures: Sendable {
    struct Record {
        var count: Int
        var since: Date
    }

    let limit: Int
    let window: TimeInterval
    let capacity: Int
    private let records = Mutex<[String: Record]>([:])

    /// `limit` 0 never refuses a client.
    init(limit: Int, window: TimeInterval = 600, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Whether `client` has failed `limit` times within the window.
    func refuses(_ client: String?, now: Date) -> Bool {
        guard limit > 0, let client else { return false }
        return records.withLock { records in
            guard let record = records[client] else { return false }
            if now.timeIntervalSince(record.since) >= window {
                records[client] = nil
                return false
            }
            return record.count >= limit
        }
    }

    func recordFailure(_ client: String?, now: Date) {
        guard limit > 0, let client else { return }
        records.withLock { records in
            if var record = records[client], now.timeIntervalSince(record.since) < window {
                record.count += 1
                records[client] = record
                return
            }
            if records.count >= capacity {
                records = records.filter { now.timeIntervalSince($0.value.since) < window }
                // Still full: the many addresses failing now are forgotten together rather than grow the table.
                if records.count >= capacity { records.removeAll(keepingCapacity: true) }
            }
            records[client] = Record(count: 1, since: now)
        }
    }
}
