import Foundation
import QBLinkTestSupport
import Store
import Testing

@Suite struct ShutdownTests {
    @Test func SIGTERMStopsCleanlyAndKeepsEveryAnsweredCallInTheLog() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.database("stop.sqlite")
        let store = try Store(path: path)
        try await store.addUser(name: "amazon", passwordHash: PasswordHasher.hash("pw", iterations: 1_000), companyFile: "C:\\Q.QBW")
        let server = ServerProcess(databasePath: path)
        try server.start()
        let client = WebConnectorClient(port: server.port)
        for _ in 0..<20 { _ = try await client.serverVersion() }
        let ticket = try await client.authenticate("amazon", "pw")[0]
        _ = try await client.closeConnection(ticket)
        // Stopped at once after the last answer (the stop writes out whatever records still wait).
        server.stop()
        #expect(server.lastExitStatus == 0)
        #expect(try await Store(path: path).recentExchanges(limit: 100).count == 22)
    }
}
