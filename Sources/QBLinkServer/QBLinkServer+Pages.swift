import Hummingbird
import NIOCore
import SOAP

extension QBLinkServer {
    /// The GET pages: the WSDL, the health check, the metrics and the support page.
    func addPages(to router: Router<QBLinkRequestContext>) {
        let service = self.service
        let publicURL = options.publicURL
        let metrics = self.metrics
        let support = PageCache()
        let metricsPage = PageCache()
        router.get("qbwc") { request, _ -> Response in
            if let query = request.uri.query, query.lowercased().split(separator: "&").contains("wsdl") {
                let endpoint = publicURL ?? Self.endpoint(scheme: request.uri.scheme.map(\.rawValue) ?? "http", authority: request.head.authority)
                return Response(
                    status: .ok, headers: [.contentType: Self.xmlContentType],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: WSDLDocument.text(endpoint: endpoint))))
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(
                    string: "qblink Web Connector endpoint: POST SOAP 1.1 here; GET ?wsdl for the service description.\n")))
        }
        router.get("health") { _, _ -> Response in
            // For load balancers and monitors: 200 when the database answers a read, else 503 with the reason.
            do {
                try await service.store.ping()
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "the database does not answer: \(error)\n")))
            }
        }
        router.get("metrics") { _, _ -> Response in
            let text = await metricsPage.page {
                metrics.render(
                    queue: try await service.store.counts(), failedLogins: service.failedLogins, slowVerifications: service.slowVerifications)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("qbwc/support") { _, _ -> Response in
            // Public: rendered at most once every 10 s, however often it is asked for.
            let html = await support.page { try await SupportPage.html(serverVersion: service.configuration.serverVersion, users: service.store.activity()) }
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
    }
}
