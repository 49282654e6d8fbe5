import Foundation

/// Parse and summarise in one go.
public enum Settlement {
    /// Streams a report chunk by chunk from `nextChunk` (nil or empty at the end) — the caller does the
    /// reading — with `progress` told the bytes consumed so far after each chunk.
    public static func summarize(
        source: String, mapping: SettlementMapping = .standard, nextChunk: () throws -> Data?, progress: (Int) -> Void = { _ in }
    ) throws -> SettlementSummary {
        var parser = SettlementParser()
        var summarizer = SettlementSummarizer(mapping: mapping)
        var consumed = 0
        while let chunk = try nextChunk(), !chunk.isEmpty {
            try chunk.withUnsafeBytes { raw in
                try Result { () throws(SettlementError) in try parser.feed(raw) { summarizer.add($0) } }.get()
            }
            consumed += chunk.count
            progress(consumed)
        }
        let header = try parser.finish { summarizer.add($0) }
        return try summarizer.summary(header: header, source: source)
    }

    /// Reads a whole report held in memory. Streaming callers use `SettlementParser` and
    /// `SettlementSummarizer` directly, chunk by chunk.
    public static func summarize(_ bytes: [UInt8], source: String, mapping: SettlementMapping = .standard) throws(SettlementError) -> SettlementSummary {
        var parser = SettlementParser()
        var summarizer = SettlementSummarizer(mapping: mapping)
        try parser.feed(bytes) { summarizer.add($0) }
        let header = try parser.finish { summarizer.add($0) }
        return try summarizer.summary(header: header, source: source)
    }
}
