import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import SOAP
import WebConnector

/// The HTTP side: wires `POST /qbwc` to the Web Connector service, publishes the WSDL and the support page.
public struct QBLinkServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Request bodies over this many bytes get 413.
        public var maxBodyBytes: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 32 << 20) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public let service: WebConnectorService
    public let options: Options
    public let logger: Logger

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
        let maxBody = options.maxBodyBytes
        router.post("qbwc") { request, context -> Response in
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
                return Self.tooLarge(maxBody)
            }
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: maxBody)
            } catch let error as HTTPError where error.status == .contentTooLarge {
                return Self.tooLarge(maxBody)
            } catch {
                let fault = SOAPFault(.client, "the request body could not be read: \(error)")
                return Response(
                    status: .badRequest, headers: [.contentType: Self.xmlContentType, .connection: "close"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: SOAPCodec.encode(fault))))
            }
            let reply = await service.respond(
                body: Array(buffer.readableBytesView), soapAction: request.headers[Self.soapAction],
                contentType: request.headers[.contentType], client: context.clientAddress)
            return Response(
                status: HTTPResponse.Status(code: reply.status),
                headers: [.contentType: Self.xmlContentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        router.get("qbwc") { request, _ -> Response in
            if let query = request.uri.query, query.lowercased().split(separator: "&").contains("wsdl") {
                let scheme = request.uri.scheme.map(\.rawValue) ?? "http"
                let host = request.head.authority ?? "localhost"
                return Response(
                    status: .ok, headers: [.contentType: Self.xmlContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: WSDLDocument.text(endpoint: "\(scheme)://\(host)/qbwc"))))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(
                    string: "qblink Web Connector endpoint: POST SOAP 1.1 here; GET ?wsdl for the service description.\n")))
        }
        router.get("qbwc/support") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: SupportPage.html(serverVersion: service.configuration.serverVersion))))
        }
        return router
    }

    static func tooLarge(_ limit: Int) -> Response {
        let fault = SOAPFault(.client, "the request body is larger than the limit of \(limit) bytes")
        return Response(
            status: .contentTooLarge, headers: [.contentType: xmlContentType, .connection: "close"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: SOAPCodec.encode(fault))))
    }

    /// The Hummingbird application. `onRunning` receives the bound port (useful with port 0).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let maxBody = options.maxBodyBytes
        return Application(
            router: makeRouter(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [ExpectContinueHandler(maxBodyBytes: maxBody)],
                idleTimeout: .seconds(300))),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
