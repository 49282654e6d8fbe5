/// How a settlement goes into QuickBooks.
public enum PostingMode: String, Sendable, Codable, CaseIterable {
    /// A sales receipt per group into the deposit account; credit memos refunded from it.
    case receipts = "receipt"
    /// An invoice per group, paid in full into the deposit account; credit memos refunded from it.
    case invoices = "invoice"
    /// One journal entry for the whole settlement, accounts only.
    case journal
}
