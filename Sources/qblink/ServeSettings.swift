import ArgumentParser
import Foundation
import AmazonSync
import Logging
import QBLinkServer
import WebConnector

/// Everything `qblink serve` runs with, each from its flag, its `QBLINK_…` variable, the configuration file or
/// its default (`SettingsResolver`), checked together so that every problem is named with where it came from.
struct ServeSettings {
    enum Defaults {
        static let db = "./qblink.sqlite"
        static let host = "127.0.0.1"
        static let port = 8080
        static let batch = 50
        static let batchBytes = 8 << 20
        static let sessionTimeout = 1800
        static let maxBody = 32 << 20
        static let clientVersionAction = ClientVersionPolicy.Action.warn
        static let logDays = 90
        static let logMaxMb = 1024
        static let logBodyKb = 1024
        static let busySeconds = 10.0
        static let authCacheSeconds = 86_400.0
        static let hashWorkers = ProcessInfo.processInfo.activeProcessorCount
        static let clientFailures = 50
        static let shutdownSeconds = 20
        static let logLevel = Logger.Level.info
        static let maxConnections = 512
        static let maxClientConnections = 32
        static let idleSeconds = 30
        static let amazonEveryHours = 6.0
    }

    var db: String
    var host: String
    var port: Int
    var batch: Int
    var batchBytes: Int
    var sessionTimeout: Int
    var maxBody: Int
    var minClientVersion: String?
    var clientVersionAction: ClientVersionPolicy.Action
    var logDays: Int
    var logMaxMb: Int
    var logBodyKb: Int
    var busySeconds: Double
    var authCacheSeconds: Double
    var hashWorkers: Int
    var clientFailures: Int
    var publicURL: String?
    var tlsCert: String?
    var tlsKey: String?
    var shutdownSeconds: Int
    var logLevel: Logger.Level
    var maxConnections: Int
    var maxClientConnections: Int
    var idleSeconds: Int
    var amazonFetch: String?
    var amazonEveryHours: Double
    var amazonMapping: String?

    /// Resolves every setting (`flags` nil: as if none were given); `resolver.problems` says what is wrong (nothing is thrown here).
    init(_ flags: Serve?, _ r: inout SettingsResolver) {
        typealias D = Defaults
        db = r.value("db", flag: flags?.database.db, default: D.db)
        host = r.value("host", flag: flags?.host, default: D.host)
        port = r.value("port", flag: flags?.port, default: D.port)
        batch = r.value("batch", flag: flags?.batch, default: D.batch)
        batchBytes = r.value("batch-bytes", flag: flags?.batchBytes, default: D.batchBytes)
        sessionTimeout = r.value("session-timeout", flag: flags?.sessionTimeout, default: D.sessionTimeout)
        maxBody = r.value("max-body", flag: flags?.maxBody, default: D.maxBody)
        minClientVersion = r.optional("min-client-version", flag: flags?.minClientVersion)
        clientVersionAction = r.value("client-version-action", flag: flags?.clientVersionAction, default: D.clientVersionAction)
        logDays = r.value("log-days", flag: flags?.logDays, default: D.logDays)
        logMaxMb = r.value("log-max-mb", flag: flags?.logMaxMb, default: D.logMaxMb)
        logBodyKb = r.value("log-body-kb", flag: flags?.logBodyKb, default: D.logBodyKb)
        busySeconds = r.value("busy-seconds", flag: flags?.busySeconds, default: D.busySeconds)
        authCacheSeconds = r.value("auth-cache-seconds", flag: flags?.authCacheSeconds, default: D.authCacheSeconds)
        hashWorkers = r.value("hash-workers", flag: flags?.hashWorkers, default: D.hashWorkers)
        clientFailures = r.value("client-failures", flag: flags?.clientFailures, default: D.clientFailures)
        publicURL = r.optional("public-url", flag: flags?.publicURL)
        tlsCert = r.optional("tls-cert", flag: flags?.tlsCert)
        tlsKey = r.optional("tls-key", flag: flags?.tlsKey)
        shutdownSeconds = r.value("shutdown-seconds", flag: flags?.shutdownSeconds, default: D.shutdownSeconds)
        logLevel = r.value("log-level", flag: flags?.logLevel, default: D.logLevel)
        maxConnections = r.value("max-connections", flag: flags?.maxConnections, default: D.maxConnections)
        maxClientConnections = r.value("max-client-connections", flag: flags?.maxClientConnections, default: D.maxClientConnections)
        idleSeconds = r.value("idle-seconds", flag: flags?.idleSeconds, default: D.idleSeconds)
        amazonFetch = r.optional("amazon-fetch", flag: flags?.amazonFetch)
        amazonEveryHours = r.value("amazon-every-hours", flag: flags?.amazonEveryHours, default: D.amazonEveryHours)
        amazonMapping = r.optional("amazon-mapping", flag: flags?.amazonMapping)
        check(&r)
        r.checkUnknownKeys()
    }

