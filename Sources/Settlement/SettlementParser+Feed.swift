extension SettlementParser {
    /// The longest line read: a settlement report's lines are a few hundred bytes; a longer one is not a report
    /// (and must not make memory grow without bound).
    public static let maxLineBytes = 1 << 20

    /// Feeds the next bytes of the file; `emit` receives each amount read.
    public mutating func feed(_ bytes: [UInt8], emit: (SettlementEntry) -> Void) throws(SettlementError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SettlementError) in try feed(raw, emit: emit) } }.get()
    }

    func checkLength(_ bytes: Int) throws(SettlementError) {
        guard bytes > Self.maxLineBytes else { return }
        throw SettlementError(
            line: lineNumber + 1, "the line is longer than \(Self.maxLineBytes) bytes; a settlement report's lines are a few hundred")
    }
}
