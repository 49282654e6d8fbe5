import Foundation
import QBLinkTestSupport
import Settlement
import Store
import Testing

/// The web console through HTTP: sign-in required everywhere, CSRF, escaping, and actions that change the queue
/// as the CLI would.
@Suite struct ConsoleTests {
    /// A browser, as far as the console can tell: keeps cookies, sends forms.
    final class Browser: @unchecked Sendable {
        let port: Int
        var cookies: [String: String] = [:]
        init(port: Int) { self.port = port }

        func request(_ method: String, _ path: String, form: [(String, String)]? = nil) async throws -> RawHTTPConnection.Reply {
            var headers = [("Host", "127.0.0.1")]
            if !cookies.isEmpty { headers.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))) }
            var body: [UInt8] = []
            if let form {
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                body = Array(form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&").utf8)
                headers += [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", String(body.count))]
            }
            let reply = try await RawHTTPConnection(port: port).request(method: method, path: path, headers: headers, body: body, expectContinue: false)
            for (name, value) in reply.headers where name.lowercased() == "set-cookie" {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
            }
            return reply
        }

        /// The hidden CSRF token of the first form on a page.
        static func csrf(_ page: String) -> String? {
            guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page[range.upperBound...].prefix { $0 != "\"" })
        }

        func signIn(_ name: String, _ password: String) async throws -> RawHTTPConnection.Reply {
            let form = try await request("GET", "/console/sign-in")
            return try await request("POST", "/console/sign-in", form: [("csrf", Self.csrf(form.body) ?? ""), ("name", name), ("password", password)])
        }
    }

    static func harness() async throws -> Harness {
        let h = try await Harness()
        try await h.store.addConsoleUser(name: "keeper", passwordHash: PasswordHasher.hash("ledger lines", iterations: 1_000))
        return h
    }

    @Test func nothingIsReachableWithoutSigningIn() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        let stranger = Browser(port: h.server.port)
        for path in ["/console", "/console/syncs", "/console/sessions/1", "/console/queue", "/console/queue?state=failed", "/console/actions"] {
            let reply = try await stranger.request("GET", path)
            #expect(reply.status == 303 && reply.header("Location") == "/console/sign-in", "\(path): \(reply.status)")
        }
        for path in ["/console/queue/1/retry", "/console/queue/1/cancel", "/console/sign-out"] {
            #expect(try await stranger.request("POST", path, form: [("csrf", "x")]).status == 403, "\(path)")
        }
        // A forged cookie is no session.
        stranger.cookies["qblink_console"] = String(repeating: "a", count: 64)
        #expect(try await stranger.request("GET", "/console").status == 303)
        // The support page stays public, as before.
        #expect(try await Browser(port: h.server.port).request("GET", "/qbwc/support").status == 200)
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndIsThrottled() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        let browser = Browser(port: h.server.port)
        let wrong = try await browser.signIn("keeper", "not it")
        #expect(wrong.status == 401 && wrong.body.contains("The name or the password is wrong."))
        // Without the form's own token (another site posting it), nothing happens.
        let forged = try await Browser(port: h.server.port).request("POST", "/console/sign-in", form: [("name", "keeper"), ("password", "ledger lines")])
        #expect(forged.status == 403 && forged.header("Set-Cookie")?.contains("qblink_console=") != true)
        let right = try await browser.signIn("keeper", "ledger lines")
        #expect(right.status == 303 && right.header("Location") == "/console")
        let cookie = try #require(right.headers.first { $0.0.lowercased() == "set-cookie" && $0.1.hasPrefix("qblink_console=") }?.1)
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console") && cookie.contains("Max-Age=28800"))
        let home = try await browser.request("GET", "/console")
        #expect(home.status == 200 && home.body.contains("Settlements") && home.body.contains("Sign out keeper"))
        #expect(home.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
        // Signing out ends the session for good.
        let out = try await browser.request("POST", "/console/sign-out", form: [("csrf", Browser.csrf(home.body) ?? "")])
        #expect(out.status == 303)
        #expect(try await browser.request("GET", "/console").status == 303)
        // After five failures from one address, even the right password waits.
        let guesser = Browser(port: h.server.port)
        for _ in 0..<5 { _ = try await guesser.signIn("keeper", "guess") }
        let throttled = try await guesser.signIn("keeper", "ledger lines")
        #expect(throttled.body.contains("Too many failed sign-ins from here for this name"), "\(throttled.status)")
    }

    @Test func pagesEscapeWhatTheyShowAndActionsChangeTheQueueAsTheCLIWould() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        let hostile = "<script>alert('x')</script> & Co"
        h.quickBooks.seed("Customer", name: hostile)
        let ids = try await h.enqueue([QBXMLSamples.customer(hostile.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))])
        _ = try await h.run()
        #expect(try await h.state(ids[0]) == .failed)
        let browser = Browser(port: h.server.port)
        _ = try await browser.signIn("keeper", "ledger lines")
        for path in ["/console/queue", "/console/syncs", "/console/sessions/1", "/console"] {
            let page = try await browser.request("GET", path)
            #expect(page.status == 200, "\(path)")
            #expect(!page.body.contains("<script>"), "\(path) shows the name unescaped")
            #expect(page.body.utf8.count < 100 << 10, "\(path) is \(page.body.utf8.count) bytes")
        }
        let queue = try await browser.request("GET", "/console/queue?state=failed")
        #expect(queue.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"))
        #expect(queue.body.contains("QuickBooks refused it (status 3100)"))
        let session = try await browser.request("GET", "/console/sessions/1")
        #expect(session.body.contains("qbXML sent") && session.body.contains("&lt;CustomerAddRq requestID=&quot;1&quot;&gt;"))
        // A retry without the session's token is refused and changes nothing; with it, the item is queued again.
        let token = try #require(Browser.csrf(queue.body))
        #expect(try await browser.request("POST", "/console/queue/\(ids[0])/retry", form: [("csrf", "not-the-token")]).status == 403)
        #expect(try await h.state(ids[0]) == .failed)
        let retried = try await browser.request("POST", "/console/queue/\(ids[0])/retry", form: [("csrf", token)])
        #expect(retried.status == 303)
        #expect(try await h.state(ids[0]) == .queued)
        #expect(try await browser.request("POST", "/console/queue/\(ids[0])/cancel", form: [("csrf", token)]).status == 303)
        #expect(try await h.state(ids[0]) == .cancelled)
        // Every action is recorded and shown: who, when, what.
        let actions = try await h.store.consoleActions()
        #expect(actions.map(\.action) == ["cancel", "retry", "signed in"])
        #expect(actions.allSatisfy { $0.userName == "keeper" })
        let audit = try await browser.request("GET", "/console/actions")
        #expect(audit.body.contains("queue item \(ids[0])") && audit.body.contains("retry"))
    }
}

