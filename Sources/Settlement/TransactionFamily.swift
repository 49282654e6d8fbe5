/// What a settlement transaction holds: the orders of a group, its refunds, or the settlement-level
/// amounts (reserves, storage, advertising, reimbursements, …).
public enum TransactionFamily: String, Sendable, Codable, CaseIterable, Comparable {
    case orders
    case refunds
    case adjustments

    /// The letter in its RefNumber: `0A1PQFF9-O1`.
    var refLetter: Character {
        switch self {
        case .orders: "O"
        case .refunds: "R"
        case .adjustments: "A"
        }
    }

    private var order: Int {
        switch self {
        case .orders: 0
        case .refunds: 1
        case .adjustments: 2
        }
    }

    public static func < (a: TransactionFamily, b: TransactionFamily) -> Bool { a.order < b.order }

    // By case, not by the raw string: the summariser compares and hashes a family for every row.
    public static func == (a: TransactionFamily, b: TransactionFamily) -> Bool { a.order == b.order }

    public func hash(into hasher: inout Hasher) { hasher.combine(order) }
}
