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

    /// "U+4E2D '中'" for messages.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar.value < 0x20 { return "U+\(padded) (a control character)" }
        return "U+\(padded) '\(Character(scalar))'"
    }
}
