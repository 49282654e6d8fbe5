import Foundation
import QBModel

/// Finds the keys of a mapping file that qblink does not know, so that a typo (`bankAcount`) is an error
/// naming where it is, not a setting silently ignored.
enum MappingKeys {
    static let top = PartialMapping.CodingKeys.allCases.map(\.rawValue)
    static let itemSpec = SettlementMapping.ItemSpec.CodingKeys.allCases.map(\.rawValue)
    static let rule = SettlementMapping.Rule.CodingKeys.allCases.map(\.rawValue)

    /// `$.bankAcount: unknown key; did you mean 'bankAccount'?`, one per unknown key, in file order of paths.
    /// Nothing when the text is not a JSON object (the decoder reports that).
    static func unknownKeys(in data: Data) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var problems = check(root, known: top, path: "$")
        if let skuItem = root["skuItem"] as? [String: Any] { problems += check(skuItem, known: itemSpec, path: "$.skuItem") }
        if let items = root["items"] as? [String: Any] {
            for name in items.keys.sorted() {
                if let spec = items[name] as? [String: Any] { problems += check(spec, known: itemSpec, path: "$.items.\(name)") }
            }
        }
        if let rules = root["rules"] as? [Any] {
            for (i, rule) in rules.enumerated() {
                if let rule = rule as? [String: Any] { problems += check(rule, known: Self.rule, path: "$.rules[\(i)]") }
            }
        }
        return problems
    }

    static func check(_ object: [String: Any], known: [String], path: String) -> [String] {
        object.keys.sorted().filter { !known.contains($0) }.map { key in
            let hint = KeySuggestion.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? " (known keys: \(known.joined(separator: ", ")))"
            return "\(path).\(key): unknown key\(hint)"
        }
    }
}
