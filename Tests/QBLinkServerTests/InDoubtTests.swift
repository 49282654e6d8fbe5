import Foundation
import QBLinkTestSupport
import Store
import Testing
import WebConnector
import XMLKit

@Suite struct InDoubtTests {
    @Test func aLostResponseIsResolvedByAskingQuickBooksNeverByResending() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([
            QBXMLSamples.customer("Acme"),
            QBXMLSamples.receipt(ref: "R100", customer: "Acme"),
            QBXMLSamples.receipt(ref: nil, customer: "Acme", amount: "5.00"),  // no RefNumber: cannot be looked up
        ])
        // QuickBooks creates all three, then the Web Connector dies before returning the response.
        let crashed = try await h.run(crash: .afterQuickBooksProcessed(message: 1))
        #expect(crashed.crashed)
        #expect(h.quickBooks.transactions.count == 2)
        #expect(try await h.store.items(state: .sent).count == 3)

        // The next Update Selected: the new authenticate puts them in doubt, and the first thing sent is a lookup.
        let run = try await h.run()
        #expect(run.authenticate[1] == "C:\\Books\\Shop.QBW")
        let first = try XMLReader.parse(run.requests[0])
        let names = try #require(first.child("QBXMLMsgsRq")).children.map(\.name)
        #expect(names == ["CustomerQueryRq", "SalesReceiptQueryRq"])
        #expect(run.progress.last == 100)
        #expect(run.closeMessage == "2 created, 1 in doubt — run qblink log")

