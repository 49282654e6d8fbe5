import Foundation
import QBXML

/// A JSON list of sales transactions — `invoice`, `payment`, `salesReceipt`, `creditMemo` — read and
/// checked all or nothing. See the README ("Invoices, payments, receipts and credit memos from JSON") and
/// `Resources/example-sales.json`.
public struct SalesDocument: Sendable {
    public var entries: [QBEntry]

    /// Every customer and item the document names (to look up, and add when missing).
    public func requirements(itemType: ListRequirement.ItemType, itemAccount: String, itemAccountType: String) -> [ListRequirement] {
        var customers: [String] = []
        var items: [String] = []
        for entry in entries {
            switch entry {
            case .transaction(let t):
                customers.append(t.customer)
                items += t.itemNames
            case .payment(let p):
                customers.append(p.customer)
            case .refund(let r):
                customers.append(r.customer)
            case .transfer, .journalEntry, .deletion:
                break
            }
        }
        var seen = Set<String>()
        var out: [ListRequirement] = []
        if !items.isEmpty { out.append(ListRequirement(name: itemAccount, kind: .account(type: itemAccountType))) }
        for c in customers where seen.insert("c:" + c.lowercased()).inserted { out.append(ListRequirement(name: c, kind: .customer)) }
        for i in items where seen.insert("i:" + i.lowercased()).inserted {
            out.append(ListRequirement(name: i, kind: .item(type: itemType, account: itemAccount)))
        }
        return out
    }


    public struct Problems: Error, CustomStringConvertible {
        /// "$[3].lines[0]: amount has 3 decimals", one per problem, in document order.
        public var messages: [String]
        public var description: String { messages.joined(separator: "\n") }
    }

    /// Reads and checks a document; throws every problem found, each with its JSON path.
    public static func parse(_ data: Data) throws(Problems) -> SalesDocument {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Problems(messages: ["$: not valid JSON (\(Self.reason(error)))"])
        }
        var reader = Reader()
        let document = reader.document(root)
        if !reader.problems.isEmpty { throw Problems(messages: reader.problems) }
        return document
    }

    static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        }
        return "\(error)"
    }
}
