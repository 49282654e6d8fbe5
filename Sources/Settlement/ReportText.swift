/// Bytes of a report field as text, and blank checks.
extension SettlementParser {
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>?) -> Bool {
        guard let range else { return true }
        return isBlank(UnsafeBufferPointer(rebasing: line[range]))
    }

    static func isBlank(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        f.allSatisfy { $0 == 0x20 || $0 == 0x0D }
    }

    /// UTF-8 when the bytes are UTF-8, else Windows-1252 (what Seller Central's European downloads use).
    static func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let f = UnsafeBufferPointer(rebasing: line[range])
        if !f.contains(where: { $0 >= 0x80 }) { return String(decoding: f, as: UTF8.self) }
        if let utf8 = String(validating: f, as: UTF8.self) { return utf8 }
        return Windows1252.decode(f)
    }
}

extension Array where Element == Range<Int> {
    subscript(safe index: Int) -> Range<Int>? { index >= 0 && index < count ? self[index] : nil }
}

extension String {
    var trimmed: String {
        guard let first = firstIndex(where: { $0 != " " }) else { return "" }
        let last = lastIndex(where: { $0 != " " })!
        return String(self[first...last])
    }
}
