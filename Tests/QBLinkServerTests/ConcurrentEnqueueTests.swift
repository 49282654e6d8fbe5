import Foundation
import Posting
import QBLinkTestSupport
import SalesDocument
import Store
import Testing

@Suite struct ConcurrentEnqueueTests {
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    static func invoices(_ n: Int) -> String {
        let entries = (0..<n).map { i in
            #"{"type": "invoice", "customer": "Customer \#(i % 50)", "refNumber": "INV-\#(i)", "lines": [{"item": "Item \#(i % 30)", "quantity": "2", "rate": "19.99"}]}"#
        }
        return "[" + entries.joined(separator: ",\n") + "]"
    }

    /// A large enqueue (from another connection, as the CLI makes) while Web Connectors sync: every session
    /// completes, no call fails with a locked database, and everything is queued.
    @Test func aLargeEnqueueNeverLocksOutAWebConnectorSession() async throws {
        let h = try await Harness(users: ["amazon", "shop"])
        defer { h.finish() }
        let document = try SalesDocument.parse(Data(Self.invoices(5_000).utf8))
        let cli = try Store(path: h.databasePath)
        let finished = Flag()
        let started = Date()
        let enqueue = Task {
            defer { finished.set() }
            return try await Posting.enqueue(document: document, source: "big.json", userName: "shop", store: cli)
        }
        var sessions = 0
        var overlapped = 0
        repeat {
            try await h.enqueue([QBXMLSamples.customer("During \(sessions)")])
            let wasRunning = !finished.isSet
            let run = try await h.run()
            #expect(run.authenticate.count == 2 && run.authenticate[1] != "nvu")
            #expect(run.progress.last == 100, "\(run.lastErrors)")
            if wasRunning { overlapped += 1 }
            sessions += 1
        } while !finished.isSet
        let queued = try await enqueue.value
        #expect(queued.transactions == 5_000)
        #expect(overlapped >= 1, "no session ran while the enqueue did (it took \(Date().timeIntervalSince(started)) s)")
        await h.server.service.flushExchangeLog()
        let calls = try await h.store.recentExchanges(limit: 1_000)
        #expect(calls.allSatisfy { $0.httpStatus == 200 }, "\(calls.filter { $0.httpStatus != 200 }.map(\.responseBody))")
        #expect(try await h.store.counts(userName: "shop")[.queued] == 5_000 + 50 + 30 + 1)
    }
}
