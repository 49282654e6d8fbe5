import Foundation
import HTTPTypes
import Hummingbird
import Store
import WebConnector

/// The web console under `/console`: server-rendered pages for the bookkeeper, every one behind sign-in. GET
/// pages without a session go to the sign-in form; POSTs without a session, or without the session's CSRF token,
/// are refused with 403.
public struct Console: Sendable {
    let store: Store
    let auth: ConsoleAuth

    /// `secure`: serving HTTPS (the session cookie is then Secure).
    public init(store: Store, service: WebConnectorService, secure: Bool) {
        self.store = store
        auth = ConsoleAuth(store: store, service: service, secure: secure)
    }

    /// The form fields of a POST (url-encoded, at most 64 KB).
    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 64 << 10)
        return Self.parseForm(String(buffer: body))
    }

    /// Url-encoded fields, through Hummingbird's form decoder; a field given twice keeps its first value.
    static func parseForm(_ text: String) -> [String: String] {
        (try? URLEncodedFormDecoder().decode([String: String].self, from: text)) ?? [:]
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static let forbidden = html(
        ConsolePage.render(title: "Not allowed", session: nil, body: Markup.el("p", text: "Sign in first, from a page of this console (the form's token did not match).")),
        status: .forbidden)

    /// Adds the console's routes. `client` gives a request's address (for the sign-in throttle).
    public func addRoutes<Context: RequestContext>(to router: Router<Context>, client: @escaping @Sendable (Context) -> String) {
        let console = self
        router.get("console/sign-in") { request, _ in console.signInPage(request, message: nil) }
        router.post("console/sign-in") { request, context in try await console.signIn(request, client: client(context)) }
        router.post("console/sign-out") { request, _ in
            try await console.withForm(request) { _, _, hash in
                try await console.store.endConsoleSession(tokenHash: hash)
                var response = Self.redirect("/console/sign-in")
                response.setCookie(console.auth.makeCookie(ConsoleAuth.cookie, "", maxAge: 0))
                return response
            }
        }
        router.get("console") { request, _ in
            try await console.withSession(request) { s in try await console.settlementsPage(s, request.uri.queryParameters) }
        }
        router.get("console/syncs") { request, _ in try await console.withSession(request) { s in try await console.syncsPage(s) } }
        router.get("console/sessions/:id") { request, context in
            let id = Int64(context.parameters.get("id") ?? "") ?? 0
            let from = request.uri.queryParameters["from"].flatMap { Int(String($0)) } ?? 0
            return try await console.withSession(request) { s in try await console.sessionPage(s, id: id, from: from) }
        }
        router.get("console/queue") { request, _ in
            try await console.withSession(request) { s in try await console.queuePage(s, request.uri.queryParameters) }
        }
        router.post("console/queue/:id/:action") { request, context in
            let id = Int64(context.parameters.get("id") ?? "") ?? 0
            let action = context.parameters.get("action") ?? ""
            return try await console.withForm(request) { s, _, _ in try await console.act(s, item: id, action: action) }
        }
        router.get("console/settlements/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await console.withSession(request) { s in try await console.settlementPage(s, id: id, query: request.uri.queryParameters) }
        }
        router.get("console/settlements/:id/report") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await console.withSession(request) { _ in try await console.reportFile(id: id) }
        }
        router.post("console/settlements/:id/:action") { request, context in
            let id = context.parameters.get("id") ?? "", action = context.parameters.get("action") ?? ""
            return try await console.withForm(request) { s, fields, _ in
                switch action {
                case "enqueue": return try await console.enqueueSettlement(s, id: id, fields: fields)
                case "undo": return try await console.undoSettlement(s, id: id, user: fields["user"] ?? "")
                default: return Response(status: .notFound)
                }
            }
        }
        router.get("console/upload") { request, _ in try await console.withSession(request) { s in console.uploadPage(s) } }
        router.post("console/upload") { request, _ in try await console.upload(request) }
        router.get("console/actions") { request, _ in try await console.withSession(request) { s in try await console.actionsPage(s) } }
    }

    /// Runs `body` for a signed-in GET; without a session, the sign-in form.
    func withSession(_ request: Request, _ body: (ConsoleSession) async throws -> Response) async throws -> Response {
        guard let (session, _) = await auth.session(request) else { return Self.redirect("/console/sign-in") }
        return try await body(session)
    }

    /// Runs `body` with the fields of a signed-in POST that carries the session's CSRF token (and the session's
    /// token hash); anything else is refused with 403.
    func withForm(
        _ request: Request, _ body: (ConsoleSession, [String: String], String) async throws -> Response
    ) async throws -> Response {
        guard let (session, hash) = await auth.session(request) else { return Self.forbidden }
        let fields = try await Self.form(request)
        guard ConsoleAuth.same(fields["csrf"] ?? "", session.csrf) else { return Self.forbidden }
        return try await body(session, fields, hash)
    }

    func record(_ session: ConsoleSession, _ action: String, _ target: String, _ detail: String? = nil) async throws {
        try await store.recordConsoleAction(ConsoleAction(at: Date(), userName: session.userName, action: action, target: target, detail: detail))
    }
}
