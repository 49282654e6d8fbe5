import XMLKit

/// One `*Rs` of a qbXML response message set.
public struct QBXMLResponseItem: Sendable, Equatable {
    /// e.g. "CustomerAddRs".
    public var type: String
    public var requestID: String?
    public var statusCode: Int
    /// "Info", "Warn" or "Error".
    public var statusSeverity: String
    public var statusMessage: String
    /// The `*Ret` aggregates returned (several for a query).
    public var rets: [XElement]

    public init(type: String, requestID: String?, statusCode: Int, statusSeverity: String, statusMessage: String, rets: [XElement] = []) {
        self.type = type
        self.requestID = requestID
        self.statusCode = statusCode
        self.statusSeverity = statusSeverity
        self.statusMessage = statusMessage
        self.rets = rets
    }

    /// True when QuickBooks refused the request. Warnings (500–999) still carry the object and are not
    /// failures; Info 1 ("no match") is not a failure either.
    public var isError: Bool {
        if statusSeverity.caseInsensitiveEquals("Error") { return true }
        if statusSeverity.caseInsensitiveEquals("Info") || statusSeverity.caseInsensitiveEquals("Warn") { return false }
        return statusCode >= 1000
    }

    /// The TxnID of the first returned object, if any.
    public var txnID: String? { rets.first?.childText("TxnID") }
    /// The ListID of the first returned object, if any.
    public var listID: String? { rets.first?.childText("ListID") }
}

public struct QBXMLResponse: Sendable {
    public var items: [QBXMLResponseItem]

    /// What a response may hold. QuickBooks' answer to a batch of 50 adds is a few thousand elements, a handful
    /// of attributes each (requestID, statusCode, statusSeverity, statusMessage, iterator ones), under ten deep;
    /// 200,000 elements keep one parse's tree under about 100 MB.
    public static let limits = XMLReader.Limits(elements: 200_000, attributesPerElement: 32, depth: 64, tagBytes: 16 << 10)

    /// Parses the qbXML QuickBooks returned through receiveResponseXML. Lenient: elements are found by
    /// name and unknown ones ignored (QuickBooks' responses are not always schema-valid).
    public static func parse(_ text: String) throws(QBXMLFileError) -> QBXMLResponse {
        let root: XElement
        do {
            root = try XMLReader.parse(text, limits: limits)
        } catch {
            throw QBXMLFileError(line: error.line, message: "QuickBooks' response is not well-formed XML: \(error.message)")
        }
        guard root.name == "QBXML", let set = root.child("QBXMLMsgsRs") else {
            throw QBXMLFileError(line: root.line, message: "QuickBooks' response has no <QBXML><QBXMLMsgsRs>")
        }
        var items: [QBXMLResponseItem] = []
        for rs in set.children where rs.name.hasSuffix("Rs") {
            items.append(
                QBXMLResponseItem(
                    type: rs.name,
                    requestID: rs.attribute("requestID"),
                    statusCode: Int(rs.attribute("statusCode") ?? "") ?? -1,
                    statusSeverity: rs.attribute("statusSeverity") ?? "",
                    statusMessage: rs.attribute("statusMessage") ?? "",
                    rets: rs.children.filter { $0.name.hasSuffix("Ret") }))
        }
        return QBXMLResponse(items: items)
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.lowercased() == other.lowercased()
    }
}
