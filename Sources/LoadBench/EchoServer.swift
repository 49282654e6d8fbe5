import Hummingbird

/// The ceiling: the same HTTP stack qblink serves with (Hummingbird, HTTP/1.1), answering a POST with its body.
enum EchoServer {
    static func run(port: Int) async throws {
        let router = Router()
        router.post("qbwc") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: ResponseBody(byteBuffer: body))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
