import ArgumentParser
import Foundation
import Hummingbird
import Logging
import QBLinkServer
import ServiceLifecycle
import Store
import WebConnector

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Web Connector endpoint (POST /qbwc, GET /qbwc?wsdl, GET /qbwc/support).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Most requests one sendRequestXML carries.")
    var batch = 50

    @Option(help: ArgumentHelp("Most bytes of qbXML one sendRequestXML carries.", valueName: "bytes"))
    var batchBytes = 8 << 20

    @Option(help: ArgumentHelp("A session idle this long is over.", valueName: "seconds"))
    var sessionTimeout = 1800

    @Option(help: ArgumentHelp("Request bodies larger than this get 413.", valueName: "bytes"))
    var maxBody = 32 << 20

    @Option(help: ArgumentHelp("Oldest Web Connector version accepted without a warning, e.g. 2.2.0.71.", valueName: "version"))
    var minClientVersion: String?

    @Option(help: "What an older Web Connector is told: warn (it may continue) or error (it stops).")
    var clientVersionAction: ClientVersionPolicy.Action = .warn

    @Option(help: ArgumentHelp("Keep the SOAP exchange log (qblink log) this many days.", valueName: "days"))
    var logDays = 90

    @Option(help: ArgumentHelp("Keep at most this many MB of SOAP bodies in the exchange log; the oldest calls go first.", valueName: "MB"))
    var logMaxMb = 1024

    @Option(help: ArgumentHelp("Of each body of an authenticated call, log at most this many KB (calls without a verified password or session: 512 bytes).", valueName: "KB"))
    var logBodyKb = 1024

    @Option(help: ArgumentHelp("A Web Connector logging in while another is syncing the same user (a call within this many seconds) is told busy. 0: the newer one takes over.", valueName: "seconds"))
    var busySeconds = 10.0

    @Option(help: ArgumentHelp("A password that verified is accepted again without the slow hash for this long (until it changes or the user is removed). 0: never.", valueName: "seconds"))
    var authCacheSeconds = 86_400.0

    @Option(help: ArgumentHelp("Slow password checks that may run at once (default: one per core); beyond them authenticate answers busy.", valueName: "n"))
    var hashWorkers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Failed logins from one address within 10 minutes after which its logins are refused at once. 0: no limit.", valueName: "n"))
    var clientFailures = 50

    @Option(help: ArgumentHelp("The address Web Connectors reach this server at, named in the WSDL (e.g. https://books.example.com/qbwc). Default: the request's Host, when it is a plain host name.", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM, the server's certificate first, then the intermediates). Read again on SIGHUP.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key of --tls-cert (PEM, unencrypted; readable by qblink's user only).", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("On SIGTERM or SIGINT, calls in flight get this long to finish before the server stops anyway.", valueName: "seconds"))
    var shutdownSeconds = 20

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard batch >= 1 && batch <= 1000 else { throw ValidationError("--batch must be between 1 and 1000") }
        guard sessionTimeout >= 60 else { throw ValidationError("--session-timeout must be at least 60 seconds") }
        guard logDays >= 1 else { throw ValidationError("--log-days must be at least 1") }
        guard logMaxMb >= 1 else { throw ValidationError("--log-max-mb must be at least 1") }
        guard logBodyKb >= 1 && logBodyKb <= 64 << 10 else { throw ValidationError("--log-body-kb must be between 1 and 65536") }
        guard busySeconds >= 0 && busySeconds <= 600 else { throw ValidationError("--busy-seconds must be between 0 and 600") }
        guard authCacheSeconds >= 0 else { throw ValidationError("--auth-cache-seconds must be 0 or more") }
        guard hashWorkers >= 1 && hashWorkers <= 64 else { throw ValidationError("--hash-workers must be between 1 and 64") }
        guard shutdownSeconds >= 1 && shutdownSeconds <= 3600 else { throw ValidationError("--shutdown-seconds must be between 1 and 3600") }
        guard clientFailures >= 0 else { throw ValidationError("--client-failures must be 0 or more") }
        guard maxBody >= 64 << 10 else { throw ValidationError("--max-body must be at least 65536 bytes") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if let publicURL {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false,
                url.query == nil, url.fragment == nil
            else { throw ValidationError("--public-url '\(publicURL)' is not an http or https URL such as https://books.example.com/qbwc") }
        }
        if let minClientVersion, ClientVersionPolicy(minimum: minClientVersion).answer(for: "0") .isEmpty {
            throw ValidationError("--min-client-version '\(minClientVersion)' is not a dotted version such as 2.3.0.215")
        }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { LogfmtHandler(label: $0, level: level) }
        let store = try database.open()
        let service = WebConnectorService(
            store: store,
            configuration: WebConnectorConfiguration(
                batchSize: batch, maxBatchBytes: batchBytes, idleTimeout: TimeInterval(sessionTimeout),
                clientVersion: ClientVersionPolicy(minimum: minClientVersion, action: clientVersionAction),
                logRetention: TimeInterval(logDays) * 86_400, busyWindow: busySeconds, credentialLifetime: authCacheSeconds,
                hashingWorkers: hashWorkers, clientFailureLimit: clientFailures, logMaxBytes: logMaxMb << 20,
                logBodyLimit: logBodyKb << 10),
            logger: Logger(label: "qblink.webconnector"))
        let logger = Logger(label: "qblink")
        let certificates = try tlsCert.map { cert in
            do { return try CertificateStore(certificatePath: cert, keyPath: tlsKey ?? "") } catch { throw CLIError("\(error)") }
        }
        let server = QBLinkServer(
            service: service, options: .init(host: host, port: port, maxBodyBytes: maxBody, publicURL: publicURL, tls: certificates),
            logger: Logger(label: "qblink.http"))
        let path = database.path
        let scheme = certificates == nil ? "http" : "https"
        let app = try server.makeApplication { port in
            logger.info("serving", metadata: ["url": "\(scheme)://\(host):\(port)/qbwc", "db": "\(path)"])
        }
        let reloading = certificates.map { Self.reloadOnHangUp($0, logger) }
        defer { reloading?.cancel() }
        // Housekeeping (pruning the exchange log) runs beside the server, never inside a call.
        let maintenance = Task { await service.runMaintenance() }
        defer { maintenance.cancel() }
        // SIGTERM or SIGINT: stop accepting, let the calls in flight finish (within --shutdown-seconds), exit 0.
        var lifecycle = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        lifecycle.maximumGracefulShutdownDuration = .seconds(shutdownSeconds)
        try await ServiceGroup(configuration: lifecycle).run()
        logger.info("stopped")
        // Graceful shutdown: the calls answered are all in the exchange log before the process ends.
        await service.flushExchangeLog()
        await Self.logProfile(service, logger)
    }

    /// Reads the certificate again on every SIGHUP (a renewal): new connections get the new one, open ones keep
    /// theirs; a file that cannot be used leaves the old certificate in place and says why.
    static func reloadOnHangUp(_ certificates: CertificateStore, _ logger: Logger) -> DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "qblink.sighup"))
        source.setEventHandler {
            do {
                try certificates.reload()
                logger.notice("certificate reloaded", metadata: ["file": "\(certificates.certificatePath)"])
            } catch {
                logger.error("certificate not reloaded; the one in use stays", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        return source
    }

    /// Where the calls' time went, per method and step (mean microseconds), and what the exchange log cost.
    static func logProfile(_ service: WebConnectorService, _ logger: Logger) async {
        for (method, steps) in service.profile.snapshot.sorted(by: { $0.key < $1.key }) {
            logger.info(
                "call profile",
                metadata: [
                    "method": "\(method)", "calls": "\(steps.calls)", "decode_us": "\(Self.micro(steps.mean(steps.decode)))",
                    "work_us": "\(Self.micro(steps.mean(steps.work)))", "encode_us": "\(Self.micro(steps.mean(steps.encode)))",
                    "log_us": "\(Self.micro(steps.mean(steps.log)))",
                ])
        }
        let log = await service.exchangeLogTotals()
        logger.info(
            "exchange log profile",
            metadata: [
                "records": "\(log.records)", "batches": "\(log.batches)", "failures": "\(log.failures)",
                "us_per_record": "\(Self.micro(log.records == 0 ? 0 : Double(log.nanoseconds) / Double(log.records) / 1_000))",
            ])
    }

    static func micro(_ value: Double) -> String { String(format: "%.1f", value) }
}

extension ClientVersionPolicy.Action: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
