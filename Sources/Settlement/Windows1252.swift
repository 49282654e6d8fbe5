/// Windows-1252 → Unicode, for reports that are not UTF-8.
public enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out = String.UnicodeScalarView()
        for b in bytes {
            let value: UInt32 = (b >= 0x80 && b < 0xA0) ? high[Int(b - 0x80)] : UInt32(b)
            out.append(Unicode.Scalar(value)!)
        }
        return String(out)
    }

    /// The bytes of a Windows-1252 document as UTF-8 (a report whose download said `charset=Cp1252`).
    public static func utf8(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return bytes }
        return bytes.withUnsafeBufferPointer { Array(decode($0).utf8) }
    }
}
