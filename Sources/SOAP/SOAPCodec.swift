import XMLKit

/// SOAP 1.1 envelopes for the Web Connector methods: decoding what QBWC posts and encoding the answers
/// in the ASP.NET (ASMX) shape its .NET client was built against. Pure: no I/O.
public enum SOAPCodec {
    public static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    static let soap12Namespace = "http://www.w3.org/2003/05/soap-envelope"

    static let envelopeOpen =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>"
    static let envelopeClose = "</soap:Body></soap:Envelope>"

    /// Decodes one call. `soapAction` and `contentType` are the HTTP headers (nil when absent).
    public static func decode(body: [UInt8], soapAction: String?, contentType: String?) throws(SOAPFault) -> SOAPCall {
        guard let contentType, contentType.lowercased().hasPrefix("text/xml") else {
            throw SOAPFault(
                .client,
                "Content-Type must be text/xml for SOAP 1.1 (got \(contentType.map { "'\($0)'" } ?? "none"))")
        }
        guard let soapAction else {
            throw SOAPFault(.client, "the SOAPAction header is missing; the Web Connector always sends one")
        }
        try checkShape(body)
        let root: XElement
        do {
            root = try XMLReader.parse(body, limits: envelopeLimits)
        } catch {
            switch error.kind {
            case .dtdRefused: throw SOAPFault(.client, "refused: \(error.message) (SOAP 1.1 forbids DTDs)")
            case .empty: throw SOAPFault(.client, "the request body is empty; expected a SOAP envelope")
            case .malformed: throw SOAPFault(.client, "the request is not well-formed XML: \(error)")
            case .overLimit: throw SOAPFault(.client, "the request is refused: \(error.message)")
            }
        }
        guard root.name == "Envelope" else {
            throw SOAPFault(.client, "the root element is <\(root.name)>, not a SOAP <Envelope>")
        }
        guard root.namespace == envelopeNamespace else {
            if root.namespace == soap12Namespace {
                throw SOAPFault(.versionMismatch, "SOAP 1.2 is not supported; the Web Connector speaks SOAP 1.1")
            }
            throw SOAPFault(.versionMismatch, "the envelope namespace must be \(envelopeNamespace)")
        }
        guard let body = root.children.first(where: { $0.name == "Body" && $0.namespace == envelopeNamespace }) else {
            throw SOAPFault(.client, "the envelope has no soap:Body")
        }
        guard let call = body.children.first else {
            throw SOAPFault(.client, "the soap:Body is empty; expected a Web Connector method")
        }
        guard let method = SOAPMethod(rawValue: call.name), call.namespace == SOAPMethod.namespace else {
            throw SOAPFault(
                .client, "unknown method {\(call.namespace ?? "")}\(call.name); the service namespace is \(SOAPMethod.namespace)")
        }
        let action = soapAction.trimmingCharacters(in: "\"' ")
        if !action.isEmpty && action != SOAPMethod.namespace + method.rawValue {
            throw SOAPFault(
                .client, "SOAPAction '\(action)' does not match the method in the body (\(method.rawValue))")
        }
        var parameters: [String: String] = [:]
        for child in call.children where parameters[child.name] == nil {
            parameters[child.name] = child.text
        }
        return SOAPCall(method: method, parameters: parameters)
    }

