import Foundation
import Hummingbird
import Store

extension Console {
    /// The sign-in form, with a fresh token paired with a short-lived cookie (double submit: another site can
    /// neither read the cookie nor set it, so it cannot post this form for someone).
    func signInPage(_ request: Request, message: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = SecureRandom.hex(SecureRandom.bytes(16))
        var body: [Markup] = []
        if let message { body.append(Markup.el("p", [("class", "warn")], text: message)) }
        body.append(Markup.el("form", [("method", "post"), ("action", "/console/sign-in")], [
            ConsolePage.csrfField(token),
            Markup.el("p", [], [Markup.el("label", [], [Markup(text: "Name "), Markup.void("input", [("name", "name"), ("autocomplete", "username"), ("required", "")])])]),
            Markup.el("p", [], [Markup.el("label", [], [
                Markup(text: "Password "), Markup.void("input", [("name", "password"), ("type", "password"), ("autocomplete", "current-password"), ("required", "")]),
            ])]),
            Markup.el("p", [], [Markup.el("button", [("type", "submit")], text: "Sign in")]),
        ]))
        body.append(Markup.el("p", text: "Console accounts are made on the server: qblink console-user add NAME."))
        var response = Self.html(ConsolePage.render(title: "Sign in", session: nil, body: Markup.join(body)), status: status)
        response.setCookie(auth.makeCookie(ConsoleAuth.signInCookie, token, maxAge: 900))
        return response
    }

    func signIn(_ request: Request, client: String) async throws -> Response {
        let fields = try await Self.form(request)
        guard let paired = request.cookies[ConsoleAuth.signInCookie]?.value, ConsoleAuth.same(fields["csrf"] ?? "", paired) else {
            return signInPage(request, message: "The form had expired; sign in again.", status: .forbidden)
        }
        let name = fields["name"] ?? ""
        switch await auth.signIn(name: name, password: fields["password"] ?? "", client: client) {
        case .success(let cookie):
            var response = Self.redirect("/console")
            response.setCookie(cookie)
            response.setCookie(auth.makeCookie(ConsoleAuth.signInCookie, "", maxAge: 0))
            try await store.recordConsoleAction(ConsoleAction(at: Date(), userName: name, action: "signed in", target: "console", detail: "from \(client)"))
            return response
        case .failure(let refusal):
            return signInPage(request, message: refusal.message, status: .unauthorized)
        }
    }
}
