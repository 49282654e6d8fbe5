#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns repeated field values into one shared String and a small integer id, so that a report of a
/// million rows does not make a million copies of "Order" or "ItemPrice". An open-addressing table keyed
/// by an FNV-1a hash of the bytes: no per-lookup allocation, no SipHash.
struct Interner {
    private(set) var strings: [String] = []
    private var bytes: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// Slot → id + 1 (0 = empty); the size is a power of two, kept under half full.
    private var slots: [Int32] = Array(repeating: 0, count: 256)

    mutating func intern(_ field: UnsafeBufferPointer<UInt8>, decode: (UnsafeBufferPointer<UInt8>) -> String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in field {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            let id = Int(slots[i]) - 1
            if hashes[id] == h && Self.same(bytes[id], field) { return id }
            i = (i + 1) & mask
        }
        let id = strings.count
        strings.append(decode(field))
        bytes.append(Array(field))
        hashes.append(h)
        slots[i] = Int32(id + 1)
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(id + 1)
        }
    }

    static func same(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress!, a.count) == 0 }
    }

    subscript(id: Int) -> String { strings[id] }

    /// True when `id` stands for exactly these bytes.
    func holds(_ id: Int, _ field: UnsafeBufferPointer<UInt8>) -> Bool { Self.same(bytes[id], field) }
}
