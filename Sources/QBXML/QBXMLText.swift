/// Rules for text QuickBooks can store.
public enum QBXMLText {
    /// The first character QuickBooks Desktop cannot store (outside ISO-8859-1, or a control character
    /// other than tab, LF and CR), or nil when all of the text is safe.
    public static func firstUnsafeCharacter(in text: String) -> Unicode.Scalar? {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v > 0xFF || (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v < 0xA0) {
                return scalar
            }
        }
        return nil
    }

    /// The text with characters outside ISO-8859-1 replaced: typographic punctuation by its ASCII form,
    /// anything else by "?". Control characters other than tab and newlines are dropped.
    public static func latin1(_ text: String) -> String {
        guard firstUnsafeCharacter(in: text) != nil else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D { continue }
            if v >= 0x7F && v < 0xA0 { continue }
            if v <= 0xFF { out.append(scalar); continue }
            switch v {
            case 0x2018, 0x2019, 0x201A, 0x2032: out.append("'")
            case 0x201C, 0x201D, 0x201E, 0x2033: out.append("\"")
            case 0x2013, 0x2014, 0x2212: out.append("-")
            case 0x2026: out.append(contentsOf: "...".unicodeScalars)
            case 0x20AC: out.append(contentsOf: "EUR".unicodeScalars)
            case 0x2122: out.append(contentsOf: "(TM)".unicodeScalars)
            case 0x00A0, 0x2002, 0x2003, 0x2009: out.append(" ")
            default: out.append("?")
            }
        }
        return String(out)
    }

    /// At most `limit` characters (QuickBooks' field limits count characters).
    public static func fit(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit))
    }

    /// "U+4E2D '中'" for messages.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar.value < 0x20 { return "U+\(padded) (a control character)" }
        return "U+\(padded) '\(Character(scalar))'"
    }
}
