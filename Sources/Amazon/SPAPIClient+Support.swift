import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension SPAPIClient {
    /// A valid LWA access token: the one held while it has a minute left, else a new one for the refresh token.
    func accessToken() async throws -> String {
        if let token, token.expires.timeIntervalSinceNow > 60 { return token.value }
        var request = HTTPClientRequest(url: credentials.tokenURL)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded;charset=UTF-8")
        let form = [
            ("grant_type", "refresh_token"), ("refresh_token", credentials.refreshToken), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret),
        ].map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        var last = ""
        for attempt in 0..<policy.attempts {
            request.body = .bytes(ByteBuffer(string: form))
            do {
                let (status, headers, body) = try await send(request, limit: 1 << 20, timeout: .seconds(30))
                let bytes = Array(body.readableBytesView)
                if (200..<300).contains(status) {
                    let answer: LWAToken = try Self.decode(bytes, what: "the LWA token answer")
                    token = (answer.access_token, Date().addingTimeInterval(TimeInterval(answer.expires_in ?? 3600)))
                    return answer.access_token
                }
                if status == 429 || status >= 500 {
                    last = "HTTP \(status)"
                    note("LWA token: HTTP \(status); trying again")
                    try await policy.sleep(status == 429 ? rateLimitWait(headers, attempt: attempt) : backoff(attempt))
                    continue
                }
                throw SPAPIError(
                    "Login with Amazon refused the app's credentials (HTTP \(status): \(Self.message(bytes))). What to do: check the client id and secret of the app in Seller Central (Develop Apps), and the seller's refresh token; run qblink amazon connect again with the right ones.")
            } catch let error as SPAPIError {
                throw error
            } catch {
                last = "\(error)"
                note("LWA token: could not reach \(credentials.tokenURL) (\(error)); trying again")
                try await policy.sleep(backoff(attempt))
            }
        }
        throw SPAPIError("no access token from Login with Amazon after \(policy.attempts) tries (last: \(last)). What to do: check the network, then try again.")
    }

    func send(_ request: HTTPClientRequest, limit: Int, timeout: TimeAmount) async throws -> (Int, HTTPHeaders, ByteBuffer) {
        let response = try await http.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: limit)
        return (Int(response.status.code), response.headers, body)
    }

    /// 2 s, 4 s, 8 s, … up to `maxDelay`.
    func backoff(_ attempt: Int) -> Duration {
        let seconds = min(Double(policy.maxDelay.components.seconds), Double(policy.baseDelay.components.seconds) * pow(2, Double(attempt)))
        return .milliseconds(Int64(max(seconds, 0) * 1000) + Int64(policy.baseDelay.components.attoseconds / 1_000_000_000_000_000))
    }

    /// How long a 429 asks to wait: `Retry-After` when present, else one request's share of the rate limit
    /// (`x-amzn-RateLimit-Limit` requests per second), and never less than the backoff; capped at `maxDelay`.
    func rateLimitWait(_ headers: HTTPHeaders, attempt: Int) -> Duration {
        var seconds = Double(backoff(attempt).components.seconds)
        if let after = headers.first(name: "retry-after").flatMap(Double.init) { seconds = max(seconds, after) }
        if let limit = headers.first(name: "x-amzn-ratelimit-limit").flatMap(Double.init), limit > 0 { seconds = max(seconds, 1 / limit) }
        seconds = min(seconds, Double(policy.maxDelay.components.seconds))
        return .milliseconds(Int64(seconds * 1000))
    }

    static func decode<T: Decodable>(_ bytes: [UInt8], what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw SPAPIError("Amazon's answer to \(what) could not be read (\(error)): \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
    }

    /// Amazon's error message (`{"errors":[{"code":…,"message":…}]}`), else the start of the body.
    static func message(_ bytes: [UInt8]) -> String {
        struct Errors: Decodable {
            struct Item: Decodable {
                var code: String?
                var message: String?
            }
            var errors: [Item]?
            var error: String?
            var error_description: String?
        }
        if let parsed = try? JSONDecoder().decode(Errors.self, from: Data(bytes)) {
            if let first = parsed.errors?.first { return [first.code, first.message].compactMap { $0 }.joined(separator: ": ") }
            if let error = parsed.error { return [error, parsed.error_description].compactMap { $0 }.joined(separator: ": ") }
        }
        return String(decoding: bytes.prefix(200), as: UTF8.self)
    }

    static func operation(_ pathAndQuery: String) -> String {
        pathAndQuery.contains("/documents/") ? "getReportDocument" : "getReports"
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func pathEncoded(_ text: String) -> String { formEncoded(text) }
}
