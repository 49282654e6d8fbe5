import ArgumentParser
import AsyncHTTPClient
import Foundation

/// The load benchmark (not a test): starts `qblink serve` on loopback over a fresh database and drives
/// simulated Web Connectors at it, then the same load against a bare echo of the same HTTP stack.
@main
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qblink-load", abstract: "Drive simulated Web Connectors at a real qblink server and print what it costs.")

    @Option(help: "Concurrent simulated Web Connectors for idle polling and the echo.") var connectors = 32
    @Option(help: "Seconds of idle polling (and of the echo).") var seconds = 10.0
    @Option(help: "Users whose queues are drained, each by its own Web Connector at once.") var users = 8
    @Option(help: "CustomerAdd requests queued per user for the drain.") var requests = 100
    @Option(help: "Requests per sendRequestXML (qblink serve --batch).") var batch = 50
    @Option(help: "The qblink binary (default: the one beside this benchmark).") var qblink: String?
    @Option(help: "Only serve the echo on this port (the benchmark starts itself so).") var serveEcho: Int?
    @Option(help: "Idle polls for the in-process step profile (0: no step profile).") var stepPolls = 2_000
    @Option(help: "The servers' database: an empty PostgreSQL database's postgres:// URL (password in QBLINK_DB_PASSWORD or QBLINK_DB_PASSWORD_FILE), else a new SQLite file.")
    var db: String?
    @Option(help: "qblink servers over the one database (more than one needs --db postgres://…); the connectors are spread over them.")
    var servers = 1

    func run() async throws {
        if let serveEcho { return try await EchoServer.run(port: serveEcho) }
        let own = URL(fileURLWithPath: CommandLine.arguments[0])
        let binary = qblink ?? own.deletingLastPathComponent().appendingPathComponent("qblink").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qblink-load-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(64, connectors))))

        print("qblink-load: setting up \(binary) with \(users) users × \(requests) queued requests …")
        guard servers == 1 || db?.hasPrefix("postgres") == true else { throw ValidationError("--servers \(servers) needs --db postgres://…") }
        let database = db ?? folder + "/load.sqlite"
        try Server.setUp(binary: binary, db: database, folder: folder, idleUsers: connectors, users: users, requests: requests)
        let qblinks = try (0..<servers).map { _ in try Server.qblink(binary: binary, db: database, batch: batch) }
        defer { for s in qblinks { s.stop() } }
        print("qblink-load: \(servers) server(s) on \(db == nil ? "SQLite" : database)")
        // Every user logs in once first on every server, as a Web Connector that ran before did (each server
        // trusts a password it checked for a while; the first check is the slow hash).
        for server in qblinks {
            var warm = Connector(client: client, url: server.url)
            for n in 0..<connectors { try await warm.idlePoll(Server.idleUser(n), Server.password) }
            for n in 0..<users { try await warm.idlePoll(Server.drainUser(n), Server.password) }
        }

        // Each connector is another company file's Web Connector, polling with nothing queued.
        let idle = try await Self.measure(qblinks, client, connectors: connectors, seconds: seconds) { i, connector, deadline in
            while DispatchTime.now().uptimeNanoseconds < deadline { try await connector.idlePoll(Server.idleUser(i), Server.password) }
        }
        print(idle.report("idle polling (authenticate → none → closeConnection), \(connectors) connectors"))
        // The non-authenticate half alone: closeConnection on the ticket of an authenticate that answered none.
        let closing = try await Self.measure(qblinks, client, connectors: connectors, seconds: seconds / 2) { i, connector, deadline in
            guard let (ticket, _) = try await connector.authenticate(Server.idleUser(i), Server.password) else { return }
            connector.tally = Tally()
            while DispatchTime.now().uptimeNanoseconds < deadline { try await connector.close(ticket) }
        }
        print(closing.report("closeConnection alone (the idle ticket of one authenticate), \(connectors) connectors"))
        let drain = try await Self.measure(qblinks, client, connectors: users, seconds: 600) { i, connector, _ in
            try await connector.drain(Server.drainUser(i), Server.password)
        }
        print(drain.report("draining \(users) users × \(requests) requests in batches of \(batch), one connector per user"))
        print("qblink peak RSS: " + qblinks.map { String(format: "%.0f MB", $0.stats.peakRSSMB) }.joined(separator: ", "))

        let echo = [try Server.echo(binary: own.path)]
        defer { echo[0].stop() }
        let bare = Connector.envelope("serverVersion", [("pad", "")])
        let body = Connector.envelope("serverVersion", [("pad", String(repeating: "x", count: max(1, 330 - bare.utf8.count - 11)))])
        let ceiling = try await Self.measure(echo, client, connectors: connectors, seconds: seconds) { _, connector, deadline in
            while DispatchTime.now().uptimeNanoseconds < deadline { _ = try await connector.call("echo", body) }
        }
        print(ceiling.report("ceiling: Hummingbird echoing a \(body.utf8.count)-byte POST, \(connectors) connectors"))
        try await client.shutdown()
        if stepPolls > 0 && db == nil {
            print(try await StepProfile.run(folder: folder, polls: stepPolls, requests: requests, batch: batch))
        }
    }

    /// Runs `work` on `connectors` concurrent connectors until `seconds` pass (or the work ends) and reports
    /// what it cost the server.
    /// Connector i talks to server i modulo the servers' count.
    static func measure(
        _ servers: [Server], _ client: HTTPClient, connectors: Int, seconds: Double,
        _ work: @escaping @Sendable (Int, inout Connector, UInt64) async throws -> Void
    ) async throws -> Run {
        let cpuBefore = servers.map(\.stats.cpuSeconds).reduce(0, +)
        let databaseBefore = ProcessStats.postgresCPUSeconds
        let started = DispatchTime.now().uptimeNanoseconds
        let deadline = started + UInt64(seconds * 1e9)
        let urls = servers.map(\.url)
        let tally = try await withThrowingTaskGroup(of: Tally.self) { group in
            for i in 0..<connectors {
                group.addTask {
                    var connector = Connector(client: client, url: urls[i % urls.count])
                    try await work(i, &connector, deadline)
                    return connector.tally
                }
            }
            return try await group.reduce(Tally(), +)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Run(
            tally: tally, seconds: elapsed, serverCPU: servers.map(\.stats.cpuSeconds).reduce(0, +) - cpuBefore,
            databaseCPU: ProcessStats.postgresCPUSeconds - databaseBefore)
    }
}

/// One measured load.
struct Run {
    var tally: Tally
    var seconds: Double
    var serverCPU: Double
    /// PostgreSQL's processes' CPU over the run (0 on SQLite).
    var databaseCPU = 0.0

    func report(_ title: String) -> String {
        let calls = tally.calls
        var lines = [title]
        lines.append(String(format: "  %d calls in %.2f s: %.0f calls/s; server CPU %.3f ms per call (%.2f s); %d failed",
            calls, seconds, Double(calls) / seconds, calls > 0 ? serverCPU * 1000 / Double(calls) : 0, serverCPU, tally.failures))
        if databaseCPU > 0 {
            lines.append(String(format: "  PostgreSQL CPU %.3f ms per call (%.2f s)", calls > 0 ? databaseCPU * 1000 / Double(calls) : 0, databaseCPU))
        }
        if tally.created > 0 {
            lines.append(String(format: "  %d requests created: %.0f per second", tally.created, Double(tally.created) / seconds))
        }
        for (method, latencies) in tally.byMethod.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(method.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(latencies.samples.count).padding(toLength: 8, withPad: " ", startingAt: 0)) \(latencies.summary)")
        }
        return lines.joined(separator: "\n")
    }
}