    /// The ranges each setting must fall in.
    func check(_ r: inout SettingsResolver) {
        r.require((0...65_535).contains(port), "port", "must be between 0 and 65535")
        r.require(batch >= 1 && batch <= 1000, "batch", "must be between 1 and 1000")
        r.require(batchBytes >= 1 << 10, "batch-bytes", "must be at least 1024")
        r.require(sessionTimeout >= 60, "session-timeout", "must be at least 60 seconds")
        r.require(maxBody >= 64 << 10, "max-body", "must be at least 65536 bytes")
        r.require(logDays >= 1, "log-days", "must be at least 1")
        r.require(logMaxMb >= 1, "log-max-mb", "must be at least 1")
        r.require(logBodyKb >= 1 && logBodyKb <= 64 << 10, "log-body-kb", "must be between 1 and 65536")
        r.require(busySeconds >= 0 && busySeconds <= 600, "busy-seconds", "must be between 0 and 600")
        r.require(authCacheSeconds >= 0, "auth-cache-seconds", "must be 0 or more")
        r.require(hashWorkers >= 1 && hashWorkers <= 64, "hash-workers", "must be between 1 and 64")
        r.require(clientFailures >= 0, "client-failures", "must be 0 or more")
        r.require(shutdownSeconds >= 1 && shutdownSeconds <= 3600, "shutdown-seconds", "must be between 1 and 3600")
        r.require(maxConnections >= 8 && maxConnections <= 1_000_000, "max-connections", "must be between 8 and 1000000")
        r.require(
            maxClientConnections >= 1 && maxClientConnections <= maxConnections, "max-client-connections",
            "must be between 1 and max-connections (\(maxConnections))")
        r.require(idleSeconds >= 5 && idleSeconds <= 3600, "idle-seconds", "must be between 5 and 3600")
        if let amazonFetch {
            r.require(ScheduledPosting.Assignment.parse(amazonFetch) != nil, "amazon-fetch", "'\(amazonFetch)' is not ACCOUNT=USER[, ACCOUNT=USER …]")
        }
        r.require(amazonEveryHours >= 0.0002 && amazonEveryHours <= 24 * 7, "amazon-every-hours", "must be between 0.0002 and 168")
        if let amazonMapping {
            r.require(FileManager.default.isReadableFile(atPath: amazonMapping), "amazon-mapping", "'\(amazonMapping)' is not a readable file")
        }
        r.require((tlsCert == nil) == (tlsKey == nil), tlsCert == nil ? "tls-key" : "tls-cert", "needs tls-cert and tls-key together")
        if let publicURL {
            let url = URL(string: publicURL)
            r.require(
                url.map { ["http", "https"].contains($0.scheme ?? "") && $0.host?.isEmpty == false && $0.query == nil && $0.fragment == nil }
                    ?? false,
                "public-url", "'\(publicURL)' is not an http or https URL such as https://books.example.com/qbwc")
        }
        if let minClientVersion {
            r.require(
                !ClientVersionPolicy(minimum: minClientVersion).answer(for: "0").isEmpty, "min-client-version",
                "'\(minClientVersion)' is not a dotted version such as 2.3.0.215")
        }
    }

    /// The settings of `serve` as given, or every problem with them (each naming the flag, variable or file
    /// line it came from).
    static func resolve(_ flags: Serve, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (ServeSettings, SettingsResolver) {
        let file = try ConfigFile.load(explicit: flags.config, environment: environment)
        var resolver = SettingsResolver(environment: environment, file: file)
        let settings = ServeSettings(flags, &resolver)
        guard resolver.problems.isEmpty else { throw CLIError(resolver.problems.joined(separator: "\n")) }
        return (settings, resolver)
    }

    /// Every key the configuration file may hold (the same as `serve`'s flags, without the dashes).
    static var keys: [String] {
        var resolver = SettingsResolver(environment: [:], file: nil)
        _ = ServeSettings(nil, &resolver)
        return resolver.asked
    }
}

extension ServeSettings {
    var webConnector: WebConnectorConfiguration {
        WebConnectorConfiguration(
            batchSize: batch, maxBatchBytes: batchBytes, idleTimeout: TimeInterval(sessionTimeout),
            clientVersion: ClientVersionPolicy(minimum: minClientVersion, action: clientVersionAction),
            logRetention: TimeInterval(logDays) * 86_400, busyWindow: busySeconds, credentialLifetime: authCacheSeconds,
            hashingWorkers: hashWorkers, clientFailureLimit: clientFailures, logMaxBytes: logMaxMb << 20, logBodyLimit: logBodyKb << 10)
    }

    func server(tls: CertificateStore?, logger: Logger) throws -> QBLinkServer.Options {
        let wanted = ConnectionLimits(total: maxConnections, perClient: maxClientConnections, headSeconds: idleSeconds)
        let needed = maxConnections + ConnectionLimits.reservedDescriptors + ConnectionLimits.acceptMargin
        let limit = ConnectionLimits.raiseDescriptorLimit(toAtLeast: needed)
        guard let connections = wanted.fitted(toDescriptorLimit: limit) else {
            throw CLIError(
                "the open-file limit (\(limit)) leaves too few descriptors for connections; qblink needs at least \(8 + needed - maxConnections) (raise it with ulimit -n, or LimitNOFILE= in the systemd unit)")
        }
        if connections.total < wanted.total {
            logger.warning(
                "fewer connections than max-connections: the open-file limit leaves room for these",
                metadata: ["max_connections": "\(connections.total)", "open_file_limit": "\(limit)", "raise_with": "ulimit -n, or LimitNOFILE= in the systemd unit"])
        }
        return QBLinkServer.Options(host: host, port: port, maxBodyBytes: maxBody, publicURL: publicURL, tls: tls, connections: connections)
    }
}