    /// The ticket in the start of a request body (the first `ticket` or `wcTicket` element's text), read
    /// without parsing, so that a large body can be turned away before it is read whole; nil when none is seen.
    public static func peekTicket(_ bytes: [UInt8]) -> String? {
        var i = 0
        while i < bytes.count, let open = bytes[i...].firstIndex(of: UInt8(ascii: "<")) {
            if let name = tagName(bytes, at: open), !name.closing, name.local == "ticket" || name.local == "wcTicket",
                let end = tagEnd(bytes, from: open), bytes[end - 1] != UInt8(ascii: "/")
            {
                let start = end + 1
                let stop = bytes[start...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                let ticket = String(decoding: bytes[start..<stop], as: UTF8.self).trimmingCharacters(in: " \t\r\n")
                return ticket.isEmpty ? nil : ticket
            }
            i = open + 1
        }
        return nil
    }

    /// The most markup a call may carry: a Web Connector's envelope has a dozen elements, and the qbXML it
    /// carries is escaped text, so no real call comes near these; a body past them is refused before it is
    /// parsed, so that no body can make the parser build millions of nodes or compare thousands of attributes.
    public static let maxMarkup = 4_096
    public static let maxTagBytes = 4_096
    /// The envelope's shape while it is parsed: a Web Connector's is a dozen elements, three deep, each with a
    /// namespace or two; its one long text is the escaped qbXML. Its tags were measured by `checkShape` already.
    static let envelopeLimits = XMLReader.Limits(elements: maxMarkup, attributesPerElement: 32, depth: 16, tagBytes: .max)

    /// Refuses a body with more than `maxMarkup` tags (`<`), or a tag longer than `maxTagBytes`: one pass over
    /// the bytes, before any parsing.
    static func checkShape(_ body: [UInt8]) throws(SOAPFault) {
        switch body.withUnsafeBytes({ XMLReader.scanMarkup($0, maxTags: maxMarkup, maxTagBytes: maxTagBytes) }) {
        case .tooManyTags?:
            throw SOAPFault(.client, "the envelope has more than \(maxMarkup) tags; a Web Connector call has a few dozen (its qbXML travels as escaped text)")
        case .tagTooLong?:
            throw SOAPFault(.client, "a tag in the envelope is longer than \(maxTagBytes) bytes; a Web Connector's are a few dozen")
        case nil:
            return
        }
    }

    /// The response envelope for a method's result.
    public static func encode(_ method: SOAPMethod, _ result: SOAPResult) -> String {
        let name = method.rawValue
        var out = envelopeOpen
        out += "<\(name)Response xmlns=\"\(SOAPMethod.namespace)\"><\(name)Result>"
        switch result {
        case .string(let s):
            out += XMLEscape.text(s)
        case .strings(let list):
            for s in list { out += "<string>\(XMLEscape.text(s))</string>" }
        case .int(let n):
            out += String(n)
        }
        out += "</\(name)Result></\(name)Response>"
        out += envelopeClose
        return out
    }

    public static func encode(_ fault: SOAPFault) -> String {
        envelopeOpen + "<soap:Fault><faultcode>\(fault.code.rawValue)</faultcode><faultstring>"
            + XMLEscape.text(fault.message) + "</faultstring></soap:Fault>" + envelopeClose
    }

    /// The parameters of a logged request envelope (no header checks), or nil when it cannot be read.
    public static func loggedParameters(_ envelope: String) -> [String: String]? {
        guard let root = try? XMLReader.parse(envelope), let call = root.child("Body")?.children.first else { return nil }
        var parameters: [String: String] = [:]
        for child in call.children where parameters[child.name] == nil { parameters[child.name] = child.text }
        return parameters
    }

    /// The result of a logged response envelope (`|`-joined for string arrays), or the fault string.
    public static func loggedResult(_ envelope: String) -> String? {
        guard let root = try? XMLReader.parse(envelope), let first = root.child("Body")?.children.first else { return nil }
        if first.name == "Fault" { return "FAULT " + (first.childText("faultstring") ?? "") }
        guard let result = first.children.first else { return nil }
        if result.children.isEmpty { return result.text }
        return result.children.map(\.text).joined(separator: " | ")
    }

    /// The request body with the content of every `strPassword` element replaced by `********`, for logs:
    /// everything between its start tag and its end tag, whatever form the password takes there (text,
    /// entities, CDATA, comments); an element left open (a body cut short) is masked to the end.
    public static func maskingPasswords(in body: String) -> String {
        // Most bodies carry no password element at all: a byte search says so without walking the tags.
        guard body.utf8.firstRange(of: "strPassword".utf8) != nil else { return body }
        let bytes = Array(body.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<"), let name = tagName(bytes, at: i), !name.closing, name.local == "strPassword",
                let startEnd = tagEnd(bytes, from: i), bytes[startEnd - 1] != UInt8(ascii: "/")
            else {
                out.append(bytes[i])
                i += 1
                continue
            }
            out += bytes[i...startEnd]
            let contentStart = startEnd + 1
            var close = contentStart
            while close < bytes.count {
                if bytes[close] == UInt8(ascii: "<"), let end = tagName(bytes, at: close), end.closing, end.local == "strPassword" { break }
                close += 1
            }
            if close > contentStart { out += Array("********".utf8) }
            i = close
            if i < bytes.count { out.append(bytes[i]); i += 1 }  // the `<` of the end tag, written as is
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The local name of the tag opening at `start` (`<name`, `</prefix:name`), and whether it closes an element.
    static func tagName(_ bytes: [UInt8], at start: Int) -> (local: Substring, closing: Bool)? {
        var i = start + 1
        let closing = i < bytes.count && bytes[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        let nameStart = i
        while i < bytes.count, !" \t\r\n/>".utf8.contains(bytes[i]) { i += 1 }
        guard i > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        return (name.split(separator: ":").last ?? Substring(name), closing)
    }

    /// The index of the `>` that ends the tag opening at `start`, skipping quoted attribute values.
    static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var i = start + 1
        while i < bytes.count {
            let b = bytes[i]
            if let q = quote {
                if b == q { quote = nil }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return i
            }
            i += 1
        }
        return nil
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
