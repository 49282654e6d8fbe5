import Foundation
import QBLinkTestSupport
import Store
import Testing
import WebConnector

/// Re-authentication without the slow hash, and a hashing pool that cannot be used to burn the CPU. Asserted
/// on the count of slow verifications, never on time.
@Suite struct CredentialTests {
    func slow(_ h: Harness) -> Int { h.server.service.slowVerifications }

    /// An authenticate, and the closeConnection the Web Connector sends after it.
    func login(_ h: Harness, _ user: String = "amazon", _ password: String = Harness.password) async throws -> [String] {
        let client = h.client()
        let answer = try await client.authenticate(user, password)
        if !answer[0].isEmpty { _ = try await client.closeConnection(answer[0]) }
        return answer
    }

    @Test func theSamePasswordIsAcceptedAgainWithoutTheSlowHashAndNoOtherIs() async throws {
        let h = try await Harness()
        defer { h.finish() }
        #expect(try await login(h)[1] == "none")
        #expect(slow(h) == 1)
        for _ in 0..<5 { #expect(try await login(h)[1] == "none") }
        #expect(slow(h) == 1)
        // A wrong password always pays the slow hash, and never gets in.
        for wrong in ["correct horse ", "Correct horse", "", "correct horse\u{1F40E}"] {
            #expect(try await login(h, "amazon", wrong) == ["", "nvu"])
        }
        #expect(slow(h) == 5)
        #expect(try await login(h)[1] == "none")
        #expect(slow(h) == 5)
    }

    @Test func aNewPasswordARemovedUserAndTimeForgetIt() async throws {
        let h = try await Harness(configuration: .init(credentialLifetime: 3_600))
        defer { h.finish() }
        _ = try await login(h)
        // `qblink user passwd`, even to the same password: the stored hash changes, the memory no longer fits.
        try await h.store.setPassword(name: "amazon", passwordHash: PasswordHasher.hash(Harness.password, iterations: 1_000))
        #expect(try await login(h)[1] == "none")
        #expect(slow(h) == 2)
        try await h.store.setPassword(name: "amazon", passwordHash: PasswordHasher.hash("battery staple", iterations: 1_000))
        #expect(try await login(h) == ["", "nvu"])
        #expect(try await login(h, "amazon", "battery staple")[1] == "none")
        #expect(slow(h) == 4)
        // Expiry (a minute's margin: the clock also moves on in real time, slowly on a loaded machine).
        h.clock.advance(by: 3_540)
        _ = try await login(h, "amazon", "battery staple")
        #expect(slow(h) == 4)
        h.clock.advance(by: 120)
        _ = try await login(h, "amazon", "battery staple")
        #expect(slow(h) == 5)
        // `qblink user remove`: the name is unknown again and costs what any unknown name costs.
        try await h.store.removeUser(name: "amazon")
        #expect(try await login(h, "amazon", "battery staple") == ["", "nvu"])
        #expect(slow(h) == 6)
        #expect(try await login(h, "nobody", "battery staple") == ["", "nvu"])
        #expect(slow(h) == 7)
    }

    @Test func noCacheMeansEveryLoginPaysTheSlowHash() async throws {
        let h = try await Harness(configuration: .init(credentialLifetime: 0))
        defer { h.finish() }
        for _ in 0..<3 { _ = try await login(h) }
        #expect(slow(h) == 3)
    }

    @Test func aClientThatKeepsFailingIsRefusedAtOnceEvenWithTheRightPassword() async throws {
        let h = try await Harness(configuration: .init(clientFailureLimit: 3))
        defer { h.finish() }
        for name in ["a", "b", "c"] { #expect(try await login(h, name, "guess") == ["", "nvu"]) }
        #expect(slow(h) == 3)
        #expect(try await login(h) == ["", "nvu"])
        #expect(try await login(h, "d", "guess") == ["", "nvu"])
        #expect(slow(h) == 3)
        // The window passes.
        h.clock.advance(by: 601)
        #expect(try await login(h)[1] == "none")
    }

    @Test func aFloodOfWrongPasswordsNeitherQueuesHashingNorStopsASession() async throws {
        let h = try await Harness(configuration: .init(hashingWorkers: 1, clientFailureLimit: 0))
        defer { h.finish() }
        // A real-cost hash, so that the flood keeps the one worker busy.
        try await h.server.store.addUser(name: "target", passwordHash: PasswordHasher.hash("secret", iterations: 200_000), companyFile: "")
        _ = try await login(h)  // the shop's Web Connector logged in before (its password is remembered)
        try await h.enqueue([QBXMLSamples.customer("Acme")])
        let before = slow(h)
        let answers = try await withThrowingTaskGroup(of: [String].self) { group in
            for i in 0..<24 {
                // Distinct names, so that no name's own throttle answers before the pool is asked.
                group.addTask { try await h.client().authenticate(i == 0 ? "target" : "stranger\(i)", "guess \(i)") }
            }
            // Meanwhile the shop syncs.
            let run = try await h.run()
            #expect(run.closeMessage == "1 created.")
            var answers: [[String]] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
        let busy = answers.filter { $0.count == 4 && $0[1] == "busy" }
        #expect(answers.allSatisfy { $0 == ["", "nvu"] || ($0.count == 4 && $0[1] == "busy") })
        #expect(!busy.isEmpty)
        // Only the attempts a worker took were hashed; the others cost nothing and were told to come back.
        #expect(slow(h) - before == answers.count - busy.count)
        #expect(h.quickBooks.lists.filter { $0.fullName == "Acme" }.count == 1)
    }
}
