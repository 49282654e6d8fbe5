import Foundation

public struct WebConnectorConfiguration: Sendable {
    /// Most requests one sendRequestXML carries.
    public var batchSize: Int
    /// Most bytes of qbXML one sendRequestXML carries (a single larger request still goes alone).
    public var maxBatchBytes: Int
    /// A session idle longer than this is over; its unanswered requests become in doubt.
    public var idleTimeout: TimeInterval
    public var clientVersion: ClientVersionPolicy
    /// What serverVersion returns (shown in the Web Connector's "More Information").
    public var serverVersion: String
    /// Failed logins allowed for a user name before each further attempt must wait.
    public var freeAuthFailures: Int
    /// Logged SOAP calls older than this are deleted (in the background, in bounded steps).
    public var logRetention: TimeInterval
    /// The exchange log keeps at most this many bytes of body text; the oldest calls go first (in the background).
    public var logMaxBytes: Int
    /// Of each request and response body of an authenticated call, at most this many bytes are logged.
    public var logBodyLimit: Int
    /// An authenticate while the user's open session made a call this recently answers `busy` (another Web
    /// Connector is at work for the user) instead of replacing that session. 0: always replace.
    public var busyWindow: TimeInterval
    /// How long a password that verified is accepted again without the slow hash (until it changes or the user
    /// goes). 0: every authenticate pays the slow hash.
    public var credentialLifetime: TimeInterval
    /// Slow password verifications that may run at once; an authenticate beyond them is answered `busy` at once.
    public var hashingWorkers: Int
    /// Failed authentications from one client address within 10 minutes after which its attempts are refused
    /// at once, without a password check. 0: no limit per client.
    public var clientFailureLimit: Int
    /// Documents over 64 KB (a large receiveResponseXML) parsed at once, each on a thread of its own.
    public var parsingWorkers: Int

    public init(
        batchSize: Int = 50, maxBatchBytes: Int = 8 << 20, idleTimeout: TimeInterval = 30 * 60,
        clientVersion: ClientVersionPolicy = .init(), serverVersion: String = "qblink \(QBLinkVersion.current)",
        freeAuthFailures: Int = 5, logRetention: TimeInterval = 90 * 86_400, busyWindow: TimeInterval = 10,
        credentialLifetime: TimeInterval = 86_400, hashingWorkers: Int = ProcessInfo.processInfo.activeProcessorCount,
        clientFailureLimit: Int = 50, logMaxBytes: Int = 1 << 30, logBodyLimit: Int = 1 << 20, parsingWorkers: Int = 1
    ) {
        self.parsingWorkers = parsingWorkers
        self.logMaxBytes = logMaxBytes
        self.logBodyLimit = logBodyLimit
        self.batchSize = batchSize
        self.maxBatchBytes = maxBatchBytes
        self.idleTimeout = idleTimeout
        self.clientVersion = clientVersion
        self.serverVersion = serverVersion
        self.freeAuthFailures = freeAuthFailures
        self.logRetention = logRetention
        self.busyWindow = busyWindow
        self.credentialLifetime = credentialLifetime
        self.hashingWorkers = hashingWorkers
        self.clientFailureLimit = clientFailureLimit
    }
}

public enum QBLinkVersion {
    public static let current = "0.1.0"
}
