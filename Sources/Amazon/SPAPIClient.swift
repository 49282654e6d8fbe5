import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Selling Partner API calls qblink makes: list the settlement reports, download one. Calls carry an LWA
/// access token (refreshed an hour at a time, and once more when Amazon says it expired); 429 waits as Amazon's
/// headers and a capped exponential backoff say; network errors and 5xx are retried a bounded number of times;
/// a document URL that expired is asked for again; a download is kept only whole.
public actor SPAPIClient {
    public static let settlementReportType = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"

    public struct Policy: Sendable {
        /// Tries of one call (the first included) before it is reported as failed.
        public var attempts: Int
        public var baseDelay: Duration
        public var maxDelay: Duration
        /// Tries of one report download (each asks for a fresh document URL).
        public var downloadAttempts: Int
        /// The most one download may hold.
        public var maxDownloadBytes: Int
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(
            attempts: Int = 6, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(120), downloadAttempts: Int = 4,
            maxDownloadBytes: Int = 512 << 20, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        ) {
            self.attempts = attempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.downloadAttempts = downloadAttempts
            self.maxDownloadBytes = maxDownloadBytes
            self.sleep = sleep
        }
    }

    let credentials: SPCredentials
    let policy: Policy
    let http: HTTPClient
    var token: (value: String, expires: Date)?
    /// What happened besides plain answers (waits, refreshes, retries), in order: for the log and for tests.
    public private(set) var events: [String] = []

    public init(credentials: SPCredentials, policy: Policy = .init(), http: HTTPClient = .shared) {
        self.credentials = credentials
        self.policy = policy
        self.http = http
    }

    /// Every settlement report created in the window, all pages.
    public func settlementReports(createdSince: Date, createdUntil: Date? = nil) async throws -> [SPReport] {
        var query = "reportTypes=\(Self.settlementReportType)&processingStatuses=DONE&pageSize=100&createdSince=\(Self.iso(createdSince))"
        if let createdUntil { query += "&createdUntil=\(Self.iso(createdUntil))" }
        var reports: [SPReport] = []
        while true {
            let page: SPReportPage = try Self.decode(try await api("/reports/2021-06-30/reports?" + query), what: "getReports")
            reports += page.reports
            guard let next = page.nextToken, !next.isEmpty else { return reports }
            query = "nextToken=" + Self.formEncoded(next)  // the token alone, as the API wants it
        }
    }

    /// The report document, downloaded whole and decompressed: each try asks for a fresh URL (they expire after
    /// about five minutes); a download cut short or damaged is tried again, and never returned.
    public func download(documentID: String) async throws -> SPDownload {
        var last = ""
        for attempt in 0..<policy.downloadAttempts {
            if attempt > 0 { try await policy.sleep(backoff(attempt - 1)) }
            let document: SPDocument = try Self.decode(
                try await api("/reports/2021-06-30/documents/" + Self.pathEncoded(documentID)), what: "getReportDocument")
            var request = HTTPClientRequest(url: document.url)
            request.method = .GET
            let status: Int, headers: HTTPHeaders, body: ByteBuffer
            do {
                (status, headers, body) = try await send(request, limit: policy.maxDownloadBytes, timeout: .seconds(300))
            } catch {
                last = "the download failed: \(error)"
                note("report document \(documentID): \(last); trying again")
                continue
            }
            if status == 403 || status == 400 {
                last = "the document URL was refused (HTTP \(status), most likely expired)"
                note("report document \(documentID): \(last); asking for a new one")
                continue
            }
            guard (200..<300).contains(status) else {
                last = "the download was answered HTTP \(status)"
                note("report document \(documentID): \(last); trying again")
                continue
            }
            var bytes = Array(body.readableBytesView)
            if let announced = headers.first(name: "content-length").flatMap(Int.init), announced != bytes.count {
                last = "the download was cut short (\(bytes.count) of \(announced) bytes)"
                note("report document \(documentID): \(last); trying again")
                continue
            }
            let compressed = document.compressionAlgorithm?.uppercased() == "GZIP"
            if compressed {
                do {
                    bytes = try ReportDocument.gunzip(bytes)
                } catch {
                    last = error.description
                    note("report document \(documentID): \(last); trying again")
                    continue
                }
            }
            return SPDownload(bytes: bytes, charset: ReportDocument.charset(ofContentType: headers.first(name: "content-type")), compressed: compressed)
        }
        throw SPAPIError(
            "report document \(documentID) could not be downloaded whole in \(policy.downloadAttempts) tries (last: \(last)); nothing of it was kept. What to do: run qblink settlement fetch again later.")
    }

    /// One Selling Partner API GET, with the access token, retried as the class says.
    func api(_ pathAndQuery: String) async throws -> [UInt8] {
        var refreshed = false
        var last = ""
        for attempt in 0..<policy.attempts {
            var request = HTTPClientRequest(url: credentials.endpoint + pathAndQuery)
            request.method = .GET
            request.headers.add(name: "x-amz-access-token", value: try await accessToken())
            request.headers.add(name: "user-agent", value: "qblink/0.1 (Language=Swift; Platform=Linux)")
            request.headers.add(name: "accept", value: "application/json")
            let status: Int, headers: HTTPHeaders, body: ByteBuffer
            do {
                (status, headers, body) = try await send(request, limit: 16 << 20, timeout: .seconds(60))
            } catch {
                last = "\(error)"
                note("\(Self.operation(pathAndQuery)): could not reach Amazon (\(error)); trying again")
                try await policy.sleep(backoff(attempt))
                continue
            }
            let bytes = Array(body.readableBytesView)
            switch status {
            case 200..<300:
                return bytes
            case 429:
                let wait = rateLimitWait(headers, attempt: attempt)
                last = "HTTP 429 (rate limited)"
                note("\(Self.operation(pathAndQuery)): rate limited; waiting \(Self.seconds(wait)) s")
                try await policy.sleep(wait)
            case 401 where !refreshed, 403 where !refreshed:
                refreshed = true
                token = nil
                note("\(Self.operation(pathAndQuery)): Amazon refused the access token (HTTP \(status): \(Self.message(bytes))); refreshing it once")
            case 401, 403:
                throw SPAPIError(
                    "Amazon refused access to \(Self.operation(pathAndQuery)) (HTTP \(status): \(Self.message(bytes))). What to do: check that the app may use the Reports API and that the seller's authorization is still valid; if not, run qblink amazon connect again with a new refresh token.")
            case 500..<600:
                last = "HTTP \(status): \(Self.message(bytes))"
                note("\(Self.operation(pathAndQuery)): Amazon answered \(last); trying again")
                try await policy.sleep(backoff(attempt))
            default:
                throw SPAPIError("Amazon answered \(Self.operation(pathAndQuery)) with HTTP \(status): \(Self.message(bytes))")
            }
        }
        throw SPAPIError(
            "\(Self.operation(pathAndQuery)) failed \(policy.attempts) times (last: \(last)). What to do: check the network and Amazon's status page, then run qblink settlement fetch again; the scheduled run tries again on its own.")
    }

    func note(_ event: String) {
        events.append(event)
    }
}
