import Foundation
import QBLinkTestSupport
import Posting
import QBLinkServer
import QBXML
import Store
import WebConnector

/// A real server on a loopback port, a fake QuickBooks behind a simulated Web Connector, one database.
final class Harness: @unchecked Sendable {
    let folder: TemporaryDirectory
    var server: TestServer
    let configuration: WebConnectorConfiguration
    let maxBodyBytes: Int
    let connections: ConnectionLimits
    let quickBooks = FakeQuickBooks()
    let clock = TestClock()
    static let password = "correct horse"

    var store: Store { server.store }
    private(set) var databasePath: String

    /// - Parameter sqlite: on a SQLite file even when the suite runs against PostgreSQL.
    init(
        configuration: WebConnectorConfiguration = .init(), maxBodyBytes: Int = 32 << 20, users: [String] = ["amazon"],
        connections: ConnectionLimits = .init(), sqlite: Bool = false
    ) async throws {
        folder = try TemporaryDirectory()
        self.configuration = configuration
        self.maxBodyBytes = maxBodyBytes
        self.connections = connections
        databasePath = sqlite ? folder.path("qblink.sqlite") : folder.database("qblink.sqlite")
        server = try await TestServer.start(
            databasePath: databasePath, configuration: configuration, maxBodyBytes: maxBodyBytes, clock: clock, connections: connections)
        for user in users { try await server.addUser(user, password: Self.password) }
        quickBooks.seed("Item", name: "Widget")
        quickBooks.seed("Account", name: "Sales")
    }

    /// Stops the server and starts a new one over the same database (a restart).
    func restart() async throws {
        await server.stop()
        server = try await TestServer.start(databasePath: databasePath, configuration: configuration, maxBodyBytes: maxBodyBytes, clock: clock, connections: connections)
    }

    /// Stops the server and starts one over another database (a migration's target).
    func move(to database: String) async throws {
        await server.stop()
        databasePath = database
        server = try await TestServer.start(databasePath: databasePath, configuration: configuration, maxBodyBytes: maxBodyBytes, clock: clock, connections: connections)
    }

    /// Stops the server, puts the database file `copy` in place of the live one (its -wal and -shm files gone
    /// too), and starts a server over it: a restore from a backup.
    func restore(from copy: String) async throws {
        await server.stop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) }
        try FileManager.default.copyItem(atPath: copy, toPath: databasePath)
        server = try await TestServer.start(databasePath: databasePath, configuration: configuration, maxBodyBytes: maxBodyBytes, clock: clock, connections: connections)
    }

    /// Stops the server and removes its folder; for `defer` right after the harness is made.
    func finish() {
        server.cancel()
        folder.remove()
    }

    /// Queues a qbXML file's requests the way `qblink enqueue --qbxml` does.
    @discardableResult
    func enqueue(_ requests: [String], user: String = "amazon", version: String = "13.0") async throws -> [Int64] {
        let parsed = try QBXMLRequestFile.requests(in: QBXMLSamples.file(requests, version: version))
        return try await Posting.enqueue(requests: parsed, source: "test.xml", userName: user, store: store).ids
    }

    func client() -> WebConnectorClient { WebConnectorClient(port: server.port) }

    /// One Update Selected. Told `busy` (a Web Connector that just crashed still counts as at work for a few
    /// seconds), the Web Connector waits as long as it is told, then tries again.
    func run(
        user: String = "amazon", password: String = Harness.password, quickBooks: FakeQuickBooks? = nil,
        major: Int = 13, minor: Int = 0, crash: WebConnectorRun.Crash? = nil, client: WebConnectorClient? = nil
    ) async throws -> WebConnectorRun {
        for _ in 0..<2 {
            let run = try await WebConnectorRun.run(
                client: client ?? self.client(), quickBooks: quickBooks ?? self.quickBooks, user: user, password: password,
                major: major, minor: minor, crash: crash)
            guard run.authenticate.count >= 3, run.authenticate[1] == "busy", let wait = Double(run.authenticate[2]) else { return run }
            clock.advance(by: wait + 1)
        }
        throw FailedExpectation()
    }

    func state(_ id: Int64) async throws -> ItemState { try await store.item(id: id).state }
}
