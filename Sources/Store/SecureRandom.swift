import COpenSSL

/// Randomness from OpenSSL's CSPRNG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        precondition(ok == 1, "OpenSSL RAND_bytes failed: no secure randomness available")
        return out
    }

    /// 128 random bits written as a GUID-shaped string, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lowercase hex).
    /// All 128 bits are random (no version nibble), so a ticket cannot be guessed.
    public static func ticket() -> String {
        guidText(bytes(16))
    }

    /// `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as the .qwc's OwnerID and FileID want.
    public static func braceGUID() -> String {
        "{" + guidText(bytes(16)).uppercased() + "}"
    }

    /// Lowercase hex, two digits a byte.
    public static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    static func guidText(_ b: [UInt8]) -> String {
        let chars = Array(hex(b))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}
