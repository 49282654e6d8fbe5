import Foundation
import QBLinkTestSupport
import Testing

/// Two `qblink serve` processes on one PostgreSQL database: what the database keeps — failed logins, users,
/// passwords — holds for both, whichever one a call reaches.
@Suite(.enabled(if: TestDatabase.isPostgres && CLIRunner.isAvailable, "needs PostgreSQL (QBLINK_TEST_POSTGRES; .ci/run starts one) and the qblink executable"))
struct TwoServerCredentialTests {
    func cli(_ db: String, _ args: String..., stdin: String? = nil) throws -> CLIRunner.Result {
        try CLIRunner.run(args, database: db, stdin: stdin)
    }

    @Test func failedLoginsRemovalsAndNewPasswordsCountOnEveryServer() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let db = folder.database("two.sqlite")
        for name in ["amazon", "ebay"] {
            #expect(try cli(db, "user", "add", name, "--password-stdin", stdin: "correct horse\n").status == 0)
        }
        let servers = [ServerProcess(databasePath: db), ServerProcess(databasePath: db)]
        for s in servers { try s.start() }
        defer { for s in servers { s.stop() } }
        let clients = servers.map { WebConnectorClient(port: $0.port) }

        // Five wrong guesses for amazon, alternating servers: the sixth try, with the right password, is
        // throttled on either, because the failures are counted in the database.
        for i in 0..<5 { #expect(try await clients[i % 2].authenticate("amazon", "guess") == ["", "nvu"]) }
        #expect(try await clients[1].authenticate("amazon", "correct horse") == ["", "nvu"])
        #expect(try await clients[0].authenticate("amazon", "correct horse") == ["", "nvu"])
        #expect(servers.contains { $0.log.contains("authentication throttled") })

        // ebay logs in on both (each server now trusts the password for a while) …
        for c in clients { #expect(try await c.authenticate("ebay", "correct horse")[1] == "none") }
        // … a new password is set from the CLI: the old one fails on both at once, the new one works on both.
        #expect(try cli(db, "user", "passwd", "ebay", "--password-stdin", stdin: "battery staple\n").status == 0)
        for c in clients {
            #expect(try await c.authenticate("ebay", "correct horse") == ["", "nvu"])
            #expect(try await c.authenticate("ebay", "battery staple")[1] == "none")
        }
        // … and once removed, it is refused on both.
        #expect(try cli(db, "user", "remove", "ebay").status == 0)
        for c in clients { #expect(try await c.authenticate("ebay", "battery staple") == ["", "nvu"]) }
    }
}
