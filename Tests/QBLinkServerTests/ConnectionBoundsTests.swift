import Foundation
import QBLinkServer
import QBLinkTestSupport
import Store
import Testing

/// Slow clients and floods of connections, while a Web Connector syncs through them.
@Suite struct ConnectionBoundsTests {
    /// Connects from `source` and sends `prefix`, then one more byte every `interval` seconds until the server
    /// closes the connection; answers how long that took (nil: still open after `giveUp` seconds).
    static func trickle(_ port: Int, from source: String, prefix: String, byte: UInt8, interval: Double, giveUp: Double) async -> Double? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                guard let connection = try? RawHTTPConnection(port: port, from: source) else { return continuation.resume(returning: 0) }
                let started = Date()
                try? connection.sendRaw(Array(prefix.utf8))
                while Date().timeIntervalSince(started) < giveUp {
                    if connection.isClosedByServer(within: interval) { return continuation.resume(returning: Date().timeIntervalSince(started)) }
                    if (try? connection.sendRaw([byte])) == nil { return continuation.resume(returning: Date().timeIntervalSince(started)) }
                }
                continuation.resume(returning: nil)
            }
        }
    }

    /// Runs blocking socket work on a Dispatch thread, off Swift's cooperative pool (which the server shares).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    static func metrics(_ h: Harness) async throws -> String {
        try await RawHTTPConnection(port: h.server.port).request(
            method: "GET", path: "/metrics", headers: [("Host", "127.0.0.1")], body: [], expectContinue: false
        ).body
    }

    static let slowHead = "POST /qbwc HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    static let slowBody =
        "POST /qbwc HTTP/1.1\r\nHost: 127.0.0.1\r\nSOAPAction: \"http://developer.intuit.com/receiveResponseXML\"\r\nContent-Type: text/xml\r\nContent-Length: 60000\r\n\r\n<"

    @Test func trickledHeadsAndBodiesAreCutWhileAWebConnectorSyncs() async throws {
        let h = try await Harness(connections: .init(total: 64, perClient: 16, headSeconds: 2, minimumBodyRate: 1024))
        defer { h.finish() }
        let ids = try await h.enqueue((1...3).map { QBXMLSamples.customer("Slow \($0)") })
        let port = h.server.port
        async let heads = withTaskGroup(of: Double?.self) { group in
            for _ in 0..<8 { group.addTask { await Self.trickle(port, from: "127.0.0.2", prefix: Self.slowHead, byte: 0x61, interval: 0.25, giveUp: 12) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        async let bodies = withTaskGroup(of: Double?.self) { group in
            for _ in 0..<8 { group.addTask { await Self.trickle(port, from: "127.0.0.3", prefix: Self.slowBody, byte: 0x61, interval: 0.25, giveUp: 12) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // The Web Connector's session, meanwhile, goes through as usual.
        try await Task.sleep(for: .milliseconds(300))
        let run = try await h.run()
        #expect(run.progress.last == 100, "\(run)")
        for id in ids { #expect(try await h.state(id) == .done) }
        // Each slow client was cut a little after the 2 s of grace (a head never finished, a body at 4 bytes a
        // second against the 1,024 required), long before it would have given up (12 s); the slack above the
        // grace is for a machine loaded by the rest of the suite.
        let cutHeads = await heads, cutBodies = await bodies
        #expect(cutHeads.allSatisfy { ($0 ?? 99) >= 1.5 && ($0 ?? 99) < 8 }, "\(cutHeads)")
        #expect(cutBodies.allSatisfy { ($0 ?? 99) >= 1.5 && ($0 ?? 99) < 8 }, "\(cutBodies)")
        let metrics = try await Self.metrics(h)
        #expect(metrics.contains(#"qblink_refusals_total{reason="head_timeout"} "#))
        #expect(metrics.contains(#"qblink_refusals_total{reason="slow_body"} 8"#))
        // A body cut short is answered 408 before the connection closes.
        let slow = try RawHTTPConnection(port: port, from: "127.0.0.4")
        try slow.sendRaw(Array(Self.slowBody.utf8))
        let answer = try await Self.blocking { try slow.readRawUntilClosed() }
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout"), "\(answer)")
    }

    @Test func aFloodOfConnectionsLeavesRoomForTheWebConnector() async throws {
        let h = try await Harness(connections: .init(total: 24, perClient: 6, headSeconds: 30))
        defer { h.finish() }
        let ids = try await h.enqueue([QBXMLSamples.customer("Flooded")])
        // Eight addresses open ten connections each and send nothing: six each are taken, the rest closed at once,
        // and once the 24 places are full, each newcomer takes the place of the longest idle one.
        let port = h.server.port
        let flood = try await Self.blocking {
            try (2...9).flatMap { address in try (0..<10).map { _ in try RawHTTPConnection(port: port, from: "127.0.0.\(address)") } }
        }
        try await Task.sleep(for: .milliseconds(500))
        let closedAtOnce = await Self.blocking { flood.filter { $0.isClosedByServer(within: 0.05) }.count }
        #expect(closedAtOnce >= 8 * 4, "each address holds at most 6")
        // The Web Connector (from its own address) still gets through, call after call.
        let run = try await h.run()
        #expect(run.progress.last == 100, "\(run)")
        #expect(try await h.state(ids[0]) == .done)
        let metrics = try await Self.metrics(h)
        #expect(metrics.contains(#"qblink_refusals_total{reason="client_connections"} 32"#))
        #expect(metrics.contains(#"qblink_refusals_total{reason="evicted_idle"} "#))
        withExtendedLifetime(flood) {}
    }
}

/// At the open-file limit: the server fits its connection bound under it, and a flood neither spins the accept
/// loop nor keeps a Web Connector out.
@Suite struct DescriptorLimitTests {
    @Test func aFloodAtTheOpenFileLimitCostsLittleAndTheWebConnectorGetsIn() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.database("fd.sqlite")
        let store = try Store(path: path)
        try await store.addUser(name: "amazon", passwordHash: PasswordHasher.hash("correct horse", iterations: 1_000), companyFile: "")
        // Too low a limit is refused at start, saying what to do.
        let starved = ServerProcess(databasePath: path, descriptorLimit: 80)
        do {
            try starved.start()
            starved.stop()
            Issue.record("qblink serve started with 80 descriptors")
        } catch let failure as ServerProcess.StartFailure {
            #expect(failure.log.contains("the open-file limit (80) leaves too few descriptors for connections; qblink needs at least 88"), "\(failure.log)")
        }
        // At 120 descriptors, 40 connections: the rest wait in the kernel's backlog or are closed at once.
        let server = ServerProcess(databasePath: path, descriptorLimit: 120)
        try server.start()
        defer { server.stop() }
        #expect(server.log.contains("fewer connections than max-connections"), "\(server.log)")
        let cpuBefore = try #require(Self.cpuSeconds(server.pid))
        // 160 connections from eight addresses, held open, sending nothing: more than there are descriptors.
        let port = server.port
        let flood = try await ConnectionBoundsTests.blocking {
            try (2...9).flatMap { address in try (0..<20).map { _ in try RawHTTPConnection(port: port, from: "127.0.0.\(address)") } }
        }
        try await Task.sleep(for: .seconds(3))
        let cpu = try #require(Self.cpuSeconds(server.pid)) - cpuBefore
        #expect(cpu < 1.0, "the server used \(cpu) s of CPU in 3 s of flood")
        // The Web Connector, from its own address, still logs in and closes its session.
        let client = WebConnectorClient(port: port)
        #expect(try await client.serverVersion().hasPrefix("qblink"))
        #expect(try await client.authenticate("amazon", "correct horse")[1] == "none")
        #expect(server.isRunning)
        withExtendedLifetime(flood) {}
    }

    /// User plus system CPU seconds of a process so far.
    static func cpuSeconds(_ pid: Int32?) -> Double? {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
