import Foundation
import QBLinkTestSupport
import Testing

/// `qblink amazon …` and `qblink settlement fetch` against a fake Selling Partner API, and serve's schedule.
@Suite(.enabled(if: CLIRunner.isAvailable && SharedReference.isAvailable, "needs the qblink executable and ../shared/ref"))
struct AmazonCLITests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    static func sample(_ prefix: String) throws -> [UInt8] {
        let samples = SharedReference.root.appendingPathComponent("settlement/samples")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: samples.path).first { $0.hasPrefix(prefix) })
        return Array(try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func connectFetchPreviewEnqueueAndTheSchedule() async throws {
        defer { folder.remove() }
        let fake = FakeSellingPartnerAPI(reports: [
            .init(reportID: "r-us", documentID: "doc-us", bytes: try Self.sample("us_"), gzip: true, createdTime: "2026-11-20T01:00:00Z")
        ])
        try await fake.start()
        defer { fake.stop() }
        #expect(try qblink("user", "add", "amazon", "--password-stdin", stdin: "correct horse\n").status == 0)
        let connected = try qblink(
            "amazon", "connect", "shop", "--region", "na", "--client-id", fake.clientID, "--endpoint", fake.endpoint, "--token-url", fake.tokenURL,
            stdin: "\(fake.clientSecret)\n\(fake.refreshToken)\n")
        #expect(connected.status == 0, "\(connected.stderr)")
        // A SQLite file's permissions; PostgreSQL's access is its own (roles and pg_hba.conf).
        if !TestDatabase.isPostgres { #expect(try mode(db) == 0o600) }
        let listed = try qblink("amazon", "list")
        #expect(listed.stdout.contains("shop") && listed.stdout.contains(fake.clientID))
        let listedJSON = try qblink("amazon", "list", "--json").stdout
        for out in [listed.stdout, listedJSON] { #expect(!out.contains(fake.clientSecret) && !out.contains(fake.refreshToken)) }
        #expect(try qblink("amazon", "connect", "x", "--region", "na", "--client-id", "c", stdin: "").stderr.contains("no client secret on standard input"))
        #expect(try qblink("amazon", "connect", "shop", "--region", "na", "--client-id", "c", stdin: "a\nb\n").stderr.contains("already connected"))

        let fetched = try qblink("settlement", "fetch", "shop")
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("fetched settlement 21871512981 (report r-us, 2024-10-23 to 2024-11-06, Amazon.com,"), "\(fetched.stdout)")
        #expect(try qblink("settlement", "fetch", "shop").stdout.contains("already had report r-us"))
        #expect(try qblink("settlement", "fetch", "shop", "--json").stdout.contains("\"kind\" : \"already had\""))
        #expect(try qblink("settlement", "list").stdout.contains("fetched from Amazon (shop)"))
        let preview = try qblink("settlement", "preview", "21871512981")
        #expect(preview.status == 0 && preview.stdout.contains("21871512981"), "\(preview.stderr)")
        #expect(try qblink("settlement", "preview", "99999999999").stderr.contains("no settlement with that id was fetched from Amazon"))
        let enqueued = try qblink("settlement", "enqueue", "21871512981", "--user", "amazon")
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        let list = try qblink("settlement", "list", "--json").stdout
        #expect(!list.contains("\"state\" : \"fetched\"") && list.contains("Amazon report r-us (shop)"), "\(list)")

        // Secrets at rest: a database others can read is refused, saying how to fix it.
        if !TestDatabase.isPostgres {
            chmod(db, 0o644)
            #expect(try qblink("amazon", "list").stderr.contains("holds Amazon secrets and other users of this machine can read it (mode 644). Make it private: chmod 600"))
            chmod(db, 0o600)
        }

        // The schedule: a good report is enqueued, one with unmapped amounts held, each once.
        var unmapped = ReportBuilder()
        unmapped.settlementID = "31000000001"
        unmapped.order("SKU-A", cents: 1000)
        unmapped.other("Mystery", "Brand New Type", "Never Seen", cents: 777)
        fake.add(.init(reportID: "r-odd", documentID: "doc-odd", bytes: Array(unmapped.v2().utf8), gzip: false, createdTime: "2026-11-25T01:00:00Z"))
        fake.add(.init(reportID: "r-uk", documentID: "doc-uk", bytes: try Self.sample("uk_"), gzip: true, createdTime: "2026-11-26T01:00:00Z"))
        let server = ServerProcess(databasePath: db, arguments: ["--amazon-fetch", "shop=amazon", "--amazon-every-hours", "0.0005"])
        try server.start()
        defer { server.stop() }
        var states: [String: String] = [:]
        for _ in 0..<100 where states["31000000001"] != "held" || states["23395380562"] == nil {
            try await Task.sleep(for: .milliseconds(100))
            let rows = try JSONSerialization.jsonObject(with: Data(try qblink("settlement", "list", "--json").stdout.utf8)) as? [[String: Any]] ?? []
            states = Dictionary(rows.compactMap { row in (row["settlementID"] as? String).map { ($0, row["state"] as? String ?? "") } }) { a, _ in a }
        }
        #expect(states["31000000001"] == "held")
        #expect(states["23395380562"] != nil && states["23395380562"] != "fetched", "\(states)")
        try await Task.sleep(for: .seconds(2))  // more runs: nothing enqueued twice
        let all = try JSONSerialization.jsonObject(with: Data(try qblink("settlement", "list", "--json").stdout.utf8)) as? [[String: Any]] ?? []
        #expect(all.filter { $0["settlementID"] as? String == "23395380562" }.count == 1)
        #expect(all.filter { $0["settlementID"] as? String == "21871512981" }.count == 1)
        let support = try await RawHTTPConnection(port: server.port).request(
            method: "GET", path: "/qbwc/support", headers: [("Host", "127.0.0.1")], body: [], expectContinue: false)
        #expect(support.body.contains("1 settlement(s) from Amazon held for review"))
        let log = server.log
        #expect(log.contains("settlement held for the operator") && log.contains("31000000001"))
        #expect(!log.contains(fake.clientSecret) && !log.contains(fake.refreshToken) && !log.contains("Atza|"))
        server.stop()

        #expect(try qblink("amazon", "remove", "shop").stdout.contains("Removed Amazon account 'shop'"))
        #expect(try qblink("settlement", "list").stdout.contains("31000000001"))
    }
}
