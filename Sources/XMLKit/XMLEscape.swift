/// Escaping for XML text and attribute values.
public enum XMLEscape {
    /// Escapes `&`, `<`, `>` and CR (enough for text nodes; `"` is left as is, as .NET does).
    public static func text(_ s: String) -> String {
        escape(s, attribute: false)
    }

    /// Escapes a value for a double-quoted attribute (also `"` and the white space attribute values normalise).
    public static func attribute(_ s: String) -> String {
        escape(s, attribute: true)
    }

    private static func escape(_ s: String, attribute: Bool) -> String {
        guard s.utf8.contains(where: { needsEscape($0, attribute: attribute) }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    private static func needsEscape(_ b: UInt8, attribute: Bool) -> Bool {
        switch b {
        case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), 13: true
        case UInt8(ascii: "\""), 10, 9: attribute
        default: false
        }
    }
}
