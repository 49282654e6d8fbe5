/// What a planned queue item stands for, so that other items of the plan can wait for it (and take its
/// TxnID), and so that a pending lookup of the same list element is shared across enqueues.
public struct PlanKey: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public enum Subject: Hashable, Sendable {
        /// A list element, by its list and name folded to lower case (QuickBooks compares names so).
        case list(ListKind, name: String)
        /// A transaction, by its type and RefNumber.
        case transaction(TransactionType, refNumber: String)
        /// What takes that transaction back out of QuickBooks (its deletion, or a reversing transfer).
        case undo(TransactionType, refNumber: String)
    }

    public let subject: Subject

    public static func list(_ kind: ListKind, _ name: String) -> PlanKey { PlanKey(subject: .list(kind, name: name.lowercased())) }
    public static func transaction(_ type: TransactionType, _ refNumber: String) -> PlanKey {
        PlanKey(subject: .transaction(type, refNumber: refNumber))
    }

    public static func undo(_ type: TransactionType, _ refNumber: String) -> PlanKey {
        PlanKey(subject: .undo(type, refNumber: refNumber))
    }

    /// The key of what undoes this transaction (nil for a list element).
    public var undo: PlanKey? {
        if case .transaction(let type, let ref) = subject { return .undo(type, ref) }
        return nil
    }

    private init(subject: Subject) {
        self.subject = subject
    }

    /// `Customer:amazon summary`, `Invoice:INV-1`, `Undo:Invoice:INV-1`: the form stored in the queue and written in TxnID
    /// placeholders.
    public var description: String {
        switch subject {
        case .list(let kind, let name): "\(kind.rawValue):\(name)"
        case .transaction(let type, let ref): "\(type.rawValue):\(ref)"
        case .undo(let type, let ref): "Undo:\(type.rawValue):\(ref)"
        }
    }

    public init?(_ description: String) {
        if description.hasPrefix("Undo:") {
            guard let done = PlanKey(String(description.dropFirst(5))), case .transaction(let type, let ref) = done.subject else { return nil }
            self = .undo(type, ref)
            return
        }
        guard let colon = description.firstIndex(of: ":") else { return nil }
        let head = String(description[..<colon])
        let rest = String(description[description.index(after: colon)...])
        if let kind = ListKind(rawValue: head) {
            self = .list(kind, rest)
        } else if let type = TransactionType(rawValue: head) {
            self = .transaction(type, rest)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let key = PlanKey(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a plan key"))
        }
        self = key
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
