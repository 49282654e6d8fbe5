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

    @Option(help: ArgumentHelp("Configuration file (default: $QBLINK_CONFIG, else \(ConfigFile.defaultPath) when it exists).", valueName: "file"))
    var config: String?

    typealias D = ServeSettings.Defaults

    @Option(help: "Address to listen on (default \(D.host)).")
    var host: String?

    @Option(help: "Port to listen on (default \(D.port)).")
    var port: Int?

    @Option(help: "Most requests one sendRequestXML carries (default \(D.batch)).")
    var batch: Int?

    @Option(help: ArgumentHelp("Most bytes of qbXML one sendRequestXML carries (default \(D.batchBytes)).", valueName: "bytes"))
    var batchBytes: Int?

    @Option(help: ArgumentHelp("A session idle this long is over (default \(D.sessionTimeout)).", valueName: "seconds"))
    var sessionTimeout: Int?

    @Option(help: ArgumentHelp("Request bodies larger than this get 413 (default \(D.maxBody)).", valueName: "bytes"))
    var maxBody: Int?

    @Option(help: ArgumentHelp("Oldest Web Connector version accepted without a warning, e.g. 2.2.0.71.", valueName: "version"))
    var minClientVersion: String?

    @Option(help: "What an older Web Connector is told: warn (it may continue) or error (it stops) (default \(D.clientVersionAction.rawValue)).")
    var clientVersionAction: ClientVersionPolicy.Action?

    @Option(help: ArgumentHelp("Keep the SOAP exchange log (qblink log) this many days (default \(D.logDays)).", valueName: "days"))
    var logDays: Int?

    @Option(help: ArgumentHelp("Keep at most this many MB of SOAP bodies in the exchange log; the oldest calls go first (default \(D.logMaxMb)).", valueName: "MB"))
    var logMaxMb: Int?

    @Option(help: ArgumentHelp("Of each body of an authenticated call, log at most this many KB (calls without a verified password or session: 512 bytes) (default \(D.logBodyKb)).", valueName: "KB"))
    var logBodyKb: Int?

    @Option(help: ArgumentHelp("A Web Connector logging in while another is syncing the same user (a call within this many seconds) is told busy. 0: the newer one takes over (default \(Int(D.busySeconds))).", valueName: "seconds"))
    var busySeconds: Double?

    @Option(help: ArgumentHelp("A password that verified is accepted again without the slow hash for this long (until it changes or the user is removed). 0: never (default \(Int(D.authCacheSeconds))).", valueName: "seconds"))
    var authCacheSeconds: Double?

    @Option(help: ArgumentHelp("Slow password checks that may run at once; beyond them authenticate answers busy (default: one per core).", valueName: "n"))
    var hashWorkers: Int?

    @Option(help: ArgumentHelp("Failed logins from one address within 10 minutes after which its logins are refused at once. 0: no limit (default \(D.clientFailures)).", valueName: "n"))
    var clientFailures: Int?

    @Option(help: ArgumentHelp("The address Web Connectors reach this server at, named in the WSDL (e.g. https://books.example.com/qbwc). Default: the request's Host, when it is a plain host name.", valueName: "url"))
    var publicURL: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate chain (PEM, the server's certificate first, then the intermediates). Read again on SIGHUP.", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key of --tls-cert (PEM, unencrypted; readable by qblink's user only).", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("On SIGTERM or SIGINT, calls in flight get this long to finish before the server stops anyway (default \(D.shutdownSeconds)).", valueName: "seconds"))
    var shutdownSeconds: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default \(D.logLevel.rawValue)).")
    var logLevel: Logger.Level?

    @Option(help: ArgumentHelp("Open connections served at once; more are closed as they arrive (default \(D.maxConnections), and never more than the open-file limit allows).", valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("Open connections from one client address (default \(D.maxClientConnections)).", valueName: "n"))
    var maxClientConnections: Int?

    @Option(help: ArgumentHelp("A connection that has not sent a whole request head within this long of opening or of its last answer is closed; a body must keep arriving at 16 KB/s after the same grace (default \(D.idleSeconds)).", valueName: "seconds"))
    var idleSeconds: Int?

    @Option(help: ArgumentHelp("Fetch these Amazon accounts' settlements and post each with this qblink user: ACCOUNT=USER[, ACCOUNT=USER …].", valueName: "list"))
    var amazonFetch: String?

    @Option(help: ArgumentHelp("With amazon-fetch: fetch every this many hours (default \(D.amazonEveryHours)); the first run starts with the server.", valueName: "hours"))
    var amazonEveryHours: Double?

    @Option(help: ArgumentHelp("With amazon-fetch: the settlement mapping file (JSON, as settlement --config takes; default: the standard mapping).", valueName: "file"))
    var amazonMapping: String?

    func validate() throws {
        _ = try ServeSettings.resolve(self)
    }

    func run() async throws {
        let (settings, _) = try ServeSettings.resolve(self)
        let level = settings.logLevel
        LoggingSystem.bootstrap { LogfmtHandler(label: $0, level: level) }
        let store = try DatabaseOptions.open(settings.db)
        try await SecretFiles.check(settings.db, store: store)
        let service = WebConnectorService(
            store: store, configuration: settings.webConnector, logger: Logger(label: "qblink.webconnector"))
        let logger = Logger(label: "qblink")
        let certificates = try settings.tlsCert.map { cert in
            do { return try CertificateStore(certificatePath: cert, keyPath: settings.tlsKey ?? "") } catch { throw CLIError("\(error)") }
        }
        let server = QBLinkServer(service: service, options: try settings.server(tls: certificates, logger: logger), logger: Logger(label: "qblink.http"))
        let scheme = certificates == nil ? "http" : "https"
        let app = try server.makeApplication { port in
            logger.info("serving", metadata: ["url": "\(scheme)://\(settings.host):\(port)/qbwc", "db": "\(settings.db)"])
        }
        let reloading = certificates.map { Self.reloadOnHangUp($0, logger) }
        defer { reloading?.cancel() }
        // Housekeeping (pruning the exchange log) runs beside the server, never inside a call.
        let maintenance = Task { await service.runMaintenance() }
        defer { maintenance.cancel() }
        let fetching = try settings.amazonSchedule(store: store).map { schedule in
            Task { await schedule.run(every: settings.amazonEveryHours, logger: Logger(label: "qblink.amazon")) }
        }
        defer { fetching?.cancel() }
        // SIGTERM or SIGINT: stop accepting, let the calls in flight finish (within --shutdown-seconds), exit 0.
        var lifecycle = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        lifecycle.maximumGracefulShutdownDuration = .seconds(settings.shutdownSeconds)
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