extension ConsoleTests {
    @Test func aSettlementIsPreviewedEnqueuedDownloadedAndUndoneFromItsPage() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        let bytes = Array(SettlementSessionTests.report().v2().utf8)
        try await h.store.keepFetchedReport(FetchedReport(
            account: "shop", reportID: "r-1", documentID: "d-1", settlementID: "21871512981", periodStart: "2024-10-23", periodEnd: "2024-11-06",
            marketplace: "Amazon.com", totalCents: 0, currency: "USD", createdTime: nil, fetchedAt: Date(), charset: nil, compressed: false, bytes: bytes))
        let browser = Browser(port: h.server.port)
        _ = try await browser.signIn("keeper", "ledger lines")
        #expect(try await browser.request("GET", "/console").body.contains(#"href="/console/settlements/21871512981""#))
        let page = try await browser.request("GET", "/console/settlements/21871512981?as=invoice&group=month")
        #expect(page.status == 200)
        #expect(page.body.contains("✓ reconciles to the cent, in the books") && page.body.contains("The books: what each account will show"))
        #expect(page.body.contains("Invoice") && page.body.contains(#"<option value="invoice" selected="">"#))
        #expect(page.body.utf8.count < 100 << 10)
        let original = try await browser.request("GET", "/console/settlements/21871512981/report")
        #expect(original.body == String(decoding: bytes, as: UTF8.self) && original.header("Content-Disposition")?.contains("attachment") == true)
        // Enqueued as previewed, for the user chosen: the queue holds it as the CLI would have queued it.
        let token = try #require(Browser.csrf(page.body))
        #expect(try await browser.request("POST", "/console/settlements/21871512981/enqueue", form: [("as", "invoice"), ("group", "month"), ("user", "amazon")]).status == 403)
        let enqueued = try await browser.request("POST", "/console/settlements/21871512981/enqueue", form: [("csrf", token), ("as", "invoice"), ("group", "month"), ("user", "amazon")])
        #expect(enqueued.status == 303, "\(enqueued.body)")
        let settlements = try await h.store.settlements(userName: "amazon")
        #expect(settlements.map(\.record.settlementID) == ["21871512981"] && settlements.first?.record.mode == .invoices && settlements.first?.record.groupMode == "month")
        #expect(try await h.store.fetchedReport(settlementID: "21871512981")?.state == .enqueued)
        // The payout's split adds up to it, and the settlements page draws it.
        let r = try #require(settlements.first?.record)
        let split = [r.salesCents, r.feesCents, r.refundsCents, r.otherCents].compactMap { $0 }
        #expect(split.count == 4 && split.reduce(0, +) == r.totalCents && (r.salesCents ?? 0) > 0 && (r.refundsCents ?? 0) < 0 && (r.feesCents ?? 0) < 0)
        let home = try await browser.request("GET", "/console")
        #expect(home.body.contains("<svg") && home.body.contains("2024-11-06 payout: \(Cents.format(r.totalCents)) USD"), "\(home.body.prefix(3000))")
        #expect(!home.body.contains("<script"))
        // Twice is refused, saying why.
        let again = try await browser.request("POST", "/console/settlements/21871512981/enqueue", form: [("csrf", token), ("user", "amazon")])
        #expect(again.status == 409 && again.body.contains("already enqueued"))
        // Undone: never sent, so its transactions are simply cancelled.
        let undone = try await browser.request("POST", "/console/settlements/21871512981/undo", form: [("csrf", token), ("user", "amazon")])
        #expect(undone.status == 303)
        #expect(try await h.store.settlements(userName: "amazon").first?.state == .undone)
        #expect(try await h.store.consoleActions().prefix(3).map(\.action) == ["undo", "enqueue refused", "enqueue"])
    }
}

