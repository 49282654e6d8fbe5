extension String {
    /// The text with every control character written out (`\n`, `\r`, `\t`, else `\u{1B}`), so that what a
    /// stranger sent (a user name with a CR in it, a memo in a report) can neither forge a log line nor move a
    /// terminal's cursor.
    var escapingControlCharacters: String { escapingControlCharacters(keepingLineBreaks: false) }

    /// The same, keeping line feeds as they are (for multi-line output qblink laid out itself).
    func escapingControlCharacters(keepingLineBreaks: Bool) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}") && !(keepingLineBreaks && scalar == "\n")
        }
        guard unicodeScalars.contains(where: escaped) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case _ where !escaped(scalar): out.unicodeScalars.append(scalar)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }
}
