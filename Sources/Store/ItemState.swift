import GRDB

/// Where a queue item is in its life.
public enum ItemState: String, Sendable, CaseIterable, Codable, DatabaseValueConvertible {
    /// Waiting to be sent.
    case queued
    /// Sent to QuickBooks; its response has not come back yet.
    case sent
    /// In doubt, and its lookup query is out to QuickBooks now.
    case checking
    /// Created (or answered) by QuickBooks.
    case done
    /// Refused by QuickBooks (or by qblink before sending); parked, never re-sent on its own.
    case failed
    /// Sent, but its response never came: resolved by asking QuickBooks, never by a blind resend.
    case inDoubt = "in-doubt"
    /// Cancelled by the operator.
    case cancelled

    /// Out to QuickBooks now, awaiting its response.
    public static let inFlight: [ItemState] = [.sent, .checking]
    /// Still to be settled: waiting, out, or in doubt.
    public static let pending: [ItemState] = [.queued, .sent, .checking, .inDoubt]
    /// QuickBooks has it or may have it.
    public static let reachedQuickBooks: [ItemState] = [.sent, .checking, .done, .inDoubt]
    /// Will never be sent as it is.
    public static let parked: [ItemState] = [.failed, .cancelled]
}

public enum SessionState: String, Sendable, Codable, DatabaseValueConvertible {
    case active
    case closed
    /// Idle longer than the timeout.
    case expired
    /// A newer authenticate for the same user arrived.
    case replaced
}
