import Foundation
import Testing
import XMLKit

@Suite struct XMLReaderTests {
    @Test func parsesNamespacesTextAndAttributes() throws {
        let root = try XMLReader.parse(
            #"<?xml version="1.0"?><a:Root xmlns:a="urn:x" k="v &amp; w"><b>one &lt;two&gt; &amp; three</b><c /><d></d></a:Root>"#)
        #expect(root.name == "Root")
        #expect(root.namespace == "urn:x")
        #expect(root.attribute("k") == "v & w")
        #expect(root.childText("b") == "one <two> & three")
        #expect(root.childText("c") == "")
        #expect(root.childText("d") == "")
        #expect(root.child("missing") == nil)
    }

    @Test func keepsProcessingInstructionsOutsideTheRoot() throws {
        let document = try XMLReader.parseDocument(#"<?xml version="1.0"?><?qbxml version="13.0"?><QBXML/>"#)
        #expect(document.processingInstructions.count == 1)
        #expect(document.processingInstructions[0].target == "qbxml")
        #expect(document.processingInstructions[0].content == #"version="13.0""#)
    }

    @Test func refusesAnExternalEntityWithoutReadingIt() throws {
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>"#
        #expect(throws: XMLParseError.self) { try XMLReader.parse(xxe) }
        do {
            _ = try XMLReader.parse(xxe)
        } catch {
            #expect(error.kind == .dtdRefused)
            #expect(!error.message.contains("root:"))
        }
    }

    @Test func refusesAnEntityBombFast() throws {
        var bomb = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        var previous = "lol"
        for i in 1...9 {
            let name = "lol\(i)"
            bomb += "<!ENTITY \(name) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
            previous = name
        }
        bomb += "]><lolz>&\(previous);</lolz>"
        let started = Date()
        #expect(throws: XMLParseError.self) { try XMLReader.parse(bomb) }
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func refusesAnyDTD() {
        let withDTD = #"<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r>x</r>"#
        do {
            _ = try XMLReader.parse(withDTD)
            Issue.record("a DTD was accepted")
        } catch {
            #expect(error.kind == .dtdRefused)
        }
    }

    @Test(arguments: [
        ("<a><b></a>", 1), ("<a>\n<b>\n</a>", 3), ("<a", 1), ("no xml at all", 1), ("<a></a><b></b>", 1),
    ])
    func reportsMalformedDocumentsWithTheirLine(text: String, line: Int) {
        do {
            _ = try XMLReader.parse(text)
            Issue.record("accepted malformed XML: \(text)")
        } catch {
            #expect(error.kind == .malformed)
            #expect(error.line == line)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func refusesAnEmptyDocument() {
        for text in ["", "   \n  "] {
            do {
                _ = try XMLReader.parse(text)
                Issue.record("accepted an empty document")
            } catch {
                #expect(error.kind == .empty)
            }
        }
    }

    @Test func serialisesWithEscapingAndRoundTrips() throws {
        var e = XElement("Memo", attributes: [("note", "a \"quoted\" <tag> & more")], nodes: [.text("Fish & Chips <large>")])
        e.nodes.append(.element(XElement("Empty")))
        let text = e.serialized()
        #expect(text == #"<Memo note="a &quot;quoted&quot; &lt;tag&gt; &amp; more">Fish &amp; Chips &lt;large&gt;<Empty /></Memo>"#)
        #expect(try XMLReader.parse(text) == e)
    }

    @Test func dropsIgnorableWhitespaceBetweenElementsButKeepsLeafText() throws {
        let root = try XMLReader.parse("<a>\n  <b>  padded  </b>\n  <c>x</c>\n</a>")
        #expect(root.nodes.count == 2)
        #expect(root.childText("b") == "  padded  ")
    }

    @Test func readsLatin1DocumentsByTheirDeclaration() throws {
        let bytes: [UInt8] = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>caf"#.utf8) + [0xE9] + Array("</a>".utf8)
        #expect(try XMLReader.parse(bytes).text == "café")
    }
}

@Suite struct XMLReaderLimitTests {
    @Test func aTextNodeOverLibxml2sLimitIsRefusedNotCutShort() throws {
        // libxml2 stops adding to a text node past 10,000,000 bytes without XML_PARSE_HUGE (text that comes in
        // pieces, as escaped qbXML in a receiveResponseXML does); what it read must not pass as the whole.
        let text = String(repeating: "&lt;a&gt;", count: 3_500_000)
        let read = try? XMLReader.parse("<a>" + text + "</a>")
        #expect(read.map { $0.text.utf8.count } == nil)
        do {
            _ = try XMLReader.parse("<a>" + text + "</a>")
        } catch {
            #expect(error.message.contains("too long"), "\(error.message)")
        }
        let fits = try XMLReader.parse("<a>" + String(repeating: "x", count: 1_000_000) + "</a>")
        #expect(fits.text.utf8.count == 1_000_000)
    }
}
