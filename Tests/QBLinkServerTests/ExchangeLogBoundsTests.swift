import Foundation
import QBLinkTestSupport
import Store
import Testing

@Suite struct ExchangeLogBoundsTests {
    @Test func untrustedCallsAreLoggedAsExcerptsAndRealOnesUpToTheCap() async throws {
        let h = try await Harness(configuration: .init(logBodyLimit: 4_096))
        defer { h.finish() }
        let client = h.client()
        // (Under the limits a call is read at all: 8 KB without a ticket, 64 KB without an active session.)
        let padding = String(repeating: "x", count: 7_000)
        _ = try await client.call("serverVersion", [("pad", padding)])
        _ = try await client.post("serverVersion", body: String(repeating: "<a>", count: 2_000))
        _ = try await client.receiveResponseXML("no-such-ticket", response: String(repeating: "x", count: 60_000))
        _ = try await client.authenticate("amazon", "wrong password " + padding)
        // A password that verified makes the call trusted: its body is kept, up to the cap.
        _ = try await client.call("authenticate", [("strUserName", "amazon"), ("strPassword", Harness.password), ("pad", padding)])
        await h.server.service.flushExchangeLog()
        let logged = try await h.store.recentExchanges(limit: 10)
        #expect(logged.count == 5)
        for call in logged.prefix(4) {
            #expect(call.requestBody.utf8.count < 600, "\(call.method): \(call.requestBody.utf8.count) bytes logged")
            #expect(call.requestBody.contains("bytes in all; the rest is not logged"))
        }
        #expect(logged[1].method == "(refused)")
        let trusted = logged[4]
        #expect(trusted.method == "authenticate" && trusted.httpStatus == 200)
        #expect(trusted.requestBody.utf8.count > 4_000 && trusted.requestBody.utf8.count < 4_200)
        #expect(!logged.contains { $0.requestBody.contains(Harness.password) })
        let sum = logged.reduce(0) { $0 + $1.requestBody.utf8.count + $1.responseBody.utf8.count }
        #expect(try await h.store.exchangeLogBytes() == sum)
    }

    @Test func theLogIsKeptToItsSizeOldestFirst() async throws {
        let h = try await Harness()
        defer { h.finish() }
        let body = String(repeating: "y", count: 1_000)
        for n in 0..<30 {
            try await h.store.logExchange(Exchange(
                at: Date(), method: "call\(n)", ticket: nil, userName: nil, sessionID: nil, durationMS: 0, httpStatus: 200,
                requestBody: body, responseBody: ""))
        }
        #expect(try await h.store.exchangeLogBytes() == 30_000)
        #expect(try await h.store.pruneExchanges(toBytes: 10_500, step: 4) == 20)
        let kept = try await h.store.recentExchanges(limit: 100)
        #expect(kept.map(\.method) == (20..<30).map { "call\($0)" })
        #expect(try await h.store.exchangeLogBytes() == 10_000)
        // The age limit keeps the total right too.
        #expect(try await h.store.pruneExchanges(before: Date().addingTimeInterval(60)) == 10)
        #expect(try await h.store.exchangeLogBytes() == 0)
    }
}
