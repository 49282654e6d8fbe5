/// QuickBooks item names for SKUs: at most 31 characters, no ':' (it separates sub-items), and a
/// deterministic short form for longer SKUs that cannot collide by accident: 26 characters, '~', and 4
/// characters of a hash of the whole SKU.
public enum ItemNames {
    public static let limit = 31

    public static func forSKU(_ sku: String) -> String {
        var name = String(sku.map { $0 == ":" ? "-" : $0 })
        name = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
        guard name.count > limit else { return name }
        return String(name.prefix(limit - 5)) + "~" + hash36(sku, length: 4)
    }

    /// FNV-1a 64 of the UTF-8 bytes, in base 36, left-padded with zeros and cut to `length`.
    public static func hash36(_ text: String, length: Int) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var out = ""
        var v = h
        while out.count < length {
            out.append(digits[Int(v % 36)])
            v /= 36
        }
        return out
    }
}

/// RefNumbers for a settlement's transactions: at most 11 characters, the same every time for the same
/// settlement and transaction: 8 characters for the settlement (its id in base 36), '-', a letter for the
/// role (O orders, R refunds, A adjustments) and one character for the group.
public enum RefNumbers {
    public static func settlementPart(_ settlementID: String) -> String {
        if let n = UInt64(settlementID), n < 2_821_109_907_456 {  // 36^8: fits in 8 base-36 digits
            let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            var out = ""
            var v = n
            repeat {
                out.insert(digits[Int(v % 36)], at: out.startIndex)
                v /= 36
            } while v > 0
            return String(repeating: "0", count: 8 - out.count) + out
        }
        return ItemNames.hash36(settlementID, length: 8)
    }

    public static func make(settlementID: String, role: Character, groupIndex: Int) -> String {
        let digits = Array("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return settlementPart(settlementID) + "-" + String(role) + String(digits[groupIndex % digits.count])
    }
}
