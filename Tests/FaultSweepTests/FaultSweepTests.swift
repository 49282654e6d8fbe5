import Foundation
import QBLinkTestSupport
import Testing

/// Exactly once under faults: every scenario ends with every request created once (or visibly failed or in
/// doubt with a reason), no duplicates, nothing lost, the books balanced, and a sound database. A failing
/// run prints its seed; `QBLINK_SWEEP_SEED=N` replays it, `QBLINK_SWEEP_SCALE=N` runs N times the mixed
/// sweeps (the large run of the README).
@Suite(.serialized, .enabled(if: CLIRunner.isAvailable, "the qblink executable is not built beside the tests"))
struct FaultSweepTests {
    /// Runs the scenario (each run a fresh database, with the next seed) until the fault it is about has
    /// happened `minimum` times (× QBLINK_SWEEP_SCALE), checking the invariants after every run.
    func sweep(_ scenario: Scenario, until minimum: Int = 5, _ count: (SweepReport) -> Int) async throws {
        var total = SweepReport()
        var run = 0
        while count(total) < minimum * FaultSweep.scale && run < 25 * FaultSweep.scale {
            var this = scenario
            this.seed = FaultSweep.replaySeed ?? scenario.seed &+ UInt64(run) &* 1_000_003
            let report = try await FaultSweep.run(this)
            total = total + report
            run += 1
            #expect(report.problems.isEmpty, "\(this) failed; replay with QBLINK_SWEEP_SEED=\(this.seed):\n\(report.problems.prefix(20).joined(separator: "\n"))")
            if !report.problems.isEmpty || FaultSweep.replaySeed != nil { break }
        }
        print("sweep \(scenario.name): \(run) runs, \(total.summary)")
        #expect(count(total) >= minimum * FaultSweep.scale || !total.problems.isEmpty, "\(scenario.name): the fault happened only \(count(total)) times")
    }

    /// The response to the k-th message of a sync (k = 1..5) is lost after QuickBooks applied it, in half the syncs.
    @Test(arguments: 1...5)
    func aResponseLostAfterQuickBooksAppliedIt(message k: Int) async throws {
        try await sweep(Scenario(name: "response of message \(k) lost", seed: 100 + UInt64(k), connector: .init(loseResponseAt: k))) { $0.droppedResponses }
    }

    @Test func theServerKilledAtRandomMoments() async throws {
        try await sweep(Scenario(name: "SIGKILL", seed: 200, killChance: 0.6)) { $0.kills }
    }

    @Test func theWebConnectorDyingMidSession() async throws {
        try await sweep(Scenario(name: "connector dies", seed: 300, connector: .init(dieChance: 0.15))) { $0.connectorDeaths }
    }

    @Test func quickBooksThatCannotBeOpened() async throws {
        try await sweep(Scenario(name: "connectionError", seed: 400, connector: .init(connectionErrorChance: 0.5))) { $0.connectionErrors }
    }

    @Test func wholeMessagesRejectedWithAnHRESULT() async throws {
        try await sweep(Scenario(name: "HRESULT", seed: 500, rejectMessage: 0.25)) { $0.rejectedMessages }
    }

    @Test func quickBooksErrorsOnRandomRequests() async throws {
        try await sweep(Scenario(name: "QuickBooks errors", seed: 600, failRequest: 0.08)) { $0.failedRequests }
    }

    @Test func twoUsersSyncingAtOnce() async throws {
        try await sweep(Scenario(name: "two users", seed: 700, connector: .init(loseResponseAt: 3), twoUsers: true), until: 2) { $0.droppedResponses }
    }

    /// Several servers on one database need PostgreSQL.
    static let postgres = "needs PostgreSQL: set QBLINK_TEST_POSTGRES to a server (.ci/run starts a private one)"

    /// A load balancer without affinity: every call of one Update Selected goes to the other server than the
    /// last. The session completes normally, as on one server.
    @Test(.enabled(if: TestDatabase.isPostgres, Comment(rawValue: postgres)))
    func aSessionWhoseCallsAlternateBetweenTwoServers() async throws {
        let report = try await FaultSweep.run(Scenario(name: "alternating servers", seed: 950, servers: 2))
        print("sweep alternating servers: \(report.summary)")
        #expect(report.problems.isEmpty, "\(report.problems.prefix(20).joined(separator: "\n"))")
        #expect(report.busyAnswers == 0 && report.connectionErrors == 0)
    }

    /// Two servers on one PostgreSQL database, Web Connectors spread over both (alpha's calls alternating
    /// between them, a second alpha and beta each on one), responses lost, and one server or the other killed
    /// with SIGKILL mid-session: every request created once in the fake QuickBooks, nothing lost, every item
    /// done or visibly failed.
    @Test(.enabled(if: TestDatabase.isPostgres, Comment(rawValue: postgres)))
    func twoServersOnOnePostgreSQLDatabase() async throws {
        try await sweep(Scenario(
            name: "two servers", seed: 900, connector: .init(loseResponseAt: 2), killChance: 0.4, twoUsers: true, sameUserTwice: true,
            servers: 2), until: 8) { $0.kills }
    }

    @Test func twoWebConnectorsForTheSameUser() async throws {
        try await sweep(Scenario(name: "same user twice", seed: 800, connector: .init(loseResponseAt: 2), sameUserTwice: true), until: 2) { $0.busyAnswers }
    }

    @Test func everythingMixedAtRandom() async throws {
        var total = SweepReport()
        for run in 0..<FaultSweep.scale {
            let seed = FaultSweep.replaySeed ?? UInt64(Date().timeIntervalSince1970 * 1000) &+ UInt64(run) &* 7919
            let scenario = Scenario(
                name: "mixed \(run + 1)/\(FaultSweep.scale)", seed: seed,
                connector: .init(loseResponseAt: 1 + run % 5, loseChance: 0.6, dieChance: 0.05, connectionErrorChance: 0.05),
                rejectMessage: 0.05, failRequest: 0.03, killChance: 0.35, twoUsers: true, sameUserTwice: run % 2 == 1)
            let report = try await FaultSweep.run(scenario)
            total = total + report
            print("sweep \(scenario): \(report.summary)")
            if !report.problems.isEmpty { break }
            #expect(report.problems.isEmpty, "\(scenario) failed; replay with QBLINK_SWEEP_SEED=\(seed):\n\(report.problems.prefix(20).joined(separator: "\n"))")
        }
        print("sweep mixed, all runs: \(total.summary)")
    }
}
