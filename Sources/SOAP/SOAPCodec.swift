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
        let root: XElement
        do {
            root = try XMLReader.parse(body)
        } catch {
            switch error.kind {
            case .dtdRefused: throw SOAPFault(.client, "refused: \(error.message) (SOAP 1.1 forbids DTDs)")
            case .empty: throw SOAPFault(.client, "the request body is empty; expected a SOAP envelope")
            case .malformed: throw SOAPFault(.client, "the request is not well-formed XML: \(error)")
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

    /// The request body with the content of every `strPassword` element replaced by `********`, for logs.
    public static func maskingPasswords(in body: String) -> String {
        // Most bodies carry no password element at all: a byte search says so without walking the tags.
        guard body.utf8.firstRange(of: "strPassword".utf8) != nil else { return body }
        var out = ""
        var rest = Substring(body)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            out += rest[...close]
            rest = rest[rest.index(after: close)...]
            let isOpening = !tag.hasPrefix("/") && !tag.hasSuffix("/") && !tag.hasPrefix("?") && !tag.hasPrefix("!")
            let name = tag.prefix { $0 != " " && $0 != "/" && $0 != "\t" && $0 != "\n" }
            guard isOpening, name.split(separator: ":").last == "strPassword" else { continue }
            let contentEnd = rest.firstIndex(of: "<") ?? rest.endIndex
            if contentEnd != rest.startIndex { out += "********" }
            rest = rest[contentEnd...]
        }
        return out + rest
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
