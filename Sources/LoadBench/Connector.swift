import AsyncHTTPClient
import Foundation
import NIOCore
import SOAP
import WebConnector

/// Where a simulated Web Connector's calls go: a server over HTTP, or the service itself in this process (the
/// step profile, which leaves HTTP out).
enum Transport: Sendable {
    case http(HTTPClient, url: String)
    case service(WebConnectorService)
}

/// A simulated Web Connector: the envelopes the real one sends, QuickBooks' answers made up at once. Kept
/// cheap (prebuilt text, plain string search), so that the load generator costs far less than the server.
struct Connector {
    let transport: Transport
    var tally = Tally()

    init(client: HTTPClient, url: String) {
        transport = .http(client, url: url)
    }

    init(service: WebConnectorService) {
        transport = .service(service)
    }

    static func envelope(_ method: String, _ parameters: [(String, String)]) -> String {
        WebConnectorRequest.envelope(method, parameters)
    }

    static func unescape(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Posts one call and returns the response body.
    mutating func call(_ method: String, _ body: String) async throws -> String {
        let action = "\"http://developer.intuit.com/\(method)\""
        let start = DispatchTime.now().uptimeNanoseconds
        let (status, text): (Int, String)
        switch transport {
        case .http(let client, let url):
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
            request.headers.add(name: "SOAPAction", value: action)
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(60))
            (status, text) = (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 64 << 20)))
        case .service(let service):
            let reply = await service.respond(body: Array(body.utf8), soapAction: action, contentType: "text/xml; charset=utf-8", client: "127.0.0.1")
            (status, text) = (reply.status, reply.body)
        }
        tally.record(method, since: start)
        if status != 200 { tally.failures += 1 }
        return text
    }

    /// The text of every `<tag>` in `text`, in order.
    static func all(_ tag: String, in text: String) -> [Substring] {
        var out: [Substring] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest.range(of: "</\(tag)>", range: open.upperBound..<rest.endIndex) {
            out.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return out
    }

    /// authenticate; the ticket and the second string, or nil when refused.
    mutating func authenticate(_ user: String, _ password: String) async throws -> (ticket: String, answer: String)? {
        let body = try await call("authenticate", Self.envelope("authenticate", [("strUserName", user), ("strPassword", password)]))
        let strings = Self.all("string", in: body)
        guard strings.count >= 2, !strings[0].isEmpty else { return nil }
        return (String(strings[0]), String(strings[1]))
    }

    mutating func close(_ ticket: String) async throws {
        _ = try await call("closeConnection", Self.envelope("closeConnection", [("ticket", ticket)]))
    }

    /// What the Web Connector does on a schedule when nothing is queued: authenticate, "none", closeConnection.
    mutating func idlePoll(_ user: String, _ password: String) async throws {
        guard let (ticket, _) = try await authenticate(user, password) else {
            tally.failures += 1
            return
        }
        try await close(ticket)
    }

    /// One Update Selected over a queue of CustomerAdd requests, each answered as created.
    mutating func drain(_ user: String, _ password: String) async throws {
        guard let (ticket, answer) = try await authenticate(user, password), answer != "none" else { return }
        var first = true
        var serial = 0
        while true {
            let sent = try await call("sendRequestXML", Self.envelope("sendRequestXML", [
                ("ticket", ticket), ("strHCPResponse", first ? Self.hostResponse : ""), ("strCompanyFileName", "C:\\Books\\Load.QBW"),
                ("qbXMLCountry", "US"), ("qbXMLMajorVers", "13"), ("qbXMLMinorVers", "0"),
            ]))
            first = false
            let requestXML = Self.all("sendRequestXMLResult", in: sent).first.map(Self.unescape) ?? ""
            if requestXML.isEmpty { break }
            let (response, count) = Self.answer(requestXML, serial: &serial)
            let progress = try await call("receiveResponseXML", Self.envelope("receiveResponseXML", [
                ("ticket", ticket), ("response", response), ("hresult", ""), ("message", ""),
            ]))
            tally.created += count
            let percent = Int(Self.all("receiveResponseXMLResult", in: progress).first ?? "") ?? -1
            if percent >= 100 || percent < 0 { break }
        }
        try await close(ticket)
    }

    static let hostResponse = """
        <?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs requestID="0" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><HostRet><ProductName>QuickBooks Pro 2024</ProductName><MajorVersion>34</MajorVersion><MinorVersion>0</MinorVersion><Country>US</Country><SupportedQBXMLVersion>13.0</SupportedQBXMLVersion><IsAutomaticLogin>false</IsAutomaticLogin><QBFileMode>SingleUser</QBFileMode></HostRet></HostQueryRs></QBXMLMsgsRs></QBXML>
        """

    /// QuickBooks' answer to a message of CustomerAddRq: each created, with a made-up ListID.
    static func answer(_ request: String, serial: inout Int) -> (String, Int) {
        var out = "<?xml version=\"1.0\" ?><QBXML><QBXMLMsgsRs>"
        var count = 0
        var rest = request[...]
        while let tag = rest.range(of: "<CustomerAddRq requestID=\"") {
            guard let end = rest.range(of: "\"", range: tag.upperBound..<rest.endIndex) else { break }
            let id = rest[tag.upperBound..<end.lowerBound]
            let name = all("Name", in: String(rest[end.upperBound...].prefix(400))).first ?? "Customer"
            serial += 1
            out += "<CustomerAddRs requestID=\"\(id)\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\"><CustomerRet>"
                + "<ListID>80000\(serial)-1700000000</ListID><EditSequence>1700000000</EditSequence><Name>\(name)</Name>"
                + "<FullName>\(name)</FullName><IsActive>true</IsActive></CustomerRet></CustomerAddRs>"
            count += 1
            rest = rest[end.upperBound...]
        }
        return (out + "</QBXMLMsgsRs></QBXML>", count)
    }
}
