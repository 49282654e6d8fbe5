import XMLKit

/// One request taken from a qbXML file, ready to be queued.
public struct QBXMLRequest: Sendable, Equatable {
    /// The request's aggregate name without the `Rq` suffix, e.g. "CustomerAdd".
    public var type: String
    /// The serialised `*Rq` element, without a `requestID` (qblink sets it when sending).
    public var body: String
    /// The transaction's RefNumber, when it has one (used to resolve an item in doubt).
    public var refNumber: String?
    /// The qbXML version the file was written for, from its `<?qbxml version?>` instruction.
    public var minimumVersion: QBXMLVersion?

    public init(type: String, body: String, refNumber: String? = nil, minimumVersion: QBXMLVersion? = nil) {
        self.type = type
        self.body = body
        self.refNumber = refNumber
        self.minimumVersion = minimumVersion
    }

    /// Builds a request from an `*Rq` element.
    public init(element: XElement, minimumVersion: QBXMLVersion? = nil) {
        var element = element
        element.removeAttribute("requestID")
        let type = String(element.name.dropLast(2))
        self.init(
            type: type, body: element.serialized(),
            refNumber: element.child(type)?.childText("RefNumber"), minimumVersion: minimumVersion)
    }
}

/// Why a qbXML file was refused.
public struct QBXMLFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

/// Splits a qbXML request document into queue items, all or nothing.
public enum QBXMLRequestFile {
    public static func requests(in text: String) throws(QBXMLFileError) -> [QBXMLRequest] {
        try requests(in: Array(text.utf8))
    }

    /// Reads the file's bytes; the XML declaration's encoding (UTF-8 by default, ISO-8859-1, …) is honoured.
    public static func requests(in bytes: [UInt8]) throws(QBXMLFileError) -> [QBXMLRequest] {
        let document: XDocument
        do {
            document = try bytes.withUnsafeBytes { buffer in
                Result { () throws(XMLParseError) in try XMLReader.parseDocument(buffer) }
            }.get()
        } catch {
            throw QBXMLFileError(line: error.line, message: "not well-formed XML: \(error.message)")
        }
        var version: QBXMLVersion?
        if let pi = document.processingInstructions.first(where: { $0.target == "qbxml" }) {
            guard let v = versionAttribute(pi.content) else {
                throw QBXMLFileError(line: 1, message: "cannot read the qbXML version in <?qbxml \(pi.content)?>")
            }
            version = v
        }
        let root = document.root
        guard root.name == "QBXML" else {
            throw QBXMLFileError(line: root.line, message: "the root element is <\(root.name)>; a qbXML request file has <QBXML>")
        }
        guard let messages = root.child("QBXMLMsgsRq") else {
            if root.child("QBXMLMsgsRs") != nil {
                throw QBXMLFileError(line: root.line, message: "this is a qbXML response (QBXMLMsgsRs), not a request")
            }
            throw QBXMLFileError(line: root.line, message: "<QBXML> holds no <QBXMLMsgsRq>")
        }
        var requests: [QBXMLRequest] = []
        for element in messages.children {
            guard element.name.hasSuffix("Rq"), element.name.count > 2 else {
                throw QBXMLFileError(line: element.line, message: "<\(element.name)> is not a request (its name must end in Rq)")
            }
            if let iterator = element.attribute("iterator") {
                throw QBXMLFileError(
                    line: element.line,
                    message: "<\(element.name)> uses iterator=\"\(iterator)\"; iterators cannot span Web Connector sessions, so queue a query without one")
            }
            try checkText(element)
            requests.append(QBXMLRequest(element: element, minimumVersion: version))
        }
        guard !requests.isEmpty else {
            throw QBXMLFileError(line: messages.line, message: "<QBXMLMsgsRq> holds no request")
        }
        return requests
    }

    /// Reads `version="13.0"` from the content of a `<?qbxml ?>` instruction.
    static func versionAttribute(_ content: String) -> QBXMLVersion? {
        let chars = Array(content)
        let word = Array("version")
        guard let start = chars.indices.first(where: { chars[$0...].starts(with: word) }) else { return nil }
        let rest = chars[(start + word.count)...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return QBXMLVersion(String(rest.dropFirst().prefix { $0 != quote }))
    }

    private static func checkText(_ element: XElement) throws(QBXMLFileError) {
        for (name, value) in element.attributes {
            if let bad = QBXMLText.firstUnsafeCharacter(in: value) {
                throw QBXMLFileError(
                    line: element.line,
                    message: "attribute \(name) of <\(element.name)> holds \(QBXMLText.describe(bad)), which QuickBooks cannot store (ISO-8859-1 only)")
            }
        }
        for node in element.nodes {
            switch node {
            case .text(let text):
                if let bad = QBXMLText.firstUnsafeCharacter(in: text) {
                    throw QBXMLFileError(
                        line: element.line,
                        message: "<\(element.name)> holds \(QBXMLText.describe(bad)), which QuickBooks cannot store (ISO-8859-1 only)")
                }
            case .element(let child):
                try checkText(child)
            }
        }
    }
}
