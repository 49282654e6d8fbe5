import Amazon
import Foundation
import Settlement
import Store

/// One report of a fetch, as `qblink settlement fetch` prints it.
public struct FetchOutcome: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case fetched
        case alreadyHad = "already had"
        /// Listed, but Amazon has no document for it yet.
        case notReady = "not ready"
    }

    public var kind: Kind
    public var reportID: String
    public var settlementID: String?
    public var periodStart: String?
    public var periodEnd: String?
    public var marketplace: String?
    public var bytes: Int?
}

/// Fetches an account's settlement reports: lists them, downloads the ones not yet kept, keeps each whole, once
/// (by report id and by settlement id).
public struct SettlementFetcher: Sendable {
    public var store: Store
    public var policy: SPAPIClient.Policy
    public var now: @Sendable () -> Date

    public init(store: Store, policy: SPAPIClient.Policy = .init(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// Amazon keeps settlement reports listable for 90 days.
    public static let window: TimeInterval = 90 * 86_400

    public func fetch(
        account name: String, since: Date? = nil, until: Date? = nil, progress: @Sendable (FetchOutcome) -> Void = { _ in }
    ) async throws -> (outcomes: [FetchOutcome], events: [String]) {
        let account = try await store.amazonAccount(named: name)
        let client = SPAPIClient(
            credentials: SPCredentials(
                clientID: account.clientID, clientSecret: account.clientSecret, refreshToken: account.refreshToken,
                endpoint: account.endpoint, tokenURL: account.tokenURL),
            policy: policy)
        let earliest = now().addingTimeInterval(-Self.window + 60)
        let listed = try await client.settlementReports(createdSince: max(since ?? earliest, earliest), createdUntil: until)
        var known = try await store.fetchedReportIDs(account: account.name)
        var outcomes: [FetchOutcome] = []
        for report in listed.sorted(by: { $0.createdTime < $1.createdTime }) {
            let outcome: FetchOutcome
            if known.contains(report.reportId) {
                outcome = FetchOutcome(kind: .alreadyHad, reportID: report.reportId)
            } else if let documentID = report.reportDocumentId {
                let download = try await client.download(documentID: documentID)
                let header = Self.header(download)
                let kept = FetchedReport(
                    account: account.name, reportID: report.reportId, documentID: documentID,
                    settlementID: header?.settlementID ?? Self.settlementIDColumn(download.bytes) ?? "report-\(report.reportId)",
                    periodStart: header?.start?.description ?? report.dataStartTime, periodEnd: header?.end?.description ?? report.dataEndTime,
                    marketplace: header?.marketplace ?? report.marketplaceIds?.first, totalCents: header?.totalCents, currency: header?.currency,
                    createdTime: report.createdTime, fetchedAt: now(),
                    charset: download.charset, compressed: download.compressed, bytes: download.bytes)
                let isNew = try await store.keepFetchedReport(kept) != nil
                known.insert(report.reportId)
                outcome = FetchOutcome(
                    kind: isNew ? .fetched : .alreadyHad, reportID: report.reportId, settlementID: kept.settlementID,
                    periodStart: kept.periodStart, periodEnd: kept.periodEnd, marketplace: kept.marketplace, bytes: download.bytes.count)
            } else {
                outcome = FetchOutcome(kind: .notReady, reportID: report.reportId)
            }
            outcomes.append(outcome)
            progress(outcome)
        }
        return (outcomes, await client.events)
    }

    /// The `settlement-id` field of the report's first data row, read plainly (for a report the parser refuses,
    /// such as one that does not reconcile).
    static func settlementIDColumn(_ bytes: [UInt8]) -> String? {
        let lines = bytes.prefix(1 << 16).split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: true)
        guard lines.count >= 2 else { return nil }
        let fields = { (line: ArraySlice<UInt8>) in
            line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        guard let column = fields(lines[0]).firstIndex(of: "settlement-id") else { return nil }
        let row = fields(lines[1])
        guard column < row.count, !row[column].isEmpty, row[column].allSatisfy(\.isNumber) else { return nil }
        return row[column]
    }

    /// The report's header (settlement id, period, marketplace), when the report can be read at all.
    static func header(_ download: SPDownload) -> SettlementHeader? {
        let text = ReportDocument.isWindows1252(download.charset) ? Windows1252.utf8(download.bytes) : download.bytes
        var parser = SettlementParser()
        do {
            try parser.feed(text) { _ in }
            return try parser.finish { _ in }
        } catch {
            return nil
        }
    }
}
