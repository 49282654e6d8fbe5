import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QBLinkTestSupport
import Store
import Testing

/// Debian's chromium, driven headless through chromedriver (WebDriver), through the whole console path a
/// bookkeeper takes: sign in, upload a real report, preview it, enqueue it, and watch it reach "posted" after a
/// Web Connector session. The settlement page's screenshot is kept in `.build/test-artifacts/`.
enum Chromium {
    static let driverPath = "/usr/bin/chromedriver"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") }
}

@Suite(.enabled(if: Chromium.available && SharedReference.isAvailable, "needs chromium and chromium-driver (.ci/run installs them) and ../shared/ref"))
struct BrowserTests {

    /// A WebDriver session on a chromedriver process of its own.
    final class Driver: @unchecked Sendable {
        let process = Process()
        let port: Int
        var session = ""

        init() throws {
            port = Int.random(in: 20_000..<40_000)
            process.executableURL = URL(fileURLWithPath: Chromium.driverPath)
            process.arguments = ["--port=\(port)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func send(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = method
            if let body {
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: 32 << 20)
            return (try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
        }

        func start() async throws {
            for _ in 0..<50 {
                if (try? await send(.GET, "/status")) != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let options: [String: Any] = [
                "binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1500"],
            ]
            let answer = try await send(.POST, "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
            session = ((answer["value"] as? [String: Any])?["sessionId"] as? String) ?? ""
            #expect(!session.isEmpty, "chromedriver did not start a session: \(answer)")
        }

        func go(_ url: String) async throws { _ = try await send(.POST, "/session/\(session)/url", ["url": url]) }

        func element(_ css: String) async throws -> String {
            let answer = try await send(.POST, "/session/\(session)/element", ["using": "css selector", "value": css])
            let value = answer["value"] as? [String: Any]
            return try #require(value?.values.first as? String, "no element \(css): \(answer)")
        }

        func type(_ css: String, _ text: String) async throws {
            _ = try await send(.POST, "/session/\(session)/element/\(try await element(css))/value", ["text": text])
        }

        func click(_ css: String) async throws {
            _ = try await send(.POST, "/session/\(session)/element/\(try await element(css))/click", [:])
        }

        func source() async throws -> String { try await send(.GET, "/session/\(session)/source")["value"] as? String ?? "" }
        func url() async throws -> String { try await send(.GET, "/session/\(session)/url")["value"] as? String ?? "" }

        /// The page's source once it holds `text` (the browser may still be loading), else the last one seen.
        func waitFor(_ text: String, seconds: Double = 10) async throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var page = ""
            while Date() < deadline {
                page = try await source()
                if page.contains(text) { return page }
                try await Task.sleep(for: .milliseconds(100))
            }
            return page
        }

        func screenshot() async throws -> Data {
            Data(base64Encoded: try await send(.GET, "/session/\(session)/screenshot")["value"] as? String ?? "") ?? Data()
        }

        func quit() async {
            _ = try? await send(.DELETE, "/session/\(session)")
            process.terminate()
        }
    }

    @Test func aBookkeeperUploadsPreviewsEnqueuesAndSeesItPosted() async throws {
        let h = try await Harness()
        defer { h.finish() }
        try await h.store.addConsoleUser(name: "keeper", passwordHash: PasswordHasher.hash("ledger lines", iterations: 1_000))
        let samples = SharedReference.root.appendingPathComponent("settlement/samples")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: samples.path).first { $0.hasPrefix("us_") })
        let report = samples.appendingPathComponent(name).path
        let base = "http://127.0.0.1:\(h.server.port)"
        let browser = try Driver()
        defer { browser.process.terminate() }
        try await browser.start()

        try await browser.go(base + "/console")
        #expect(try await browser.url().hasSuffix("/console/sign-in"))
        try await browser.type("input[name=name]", "keeper")
        try await browser.type("input[name=password]", "ledger lines")
        try await browser.click("button[type=submit]")
        #expect(try await browser.waitFor("Sign out keeper").contains("Sign out keeper"))

        try await browser.go(base + "/console/upload")
        try await browser.type("input[type=file]", report)
        try await browser.click("form[action='/console/upload'] button")
        let preview = try await browser.waitFor("Enqueue as previewed")
        #expect(try await browser.url() == base + "/console/settlements/21871512981")
        #expect(preview.contains("reconciles to the cent, in the books") && preview.contains("Enqueue as previewed"))
        #expect(try await h.store.items().isEmpty, "previewed, nothing queued yet")

        try await browser.click("form[action$='/enqueue'] button")
        let enqueued = try await browser.waitFor("Enqueued for amazon")
        #expect(enqueued.contains("Enqueued for amazon"), "\(enqueued.prefix(2000))")
        let qb = FakeQuickBooks()
        let run = try await h.run(quickBooks: qb)
        #expect(run.progress.last == 100, "\(run.lastErrors)")
        try await browser.go(base + "/console/settlements/21871512981")
        #expect(try await browser.waitFor(": posted.").contains(": posted."))

        let shot = try await browser.screenshot()
        #expect(shot.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        let artifacts = SharedReference.packageRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try shot.write(to: artifacts.appendingPathComponent("console-settlement.png"))
        await browser.quit()
    }
}
