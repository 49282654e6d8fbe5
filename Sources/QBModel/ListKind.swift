/// The QuickBooks lists qblink makes sure of before a transaction names one of their elements.
public enum ListKind: String, Sendable, Codable, CaseIterable {
    case customer = "Customer"
    case item = "Item"
    case account = "Account"
}
