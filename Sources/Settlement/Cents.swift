import QBXML

/// Money as integer cents (minor units). Never floating point.
public enum Cents {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case invalid
        case tooManyDecimals

        public var description: String {
            switch self {
            case .empty: "the amount is empty"
            case .invalid: "the amount is not a number"
            case .tooManyDecimals: "the amount has more than two decimals"
            }
        }
    }

    /// Parses an amount as Amazon writes it: `68.99`, `-6.30`, `54,20` (comma decimals), `1.234,56` or
    /// `1,234.56` (the last separator is the decimal one), padded with spaces. Whole amounts (`12`, JPY) are
    /// accepted; a lone `,` followed by three digits (`1,234`) is a thousands separator.
    public static func parse(_ field: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Int {
        var start = 0
        var end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 || field[end - 1] == 0x0D { end -= 1 }
        guard start < end else { throw .empty }
        var negative = false
        if field[start] == UInt8(ascii: "-") || field[start] == UInt8(ascii: "+") {
            negative = field[start] == UInt8(ascii: "-")
            start += 1
        }
        var lastSeparator = -1
        var dots = 0
        var commas = 0
        for i in start..<end {
            switch field[i] {
            case UInt8(ascii: "."):
                lastSeparator = i
                dots += 1
            case UInt8(ascii: ","):
                lastSeparator = i
                commas += 1
            case 0x30...0x39: break
            default: throw .invalid
            }
        }
        var decimalAt = -1
        if lastSeparator >= 0 {
            let after = end - lastSeparator - 1
            if after <= 2 {
                decimalAt = lastSeparator
            } else if !(after == 3 && field[lastSeparator] == UInt8(ascii: ",") && dots == 0) {
                throw .tooManyDecimals
            }
            // With a decimal separator, every other separator must be the other kind (grouping).
            if decimalAt >= 0 && ((field[decimalAt] == UInt8(ascii: ".") && dots > 1) || (field[decimalAt] == UInt8(ascii: ",") && commas > 1)) {
                throw .invalid
            }
        }
        var units = 0
        var fraction = 0
        var fractionDigits = 0
        var digits = 0
        for i in start..<end {
            let b = field[i]
            guard b >= 0x30 && b <= 0x39 else { continue }
            digits += 1
            if decimalAt >= 0 && i > decimalAt {
                fraction = fraction * 10 + Int(b - 0x30)
                fractionDigits += 1
            } else {
                guard units < 100_000_000_000_000 else { throw .invalid }
                units = units * 10 + Int(b - 0x30)
            }
        }
        guard digits > 0 else { throw .invalid }
        if fractionDigits == 1 { fraction *= 10 }
        let value = units * 100 + fraction
        return negative ? -value : value
    }

    public static func parse(_ text: String) throws(ParseError) -> Int {
        var copy = text
        return try copy.withUTF8 { p in Result { () throws(ParseError) in try parse(p) } }.get()
    }

    /// `-1234.50`: optional minus, integer digits, exactly two decimals (qbXML's AMTTYPE).
    public static func format(_ cents: Int) -> String {
        QBRequestWriter.amount(cents)
    }
}
