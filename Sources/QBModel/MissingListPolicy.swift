/// What happens when a customer, item or account a transaction names is not in QuickBooks.
public enum MissingListPolicy: String, Sendable, Codable, CaseIterable {
    /// Add it (with the mapped type and account), then send the transaction.
    case create
    /// Fail the transactions that name it, saying what is missing.
    case fail
}
