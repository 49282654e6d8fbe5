import Foundation
import QBXML
import Testing
import XMLKit

/// The reader's limits are checked while it parses: the first excess stops it, with a reason, and nothing
/// of the document is used.
@Suite struct XMLReaderLimitTests {
    func refusal(_ text: String, _ limits: XMLReader.Limits) -> XMLParseError? {
        do {
            _ = try XMLReader.parse(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func eachLimitStopsTheParseWithItsReason() {
        let small = XMLReader.Limits(elements: 100, attributesPerElement: 4, depth: 8, textBytes: 1_000, tagBytes: 200)
        let many = "<r>" + String(repeating: "<a/>", count: 100) + "</r>"
        #expect(refusal(many, small)?.message.contains("more than 100 elements") == true)
        #expect(refusal("<r>" + String(repeating: "<a/>", count: 99) + "</r>", small) == nil)
        #expect(refusal(#"<r a="1" b="2" c="3" d="4" e="5"/>"#, small)?.message.contains("more than 4 attributes") == true)
        #expect(refusal(String(repeating: "<a>", count: 9) + String(repeating: "</a>", count: 9), small)?.message.contains("nested more than 8 deep") == true)
        #expect(refusal(String(repeating: "<a>", count: 8) + String(repeating: "</a>", count: 8), small) == nil)
        #expect(refusal("<r>" + String(repeating: "x", count: 1_001) + "</r>", small)?.message.contains("a text of more than 1000 bytes") == true)
        #expect(refusal("<r><![CDATA[" + String(repeating: "x", count: 1_001) + "]]></r>", small)?.kind == .overLimit)
        // Text is counted per run: many short texts are fine.
        #expect(refusal("<r>" + String(repeating: "<a>xxxxxxxxx</a>", count: 90) + "</r>", small) == nil)
        #expect(refusal("<r " + String(repeating: "a", count: 300) + "=\"1\"/>", small)?.message.contains("a tag is longer than 200 bytes") == true)
    }

    @Test func aResponseOfMillionsOfElementsIsRefusedQuicklyAndCheaply() throws {
        // About 10 MB of <a/>: what libxml2 alone would build into a tree of 2.5 million nodes.
        let body = "<?xml version=\"1.0\"?><QBXML><QBXMLMsgsRs>" + String(repeating: "<a/>", count: 2_500_000) + "</QBXMLMsgsRs></QBXML>"
        let started = Date()
        #expect(throws: QBXMLFileError.self) { try QBXMLResponse.parse(body) }
        do {
            _ = try QBXMLResponse.parse(body)
        } catch {
            #expect(error.message.contains("more than 200000 elements"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 10)
        // Quadratic attribute checks never start: a tag of 100,000 attributes is refused by its length.
        let attributes = (0..<100_000).map { "a\($0)=\"\"" }.joined(separator: " ")
        let wide = "<QBXML><QBXMLMsgsRs><CustomerAddRs " + attributes + "/></QBXMLMsgsRs></QBXML>"
        let quick = Date()
        #expect(throws: QBXMLFileError.self) { try QBXMLResponse.parse(wide) }
        #expect(Date().timeIntervalSince(quick) < 1)
    }
}
