import Foundation
import SOAP
import XMLKit

/// Speaks SOAP to qblink exactly as the QuickBooks Web Connector 2.x does: the captured envelope prefix,
/// parameters in WSDL order with empty ones self-closed (`<hresult />`), the .NET client's headers, and
/// `Expect: 100-continue` on every call over one keep-alive connection.
public final class WebConnectorClient: @unchecked Sendable {
    /// The servers this client's calls go to, in turn (one: every call to it; two: a load balancer without
    /// affinity sending each call to the next).
    public let ports: [Int]
    public var port: Int { ports[0] }
    var connections: [Int: RawHTTPConnection] = [:]
    var calls = 0
    /// TCP connections opened so far (1 when keep-alive held for every call).
    public private(set) var connectionsOpened = 0
    /// The `100 Continue` delay of every call, in milliseconds (nil where none came).
    public private(set) var continueDelays: [Double?] = []

    public init(port: Int) {
        ports = [port]
    }

    public init(ports: [Int]) {
        precondition(!ports.isEmpty)
        self.ports = ports
    }

    public static let prefix = WebConnectorRequest.prefix
    public static let suffix = WebConnectorRequest.suffix

    /// The envelope the Web Connector sends for `method` with these parameters.
    public static func envelope(_ method: String, _ parameters: [(String, String)]) -> String {
        WebConnectorRequest.envelope(method, parameters)
    }

    public func headers(_ method: String, length: Int, port: Int? = nil) -> [(String, String)] {
        let port = port ?? self.port
        var h: [(String, String)] = [
            ("User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.1433)"),
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", "\"http://developer.intuit.com/\(method)\""),
            ("Host", "127.0.0.1:\(port)"),
            ("Content-Length", String(length)),
            ("Expect", "100-continue"),
        ]
        if calls == 0 { h.append(("Connection", "Keep-Alive")) }
        return h
    }

    /// Posts an envelope and returns the raw reply.
    public func post(_ method: String, body: String) async throws -> RawHTTPConnection.Reply {
        let bytes = Array(body.utf8)
        let port = ports[calls % ports.count]
        let connection: RawHTTPConnection
        if let open = connections[port] {
            connection = open
        } else {
            connection = try RawHTTPConnection(port: port)
            connections[port] = connection
            connectionsOpened += 1
        }
        let h = headers(method, length: bytes.count, port: port)
        calls += 1
        let reply: RawHTTPConnection.Reply
        do {
            reply = try await connection.request(headers: h, body: bytes, expectContinue: true)
        } catch RawHTTPConnection.Failure.closed {
            // The server closed the kept-alive connection: reconnect once, as .NET does.
            let again = try RawHTTPConnection(port: port)
            connections[port] = again
            connectionsOpened += 1
            reply = try await again.request(headers: h, body: bytes, expectContinue: true)
        }
        continueDelays.append(reply.continueAfterMS)
        return reply
    }

    public struct CallError: Error, CustomStringConvertible {
        public var status: Int
        public var body: String
        public var description: String { "HTTP \(status): \(body)" }
    }

    /// Calls a method and returns its `…Result` element.
    public func call(_ method: String, _ parameters: [(String, String)] = []) async throws -> XElement {
        let reply = try await post(method, body: Self.envelope(method, parameters))
        guard reply.status == 200, reply.header("Content-Type") == "text/xml; charset=utf-8" else {
            throw CallError(status: reply.status, body: reply.body)
        }
        let root = try XMLReader.parse(reply.body)
        guard let response = root.child("Body")?.child(method + "Response"), let result = response.child(method + "Result") else {
            throw CallError(status: reply.status, body: reply.body)
        }
        return result
    }

    public func serverVersion() async throws -> String { try await call("serverVersion").text }

    public func clientVersion(_ version: String = "2.3.0.215") async throws -> String {
        try await call("clientVersion", [("strVersion", version)]).text
    }

    public func authenticate(_ user: String, _ password: String) async throws -> [String] {
        try await call("authenticate", [("strUserName", user), ("strPassword", password)]).children("string").map(\.text)
    }

    public func sendRequestXML(
        _ ticket: String, hcp: String = "", company: String = "C:\\Books\\Shop.QBW", country: String = "US",
        major: Int = 13, minor: Int = 0
    ) async throws -> String {
        try await call("sendRequestXML", [
            ("ticket", ticket), ("strHCPResponse", hcp), ("strCompanyFileName", company), ("qbXMLCountry", country),
            ("qbXMLMajorVers", String(major)), ("qbXMLMinorVers", String(minor)),
        ]).text
    }

    public func receiveResponseXML(_ ticket: String, response: String, hresult: String = "", message: String = "") async throws -> Int {
        let text = try await call("receiveResponseXML", [
            ("ticket", ticket), ("response", response), ("hresult", hresult), ("message", message),
        ]).text
        guard let value = Int(text) else { throw CallError(status: 200, body: "not an integer: \(text)") }
        return value
    }

    public func connectionError(_ ticket: String, hresult: String, message: String) async throws -> String {
        try await call("connectionError", [("ticket", ticket), ("hresult", hresult), ("message", message)]).text
    }

    public func getLastError(_ ticket: String) async throws -> String {
        try await call("getLastError", [("ticket", ticket)]).text
    }

    public func closeConnection(_ ticket: String) async throws -> String {
        try await call("closeConnection", [("ticket", ticket)]).text
    }
}
