import CLibXML2

/// Why a document was refused.
public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not well-formed (truncated, garbage, bad nesting, bad encoding, …).
        case malformed
        /// The document carries a DTD (internal or external subset). SOAP 1.1 and qbXML never need one,
        /// and it is where external entities and entity bombs live.
        case dtdRefused
        /// The document is empty.
        case empty
        /// Past one of the reader's `Limits` (elements, attributes, depth, text, tag length); parsing stopped there.
        case overLimit
    }

    public var kind: Kind
    public var message: String
    /// 1-based line where the problem was found, when known.
    public var line: Int?

    public init(kind: Kind, message: String, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

/// A parsed document: its root element and the processing instructions outside it
/// (such as `<?qbxml version="13.0"?>`).
public struct XDocument: Sendable {
    public var root: XElement
    public var processingInstructions: [(target: String, content: String)]
}

/// A hardened libxml2 front end: no network, no external entities, no DTDs, no entity substitution,
/// libxml2's default size and depth limits (no XML_PARSE_HUGE), and `Limits` of our own checked while parsing.
/// Parsing is pure: no I/O happens.
public enum XMLReader {
    /// What one document may hold. Tags are measured before parsing (libxml2 checks an element's attributes for
    /// duplicates in quadratic time); the rest is counted as the tree is built, which stops at the first excess.
    public struct Limits: Sendable {
        public var elements: Int
        public var attributesPerElement: Int
        public var depth: Int
        /// One text run (between two tags), in bytes.
        public var textBytes: Int
        /// One tag, from `<` to `>`, in bytes.
        public var tagBytes: Int

        public init(elements: Int = 1_000_000, attributesPerElement: Int = 256, depth: Int = 256, textBytes: Int = 10_000_000, tagBytes: Int = 64 << 10) {
            self.elements = elements
            self.attributesPerElement = attributesPerElement
            self.depth = depth
            self.textBytes = textBytes
            self.tagBytes = tagBytes
        }

        public static let standard = Limits()
    }

    private static let setUp: Void = {
        cxml_install_deny_loader()
    }()

    public static func parse(_ text: String, limits: Limits = .standard) throws(XMLParseError) -> XElement {
        try parseDocument(text, limits: limits).root
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = .standard) throws(XMLParseError) -> XElement {
        try bytes.withUnsafeBytes { buffer in Result { () throws(XMLParseError) in try parseDocument(buffer, limits: limits) } }.get().root
    }

    public static func parseDocument(_ text: String, limits: Limits = .standard) throws(XMLParseError) -> XDocument {
        var copy = text
        return try copy.withUTF8 { buffer in
            Result { () throws(XMLParseError) in try parseDocument(UnsafeRawBufferPointer(buffer), limits: limits) }
        }.get()
    }

    /// The document laid out one element per line, indented (processing instructions first), for people to
    /// read; nil when it is not well-formed XML (show it as it is then).
    public static func prettyPrinted(_ text: String) -> String? {
        guard let document = try? parseDocument(text) else { return nil }
        let instructions = document.processingInstructions.map { "<?\($0.target) \($0.content)?>\n" }.joined()
        return instructions + document.root.indented()
    }

    /// Gives the memory freed by large parses back to the system (glibc keeps it otherwise).
    public static func releaseFreeMemory() {
        cxml_release_free_memory()
    }

    /// What a scan of the markup found past its limits.
    public enum MarkupExcess: Sendable, Equatable {
        case tooManyTags
        case tagTooLong
    }

    /// One pass over the bytes, before any parsing: the first excess of more than `maxTags` tags (each `<`) or of
    /// a tag longer than `maxTagBytes` (from `<` to `>`), or nil.
    public static func scanMarkup(_ buffer: UnsafeRawBufferPointer, maxTags: Int = .max, maxTagBytes: Int) -> MarkupExcess? {
        var tags = 0
        var i = 0
        let n = buffer.count
        while i < n {
            guard buffer[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            tags += 1
            guard tags <= maxTags else { return .tooManyTags }
            var j = i + 1
            while j < n && buffer[j] != UInt8(ascii: ">") && j - i <= maxTagBytes { j += 1 }
            guard j - i <= maxTagBytes else { return .tagTooLong }
            i = j
        }
        return nil
    }

    static func exceeded(_ state: cxml_state, _ limits: Limits) -> XMLParseError? {
        let what: String
        switch state.exceeded {
        case 1: what = "more than \(limits.elements) elements"
        case 2: what = "an element with more than \(limits.attributesPerElement) attributes"
        case 3: what = "elements nested more than \(limits.depth) deep"
        case 4: what = "a text of more than \(limits.textBytes) bytes"
        default: return nil
        }
        return XMLParseError(
            kind: .overLimit, message: "the document is too long for the XML reader's limits: it has \(what); parsing stopped there and nothing of it was used")
    }

    public static func parseDocument(_ buffer: UnsafeRawBufferPointer, limits: Limits = .standard) throws(XMLParseError) -> XDocument {
        _ = setUp
        guard buffer.contains(where: { !isSpace($0) }) else {
            throw XMLParseError(kind: .empty, message: "the document is empty")
        }
        guard buffer.count <= Int(Int32.max), let base = buffer.baseAddress else {
            throw XMLParseError(kind: .malformed, message: "the document is too large")
        }
        // A document no longer than the limit cannot hold a longer tag (and `.max` says the caller measured them).
        if limits.tagBytes < buffer.count, scanMarkup(buffer, maxTagBytes: limits.tagBytes) != nil {
            throw XMLParseError(kind: .overLimit, message: "a tag is longer than \(limits.tagBytes) bytes; nothing of the document was used")
        }
        guard let ctxt = xmlNewParserCtxt() else {
            throw XMLParseError(kind: .malformed, message: "the XML parser could not start")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let state = UnsafeMutablePointer<cxml_state>.allocate(capacity: 1)
        state.initialize(to: cxml_state())
        state.pointee.max_elements = limits.elements
        state.pointee.max_attributes = limits.attributesPerElement
        state.pointee.max_depth = limits.depth
        state.pointee.max_text = limits.textBytes
        defer { state.deallocate() }
        cxml_track(ctxt, state)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = xmlCtxtReadMemory(
            ctxt, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), "document.xml", nil, options)
        defer { if let doc { xmlFreeDoc(doc) } }
        if let over = exceeded(state.pointee, limits) { throw over }
        guard let doc else {
            throw firstError(state) ?? XMLParseError(kind: .malformed, message: "the document is not well-formed XML")
        }
        if ctxt.pointee.wellFormed == 0 {
            throw firstError(state) ?? XMLParseError(kind: .malformed, message: "the document is not well-formed XML")
        }
        // libxml2 stops at its limits (a text node over 10,000,000 bytes, too deep a nesting) and returns what it
        // read so far as if it were the whole: that must not pass.
        if ctxt.pointee.errNo != 0 || ctxt.pointee.disableSAX != 0 {
            let reason = firstError(state)?.message ?? "error \(ctxt.pointee.errNo)"
            throw XMLParseError(
                kind: .malformed, message: "the document is too long or too deep for the XML reader's limits (\(reason)); nothing of it was used")
        }
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            throw XMLParseError(
                kind: .dtdRefused, message: "a DTD (<!DOCTYPE …>) is not allowed in this document", line: 1)
        }
        guard let root = xmlDocGetRootElement(doc) else {
            throw XMLParseError(kind: .empty, message: "the document has no root element")
        }
        var instructions: [(target: String, content: String)] = []
        var top = doc.pointee.children
        while let node = top {
            if node.pointee.type == XML_PI_NODE {
                instructions.append((string(node.pointee.name), string(node.pointee.content)))
            }
            top = node.pointee.next
        }
        return XDocument(root: try convert(root), processingInstructions: instructions)
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    private static func firstError(_ state: UnsafeMutablePointer<cxml_state>) -> XMLParseError? {
        let first = state.pointee.first
        guard first.set != 0 else { return nil }
        var message = withUnsafeBytes(of: first.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        while message.last?.isWhitespace == true { message.removeLast() }
        if message.isEmpty { message = "the document is not well-formed XML" }
        let line = Int(first.line)
        return XMLParseError(kind: .malformed, message: message, line: line > 0 ? line : nil)
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    private static func convert(_ node: xmlNodePtr) throws(XMLParseError) -> XElement {
        var element = XElement(string(node.pointee.name))
        element.line = Int(xmlGetLineNo(node))
        if let ns = node.pointee.ns, let href = ns.pointee.href {
            element.namespace = string(href)
        }
        var attr = node.pointee.properties
        while let a = attr {
            var value = ""
            var child = a.pointee.children
            while let c = child {
                if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
                    value += string(content)
                } else if c.pointee.type == XML_ENTITY_REF_NODE {
                    throw XMLParseError(
                        kind: .dtdRefused, message: "entity references are not allowed", line: element.line)
                }
                child = c.pointee.next
            }
            element.attributes.append((string(a.pointee.name), value))
            attr = a.pointee.next
        }
        var hasElementChild = false
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                hasElementChild = true
                element.nodes.append(.element(try convert(c)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = string(c.pointee.content)
                if case .text(let previous)? = element.nodes.last {
                    element.nodes[element.nodes.count - 1] = .text(previous + text)
                } else {
                    element.nodes.append(.text(text))
                }
            case XML_ENTITY_REF_NODE:
                throw XMLParseError(
                    kind: .dtdRefused, message: "entity references are not allowed", line: Int(xmlGetLineNo(c)))
            default:
                break  // comments and processing instructions carry no data
            }
            child = c.pointee.next
        }
        if hasElementChild {
            element.nodes.removeAll {
                if case .text(let t) = $0 { return t.allSatisfy(\.isWhitespace) }
                return false
            }
        }
        return element
    }
}
