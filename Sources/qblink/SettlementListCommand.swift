import ArgumentParser
import Foundation
import Posting
import QBModel
import Settlement
import Store

extension SettlementCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the settlements enqueued: period, payout, how they were posted, and where they are.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this user's settlements.") var user: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try database.open()
            let settlements = try await readable { try await store.settlements(userName: user) }
            // Fetched reports not enqueued (yet): waiting, or held with the reason.
            let fetched = try await store.fetchedReports().filter { $0.state != .enqueued && (user == nil || $0.userName?.lowercased() == user?.lowercased()) }
            if json {
                print(try JSONOutput.encode(settlements.map(ListedSettlementJSON.enqueued) + fetched.map(ListedSettlementJSON.fetched)))
                return
            }
            if settlements.isEmpty && fetched.isEmpty {
                print("No settlement enqueued\(user.map { " for \($0)" } ?? "") yet, and none fetched from Amazon.")
                return
            }
            var table = TextTable("SETTLEMENT", "USER", "PERIOD", "PAYOUT", "POSTED AS", "STATE")
            for f in fetched {
                let state = f.reason.map { "\(f.state.rawValue): \($0)".clipped(70) } ?? (f.account == "upload" ? "\(f.state.rawValue): uploaded in the console" : "\(f.state.rawValue) from Amazon (\(f.account))")
                table.add(
                    f.settlementID, f.userName ?? "-", "\(f.periodStart ?? "?") to \(f.periodEnd ?? "?")",
                    f.totalCents.map { "\(Cents.format($0)) \(f.currency ?? "")" } ?? "?", "-", state.escapingControlCharacters)
            }
            for s in settlements {
                let r = s.record
                let state = s.reason.map { "\(s.state.rawValue): \($0)".clipped(70) } ?? s.state.rawValue
                table.add(
                    r.settlementID, s.userName, r.period ?? "", "\(Cents.format(r.totalCents)) \(r.currency ?? "")",
                    "\(Self.describe(r.mode ?? .receipts)), \(r.groupMode ?? "channel")" + (r.undoneCount > 0 ? " (undone \(r.undoneCount)×)" : ""),
                    state)
            }
            print(table.rendered)
        }

        static func describe(_ mode: PostingMode) -> String {
            switch mode {
            case .receipts: "receipts"
            case .invoices: "invoices"
            case .journal: "journal"
            }
        }
    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a settlement back out of QuickBooks at the next Update Selected; it may then be enqueued again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The settlement id (see 'qblink settlement list').") var settlementID: String
        @Option(help: "The user it was enqueued for.") var user: String

        func run() async throws {
            let store = try database.open()
            let today = Date().formatted(.iso8601.year().month().day())
            let undone = try await readable { try await Posting.undo(settlementID: settlementID, userName: user, today: today, store: store) }
            let r = undone.result
            print("Settlement \(settlementID): \(r.queued) deletion(s) queued for \(user); \(r.cancelled) transaction(s) never sent, now cancelled.")
            if r.withdrawn > 0 {
                print("  \(r.withdrawn) transaction(s) awaiting QuickBooks' answer are looked up first: deleted if QuickBooks has them, cancelled if not.")
            }
            for label in undone.reversed {
                print("  \(label): QuickBooks cannot delete a transfer through its SDK, so it is reversed by a transfer the other way dated \(today).")
            }
            print("They go at the next Update Selected; when 'qblink settlement list' shows it undone, it can be enqueued again.")
        }
    }
}

/// One line of `settlement list --json`: a settlement enqueued, or a fetched report not enqueued.
enum ListedSettlementJSON: Encodable {
    case enqueued(SettlementStatus)
    case fetched(FetchedReport)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .enqueued(let status): try SettlementJSON(status).encode(to: encoder)
        case .fetched(let report): try FetchedJSON(report).encode(to: encoder)
        }
    }
}

/// A fetched report not enqueued, as `settlement list --json` prints it.
struct FetchedJSON: Encodable {
    var settlementID: String
    var user: String?
    var source: String
    var period: String
    var payout: String?
    var currency: String?
    var state: String
    var reason: String?
    var account: String
    var reportID: String
    var marketplace: String?
    var fetchedAt: Date

    init(_ f: FetchedReport) {
        settlementID = f.settlementID
        user = f.userName
        source = "Amazon report \(f.reportID) (\(f.account))"
        period = "\(f.periodStart ?? "?") to \(f.periodEnd ?? "?")"
        payout = f.totalCents.map(Cents.format)
        currency = f.currency
        state = f.state.rawValue
        reason = f.reason
        account = f.account
        reportID = f.reportID
        marketplace = f.marketplace
        fetchedAt = f.fetchedAt
    }
}

/// A settlement as `settlement list --json` prints it.
struct SettlementJSON: Encodable {
    var settlementID: String
    var user: String
    var source: String?
    var period: String?
    var payout: String
    var currency: String?
    var postedAs: String
    var groupMode: String?
    var state: String
    var reason: String?
    var enqueuedAt: Date
    var undoneCount: Int
    var counts: [String: Int]

    init(_ s: SettlementStatus) {
        let r = s.record
        settlementID = r.settlementID
        user = s.userName
        source = r.source
        period = r.period
        payout = Cents.format(r.totalCents)
        currency = r.currency
        postedAs = (r.mode ?? .receipts).rawValue
        groupMode = r.groupMode
        state = s.state.rawValue
        reason = s.reason
        enqueuedAt = r.enqueuedAt
        undoneCount = r.undoneCount
        counts = Dictionary(uniqueKeysWithValues: s.counts.map { ($0.key.rawValue, $0.value) })
    }
}
