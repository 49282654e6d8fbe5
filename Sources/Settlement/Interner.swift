/// Turns repeated field values into one shared String and a small integer id, so that a report of a
/// million rows does not make a million copies of "Order" or "ItemPrice".
struct Interner {
    private var table: [UInt64: [Int]] = [:]
    private(set) var strings: [String] = []
    private var bytes: [[UInt8]] = []

    mutating func intern(_ field: UnsafeBufferPointer<UInt8>, decode: (UnsafeBufferPointer<UInt8>) -> String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in field {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        if let candidates = table[h] {
            for id in candidates where bytes[id].elementsEqual(field) { return id }
        }
        let id = strings.count
        strings.append(decode(field))
        bytes.append(Array(field))
        table[h, default: []].append(id)
        return id
    }

    subscript(id: Int) -> String { strings[id] }
}
