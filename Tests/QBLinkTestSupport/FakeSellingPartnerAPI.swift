import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Amazon, as qblink meets it, on a loopback port: Login with Amazon's token endpoint, the Reports API's
/// `getReports` (paged) and `getReportDocument`, and the pre-signed document URLs, with the faults real Amazon
/// has: 429s, an access token that expires early, a document URL that expired, a download cut short, a 500.
public final class FakeSellingPartnerAPI: @unchecked Sendable {
    public struct Report: Sendable {
        public var reportID: String
        public var documentID: String
        public var bytes: [UInt8]
        public var gzip: Bool
        public var charset: String?
        public var createdTime: String

        public init(reportID: String, documentID: String, bytes: [UInt8], gzip: Bool, charset: String? = "UTF-8", createdTime: String) {
            self.reportID = reportID
            self.documentID = documentID
            self.bytes = bytes
            self.gzip = gzip
            self.charset = charset
            self.createdTime = createdTime
        }
    }

    /// Faults still to serve, counted down as they are.
    public struct Faults: Sendable {
        public var reportsRateLimited = 0
        public var tokenExpiresAfterCalls: Int?
        public var documentServerErrors = 0
        /// Document id → how many of its downloads are refused as expired, or cut short.
        public var expiredURLs: [String: Int] = [:]
        public var truncatedDownloads: [String: Int] = [:]
        public init() {}
    }

    public let clientID = "amzn1.application-oa2-client.test"
    public let clientSecret = "amzn1.oa2-cs.v1.secret-never-logged"
    public let refreshToken = "Atzr|refresh-token-never-logged"
    public let pageSize: Int
    private let lock = NSLock()
    private var reports: [Report]
    private var faults: Faults
    private var tokens: [String: Int] = [:]  // access token → calls made with it
    private var issued = 0
    private(set) public var calls: [String] = []
    private var task: Task<Void, Error>?
    public private(set) var port = 0

