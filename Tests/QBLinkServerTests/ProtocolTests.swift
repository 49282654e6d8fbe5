import Foundation
import QBLinkTestSupport
import SOAP
import Store
import Testing
import WebConnector
import XMLKit

@Suite struct ProtocolTests {
    @Test func publishesTheWSDLAndTheSupportPage() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let connection = try RawHTTPConnection(port: h.server.port)
        let wsdl = try await connection.request(method: "GET", path: "/qbwc?wsdl", headers: [("Host", "books.example.com")], body: [], expectContinue: false)
        #expect(wsdl.status == 200)
        #expect(wsdl.header("Content-Type") == "text/xml; charset=utf-8")
        #expect(wsdl.body == WSDLDocument.text(endpoint: "http://books.example.com/qbwc"))
        let file = try String(contentsOf: SharedReference.packageRoot.appendingPathComponent("wsdl/QBWebConnectorSvc.wsdl"), encoding: .utf8)
        #expect(wsdl.body.replacingOccurrences(of: "http://books.example.com/qbwc", with: "http://localhost:8080/qbwc") == file)
        let health = try await connection.request(method: "GET", path: "/health", headers: [("Host", "x")], body: [], expectContinue: false)
        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        let support = try await connection.request(method: "GET", path: "/qbwc/support", headers: [("Host", "x")], body: [], expectContinue: false)
        #expect(support.status == 200)
        #expect(support.header("Content-Type") == "text/html; charset=utf-8")
        #expect(support.body.contains("qblink log"))
    }

    @Test func theWSDLNamesAPlainHostOrThePublicURLNeverWhatAHostHeaderInjects() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let connection = try RawHTTPConnection(port: h.server.port)
        for (host, endpoint) in [
            ("books.example.com:8443", "http://books.example.com:8443/qbwc"), ("[::1]:8080", "http://[::1]:8080/qbwc"),
            ("evil\"/><x a=\"", "http://localhost/qbwc"), ("a b", "http://localhost/qbwc"), ("x:99999999", "http://localhost/qbwc"),
        ] {
            let wsdl = try await connection.request(method: "GET", path: "/qbwc?wsdl", headers: [("Host", host)], body: [], expectContinue: false)
            #expect(wsdl.body.contains("<soap:address location=\"\(endpoint)\" />"), "Host: \(host)")
            #expect(try XMLReader.parse(wsdl.body).name == "definitions")
        }
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let server = try await TestServer.start(databasePath: folder.database("p.sqlite"), publicURL: "https://books.example.com/qbwc")
        defer { server.cancel() }
        let other = try RawHTTPConnection(port: server.port)
        let wsdl = try await other.request(method: "GET", path: "/qbwc?wsdl", headers: [("Host", "elsewhere.example")], body: [], expectContinue: false)
        #expect(wsdl.body.contains("<soap:address location=\"https://books.example.com/qbwc\" />"))
    }

    @Test func theSupportPageShowsEachUsersStateButNoQBXMLPathOrSecret() async throws {
        let h = try await Harness()
        defer { h.finish() }
        // One request QuickBooks refuses (the name is taken), one whose message it could not read, naming a path.
        h.quickBooks.seed("Customer", name: "Kappa")
        try await h.enqueue([QBXMLSamples.customer("Iota"), QBXMLSamples.customer("Kappa")])
        _ = try await h.run()
        try await h.enqueue([QBXMLSamples.customer("Lambda")])
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        _ = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        _ = try await client.receiveResponseXML(ticket, response: "", hresult: "0x80040400", message: "Could not read C:\\Books\\Shop.QBW")
        _ = try await client.closeConnection(ticket)
        let connection = try RawHTTPConnection(port: h.server.port)
        let page = try await connection.request(method: "GET", path: "/qbwc/support", headers: [("Host", "x")], body: [], expectContinue: false)
        #expect(page.status == 200)
        #expect(page.body.contains("<h2>amazon</h2>"))
        #expect(page.body.contains("failed"))
        #expect(page.body.contains("QuickBooks error 3100"))
        #expect(page.body.contains("[path]"))
        #expect(!page.body.contains("Shop.QBW") && !page.body.contains("\\Books"))
        #expect(!page.body.contains("CustomerAdd") && !page.body.contains("&lt;Customer"))
        #expect(!page.body.contains(Harness.password))
    }

    @Test func metricsCountCallsRefusalsLoginsAndTheQueue() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Mu"), QBXMLSamples.customer("Nu")])
        _ = try await h.run()
        _ = try await h.client().authenticate("amazon", "wrong")
        let connection = try RawHTTPConnection(port: h.server.port)
        let big = Array(WebConnectorClient.envelope("authenticate", [("strUserName", "a"), ("strPassword", String(repeating: "p", count: 9_000))]).utf8)
        _ = try await connection.request(
            headers: [("Host", "x"), ("SOAPAction", "\"http://developer.intuit.com/authenticate\""), ("Content-Length", String(big.count))],
            body: big, expectContinue: false)
        let other = try RawHTTPConnection(port: h.server.port)
        let page = try await other.request(method: "GET", path: "/metrics", headers: [("Host", "x")], body: [], expectContinue: false)
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(page.body.contains(#"qblink_soap_calls_total{method="sendRequestXML",status="200"} 1"#))
        #expect(page.body.contains(#"qblink_soap_call_duration_seconds_count{method="receiveResponseXML"} 1"#))
        #expect(page.body.contains(#"qblink_refusals_total{reason="no_ticket_over_limit"} 1"#))
        #expect(page.body.contains(#"qblink_queue_items_count{state="done"} 2"#))
        #expect(page.body.contains("qblink_failed_logins_total 1"))
    }

    @Test func interactiveMethodsAnswerNotSupported() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let client = h.client()
        #expect(try await client.call("getInteractiveURL", [("wcTicket", "t"), ("sessionID", "s")]).text == "")
        #expect(try await client.call("interactiveDone", [("wcTicket", "t")]).text == "Done")
        #expect(try await client.call("interactiveRejected", [("wcTicket", "t"), ("reason", "no")]).text.contains("not use interactive mode"))
    }

    @Test func clientVersionFollowsTheConfiguredMinimum() async throws {
        let h = try await Harness(configuration: .init(clientVersion: .init(minimum: "2.3.0.215", action: .error)))
        defer { h.finish() }
        let client = h.client()
        #expect(try await client.clientVersion("2.0.0.116").hasPrefix("E:"))
        #expect(try await client.clientVersion("2.3.0.215") == "")
    }

    @Test func connectionErrorsAreRecordedAndReported() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Zeta")])
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        #expect(try await client.connectionError(ticket, hresult: "0x80040408", message: "Could not start QuickBooks.") == "done")
        #expect(try await client.getLastError(ticket) == "QuickBooks could not be opened: Could not start QuickBooks. (HRESULT 0x80040408)")
        _ = try await client.closeConnection(ticket)
        let session = try #require(try await h.store.sessions().first)
        #expect(session.lastError?.contains("0x80040408") == true)
        #expect(try await h.store.items(state: .queued).count == 1)
    }

    @Test func everyCallIsLoggedWithThePasswordMasked() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Eta")])
        let run = try await h.run()
        await h.server.service.flushExchangeLog()
        let session = try #require(try await h.store.sessions().first)
        let calls = try await h.store.exchanges(sessionID: session.sessionID)
        #expect(calls.map(\.method) == ["authenticate", "sendRequestXML", "receiveResponseXML", "closeConnection"])
        #expect(calls.allSatisfy { $0.userName == "amazon" && $0.httpStatus == 200 && $0.durationMS >= 0 })
        let everything = try await h.store.recentExchanges(limit: 100)
        #expect(everything.contains { $0.method == "serverVersion" })
        #expect(!everything.contains { $0.requestBody.contains(Harness.password) || $0.responseBody.contains(Harness.password) })
        #expect(calls[0].requestBody.contains("<strPassword>********</strPassword>"))
        #expect(calls[1].responseBody.contains("CustomerAddRq"))
        #expect(calls[2].requestBody.contains("CustomerAddRs"))
        #expect(session.calls == 4)
        #expect(session.doneCount == 1)
        #expect(run.closeMessage == "1 created.")
    }

    @Test func wrongPasswordsNeverReachTheLog() async throws {
        let h = try await Harness()
        defer { h.finish() }
        _ = try await h.client().authenticate("amazon", "my-secret-guess")
        await h.server.service.flushExchangeLog()
        let logged = try await h.store.recentExchanges(limit: 10)
        #expect(logged.count == 1)
        #expect(!logged[0].requestBody.contains("my-secret-guess"))
    }
}

@Suite struct CompanyFileTests {
    @Test func anotherCompanysFileIsRefusedBeforeAnythingIsSent() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Theta")])
        let owner = try await h.store.ownerID()
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let hcp = h.quickBooks.hcpResponse(companyName: "Other Shop", fileIDs: [(owner, "{00000000-0000-0000-0000-000000000000}")])
        #expect(try await client.sendRequestXML(ticket, hcp: hcp) == "")
        let error = try await client.getLastError(ticket)
        #expect(error.contains("Other Shop") && error.contains("another company's file"))
        #expect(try await client.sendRequestXML(ticket) == "")  // and it stays refused
        #expect(try await h.state(ids[0]) == .queued)
        #expect(h.quickBooks.messages.isEmpty)

        // The right file (its FileID is this user's) goes through; other applications' FileIDs are ignored.
        let user = try #require(try await h.store.user(named: "amazon"))
        let right = try await client.authenticate("amazon", Harness.password)[0]
        let good = h.quickBooks.hcpResponse(fileIDs: [("{68B5925B-4347-4784-E58D-35A2D190962F}", "{X}"), (owner.lowercased(), user.fileID)])
        let request = try await client.sendRequestXML(right, hcp: good)
        #expect(request.contains("Theta"))
    }
}
