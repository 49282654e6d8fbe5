import Foundation
import GRDB
import QBModel

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
    /// How it was posted (nil for settlements enqueued by qblink 0.1: receipts).
    public var mode: PostingMode?
    /// The group mode: channel, month, channel-month or none.
    public var groupMode: String?
    /// When an undo was asked for (nil when it stands as posted).
    public var undoRequestedAt: Date?
    /// How many times it was undone and enqueued again.
    public var undoneCount: Int
    /// The payout split for the console's picture: sales, fees (negative), refunds (negative) and the rest, adding
    /// up to `totalCents` (nil for settlements enqueued before qblink kept it).
    public var salesCents: Int?
    public var feesCents: Int?
    public var refundsCents: Int?
    public var otherCents: Int?

    /// A settlement to enqueue; the Store sets its user and dates.
    public init(settlementID: String, source: String, totalCents: Int, currency: String, period: String, mode: PostingMode, groupMode: String) {
        self.userID = 0
        self.settlementID = settlementID
        self.source = source
        self.totalCents = totalCents
        self.currency = currency
        self.period = period
        self.enqueuedAt = Date(timeIntervalSince1970: 0)
        self.mode = mode
        self.groupMode = groupMode
        self.undoneCount = 0
    }

    /// Takes what a new enqueue of the same settlement says about it (its report, payout, modes).
    mutating func adopt(_ other: SettlementRecord) {
        source = other.source
        totalCents = other.totalCents
        currency = other.currency
        period = other.period
        mode = other.mode
        groupMode = other.groupMode
        salesCents = other.salesCents
        feesCents = other.feesCents
        refundsCents = other.refundsCents
        otherCents = other.otherCents
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