    public init(reports: [Report], faults: Faults = .init(), pageSize: Int = 2) {
        self.reports = reports
        self.faults = faults
        self.pageSize = pageSize
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public var tokenURL: String { "http://127.0.0.1:\(port)/auth/o2/token" }

    public func add(_ report: Report) { lock.withLock { reports.append(report) } }
    public func setFaults(_ change: (inout Faults) -> Void) { lock.withLock { change(&faults) } }
    public func count(_ prefix: String) -> Int { lock.withLock { calls.filter { $0.hasPrefix(prefix) }.count } }
    func record(_ call: String) { lock.withLock { calls.append(call) } }

    public func start() async throws {
        let router = Router()
        router.post("auth/o2/token") { request, _ in try await self.token(request) }
        router.get("reports/2021-06-30/reports") { request, _ in self.listReports(request) }
        router.get("reports/2021-06-30/documents/:id") { request, context in self.document(request, id: context.parameters.get("id") ?? "") }
        router.get("download/:id") { request, context in self.download(request, id: context.parameters.get("id") ?? "") }
        var logger = Logger(label: "fake-sp-api")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        task = Task { try await app.runService() }
        for await p in ports {
            port = p
            break
        }
    }

    public func stop() { task?.cancel() }

    static func json(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func token(_ request: Request) async throws -> Response {
        let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
        let form = Dictionary(uniqueKeysWithValues: body.split(separator: "&").compactMap { pair -> (String, String)? in
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            return kv.count == 2 ? (kv[0], kv[1]) : nil
        })
        record("token")
        guard form["grant_type"] == "refresh_token", form["refresh_token"] == refreshToken, form["client_id"] == clientID,
            form["client_secret"] == clientSecret
        else {
            return Self.json(.badRequest, #"{"error":"invalid_grant","error_description":"The request has an invalid grant parameter"}"#)
        }
        let token = lock.withLock { () -> String in
            issued += 1
            let token = "Atza|access-\(issued)"
            tokens[token] = 0
            return token
        }
        return Self.json(.ok, #"{"access_token":"\#(token)","token_type":"bearer","expires_in":3600}"#)
    }

    /// nil when the call may go on; else Amazon's refusal of its access token.
    func refuseToken(_ request: Request) -> Response? {
        let token = request.headers[HTTPField.Name("x-amz-access-token")!] ?? ""
        let expired = lock.withLock { () -> Bool? in
            guard let used = tokens[token] else { return nil }
            tokens[token] = used + 1
            if let limit = faults.tokenExpiresAfterCalls, used >= limit {
                faults.tokenExpiresAfterCalls = nil
                tokens[token] = nil
                return true
            }
            return false
        }
        switch expired as Bool? {
        case .none: return Self.json(.forbidden, #"{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]}"#)
        case .some(true): return Self.json(.forbidden, #"{"errors":[{"code":"Unauthorized","message":"The access token you provided has expired.","details":""}]}"#)
        case .some(false): return nil
        }
    }

    func listReports(_ request: Request) -> Response {
        let query = request.uri.query ?? ""
        record("getReports?\(query)")
        if let refusal = refuseToken(request) { return refusal }
        let limited = lock.withLock { () -> Bool in
            guard faults.reportsRateLimited > 0 else { return false }
            faults.reportsRateLimited -= 1
            return true
        }
        if limited {
            return Self.json(
                .tooManyRequests, #"{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource."}]}"#,
                headers: [HTTPField.Name("x-amzn-RateLimit-Limit")!: "0.0222"])
        }
        let params = request.uri.queryParameters
        let page: Int
        if let next = params["nextToken"].map(String.init) {
            // With a nextToken, it must come alone.
            guard params.count == 1, next.hasPrefix("page-"), let n = Int(next.dropFirst(5)) else {
                return Self.json(.badRequest, #"{"errors":[{"code":"InvalidInput","message":"nextToken must be the only parameter"}]}"#)
            }
            page = n
        } else {
            guard params["reportTypes"].map(String.init) == "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", params["createdSince"] != nil else {
                return Self.json(.badRequest, #"{"errors":[{"code":"InvalidInput","message":"reportTypes and createdSince are required"}]}"#)
            }
            page = 0
        }
        let all = lock.withLock { reports }
        let slice = all.dropFirst(page * pageSize).prefix(pageSize)
        let items = slice.map {
            #"{"reportId":"\#($0.reportID)","reportType":"GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2","createdTime":"\#($0.createdTime)","processingStatus":"DONE","reportDocumentId":"\#($0.documentID)","marketplaceIds":["ATVPDKIKX0DER"]}"#
        }
        let next = (page + 1) * pageSize < all.count ? #","nextToken":"page-\#(page + 1)""# : ""
        return Self.json(.ok, #"{"reports":[\#(items.joined(separator: ","))]\#(next)}"#)
    }

    func document(_ request: Request, id: String) -> Response {
        record("getReportDocument \(id)")
        if let refusal = refuseToken(request) { return refusal }
        let failing = lock.withLock { () -> Bool in
            guard faults.documentServerErrors > 0 else { return false }
            faults.documentServerErrors -= 1
            return true
        }
        if failing { return Self.json(.internalServerError, #"{"errors":[{"code":"InternalFailure","message":"We encountered an internal error."}]}"#) }
        guard let report = lock.withLock({ reports.first { $0.documentID == id } }) else {
            return Self.json(.notFound, #"{"errors":[{"code":"NotFound","message":"no such document"}]}"#)
        }
        let n = lock.withLock { calls.count }
        let compression = report.gzip ? #","compressionAlgorithm":"GZIP""# : ""
        return Self.json(.ok, #"{"reportDocumentId":"\#(id)","url":"\#(endpoint)/download/\#(id)?X-Amz-Signature=s\#(n)"\#(compression)}"#)
    }

    func download(_ request: Request, id: String) -> Response {
        record("download \(id)")
        guard let report = lock.withLock({ reports.first { $0.documentID == id } }) else { return Response(status: .notFound) }
        let (expired, truncated) = lock.withLock { () -> (Bool, Bool) in
            func take(_ counts: inout [String: Int]) -> Bool {
                guard let n = counts[id], n > 0 else { return false }
                counts[id] = n - 1
                return true
            }
            return (take(&faults.expiredURLs), take(&faults.truncatedDownloads))
        }
        if expired {
            return Response(
                status: .forbidden, headers: [.contentType: "application/xml"],
                body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")))
        }
        var bytes = report.gzip ? Gzip.compress(report.bytes) : report.bytes
        if truncated { bytes = Array(bytes.prefix(bytes.count / 2)) }  // a gzip stream that ends early, or half a report
        let type = "text/plain" + (report.charset.map { ";charset=\($0)" } ?? "")
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// gzip for the fake's documents: the system's `gzip`, so that the test does not decode with the code it tests.
enum Gzip {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
