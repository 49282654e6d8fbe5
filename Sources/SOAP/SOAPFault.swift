/// A SOAP 1.1 Fault, sent with HTTP 500.
public struct SOAPFault: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case client = "soap:Client"
        case server = "soap:Server"
        case versionMismatch = "soap:VersionMismatch"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
