import Foundation
import QBLinkTestSupport
import Store
import Testing

/// Two `qblink serve` processes on one PostgreSQL database, Web Connectors of one user hitting both at the same
/// instant: the database's rules (one active session per user, an item claimed by one batch) hold as on one
/// server. Without serializable transactions this fails (tried with READ COMMITTED: the same items went out in
/// two sessions' batches).
@Suite(.enabled(if: TestDatabase.isPostgres && CLIRunner.isAvailable, "needs PostgreSQL (QBLINK_TEST_POSTGRES; .ci/run starts one) and the qblink executable"))
struct TwoServerRaceTests {
    @Test func simultaneousLoginsAndBatchesOnTwoServersNeverSendAnItemTwice() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let db = folder.database("race.sqlite")
        #expect(try CLIRunner.run(["user", "add", "amazon", "--password-stdin"], database: db, stdin: "correct horse\n").status == 0)
        let file = folder.path("queue.xml")
        try QBXMLSamples.file((1...80).map { QBXMLSamples.customer("Customer \($0)") }).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["enqueue", "--qbxml", file, "--user", "amazon"], database: db).status == 0)
        // No `busy` answer: every login replaces the user's session, as far apart in time as it can.
        let servers = [ServerProcess(databasePath: db, arguments: ["--busy-seconds", "0", "--batch", "4"]),
                       ServerProcess(databasePath: db, arguments: ["--busy-seconds", "0", "--batch", "4"])]
        for s in servers { try s.start() }
        defer { for s in servers { s.stop() } }
        let store = try Store(path: db)
        var claimedBefore: Set<String> = []
        for round in 1...6 {
            // Twelve Web Connectors log in at once, half on each server …
            let tickets = await withTaskGroup(of: (Int, String)?.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        let answer = try? await WebConnectorClient(port: servers[i % 2].port).authenticate("amazon", "correct horse")
                        guard let answer, answer.count > 1, !answer[0].isEmpty, answer[1] != "nvu", answer[1] != "none" else { return nil }
                        return (i, answer[0])
                    }
                }
                return await group.reduce(into: [(Int, String)]()) { if let t = $1 { $0.append(t) } }
            }
            #expect(!tickets.isEmpty, "round \(round): nobody logged in")
            // … then each asks for work at once, on the other server than the one it logged in on.
            let batches = await withTaskGroup(of: [String].self) { group in
                for (i, ticket) in tickets {
                    group.addTask {
                        let xml = (try? await WebConnectorClient(port: servers[(i + 1) % 2].port).sendRequestXML(ticket)) ?? ""
                        return xml.matches(of: /<CustomerAddRq requestID="(\d+)"/).map { String($0.1) }
                    }
                }
                return await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let claimed = batches.flatMap { $0 }
            #expect(Set(claimed).count == claimed.count, "round \(round): an item went out in two batches at once: \(batches.filter { !$0.isEmpty })")
            #expect(batches.filter { !$0.isEmpty }.count <= 1, "round \(round): more than one session got work: \(batches.filter { !$0.isEmpty })")
            #expect(claimedBefore.isDisjoint(with: claimed), "round \(round): an item sent in an earlier round went out again as an Add")
            claimedBefore.formUnion(claimed)
            let active = try await store.sessions(userName: "amazon", limit: 100).filter { $0.session.state == .active }
            #expect(active.count <= 1, "round \(round): \(active.count) active sessions for one user")
        }
        #expect(!claimedBefore.isEmpty)
    }
}
