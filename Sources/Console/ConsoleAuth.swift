import COpenSSL
import Foundation
import Hummingbird
import Store
import WebConnector

/// Signing in and out of the console, and what every request of it must show: a session cookie (HttpOnly,
/// SameSite=Strict, Secure under TLS, eight hours) whose token only the browser holds (the database keeps its
/// SHA-256), and on every form the session's CSRF token. Sign-in is throttled per name and address as the Web
/// Connector's authenticate is, and its slow hash runs on the service's hashing pool.
struct ConsoleAuth: Sendable {
    static let cookie = "qblink_console"
    /// Before sign-in, the form's CSRF token is paired with this cookie (double submit).
    static let signInCookie = "qblink_console_signin"
    static let lifetime: TimeInterval = 8 * 3600

    let store: Store
    let service: WebConnectorService
    let secure: Bool

    /// The session of the request's cookie, if any and still valid.
    func session(_ request: Request) async -> (ConsoleSession, tokenHash: String)? {
        guard let token = request.cookies[Self.cookie]?.value, token.count == 64 else { return nil }
        let hash = Self.sha256(token)
        guard let session = try? await store.consoleSession(tokenHash: hash) else { return nil }
        return (session, hash)
    }

    /// Signs in `name` with `password` from `client`: the cookie to set, or why not.
    func signIn(name: String, password: String, client: String) async -> Result<Cookie, SignInRefusal> {
        let key = "console:\(name.lowercased()) from \(client)"
        if let wait = (try? await store.authThrottle(name: key))?.wait {
            return .failure(.throttled(seconds: Int(wait.rounded(.up))))
        }
        let user = try? await store.consoleUser(named: name)
        guard let matches = await service.verifyPassword(password, against: user?.passwordHash) else { return .failure(.busy) }
        guard matches, let user else {
            _ = try? await store.recordAuthFailure(name: key)
            return .failure(.wrong)
        }
        try? await store.clearAuthFailures(name: key)
        let token = SecureRandom.hex(SecureRandom.bytes(32))
        let now = Date()
        do {
            try await store.startConsoleSession(
                tokenHash: Self.sha256(token), userName: user.name, csrf: SecureRandom.hex(SecureRandom.bytes(16)), now: now,
                expires: now.addingTimeInterval(Self.lifetime))
        } catch {
            return .failure(.busy)
        }
        return .success(makeCookie(Self.cookie, token, maxAge: Int(Self.lifetime)))
    }

    func makeCookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/console", secure: secure, httpOnly: true, sameSite: .strict)
    }

    enum SignInRefusal: Error {
        case wrong, busy
        case throttled(seconds: Int)

        var message: String {
            switch self {
            case .wrong: "The name or the password is wrong."
            case .busy: "The server is busy checking other passwords; try again in a few seconds."
            case .throttled(let seconds): "Too many failed sign-ins from here for this name; try again in \(seconds) s."
            }
        }
    }

    static func sha256(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let bytes = Array(text.utf8)
        _ = SHA256(bytes, bytes.count, &digest)
        return SecureRandom.hex(digest)
    }

    /// Constant-time comparison of two tokens.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