extension ConsoleTests {
    @Test func anUploadedReportIsPreviewedBeforeAnythingIsQueued() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        let browser = Browser(port: h.server.port)
        _ = try await browser.signIn("keeper", "ledger lines")
        let form = try await browser.request("GET", "/console/upload")
        let token = try #require(Browser.csrf(form.body))
        func upload(_ report: String, csrf: String) async throws -> RawHTTPConnection.Reply {
            let boundary = "----qblinktest"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"report\"; filename=\"report.txt\"\r\nContent-Type: text/plain\r\n\r\n\(report)\r\n--\(boundary)--\r\n"
            let bytes = Array(body.utf8)
            var headers = [("Host", "127.0.0.1"), ("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("Content-Length", String(bytes.count))]
            headers.append(("Cookie", browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
            return try await RawHTTPConnection(port: h.server.port).request(method: "POST", path: "/console/upload", headers: headers, body: bytes, expectContinue: false)
        }
        let report = SettlementSessionTests.report(id: "41000000001").v2()
        #expect(try await upload(report, csrf: "wrong").status == 403)
        let broken = try await upload("settlement-id\tnonsense\n1\t2\n", csrf: token)
        #expect(broken.status == 200 && broken.body.contains("This is not a settlement report qblink can read"))
        let uploaded = try await upload(report, csrf: token)
        #expect(uploaded.status == 303 && uploaded.header("Location") == "/console/settlements/41000000001")
        // Previewed, not queued.
        #expect(try await h.store.settlements().isEmpty)
        #expect(try await h.store.items().isEmpty)
        let page = try await browser.request("GET", "/console/settlements/41000000001")
        #expect(page.body.contains("Uploaded on") && page.body.contains("Enqueue as previewed") && page.body.contains("✓ reconciles to the cent"))
        #expect(try await h.store.consoleActions().first?.action == "upload")
    }
}

extension ConsoleTests {
    @Test func aLargeSessionsPageStaysSmall() async throws {
        let h = try await Self.harness()
        defer { h.finish() }
        try await h.enqueue((1...200).map { QBXMLSamples.customer("Customer number \($0) with a long enough name") })
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let browser = Browser(port: h.server.port)
        _ = try await browser.signIn("keeper", "ledger lines")
        let page = try await browser.request("GET", "/console/sessions/1")
        #expect(page.status == 200 && page.body.utf8.count < 100 << 10, "\(page.body.utf8.count) bytes")
        #expect(page.body.contains("KB more: qblink log 1 shows it whole"))
        #expect(page.body.contains("… and 141 more: ") && page.body.contains("the failed items on the Queue page"))  // 191 names over 41 characters
    }
}