        let customer = try await h.store.item(id: ids[0])
        #expect(customer.state == .done)
        #expect(customer.listID == h.quickBooks.lists.first { $0.fullName == "Acme" }?.listID)
        let receipt = try await h.store.item(id: ids[1])
        #expect(receipt.state == .done)
        #expect(receipt.txnID == h.quickBooks.transactions.first { $0.refNumber == "R100" }?.txnID)
        #expect(receipt.statusMessage?.contains("not sent again") == true)
        let unresolvable = try await h.store.item(id: ids[2])
        #expect(unresolvable.state == .inDoubt)
        // Nothing was created twice.
        #expect(h.quickBooks.transactions.count == 2)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Acme") == 1)
        #expect(h.quickBooks.messages.count == 2)
        // The operator decides about the one that could not be looked up.
        #expect(try await h.store.cancel(id: ids[2]).state == .cancelled)
    }

    @Test func aRequestQuickBooksNeverSawIsSentAgainExactlyOnce() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Beta"), QBXMLSamples.receipt(ref: "R200", customer: "Beta")])
        let crashed = try await h.run(crash: .beforeQuickBooksProcessed(message: 1))
        #expect(crashed.crashed)
        #expect(h.quickBooks.transactions.isEmpty)
        let run = try await h.run()
        #expect(run.requests.count == 2)  // the lookups, then the requests themselves
        #expect(try XMLReader.parse(run.requests[1]).child("QBXMLMsgsRq")?.children.map(\.name) == ["CustomerAddRq", "SalesReceiptAddRq"])
        #expect(try await h.state(ids[0]) == .done)
        #expect(try await h.state(ids[1]) == .done)
        #expect(h.quickBooks.transactions.filter { $0.refNumber == "R200" }.count == 1)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Beta") == 1)
        #expect(try await h.store.item(id: ids[1]).attempts == 2)
    }

    @Test func aSecondSendRequestXMLWithoutAResponseMeansTheResponseWasLost() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.receipt(ref: "R300", customer: "Gamma")])
        h.quickBooks.seed("Customer", name: "Gamma")
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let request = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        _ = h.quickBooks.process(request)  // processed, but its response never reaches qblink
        let again = try await client.sendRequestXML(ticket)
        // The in-doubt item is looked up before anything else, in the same session.
        #expect(again.contains("<SalesReceiptQueryRq requestID=\"check-\(ids[0])\"><RefNumber>R300</RefNumber>"))
        guard case .response(let answer) = h.quickBooks.process(again) else { throw FailedExpectation() }
        #expect(try await client.receiveResponseXML(ticket, response: answer) == 100)
        #expect(try await h.state(ids[0]) == .done)
        #expect(h.quickBooks.transactions.count == 1)
        #expect(try await client.closeConnection(ticket) == "1 created.")
    }

    @Test func theServerRestartsMidSessionAndTheSessionGoesOn() async throws {
        let h = try await Harness(configuration: .init(batchSize: 50))
        defer { h.finish() }
        let ids = try await h.enqueue((1...120).map { QBXMLSamples.customer("Restart \($0)") })
        var client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let first = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        guard case .response(let answer1) = h.quickBooks.process(first) else { throw FailedExpectation() }
        #expect(try await client.receiveResponseXML(ticket, response: answer1) == 41)
        let second = try await client.sendRequestXML(ticket)
        guard case .response(let answer2) = h.quickBooks.process(second) else { throw FailedExpectation() }

        // The server restarts while QuickBooks' answer is on its way.
        try await h.restart()
        client = h.client()
        #expect(try await client.receiveResponseXML(ticket, response: answer2) == 83)
        let third = try await client.sendRequestXML(ticket)
        guard case .response(let answer3) = h.quickBooks.process(third) else { throw FailedExpectation() }
        #expect(try await client.receiveResponseXML(ticket, response: answer3) == 100)
        #expect(try await client.closeConnection(ticket) == "120 created.")
        for id in ids { #expect(try await h.state(id) == .done) }
        #expect(h.quickBooks.lists.filter { $0.type == "Customer" }.count == 120)
    }

    @Test func anIdleSessionExpiresAndItsRequestsAreResolvedNextTime() async throws {
        let h = try await Harness(configuration: .init(idleTimeout: 60))
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Delta")])
        let client = h.client()
        let ticket = try await client.authenticate("amazon", Harness.password)[0]
        let request = try await client.sendRequestXML(ticket, hcp: h.quickBooks.hcpResponse())
        guard case .response(let answer) = h.quickBooks.process(request) else { throw FailedExpectation() }
        h.clock.advance(by: 61)  // the Web Connector comes back after the session's idle timeout
        #expect(try await client.receiveResponseXML(ticket, response: answer) == -1)
        #expect(try await client.getLastError(ticket).contains("expired"))
        #expect(try await h.state(ids[0]) == .inDoubt)
        let run = try await h.run()
        #expect(run.progress == [100])
        #expect(try await h.state(ids[0]) == .done)
        #expect(h.quickBooks.count(ofListType: "Customer", named: "Delta") == 1)
    }

    /// The same document queued twice on purpose (`--allow-duplicates`): the second copy's lookup finds the
    /// first copy's receipt, which is not its own; it is sent, not taken for done.
    @Test func aLookupNeverTakesAnotherItemsTransactionForItsOwn() async throws {
        let h = try await Harness()
        defer { h.finish() }
        h.quickBooks.seed("Customer", name: "Kappa")
        try await h.enqueue([QBXMLSamples.receipt(ref: "R900", customer: "Kappa")])
        #expect(try await h.run().progress.last == 100)
        let second = try await h.enqueue([QBXMLSamples.receipt(ref: "R900", customer: "Kappa")])[0]
        let lost = try await h.run(crash: .beforeQuickBooksProcessed(message: 1))
        #expect(lost.crashed)
        let run = try await h.run()
        #expect(run.progress.last == 100)
        let receipts = h.quickBooks.transactions(ofType: "SalesReceipt")
        #expect(receipts.count == 2)
        #expect(try await h.store.item(id: second).txnID == receipts[1].txnID)
    }

    @Test func unknownTicketsAreRefusedCleanly() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let client = h.client()
        #expect(try await client.sendRequestXML("not-a-ticket") == "")
        #expect(try await client.getLastError("not-a-ticket").contains("unknown or expired ticket"))
        #expect(try await client.receiveResponseXML("not-a-ticket", response: "<QBXML/>") == -1)
        #expect(try await client.closeConnection("not-a-ticket").contains("unknown"))
        #expect(try await client.connectionError("", hresult: "0x1", message: "x") == "done")
        #expect(try await client.serverVersion().hasPrefix("qblink"))
        await h.server.service.flushExchangeLog()
        let logged = try await h.store.recentExchanges(limit: 10)
        #expect(logged.contains { $0.method == "sendRequestXML" && $0.ticket == "not-a-ticket" && $0.sessionID == nil })
    }
}

struct FailedExpectation: Error {}
