import Foundation
import QBLinkTestSupport
import Store

/// One fault sweep: the real `qblink serve` binary on loopback over a fresh database, users whose Web
/// Connectors sync their workloads into fake QuickBooks company files while faults are injected, round after
/// round, until everything has settled; then the invariants are checked against the books.
struct Scenario: Sendable, CustomStringConvertible {
    var name: String
    var seed: UInt64
    var connector = SweepConnector.Faults()
    /// Whole messages QuickBooks refuses as unreadable, and single requests it fails.
    var rejectMessage = 0.0
    var failRequest = 0.0
    /// Per round, the chance that the server is killed (SIGKILL) at a random moment and started again.
    var killChance = 0.0
    /// Two users' Web Connectors sync at the same time.
    var twoUsers = false
    /// Two Web Connectors for the same user sync at the same time.
    var sameUserTwice = false
    var skus = 8
    var maxRounds = 400
    /// Requests per sendRequestXML: small, so that a sync takes many messages (and many chances of a fault).
    var batch = 4
    /// qblink servers on the one database (PostgreSQL when more than one). Connectors are spread over them,
    /// the first one's calls going to each in turn; a kill picks one of them.
    var servers = 1

    var description: String { "\(name) seed=\(seed)" }
}

struct SweepReport: Sendable {
    var rounds = 0
    var kills = 0
    var droppedResponses = 0
    var connectorDeaths = 0
    var connectionErrors = 0
    var rejectedMessages = 0
    var failedRequests = 0
    /// Authenticates answered `busy` (another Web Connector at work for the user).
    var busyAnswers = 0
    var problems: [String] = []
    var seconds = 0.0

    var summary: String {
        "\(rounds) rounds, \(kills) SIGKILLs, \(droppedResponses) responses dropped, \(connectorDeaths) connector deaths, "
            + "\(connectionErrors) connectionErrors, \(rejectedMessages) messages rejected, \(failedRequests) requests failed, \(busyAnswers) busy, "
            + String(format: "%.1f s", seconds)
    }

    static func + (a: SweepReport, b: SweepReport) -> SweepReport {
        SweepReport(
            rounds: a.rounds + b.rounds, kills: a.kills + b.kills, droppedResponses: a.droppedResponses + b.droppedResponses,
            connectorDeaths: a.connectorDeaths + b.connectorDeaths, connectionErrors: a.connectionErrors + b.connectionErrors,
            rejectedMessages: a.rejectedMessages + b.rejectedMessages, failedRequests: a.failedRequests + b.failedRequests,
            busyAnswers: a.busyAnswers + b.busyAnswers, problems: a.problems + b.problems, seconds: a.seconds + b.seconds)
    }
}

enum FaultSweep {
    /// `QBLINK_SWEEP_SCALE` (default 1): how many times the mixed sweeps run, with other seeds.
    static var scale: Int { Int(ProcessInfo.processInfo.environment["QBLINK_SWEEP_SCALE"] ?? "") ?? 1 }
    /// `QBLINK_SWEEP_SEED` replays one seed.
    static var replaySeed: UInt64? { ProcessInfo.processInfo.environment["QBLINK_SWEEP_SEED"].flatMap { UInt64($0) } }

    static func run(_ scenario: Scenario) async throws -> SweepReport {
        let started = Date()
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try Store(path: folder.database("sweep.sqlite"))
        var random = SweepRandom(seed: scenario.seed)
        var workloads = [try await SweepWorkload(user: "alpha", store: store, skus: scenario.skus)]
        if scenario.twoUsers { workloads.append(try await SweepWorkload(user: "beta", store: store, skus: scenario.skus)) }
        var connectors: [SweepConnector] = []
        for w in workloads {
            w.quickBooks.chaos = .init(rejectMessage: scenario.rejectMessage, failRequest: scenario.failRequest, seed: random.next())
            connectors.append(SweepConnector(user: w.user, quickBooks: w.quickBooks, faults: scenario.connector, seed: random.next()))
        }
        if scenario.sameUserTwice {
            connectors.append(SweepConnector(user: "alpha", quickBooks: workloads[0].quickBooks, faults: scenario.connector, seed: random.next()))
        }
        let servers = (0..<scenario.servers).map { _ in
            ServerProcess(databasePath: store.path, arguments: ["--session-timeout", "600", "--batch", String(scenario.batch), "--busy-seconds", "0.3"])
        }
        for server in servers { try server.start() }
        defer { for server in servers { server.stop() } }
        var report = SweepReport()
        for round in 1...scenario.maxRounds {
            report.rounds = round
            for server in servers where !server.isRunning { try server.start() }
            let killer: Task<Void, Never>? = random.chance(scenario.killChance) ? {
                let delay = UInt64(2 + random.below(120))
                let victim = servers[random.below(servers.count)]
                return Task { try? await Task.sleep(nanoseconds: delay * 1_000_000); victim.kill() }
            }() : nil
            let ports = servers.map(\.port)
            if connectors.count > 1 {
                await withTaskGroup(of: Void.self) { group in
                    for (i, c) in connectors.enumerated() {
                        let mine = i == 0 ? ports : [ports[i % ports.count]]
                        group.addTask { await c.sync(ports: mine) }
                    }
                }
            } else {
                await connectors[0].sync(ports: ports)
            }
            await killer?.value
            for server in servers where !server.isRunning { try server.start() }
            var settled = true
            for w in workloads {
                try await w.operate(store)
                if try await !w.settled(store) { settled = false }
            }
            if settled { break }
        }
        report.kills = servers.map(\.kills).reduce(0, +)
        for c in connectors {
            report.droppedResponses += c.droppedResponses
            report.connectorDeaths += c.deaths
            report.connectionErrors += c.connectionErrors
            report.busyAnswers += c.busy
        }
        for w in workloads {
            report.rejectedMessages += w.quickBooks.rejectedMessages
            report.failedRequests += w.quickBooks.failedRequests
            report.problems += try await SweepInvariants.problems(w, store).map { "\(w.user): \($0)" }
        }
        let integrity = try await store.integrityCheck()
        if integrity != ["ok"] { report.problems.append("PRAGMA integrity_check: \(integrity.joined(separator: "; "))") }
        if report.rounds == scenario.maxRounds { report.problems.append("did not settle in \(scenario.maxRounds) rounds") }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
