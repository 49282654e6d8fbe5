import Foundation
import QBXML

/// Reading single fields: text within QuickBooks' limits, names it can store, dates, exact decimals.
extension Reader {
    mutating func string(_ o: [String: JSONValue], _ key: String, _ path: String, required: Bool = false) -> String? {
        switch o[key] {
        case nil, .null?:
            if required { fail("\(path).\(key)", "missing") }
            return nil
        case .string(let s)?: return s
        case let other?:
            fail("\(path).\(key)", "expected a string, got \(other.kindName)")
            return nil
        }
    }

    /// Free text: transliterated to what QuickBooks stores (ISO-8859-1) when written; its length is checked.
    mutating func text(_ o: [String: JSONValue], _ key: String, _ path: String, limit: Int, required: Bool = false) -> String? {
        guard let s = string(o, key, path, required: required) else { return nil }
        if s.count > limit { fail("\(path).\(key)", "\(s.count) characters; QuickBooks allows at most \(limit)") }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty { fail("\(path).\(key)", "empty") }
        return s
    }

    /// A name QuickBooks looks records up by: refused, not transliterated, when QuickBooks cannot store it.
    mutating func name(_ o: [String: JSONValue], _ key: String, _ path: String, limit: Int, required: Bool = false, allowColon: Bool = false) -> String? {
        guard let s = text(o, key, path, limit: limit, required: required) else { return nil }
        if let bad = QBXMLText.firstUnsafeCharacter(in: s) {
            fail("\(path).\(key)", "'\(s)' holds \(QBXMLText.describe(bad)), which QuickBooks cannot store (ISO-8859-1 only)")
        }
        if !allowColon && s.contains(":") {
            fail("\(path).\(key)", "':' separates a parent from a sub-item or job in QuickBooks; use a plain name")
        }
        return s
    }

    mutating func date(_ o: [String: JSONValue], _ key: String, _ path: String) -> String? {
        guard let s = string(o, key, path) else { return nil }
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1,
            d <= [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        else {
            fail("\(path).\(key)", "'\(s)' is not a date; write YYYY-MM-DD")
            return nil
        }
        return s
    }

    /// A decimal from a JSON number or a string, with at most `places` decimals.
    mutating func decimal(_ o: [String: JSONValue], _ key: String, _ path: String, places: Int, what: String, required: Bool = false) -> Decimal? {
        let value: Decimal
        let text: String
        switch o[key] {
        case nil, .null?:
            if required { fail("\(path).\(key)", "missing") }
            return nil
        case .number(let d)?:
            value = d
            text = "\(d)"
        case .string(let s)?:
            let t = s.trimmingCharacters(in: .whitespaces)
            guard t.range(of: #"^[+-]?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil, let d = Decimal(string: t, locale: Locale(identifier: "en_US_POSIX")) else {
                fail("\(path).\(key)", "'\(s)' is not a decimal number (write it like 1234.56)")
                return nil
            }
            value = d
            text = t
        case let other?:
            fail("\(path).\(key)", "expected a number or a decimal string, got \(other.kindName)")
            return nil
        }
        let decimals = text.split(separator: ".").dropFirst().first.map { $0.count } ?? max(0, -value.exponent)
        if decimals > places {
            fail("\(path).\(key)", "\(what) has \(decimals) decimals; at most \(places) are allowed")
            return nil
        }
        if abs(value) >= Decimal(string: places == 2 ? "10000000000000" : "10000000000")! {
            fail("\(path).\(key)", "\(what) is too large for QuickBooks")
            return nil
        }
        return value
    }

    func cents(_ d: Decimal) -> Int {
        NSDecimalNumber(decimal: d * 100).intValue
    }
}
