import XMLKit

/// The request envelopes the Web Connector sends, as it writes them (no whitespace, the `soap` prefix, the
/// Intuit namespace on the method element): for the tests' simulated Web Connector and the load benchmark.
public enum WebConnectorRequest {
    public static let prefix =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>"
    public static let suffix = "</soap:Body></soap:Envelope>"

    /// The envelope for `method` with these parameters, in order (an empty value is written `<name />`).
    public static func envelope(_ method: String, _ parameters: [(String, String)]) -> String {
        if parameters.isEmpty {
            return prefix + "<\(method) xmlns=\"http://developer.intuit.com/\" />" + suffix
        }
        var out = prefix + "<\(method) xmlns=\"http://developer.intuit.com/\">"
        for (name, value) in parameters {
            out += value.isEmpty ? "<\(name) />" : "<\(name)>\(XMLEscape.text(value))</\(name)>"
        }
        return out + "</\(method)>" + suffix
    }
}
