import Foundation
import GRDB

/// A settlement enqueued for a user: its id in Amazon's report, where it came from and its payout.
public struct SettlementRecord: Sendable, Equatable, Codable, SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "settlements"

    public var id: Int64?
    public var userID: Int64
    public var settlementID: String
    public var source: String?
    public var totalCents: Int
    public var currency: String?
    public var period: String?
    public var enqueuedAt: Date
    public var replacedAt: Date?

    /// A settlement to enqueue; the Store sets its user and dates.
    public init(settlementID: String, source: String, totalCents: Int, currency: String, period: String) {
        self.userID = 0
        self.settlementID = settlementID
        self.source = source
        self.totalCents = totalCents
        self.currency = currency
        self.period = period
        self.enqueuedAt = Date(timeIntervalSince1970: 0)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
