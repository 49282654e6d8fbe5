import Foundation
import QBLinkTestSupport
import SOAP
import Testing
import XMLKit

@Suite struct HostileInputTests {
    static let soapHeaders: [(String, String)] = [
        ("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "\"http://developer.intuit.com/clientVersion\""),
    ]

    /// Posts `body` with the SOAPAction of the method in it (clientVersion when none is seen), as the Web
    /// Connector does, unless `headers` say otherwise.
    func post(_ h: Harness, _ body: String, headers: [(String, String)]? = nil, expectContinue: Bool = false) async throws -> RawHTTPConnection.Reply {
        var method = "clientVersion"
        if let open = body.range(of: "<soap:Body><") {
            method = String(body[open.upperBound...].prefix { $0 != " " && $0 != ">" && $0 != "/" })
        }
        let headers = headers ?? [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "\"http://developer.intuit.com/\(method)\"")]
        let connection = try RawHTTPConnection(port: h.server.port)
        let bytes = Array(body.utf8)
        return try await connection.request(
            headers: headers + [("Host", "127.0.0.1"), ("Content-Length", String(bytes.count))]
                + (expectContinue ? [("Expect", "100-continue")] : []),
            body: bytes, expectContinue: expectContinue)
    }

    /// Asserts a SOAP 1.1 Fault with HTTP 500 and returns its faultstring.
    func faultString(_ reply: RawHTTPConnection.Reply) throws -> String {
        #expect(reply.status == 500)
        #expect(reply.header("Content-Type") == "text/xml; charset=utf-8")
        let fault = try #require(try XMLReader.parse(reply.body).child("Body")?.child("Fault"))
        #expect(fault.childText("faultcode")?.hasPrefix("soap:") == true)
        return fault.childText("faultstring") ?? ""
    }

    func stillServing(_ h: Harness) async throws {
        #expect(try await h.client().serverVersion().hasPrefix("qblink"))
    }

    @Test func externalEntitiesAndEntityBombsAreRefused() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let xxe = #"<?xml version="1.0" encoding="utf-8"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><clientVersion xmlns="http://developer.intuit.com/"><strVersion>&x;</strVersion></clientVersion></soap:Body></soap:Envelope>"#
        let reply = try await post(h, xxe)
        let message = try faultString(reply)
        #expect(message.contains("DTD"))
        #expect(!reply.body.contains("root:"))
        var bomb = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">"#
        for i in 1...9 { bomb += "<!ENTITY \(Character(UnicodeScalar(97 + i)!)) \"" + String(repeating: "&\(Character(UnicodeScalar(96 + i)!));", count: 10) + "\">" }
        bomb += #"]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><clientVersion xmlns="http://developer.intuit.com/"><strVersion>&j;</strVersion></clientVersion></soap:Body></soap:Envelope>"#
        let started = Date()
        _ = try faultString(try await post(h, bomb))
        // Expanded, the bomb would be 10^10 bytes: no machine answers that in seconds (the bound is loose
        // because other suites load the machine meanwhile).
        #expect(Date().timeIntervalSince(started) < 15)
        try await stillServing(h)
    }

    @Test func bodiesOverTheLimitGet413WithoutAContinue() async throws {
        let h = try await Harness(maxBodyBytes: 64 << 10)
        defer { h.finish() }
        let big = WebConnectorClient.envelope("getLastError", [("ticket", String(repeating: "9", count: 100_000))])
        let withExpect = try await post(h, big, expectContinue: true)
        #expect(withExpect.status == 413)
        #expect(withExpect.continueAfterMS == nil)
        #expect(withExpect.body.contains("larger than the limit"))
        let without = try await post(h, big)
        #expect(without.status == 413)
        try await stillServing(h)
        // Just under the limit is fine.
        let fits = WebConnectorClient.envelope("getLastError", [("ticket", String(repeating: "9", count: 60_000))])
        #expect(try await post(h, fits).status == 200)
    }

    @Test func aCallWithoutATicketIsSmallAndOnlyAnActiveSessionSendsMuch() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Theta")])
        // authenticate, serverVersion and clientVersion carry no ticket: a few KB at most, refused before the body.
        let login = WebConnectorClient.envelope("authenticate", [("strUserName", "amazon"), ("strPassword", String(repeating: "p", count: 9_000))])
        let refused = try await post(h, login, expectContinue: true)
        #expect(refused.status == 413)
        #expect(refused.continueAfterMS == nil)
        #expect(refused.body.contains("authenticate carries no ticket and may send at most 8192 bytes"))
        // Past 64 KB a body must show an active session's ticket in its first bytes.
        let padding = String(repeating: "x", count: 100_000)
        let stranger = try await post(h, WebConnectorClient.envelope("receiveResponseXML", [
            ("ticket", "not-a-session"), ("response", padding), ("hresult", ""), ("message", ""),
        ]))
        #expect(stranger.status == 413)
        #expect(stranger.body.contains("accepted only with the ticket of an active session"))
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        _ = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        let own = try await post(h, WebConnectorClient.envelope("receiveResponseXML", [
            ("ticket", ticket), ("response", "<?xml version=\"1.0\" ?><QBXML><QBXMLMsgsRs><!--" + padding + "--></QBXMLMsgsRs></QBXML>"),
            ("hresult", ""), ("message", ""),
        ]))
        #expect(own.status == 200)
        // Refusals at the door are in the exchange log too: method, size and why, never the body.
        await h.server.service.flushExchangeLog()
        let logged = try await h.store.recentExchanges(limit: 20).filter { $0.httpStatus == 413 }
        #expect(logged.map(\.method) == ["authenticate", "receiveResponseXML"])
        #expect(logged.allSatisfy { $0.requestBody.utf8.count < 300 && $0.requestBody.contains("bytes") })
        try await stillServing(h)
    }

    @Test func brokenCallsGetSOAPFaultsAndTheServerKeepsServing() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let good = WebConnectorClient.envelope("clientVersion", [("strVersion", "2.3.0.215")])
        #expect(try await post(h, good).status == 200)
        let cases: [(String, [(String, String)], String)] = [
            (good, [("Content-Type", "application/json"), ("SOAPAction", "\"http://developer.intuit.com/clientVersion\"")], "Content-Type"),
            (good, [("Content-Type", "text/xml; charset=utf-8")], "SOAPAction"),
            ("this is not XML at all", Self.soapHeaders, "not well-formed"),
            (String(good.prefix(good.count / 2)), Self.soapHeaders, "not well-formed"),
            ("", Self.soapHeaders, "empty"),
            (WebConnectorClient.envelope("formatDisk", []), [("Content-Type", "text/xml"), ("SOAPAction", "\"http://developer.intuit.com/formatDisk\"")], "unknown method"),
            (String(decoding: [0xFF, 0xFE, 0x00, 0x3C, 0x00, 0x61], as: UTF8.self), Self.soapHeaders, "not well-formed"),
        ]
        for (body, headers, expected) in cases {
            let reply = try await post(h, body, headers: headers)
            let message = try faultString(reply)
            #expect(message.contains(expected), "\(expected): got \(message)")
        }
        try await stillServing(h)
        // Every refused call is in the exchange log.
        await h.server.service.flushExchangeLog()
        #expect(try await h.store.recentExchanges(limit: 50).filter { $0.httpStatus == 500 }.count == cases.count)
    }

    @Test func aMalformedResponseFromQuickBooksPutsItsRequestsInDoubtRatherThanLosingThem() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Epsilon")])
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let request = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        _ = h.quickBooks.process(request)
        let percent = try await client.receiveResponseXML(ticket, response: "<QBXML><QBXMLMsgsRs><CustomerAddRs")
        #expect(percent >= 0)
        #expect(try await h.state(ids[0]) == .inDoubt)
        // Still in the same session, it is looked up and found.
        let lookup = try await client.sendRequestXML(ticket)
        #expect(lookup.contains("CustomerQueryRq"))
        guard case .response(let answer) = h.quickBooks.process(lookup) else { throw FailedExpectation() }
        #expect(try await client.receiveResponseXML(ticket, response: answer) == 100)
        #expect(try await h.state(ids[0]) == .done)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Epsilon") == 1)
    }

    @Test func anOverLongResponseIsRefusedWithAReasonAndItsRequestsAreLookedUp() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Zeta")])
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let request = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        guard case .response(let answer) = h.quickBooks.process(request) else { throw FailedExpectation() }
        // QuickBooks' answer with over 10,000,000 characters in it: more than the XML reader takes whole.
        let long = answer.replacingOccurrences(of: "</QBXML>", with: "<!--" + String(repeating: "x", count: 10_100_000) + "--></QBXML>")
        let reply = try await client.post("receiveResponseXML", body: WebConnectorClient.envelope("receiveResponseXML", [
            ("ticket", ticket), ("response", long), ("hresult", ""), ("message", ""),
        ]))
        #expect(reply.status == 500)
        #expect(reply.body.contains("too long"))
        #expect(h.server.service.largeParses == 1, "the 10 MB envelope is parsed off the threads that serve calls")
        // Nothing of it was applied; the next session looks the request up and finds it.
        #expect(try await h.state(ids[0]) == .sent)
        _ = try await h.run()
        #expect(try await h.state(ids[0]) == .done)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Zeta") == 1)
    }

    @Test func aUserNameWithLineBreaksCannotForgeALogLine() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let server = ServerProcess(databasePath: folder.database("log.sqlite"))
        try server.start()
        defer { server.stop() }
        // A CR arrives as `&#13;` (XML would turn a raw one into a line feed); XML allows no escape character.
        let forged = "nobody\rtime=2026-01-01T00:00:00Z level=critical label=qblink msg=forged"
        _ = try await WebConnectorClient(port: server.port).authenticate(forged, "whatever")
        var log = ""
        for _ in 0..<50 where !log.contains("authentication failed") {
            try await Task.sleep(nanoseconds: 20_000_000)
            log = server.log
        }
        #expect(log.contains("authentication failed"))
        let lines = log.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        #expect(!lines.contains { $0.hasPrefix("time=2026-01-01") }, "a forged line")
        #expect(log.contains(#"user="nobody\rtime=2026-01-01T00:00:00Z level=critical label=qblink msg=forged""#))
    }
}
