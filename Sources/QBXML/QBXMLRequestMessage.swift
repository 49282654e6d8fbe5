/// Builds the qbXML request message set that sendRequestXML returns.
public enum QBXMLRequestMessage {
    /// - Parameters:
    ///   - version: the `<?qbxml version?>` to declare.
    ///   - requests: each request's id (echoed by QuickBooks as `requestID`) and its `*Rq` element text as
    ///     produced by `QBXMLRequest` (no `requestID` attribute yet).
    ///   - onError: `continueOnError` so that one failed request does not stop the rest of the batch.
    public static func build(
        version: QBXMLVersion, requests: [(requestID: String, body: String)], onError: String = "continueOnError"
    ) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"\(version)\"?>\n"
        out += "<QBXML><QBXMLMsgsRq onError=\"\(onError)\">"
        for (id, body) in requests {
            out += withRequestID(body, id)
        }
        out += "</QBXMLMsgsRq></QBXML>"
        return out
    }

    /// Inserts ` requestID="id"` after the element name of a request body that has none.
    static func withRequestID(_ body: String, _ id: String) -> String {
        guard body.first == "<", let end = body.firstIndex(where: { $0 == " " || $0 == ">" || $0 == "/" }) else {
            return body
        }
        return String(body[..<end]) + " requestID=\"\(id)\"" + String(body[end...])
    }
}
