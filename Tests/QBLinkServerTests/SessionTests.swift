import Foundation
import QBLinkTestSupport
import Store
import Testing
import WebConnector
import XMLKit

@Suite struct SessionTests {
    @Test func anEmptyQueueAnswersNoneAndWritesNothing() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let run = try await h.run()
        #expect(run.authenticate.count == 2)
        #expect(run.authenticate[0].hasPrefix("idle."))
        #expect(run.authenticate[1] == "none")
        #expect(run.requests.isEmpty)
        // An idle poll (authenticate → none → closeConnection) leaves no session and changes no row: the only
        // rows written are its two calls' in the exchange log.
        await h.server.service.flushExchangeLog()
        let before = try await h.store.changeCount()
        let batchesBefore = await h.server.service.exchangeLogTotals().batches
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)
        #expect(ticket[1] == "none")
        #expect(try await client.closeConnection(ticket[0]) == "Nothing to do.")
        await h.server.service.flushExchangeLog()
        // Each batch the log wrote: its records, and the log's running size.
        let batches = await h.server.service.exchangeLogTotals().batches - batchesBefore
        #expect(try await h.store.changeCount() == before + 2 + batches)
        #expect(try await h.store.sessions().isEmpty)
        let logged = try await h.store.recentExchanges(limit: 2)
        #expect(logged.map(\.method) == ["authenticate", "closeConnection"])
        #expect(logged.allSatisfy { $0.userName == "amazon" && $0.sessionID == nil })
        #expect(!logged[0].requestBody.contains(Harness.password))
    }

    @Test func anIdleTicketIsKnownOnlyAsIssued() async throws {
        let h = try await Harness(users: ["amazon", "ebay"])
        defer { h.finish() }
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        #expect(try await client.getLastError(ticket) == "No error.")
        #expect(try await client.sendRequestXML(ticket) == "")
        // Another user's name, or any other change, breaks the signature: the ticket is unknown.
        let parts = ticket.split(separator: ".").map(String.init)
        let ebay = Array("ebay".utf8).map { String(format: "%02x", $0) }.joined()
        let forged = [parts[0], parts[1], parts[2], ebay, parts[4]].joined(separator: ".")
        #expect(try await client.closeConnection(forged) == "Session unknown or already over.")
        #expect(try await client.closeConnection(String(ticket.dropLast()) + (ticket.last == "0" ? "1" : "0")) == "Session unknown or already over.")
        #expect(try await client.closeConnection(ticket) == "Nothing to do.")
        // Too old: an idle ticket lasts as long as a session may stay idle.
        let old = try await client.authenticate("amazon", Harness.password)[0]
        h.clock.advance(by: h.configuration.idleTimeout + 1)
        #expect(try await client.closeConnection(old) == "Session unknown or already over.")
    }

    @Test func aWrongPasswordOrUserAnswersNvuAndRepeatedFailuresAreThrottled() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Acme")])
        let client = h.client()
        #expect(try await client.authenticate("amazon", "wrong password") == ["", "nvu"])
        #expect(try await client.authenticate("nobody", Harness.password) == ["", "nvu"])
        for _ in 0..<4 { _ = try await client.authenticate("amazon", "guess") }
        // Five failures for "amazon" from this address: now even the right password from here waits.
        #expect(try await client.authenticate("amazon", Harness.password) == ["", "nvu"])
        try await h.store.clearAuthFailures(name: "amazon from 127.0.0.1")
        let ok = try await client.authenticate("amazon", Harness.password)
        #expect(ok[0].count == 36)
        #expect(ok[1] == "C:\\Books\\Shop.QBW")
    }

    @Test func aStrangersWrongGuessesDelayTheStrangerNotTheUser() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Acme")])
        let service = h.server.service
        func authenticate(_ password: String, from client: String) async -> String {
            let body = WebConnectorClient.envelope("authenticate", [("strUserName", "amazon"), ("strPassword", password)])
            let reply = await service.respond(body: Array(body.utf8), soapAction: "\"http://developer.intuit.com/authenticate\"", contentType: "text/xml", client: client)
            return reply.body
        }
        for _ in 0..<8 { _ = await authenticate("guess", from: "203.0.113.9") }
        // The stranger now waits, even with the right password …
        #expect(await authenticate(Harness.password, from: "203.0.113.9").contains("<string>nvu</string>"))
        // … while the user's own Web Connector, from its own address, gets in at once.
        let own = await authenticate(Harness.password, from: "198.51.100.7")
        #expect(own.contains("C:\\Books\\Shop.QBW"))
        #expect(try await h.store.authThrottle(name: "amazon from 203.0.113.9").wait != nil)
        #expect(try await h.store.authThrottle(name: "amazon from 198.51.100.7").failures == 0)
    }

    @Test func aSessionBatchesTheQueueAndReportsTrueProgress() async throws {
        let h = try await Harness()
        defer { h.finish() }
        var requests = (1...20).map { QBXMLSamples.customer("Customer \($0)") }
        requests += (1...100).map { QBXMLSamples.receipt(ref: "R\($0)", customer: "Customer \(($0 - 1) % 20 + 1)") }
        let ids = try await h.enqueue(requests)
        let client = h.client()
        let run = try await h.run(client: client)
        #expect(run.authenticate[1] == "C:\\Books\\Shop.QBW")
        #expect(run.requests.count == 3)
        #expect(run.progress == [41, 83, 100])
        #expect(run.closeMessage == "120 created.")
        // Each message holds at most 50 requests, oldest first, each with requestID = its queue id.
        let first = try XMLReader.parse(run.requests[0])
        let rqs = try #require(first.child("QBXMLMsgsRq")).children
        #expect(rqs.count == 50)
        #expect(rqs.map { $0.attribute("requestID") } == ids.prefix(50).map { String($0) })
        #expect(run.requests[0].hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"13.0\"?>"))
        // QuickBooks ends with every customer and receipt exactly once.
        #expect(h.quickBooks.transactions(ofType: "SalesReceipt").count == 100)
        #expect(Set(h.quickBooks.transactions.compactMap(\.refNumber)).count == 100)
        #expect(h.quickBooks.lists.filter { $0.type == "Customer" }.count == 20)
        let items = try await h.store.items()
        #expect(items.allSatisfy { $0.state == .done })
        #expect(items.filter { $0.type == "SalesReceiptAdd" }.allSatisfy { $0.txnID != nil })
        #expect(items.filter { $0.type == "CustomerAdd" }.allSatisfy { $0.listID != nil })
        // Expect: 100-continue answered at once on every call, over one kept-alive connection.
        #expect(client.continueDelays.count == 10)
        // Every call got its 100 Continue (none left to the .NET client's own 350 ms wait for it), and typically
        // at once: the median well under that wait even while the rest of the suite loads the machine.
        let delays = client.continueDelays.compactMap { $0 }.sorted()
        #expect(delays.count == client.continueDelays.count && delays[delays.count / 2] < 150, "\(client.continueDelays)")
        #expect(client.connectionsOpened == 1)
        // Nothing left: the next Update Selected finds no work.
        #expect(try await h.run().authenticate[1] == "none")
    }

    @Test func quickBooksErrorsAreParkedAndUnrelatedWorkContinues() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.seed("Customer", name: "Taken")
        let ids = try await h.enqueue([
            QBXMLSamples.customer("Taken"),  // 3100
            QBXMLSamples.receipt(ref: "R1", customer: "Taken", item: "Gadget"),  // 3140: no such item
            QBXMLSamples.customerQuery("Nobody"),  // 500 Warn: not a failure
            QBXMLSamples.customer("Fresh"),
            QBXMLSamples.receipt(ref: "R2", customer: "Fresh"),
        ])
        let run = try await h.run()
        #expect(run.requests.count == 1)
        #expect(run.progress == [100])
        #expect(run.closeMessage == "3 created, 2 failed — run qblink log")
        let taken = try await h.store.item(id: ids[0])
        #expect(taken.state == .failed)
        #expect(taken.statusCode == 3100)
        #expect(taken.statusSeverity == "Error")
        #expect(taken.statusMessage == "The name \"Taken\" of the list element is already in use.")
        let missingItem = try await h.store.item(id: ids[1])
        #expect(missingItem.state == .failed)
        #expect(missingItem.statusCode == 3140)
        #expect(missingItem.statusMessage?.contains("Item \"Gadget\"") == true)
        let query = try await h.store.item(id: ids[2])
        #expect(query.state == .done)
        #expect(query.statusCode == 500)
        #expect(query.statusSeverity == "Warn")
        #expect(try await h.state(ids[3]) == .done)
        #expect(try await h.store.item(id: ids[4]).txnID != nil)
        // Failed items are parked: the next session has nothing to do.
        #expect(try await h.run().authenticate[1] == "none")
        // Once the operator fixes QuickBooks and retries, it goes through.
        h.quickBooks.seed("Item", name: "Gadget")
        _ = try await h.store.retry(id: ids[1])
        let retry = try await h.run()
        #expect(retry.closeMessage == "1 created.")
        #expect(try await h.state(ids[1]) == .done)
        #expect(h.quickBooks.transactions.filter { $0.refNumber == "R1" }.count == 1)
    }

    @Test func aRejectedMessageFailsItsRequestsAndARetrySendsEachAlone() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([
            QBXMLSamples.customer("Good One"), QBXMLSamples.customer("Bad One", extra: "<Bogus>x</Bogus>"),
            QBXMLSamples.customer("Good Two"),
        ])
        let run = try await h.run()
        // QuickBooks could not read the message: its requests fail with that reason and are not re-sent.
        #expect(run.requests.count == 1)
        #expect(run.progress == [100])
        #expect(run.closeMessage == "3 failed — run qblink log")
        for id in ids {
            let item = try await h.store.item(id: id)
            #expect(item.state == .failed)
            #expect(item.statusMessage?.contains("0x80040400") == true)
            #expect(item.statusMessage?.contains("QuickBooks found an error when parsing") == true)
        }
        #expect(try await h.run().authenticate[1] == "none")
        // The operator retries them: each goes alone, so only the unreadable one fails again.
        for id in ids { _ = try await h.store.retry(id: id) }
        let retry = try await h.run()
        #expect(retry.requests.count == 3)
        #expect(retry.progress.last == 100)
        #expect(try await h.state(ids[0]) == .done)
        #expect(try await h.state(ids[1]) == .failed)
        #expect(try await h.state(ids[2]) == .done)
        #expect(try await h.store.item(id: ids[1]).attempts == 2)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Good One") == 1)
        #expect(retry.closeMessage == "2 created, 1 failed — run qblink log")
    }

    @Test func aSingleRejectedRequestFailsWithQuickBooksReason() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Bad", extra: "<Bogus/>")])
        let run = try await h.run()
        #expect(run.requests.count == 1)
        #expect(run.progress == [100])
        #expect(try await h.state(ids[0]) == .failed)
    }

    @Test func twoUsersAtOnceEachGetOnlyTheirOwnWork() async throws {
        let h = try await Harness(users: ["shop-a", "shop-b"])
        defer { h.finish() }
        try await h.enqueue((1...60).map { QBXMLSamples.customer("A \($0)") }, user: "shop-a")
        try await h.enqueue((1...60).map { QBXMLSamples.customer("B \($0)") }, user: "shop-b")
        let qbA = FakeQuickBooks()
        let qbB = FakeQuickBooks()
        async let runA = h.run(user: "shop-a", quickBooks: qbA)
        async let runB = h.run(user: "shop-b", quickBooks: qbB)
        let (a, b) = try await (runA, runB)
        #expect(a.closeMessage == "60 created.")
        #expect(b.closeMessage == "60 created.")
        #expect(a.ticket != b.ticket)
        #expect(qbA.lists.count == 60 && qbA.lists.allSatisfy { $0.fullName.hasPrefix("A ") })
        #expect(qbB.lists.count == 60 && qbB.lists.allSatisfy { $0.fullName.hasPrefix("B ") })
    }

    @Test func aSecondWebConnectorForTheSameUserIsToldBusyNotGivenTheSession() async throws {
        let h = try await Harness(configuration: .init(busyWindow: 10))
        defer { h.finish() }
        try await h.enqueue([QBXMLSamples.customer("Acme")])
        let first = h.client()
        let ticket = try await first.authenticate("amazon", Harness.password)[0]
        _ = try await first.sendRequestXML(ticket)
        // The Web Connector reads two or four strings: the third postpones its next update.
        let second = try await h.client().authenticate("amazon", Harness.password)
        #expect(second.count == 4)
        #expect(second[0] == "" && second[1] == "busy" && second[3] == "")
        #expect((Int(second[2]) ?? 0) >= 1 && (Int(second[2]) ?? 0) <= 10)
        // The first keeps its session, and once it has been quiet for the window, a new one may start.
        let stillThere = try await first.getLastError(ticket)
        #expect(!stillThere.contains("does not know") && !stillThere.contains("is over"))
        h.clock.advance(by: 11)
        #expect(try await h.client().authenticate("amazon", Harness.password)[0].count == 36)
    }

    @Test func theQBXMLVersionFollowsQuickBooksAndNeverExceedsTheAnnouncedOne() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Old Style")], version: "12.0")
        let newer = try await h.enqueue([QBXMLSamples.customer("New Style")], version: "16.0")
        let run = try await h.run(major: 12, minor: 0)
        #expect(run.requests.count == 1)
        #expect(run.requests[0].contains("<?qbxml version=\"12.0\"?>"))
        #expect(!run.requests[0].contains("New Style"))
        #expect(try await h.state(ids[0]) == .done)
        let refused = try await h.store.item(id: newer[0])
        #expect(refused.state == .failed)
        #expect(refused.statusMessage?.contains("qbXML 16.0") == true)
        #expect(refused.attempts == 0)
        let session = try #require(try await h.store.sessions().first)
        #expect(session.qbxmlVersion == "12.0")
        #expect(session.productName == "QuickBooks Pro 2014")
    }
}
