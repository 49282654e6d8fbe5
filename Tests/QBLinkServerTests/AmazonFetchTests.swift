import Amazon
import AmazonSync
import Foundation
import QBLinkTestSupport
import Settlement
import Store
import Testing

/// Fetching settlement reports from a fake Selling Partner API with Amazon's faults, and posting them on a schedule.
@Suite(.enabled(if: SharedReference.isAvailable, "../shared/ref (the real settlement reports) is not here"))
struct AmazonFetchTests {
    static func sample(_ prefix: String) throws -> [UInt8] {
        let folder = SharedReference.root.appendingPathComponent("settlement/samples")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix(prefix) })
        return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// The French report with one SKU renamed `TM-CRÈME-LR`, written in Windows-1252 (È is 0xC8).
    static func windows1252Report() throws -> [UInt8] {
        let text = String(decoding: try sample("fr_"), as: UTF8.self).replacingOccurrences(of: "TM-ATRNS-LR", with: "TM-CR\u{C8}ME-LR")
        return text.unicodeScalars.map { UInt8($0.value) }  // all below 256: Latin-1 and Windows-1252 agree here
    }

    static func reports() throws -> [FakeSellingPartnerAPI.Report] {
        [
            .init(reportID: "r-us", documentID: "doc-us", bytes: try sample("us_"), gzip: true, createdTime: "2024-11-07T01:00:00Z"),
            .init(reportID: "r-uk", documentID: "doc-uk", bytes: try sample("uk_"), gzip: false, createdTime: "2024-11-16T01:00:00Z"),
            .init(reportID: "r-fr", documentID: "doc-fr", bytes: try windows1252Report(), gzip: false, charset: "Cp1252", createdTime: "2024-11-23T01:00:00Z"),
            .init(reportID: "r-de", documentID: "doc-de", bytes: try sample("de_"), gzip: true, charset: nil, createdTime: "2024-09-28T01:00:00Z"),
        ]
    }

    /// A store with the fake's account connected as `shop`.
    static func connected(_ fake: FakeSellingPartnerAPI, _ folder: TemporaryDirectory) async throws -> Store {
        let store = try Store(path: folder.database("amazon.sqlite"))
        try await store.addAmazonAccount(AmazonAccount(
            name: "shop", region: "na", clientID: fake.clientID, clientSecret: fake.clientSecret, refreshToken: fake.refreshToken,
            endpoint: fake.endpoint, tokenURL: fake.tokenURL))
        return store
    }

    /// Waits recorded, none slept (the fake answers at once).
    final class Waits: @unchecked Sendable {
        let lock = NSLock()
        var all: [Duration] = []
        var policy: SPAPIClient.Policy {
            SPAPIClient.Policy(sleep: { [self] duration in lock.withLock { all.append(duration) } })
        }
    }

    static let now: @Sendable () -> Date = { ISO8601DateFormatter().date(from: "2024-12-01T00:00:00Z")! }

    @Test func everyPageIsFetchedOnceAndAmazonsFaultsAreRidden() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var faults = FakeSellingPartnerAPI.Faults()
        faults.reportsRateLimited = 2
        faults.tokenExpiresAfterCalls = 2
        faults.documentServerErrors = 1
        faults.expiredURLs = ["doc-uk": 1]
        faults.truncatedDownloads = ["doc-de": 1, "doc-us": 1]
        let fake = FakeSellingPartnerAPI(reports: try Self.reports(), faults: faults, pageSize: 3)
        try await fake.start()
        defer { fake.stop() }
        let store = try await Self.connected(fake, folder)
        let waits = Waits()
        let fetcher = SettlementFetcher(store: store, policy: waits.policy, now: Self.now)

        let (outcomes, events) = try await fetcher.fetch(account: "shop")
        #expect(outcomes.map(\.kind) == [.fetched, .fetched, .fetched, .fetched])
        #expect(outcomes.map(\.reportID) == ["r-de", "r-us", "r-uk", "r-fr"])  // oldest first
        #expect(Set(outcomes.compactMap(\.settlementID)) == ["22988491762", "21871512981", "23395380562", "23347038192"])
        // Two pages, each asked again after its 429s; the second asked with its nextToken alone.
        #expect(fake.count("getReports?nextToken=page-1") == 1)
        #expect(events.filter { $0.contains("rate limited; waiting 45.0 s") }.count == 2, "\(events)")
        #expect(waits.all.contains(.milliseconds(45_045)), "1/0.0222 s, the rate limit's own pace")
        #expect(events.contains { $0.contains("The access token you provided has expired.") && $0.contains("refreshing it once") })
        #expect(fake.count("token") == 2)
        #expect(events.contains { $0.contains("Amazon answered HTTP 500") })
        #expect(events.contains { $0.contains("doc-uk: the document URL was refused (HTTP 403, most likely expired); asking for a new one") })
        #expect(events.contains { $0.contains("doc-de: the GZIP document ends early (a truncated download)") })
        #expect(events.contains { $0.contains("doc-us: the GZIP document ends early") })
        #expect(!events.joined().contains(fake.clientSecret) && !events.joined().contains(fake.refreshToken) && !events.joined().contains("Atza|"))

        // Each kept as it came: the bytes, the charset named, decompressed.
        let kept = try await store.fetchedReports(account: "shop")
        #expect(kept.count == 4 && kept.allSatisfy { $0.state == .fetched })
        let us = try #require(try await store.fetchedReport(settlementID: "21871512981"))
        let usSample = try Self.sample("us_"), frSample = try Self.windows1252Report()
        #expect(us.bytes == usSample && us.compressed && us.reportID == "r-us" && us.totalCents == 166_868)
        let fr = try #require(try await store.fetchedReport(settlementID: "23347038192"))
        #expect(fr.charset == "cp1252" && fr.bytes == frSample)
        // Decoded as the download said: the SKU reads as written, not as mojibake.
        let summary = try ScheduledPosting.summary(fr, mapping: .standard)
        #expect(summary.requirements.contains { $0.name.contains("TM-CRÈME-LR") }, "\(summary.requirements.map(\.name))")

        // Again: nothing new is downloaded, nothing kept twice.
        let downloads = fake.count("download")
        let again = try await fetcher.fetch(account: "shop")
        #expect(again.outcomes.map(\.kind) == [.alreadyHad, .alreadyHad, .alreadyHad, .alreadyHad])
        #expect(fake.count("download") == downloads)
        // A new report, fetched twice at once: kept once.
        fake.add(.init(reportID: "r-ca", documentID: "doc-ca", bytes: try Self.sample("ca_amazon-ca_v1_23874396421"), gzip: true, createdTime: "2024-11-30T01:00:00Z"))
        async let first = fetcher.fetch(account: "shop")
        async let second = fetcher.fetch(account: "shop")
        let both = try await [first.outcomes, second.outcomes].flatMap { $0 }.filter { $0.reportID == "r-ca" }
        #expect(both.filter { $0.kind == .fetched }.count == 1, "\(both)")
        #expect(try await store.fetchedReports(account: "shop").count == 5)
    }

    @Test func aDownloadThatNeverArrivesWholeIsNotKeptAndSaysWhatToDo() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var faults = FakeSellingPartnerAPI.Faults()
        faults.truncatedDownloads = ["doc-us": 10]
        let fake = FakeSellingPartnerAPI(reports: [try Self.reports()[0]], faults: faults)
        try await fake.start()
        defer { fake.stop() }
        let store = try await Self.connected(fake, folder)
        let fetcher = SettlementFetcher(store: store, policy: Waits().policy, now: Self.now)
        await #expect {
            try await fetcher.fetch(account: "shop")
        } throws: { error in
            "\(error)".contains("report document doc-us could not be downloaded whole in 4 tries (last: the GZIP document ends early (a truncated download)); nothing of it was kept. What to do: run qblink settlement fetch again later.")
        }
        #expect(try await store.fetchedReports().isEmpty)
        #expect(fake.count("getReportDocument doc-us") == 4, "each try asks for a fresh URL")
        // Wrong credentials are said plainly, without echoing them.
        try await store.addAmazonAccount(AmazonAccount(
            name: "wrong", region: "na", clientID: fake.clientID, clientSecret: "not-the-secret", refreshToken: fake.refreshToken,
            endpoint: fake.endpoint, tokenURL: fake.tokenURL))
        await #expect {
            try await fetcher.fetch(account: "wrong")
        } throws: { error in
            "\(error)".contains("Login with Amazon refused the app's credentials (HTTP 400: invalid_grant") && !"\(error)".contains("not-the-secret")
        }
    }

    @Test func theScheduleEnqueuesWhatReconcilesOnceAndHoldsTheRest() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var unmapped = ReportBuilder()
        unmapped.settlementID = "31000000001"
        unmapped.order("SKU-A", cents: 1000)
        unmapped.other("Mystery", "Brand New Type", "Never Seen", cents: 777)
        var unbalanced = ReportBuilder()
        unbalanced.settlementID = "31000000002"
        unbalanced.order("SKU-B", cents: 2500)
        unbalanced.total = 2600
        let fake = FakeSellingPartnerAPI(reports: [
            try Self.reports()[0],
            .init(reportID: "r-unmapped", documentID: "doc-unmapped", bytes: Array(unmapped.v2().utf8), gzip: true, createdTime: "2024-11-20T01:00:00Z"),
            .init(reportID: "r-unbalanced", documentID: "doc-unbalanced", bytes: Array(unbalanced.v2().utf8), gzip: false, createdTime: "2024-11-21T01:00:00Z"),
        ])
        try await fake.start()
        defer { fake.stop() }
        let store = try await Self.connected(fake, folder)
        try await store.addUser(name: "amazon", passwordHash: PasswordHasher.hash("correct horse", iterations: 1_000), companyFile: "")
        let posting = ScheduledPosting(fetcher: SettlementFetcher(store: store, policy: Waits().policy, now: Self.now))
        let assignment = [ScheduledPosting.Assignment(account: "shop", user: "amazon")]
        // Two runs at once, then one more: each settlement is decided, the good one enqueued once.
        async let one = posting.run(assignment)
        async let two = posting.run(assignment)
        _ = await (one, two)
        _ = await posting.run(assignment)
        let settlements = try await store.settlements(userName: "amazon")
        #expect(settlements.map(\.record.settlementID) == ["21871512981"])
        let items = try await store.items(userName: "amazon", source: "21871512981")
        #expect(Set(items.compactMap(\.item.planKey)).count == items.count, "no transaction queued twice")
        let fetched = try await store.fetchedReports()
        let byID = Dictionary(uniqueKeysWithValues: fetched.map { ($0.settlementID, $0) })
        #expect(byID["21871512981"]?.state == .enqueued && byID["21871512981"]?.userName == "amazon")
        #expect(byID["31000000001"]?.state == .held)
        #expect(byID["31000000001"]?.reason?.contains("1 amount type(s) are not in the mapping (Mystery/Brand New Type/Never Seen 7.77)") == true)
        #expect(byID["31000000002"]?.state == .held)
        #expect(byID["31000000002"]?.reason?.contains("does not reconcile") == true, "\(byID["31000000002"]?.reason ?? "")")
        #expect(try await store.heldCounts() == ["amazon": 2])
    }
}
