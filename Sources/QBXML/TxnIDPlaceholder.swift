import QBModel
import XMLKit

/// Stands, in a queued request, for the TxnID of a transaction that does not exist yet (the invoice a
/// payment pays, the credit memo a refund applies to): `<TxnID>{{txn:Invoice:INV-1}}</TxnID>`, naming the
/// plan item it waits for. When the request is sent, the prerequisite's TxnID is filled in. Only a whole
/// `<TxnID>` element counts: text in a memo cannot hold `<` unescaped, so it is never mistaken for one.
///
/// Requests queued by qblink 0.1 name the queue item instead (`{{item:42}}`); those are filled the same way.
public enum TxnIDPlaceholder {
    static let open = "<TxnID>{{"
    static let close = "}}</TxnID>"
    static let keyPrefix = "txn:"
    static let itemPrefix = "item:"

    /// The text to put where the TxnID of `key`'s transaction goes (the content of a `TxnID` element).
    public static func make(_ key: PlanKey) -> String { "{{" + keyPrefix + key.description + "}}" }

    /// The same for a queue item that has no plan key (queued by qblink 0.1).
    public static func make(queueID: Int64) -> String { "{{" + itemPrefix + String(queueID) + "}}" }

    /// The plan keys a request body waits for through placeholders.
    public static func keys(in body: String) -> [PlanKey] {
        placeholders(in: body).compactMap { text in text.hasPrefix(keyPrefix) ? PlanKey(String(text.dropFirst(keyPrefix.count))) : nil }
    }

    /// Something a body's placeholder stands for, with the TxnID QuickBooks gave it (nil when it has none).
    public struct Source: Sendable {
        public var key: PlanKey?
        public var queueID: Int64
        public var txnID: String?
        /// How a person knows it: "Invoice INV-7".
        public var label: String?

        public init(key: PlanKey?, queueID: Int64, txnID: String?, label: String? = nil) {
            self.key = key
            self.queueID = queueID
            self.txnID = txnID
            self.label = label
        }
    }

    /// A placeholder that names nothing among the sources, or a source QuickBooks gave no TxnID.
    public struct FillError: Error, Equatable {
        /// The plan key it names, or (qblink 0.1) the queue item.
        public var key: PlanKey?
        public var queueID: Int64?

        public init(key: PlanKey?, queueID: Int64?) {
            self.key = key
            self.queueID = queueID
        }

        /// Whether `source` is what the placeholder names.
        public func names(_ source: Source) -> Bool {
            if let key { return source.key == key }
            return source.queueID == queueID
        }
    }

    /// The body with every placeholder replaced by its source's TxnID (escaped as XML text).
    public static func fill(_ body: String, from sources: [Source]) throws(FillError) -> String {
        guard body.contains(open) else { return body }
        var out = ""
        var rest = Substring(body)
        while let start = rest.firstRange(of: open), let end = rest[start.upperBound...].firstRange(of: close) {
            let text = String(rest[start.upperBound..<end.lowerBound])
            let wanted = FillError(
                key: text.hasPrefix(keyPrefix) ? PlanKey(String(text.dropFirst(keyPrefix.count))) : nil,
                queueID: text.hasPrefix(itemPrefix) ? Int64(text.dropFirst(itemPrefix.count)) : nil)
            guard let txnID = sources.first(where: wanted.names)?.txnID else { throw wanted }
            out += rest[..<start.lowerBound]
            out += "<TxnID>" + XMLEscape.text(txnID) + "</TxnID>"
            rest = rest[end.upperBound...]
        }
        return out + rest
    }

    static func placeholders(in body: String) -> [String] {
        var found: [String] = []
        var rest = Substring(body)
        while let start = rest.firstRange(of: open), let end = rest[start.upperBound...].firstRange(of: close) {
            found.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }
}
