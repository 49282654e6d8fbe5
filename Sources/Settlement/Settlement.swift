/// Parse and summarise in one go.
public enum Settlement {
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
