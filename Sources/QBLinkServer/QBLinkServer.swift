import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HTTPTypes
import Logging
import NIOCore
import Console
import SOAP
import WebConnector

/// The HTTP side: wires `POST /qbwc` to the Web Connector service, publishes the WSDL and the support page.
public struct QBLinkServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Request bodies over this many bytes get 413.
        public var maxBodyBytes: Int {
            get { bodyLimits.max }
            set { bodyLimits = BodyLimits(max: newValue) }
        }
        /// What is read of a body, and when (see `BodyLimits`).
        public var bodyLimits: BodyLimits
        /// The certificate for HTTPS; nil: plain HTTP.
        public var tls: CertificateStore?
        /// The endpoint the WSDL names (`https://books.example.com/qbwc`); nil: built from the request's Host
        /// when it is a plain host name or address, else `localhost`.
        public var publicURL: String?
        /// How many connections, and how slow a client may be.
        public var connections: ConnectionLimits

        public init(
            host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 32 << 20, publicURL: String? = nil, tls: CertificateStore? = nil,
            connections: ConnectionLimits = .init()
        ) {
            self.tls = tls
            self.connections = connections
            self.host = host
            self.port = port
            self.bodyLimits = BodyLimits(max: maxBodyBytes)
            self.publicURL = publicURL
        }
    }

    public let service: WebConnectorService
    public let options: Options
    public let logger: Logger
    let metrics = ServerMetrics()

    public init(service: WebConnectorService, options: Options = .init(), logger: Logger = Logger(label: "qblink.http")) {
        self.service = service
        self.options = options
        self.logger = logger
    }

    static let soapAction = HTTPField.Name("SOAPAction")!
    static let xmlContentType = "text/xml; charset=utf-8"

    public func makeRouter() -> Router<QBLinkRequestContext> {
        let router = Router(context: QBLinkRequestContext.self)
        let service = self.service
        let metrics = self.metrics
        let limits = options.bodyLimits
        let gate = Turnstile(width: limits.largeBodiesAtOnce)
        router.post("qbwc") { request, context -> Response in
            let method = SOAPMethod(soapAction: request.headers[Self.soapAction])
            let announced = request.headers[.contentLength].flatMap { Int($0) }
            if let announced, announced > limits.announcedLimit(method) {
                let refusal = BodyRefusal(method: method, limit: limits.announcedLimit(method), limits: limits)
                return await Self.refuse(refusal, method, announced: announced, context, service: service, metrics: metrics)
            }
            // A large body waits for its turn before it is read, so that only a few are in memory at once.
            // A body of unannounced length (chunked) may grow as large, so it waits its turn too.
            let large = announced.map { $0 > limits.largeBody } ?? (method?.needsTicket ?? true)
            if large { await gate.enter() }
            let started = ContinuousClock.now
            let response = await Self.answer(request, context, method: method, limits: limits, service: service, metrics: metrics)
            // The last large body of a burst is answered: give back the memory it took.
            if large, gate.leave() { service.releaseFreeMemory() }
            let elapsed = ContinuousClock.now - started
            metrics.call(
                method: method?.rawValue ?? "unknown", status: response.status.code,
                nanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            return response
        }
        addPages(to: router)
        Console(store: service.store, service: service, secure: options.tls != nil).addRoutes(to: router) { $0.clientAddress ?? "unknown" }
        return router
    }

    /// Reads the body within the limits and has the service answer it.
    static func answer(
        _ request: Request, _ context: QBLinkRequestContext, method: SOAPMethod?, limits: BodyLimits, service: WebConnectorService,
        metrics: ServerMetrics
    ) async -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            switch try await BodyReader.read(&request, method: method, limits: limits, isActiveTicket: { await service.isActiveTicket($0) }) {
            case .body(let body): buffer = body
            case .tooLarge(let refusal):
                let announced = request.headers[.contentLength].flatMap { Int($0) }
                return await refuse(refusal, method, announced: announced, context, service: service, metrics: metrics)
            }
        } catch {
            let fault = SOAPFault(.client, "the request body could not be read: \(error)")
            return Response(
                status: .badRequest, headers: [.contentType: xmlContentType, .connection: "close"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: SOAPCodec.encode(fault))))
        }
        let reply = await service.respond(
            body: Array(buffer.readableBytesView), soapAction: request.headers[soapAction], contentType: request.headers[.contentType],
            client: context.clientAddress)
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: [.contentType: xmlContentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
    }

    /// The WSDL's endpoint from the request: its Host when that is a host name, IPv4 or bracketed IPv6 address
    /// with an optional port, else `localhost` (a Host header is the caller's to choose, and must not be able to
    /// write into the document).
    static func endpoint(scheme: String, authority: String?) -> String {
        let scheme = scheme == "https" ? "https" : "http"
        guard let authority, Self.isPlainAuthority(authority) else { return "\(scheme)://localhost/qbwc" }
        return "\(scheme)://\(authority)/qbwc"
    }

    static func isPlainAuthority(_ authority: String) -> Bool {
        var host = Substring(authority)
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber) else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let inside = host.dropFirst().dropLast()
            return !inside.isEmpty && inside.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return !host.isEmpty && host.count <= 253
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    /// 413 with a SOAP fault saying why, and the connection closed (the rest of the body is not read); the
    /// refusal counted and logged by method, size and reason.
    static func refuse(
        _ refusal: BodyRefusal, _ method: SOAPMethod?, announced: Int?, _ context: QBLinkRequestContext, service: WebConnectorService,
        metrics: ServerMetrics
    ) async -> Response {
        metrics.refusal(refusal.metricLabel)
        await service.recordRefusal(
            method: method?.rawValue, announcedBytes: announced, readBytes: refusal.limit, reason: refusal.reason, status: 413,
            client: context.clientAddress)
        let fault = SOAPFault(.client, refusal.reason)
        return Response(
            status: .contentTooLarge, headers: [.contentType: xmlContentType, .connection: "close"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: SOAPCodec.encode(fault))))
    }

    /// The Hummingbird application. `onRunning` receives the bound port (useful with port 0).
    /// HTTPS when `options.tls` holds a certificate (through Hummingbird's TLS support), else plain HTTP.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let registry = ConnectionRegistry(limits: options.connections)
        let metrics = self.metrics
        let limits = options.bodyLimits
        let http1 = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [
                ConnectionGuard(registry: registry, refused: { metrics.refusal($0) }), ExpectContinueHandler(limits: limits),
            ],
            idleTimeout: .seconds(300)))
        return Application(
            router: makeRouter(),
            server: try options.tls.map { try .tls(http1, tlsConfiguration: $0.tlsConfiguration()) } ?? http1,
            // The accept loop stops reading once `total + acceptMargin` connections are open (past `total`, they are
            // only being closed), so that it never runs into the open-file limit.
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: nil,
                availableConnectionsDelegate: .maximum(options.connections.total + ConnectionLimits.acceptMargin, logger: logger)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
