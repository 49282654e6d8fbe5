import Foundation

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
            let hint = closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? " (known keys: \(known.joined(separator: ", ")))"
            return "\(path).\(key): unknown key\(hint)"
        }
    }

    /// The known key nearest to `key` (case aside, at most a third of its letters different), if any.
    static func closest(to key: String, in known: [String]) -> String? {
        let scored = known.map { ($0, distance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, best.0.count / 3) else { return nil }
        return best.0
    }

    /// Edits between two words: a letter added, removed, changed, or two neighbours swapped (`itme` → `item`
    /// is one).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
