import Foundation
import QBLinkTestSupport
import Settlement
import Testing

@Suite struct ParserTests {
    func parse(_ text: String) throws -> (SettlementHeader, [SettlementEntry]) {
        try parse(Array(text.utf8))
    }

    func parse(_ bytes: [UInt8], chunk: Int = 1 << 20) throws -> (SettlementHeader, [SettlementEntry]) {
        var parser = SettlementParser()
        var entries: [SettlementEntry] = []
        var i = 0
        while i < bytes.count {
            try parser.feed(Array(bytes[i..<min(i + chunk, bytes.count)])) { entries.append($0) }
            i += chunk
        }
        let header = try parser.finish { entries.append($0) }
        return (header, entries)
    }

    func refusal(_ text: String) -> SettlementError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as SettlementError {
            return error
        } catch {
            return SettlementError(line: -1, "\(error)")
        }
    }

    static func sample() -> ReportBuilder {
        var b = ReportBuilder()
        b.order("TM-ATRNS-LL", cents: 6899, tax: 630, fba: -584)
        b.order("TM-ATRNS-LR", cents: 6899, quantity: 2, shipping: 499)
        b.refund("TM-ATRNS-LL", cents: 6899, tax: 630)
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -10000)
        return b
    }

    @Test func readsFlatFileV2() throws {
        let b = Self.sample()
        let (header, entries) = try parse(b.v2())
        #expect(header.settlementID == "21871512981")
        #expect(header.format == .flatFileV2)
        #expect(header.start == DayDate(year: 2024, month: 10, day: 23))
        #expect(header.end == DayDate(year: 2024, month: 11, day: 6))
        #expect(header.totalCents == b.totalCents)
        #expect(header.currency == "USD")
        #expect(header.marketplace == "Amazon.com")
        #expect(entries.count == b.rows.count)
        #expect(entries[0].amountDescription == "Principal" && entries[0].cents == 6899 && entries[0].quantity == 1 && entries[0].line == 3)
        #expect(entries.reduce(0) { $0 + $1.cents } == header.totalCents)
    }

    @Test func aLineLongerThanAMebibyteIsRefusedWithItsNumber() throws {
        let text = Self.sample().v2()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(String(repeating: "x", count: SettlementParser.maxLineBytes + 1), at: 3)
        let bytes = Array(lines.joined(separator: "\n").utf8)
        for chunk in [1 << 16, 1 << 20, bytes.count] {
            #expect { try parse(bytes, chunk: chunk) } throws: { error in
                guard let error = error as? SettlementError else { return false }
                return error.line == 4 && "\(error)".contains("longer than 1048576 bytes")
            }
        }
    }

    @Test func streamsAcrossAnyChunkBoundary() throws {
        let bytes = Array(Self.sample().v2().utf8)
        let (h1, e1) = try parse(bytes)
        for size in [1, 2, 7, 64, 1000] {
            let (h, e) = try parse(bytes, chunk: size)
            #expect(h == h1)
            #expect(e == e1)
        }
    }

    @Test func readsEuropeanDatesAndCommaDecimalsAndISO() throws {
        var b = Self.sample()
        b.dateStyle = .eu
        b.commaDecimals = true
        let (h, e) = try parse(b.v2())
        #expect(h.start == DayDate(year: 2024, month: 10, day: 23))
        #expect(h.totalCents == b.totalCents)
        #expect(e[0].posted == DayDate(year: 2024, month: 10, day: 26))
        #expect(e[0].cents == 6899)
        b.dateStyle = .iso
        b.commaDecimals = false
        #expect(try parse(b.v2()).0.end == DayDate(year: 2024, month: 11, day: 6))
    }

    @Test func toleratesCRLFBlankLinesPaddingShortRowsAndABOM() throws {
        let b = Self.sample()
        var text = "\u{FEFF}" + b.v2(lineEnd: "\r\n") + "\r\n\r\n\t\t\t\r\n"
        text = text.replacingOccurrences(of: "\t68.99\t", with: "\t68.99    \t")
        // A short row: drop the trailing promotion-id and quantity fields of the last order row.
        var lines = text.components(separatedBy: "\r\n")
        lines[3] = lines[3].components(separatedBy: "\t").prefix(22).joined(separator: "\t")
        let (h, e) = try parse(lines.joined(separator: "\r\n"))
        #expect(h.totalCents == b.totalCents)
        #expect(e.count == b.rows.count)
    }

    @Test func decodesWindows1252WhenTheBytesAreNotUTF8() throws {
        var b = ReportBuilder()
        b.order("CAFE-SKU", cents: 1000)
        var bytes = Array(b.v2().utf8)
        let target = Array("CAFE-SKU".utf8)
        for i in 0..<(bytes.count - target.count) where Array(bytes[i..<(i + target.count)]) == target {
            bytes[i + 3] = 0xC9  // 'É' in Windows-1252, invalid as UTF-8
        }
        let (_, e) = try parse(bytes)
        #expect(e[0].sku == "CAFÉ-SKU")
    }

    @Test func readsFlatFileV1WithItsQuantityRows() throws {
        var b = Self.sample()
        b.rows.removeLast()  // keep order and refund rows
        b.other("Storage Fee", "other-transaction", "Storage Fee", cents: -1234)
        let (h, e) = try parse(b.v1())
        #expect(h.format == .flatFileV1)
        #expect(h.totalCents == b.totalCents)
        let quantityRows = e.filter(\.isQuantityOnly)
        #expect(quantityRows.map(\.quantity) == [1, 2])
        #expect(e.filter { !$0.isQuantityOnly }.count == b.rows.count)
        #expect(e.contains { $0.transactionType == "Storage Fee" && $0.cents == -1234 })
    }

    @Test(arguments: [
        ("68.99", 6899), ("-6.30", -630), ("54,20", 5420), ("0,00", 0), ("1.234,56", 123456), ("1,234.56", 123456),
        ("32.09    ", 3209), ("12", 1200), ("-0.5", -50), ("1,234", 123400),
    ])
    func readsAmounts(text: String, cents: Int) throws {
        #expect(try Cents.parse(text) == cents)
    }

    @Test func refusesBadAmounts() {
        for text in ["", "abc", "1.234.56", "12.345", "1..2", "--1"] {
            #expect(throws: Cents.ParseError.self, "\(text)") { try Cents.parse(text) }
        }
    }

    @Test func readsEveryDateStyle() {
        #expect(DayDate.parse("2024-10-23 14:28:39 UTC") == DayDate(year: 2024, month: 10, day: 23))
        #expect(DayDate.parse("13.09.2024 08:59:52 UTC") == DayDate(year: 2024, month: 9, day: 13))
        #expect(DayDate.parse("25.09.2024") == DayDate(year: 2024, month: 9, day: 25))
        #expect(DayDate.parse("2025-08-14T06:23:59+00:00") == DayDate(year: 2025, month: 8, day: 14))
        #expect(DayDate.parse("2025-08-14T23:30:00-05:00") == DayDate(year: 2025, month: 8, day: 15))
        #expect(DayDate.parse("2025-01-01T01:00:00+02:00") == DayDate(year: 2024, month: 12, day: 31))
        #expect(DayDate.parse("09/06/25") == DayDate(year: 2025, month: 6, day: 9))
        #expect(DayDate.parse("2024-02-30") == nil)
        #expect(DayDate.parse("yesterday") == nil)
    }

    @Test func refusesBrokenReportsWithLineAndReason() throws {
        let good = Self.sample().v2()
        var lines = good.components(separatedBy: "\n")

        var badAmount = lines
        badAmount[3] = badAmount[3].replacingOccurrences(of: "\t6.30\t", with: "\t6.3O\t")
        let amount = try #require(refusal(badAmount.joined(separator: "\n")))
        #expect(amount.line == 4)
        #expect(amount.message.contains("'6.3O'"))

        var badDate = lines
        badDate[4] = badDate[4].replacingOccurrences(of: "2024-10-26\t", with: "26 Oct\t")
        let date = try #require(refusal(badDate.joined(separator: "\n")))
        #expect(date.line == 5 && date.message.contains("posted-date"))

        var mismatch = Self.sample()
        mismatch.total = mismatch.totalCents + 1
        let reconcile = try #require(refusal(mismatch.v2()))
        #expect(reconcile.line == 2)
        #expect(reconcile.message.contains("does not reconcile") && reconcile.message.contains("difference -0.01"))

        var other = lines
        other[5] = other[5].replacingOccurrences(of: "21871512981", with: "99999999999")
        #expect(try #require(refusal(other.joined(separator: "\n"))).message.contains("one file holds one settlement"))

        lines[0] = lines[0].replacingOccurrences(of: "\tamount\t", with: "\tamountx\t")
        #expect(try #require(refusal(lines.joined(separator: "\n"))).message.contains("'amount' column"))

        #expect(try #require(refusal("")).message.contains("empty"))
        #expect(try #require(refusal("order-id\tsku\n1\t2\n")).message.contains("not an Amazon settlement report"))
        #expect(try #require(refusal("<?xml version=\"1.0\"?><AmazonEnvelope/>\n")).message.contains("XML"))
        #expect(try #require(refusal(ReportBuilder.v2Header.joined(separator: "\t") + "\n")).message.contains("no summary row"))
    }
}
