import Foundation
import Hummingbird
import Logging
import QBLinkServer
import Store
import WebConnector

/// The real qblink server on a loopback port, over a database in a temporary folder.
public final class TestServer: @unchecked Sendable {
    public let store: Store
    public let service: WebConnectorService
    public let databasePath: String
    public let port: Int
    let task: Task<Void, Error>

    /// Starts a server. Pass `databasePath` to reopen an existing database (a restart).
    public static func start(
        databasePath: String, configuration: WebConnectorConfiguration = .init(), maxBodyBytes: Int = 32 << 20,
        clock: TestClock = TestClock(), publicURL: String? = nil, tls: CertificateStore? = nil, connections: ConnectionLimits = .init()
    ) async throws -> TestServer {
        let store = try Store(path: databasePath)
        var logger = Logger(label: "qblink.test")
        logger.logLevel = .critical
        let service = WebConnectorService(store: store, configuration: configuration, logger: logger, now: { clock.now })
        let server = QBLinkServer(service: service, options: .init(host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes, publicURL: publicURL, tls: tls, connections: connections), logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try server.makeApplication { port in continuation.yield(port) }
        let task = Task { try await app.run() }
        var port = 0
        for await p in ports {
            port = p
            break
        }
        return TestServer(store: store, service: service, databasePath: databasePath, port: port, task: task)
    }

    init(store: Store, service: WebConnectorService, databasePath: String, port: Int, task: Task<Void, Error>) {
        self.store = store
        self.service = service
        self.databasePath = databasePath
        self.port = port
        self.task = task
    }

    /// Stops the server (graceful shutdown) and waits for it.
    public func stop() async {
        task.cancel()
        _ = await task.result
        await service.flushExchangeLog()
    }

    /// Starts stopping the server without waiting (for `defer`, which cannot wait).
    public func cancel() {
        task.cancel()
    }

    /// Adds a user with a quick hash (tests only; the CLI always uses the slow default).
    @discardableResult
    public func addUser(_ name: String, password: String = "correct horse", companyFile: String = "C:\\Books\\Shop.QBW") async throws -> User {
        try await store.addUser(name: name, passwordHash: PasswordHasher.hash(password, iterations: 1_000), companyFile: companyFile)
    }
}

/// The server's notion of now: the real time, moved forward by what a test skips (an idle session's
/// timeout, without waiting for it).
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var skipped: TimeInterval = 0

    public init() {}

    public var now: Date { lock.withLock { Date().addingTimeInterval(skipped) } }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { skipped += seconds }
    }
}
