import Amazon
import Foundation
import Posting
import QBModel
import Settlement
import Store

/// The scheduled run: for each account and the qblink user who posts it, fetch the new settlement reports, then
/// enqueue each settlement that reconciles in the books and has no unmapped amounts; hold any other, with the
/// reason, for the operator. A settlement is never enqueued twice: the Store refuses a settlement id a user
/// already has, inside the enqueue's own transaction, whatever runs at the same time.
public struct ScheduledPosting: Sendable {
    public struct Assignment: Sendable, Equatable {
        public var account: String
        public var user: String

        public init(account: String, user: String) {
            self.account = account
            self.user = user
        }

        /// `shop=amazon, other=books`: each account with the user who posts it.
        public static func parse(_ text: String) -> [Assignment]? {
            var out: [Assignment] = []
            for part in text.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { return nil }
                out.append(Assignment(account: pair[0], user: pair[1]))
            }
            return out.isEmpty ? nil : out
        }
    }

    /// What one run did with one report (or, with no report, why the account's fetch failed).
    public struct Decision: Sendable, Equatable {
        public var account: String
        public var settlementID: String?
        public var state: FetchedState?
        public var reason: String?
    }

    public var fetcher: SettlementFetcher
    public var mapping: SettlementMapping

    public init(fetcher: SettlementFetcher, mapping: SettlementMapping = .standard) {
        self.fetcher = fetcher
        self.mapping = mapping
    }

    public func run(_ assignments: [Assignment]) async -> (decisions: [Decision], events: [String]) {
        var decisions: [Decision] = []
        var events: [String] = []
        for assignment in assignments {
            do {
                let fetched = try await fetcher.fetch(account: assignment.account)
                events += fetched.events
            } catch {
                decisions.append(Decision(account: assignment.account, reason: "fetching failed: \(error)"))
                // What was fetched before still gets decided.
            }
            do {
                for report in try await fetcher.store.fetchedReports(account: assignment.account, state: .fetched) {
                    decisions.append(try await decide(report, user: assignment.user))
                }
            } catch {
                decisions.append(Decision(account: assignment.account, reason: "\(error)"))
            }
        }
        return (decisions, events)
    }

    /// Enqueues one fetched report for `user`, or holds it saying why.
    public func decide(_ listed: FetchedReport, user: String) async throws -> Decision {
        let store = fetcher.store
        guard let row = listed.id, let report = try await store.fetchedReport(id: row), let id = report.id else {
            return Decision(account: listed.account, settlementID: listed.settlementID, reason: "the fetched report is gone")
        }
        let (state, reason) = await verdict(report, user: user)
        try await store.decideFetchedReport(id: id, state: state, reason: reason, userName: user)
        return Decision(account: report.account, settlementID: report.settlementID, state: state, reason: reason)
    }

    func verdict(_ report: FetchedReport, user: String) async -> (FetchedState, String?) {
        let summary: SettlementSummary
        do {
            summary = try Self.summary(report, mapping: mapping)
        } catch {
            return (.held, "\(error)")
        }
        if !summary.reconciles {
            return (.held, "it would not balance in the books: \(summary.bookProblems.joined(separator: "; "))")
        }
        if !summary.unmapped.isEmpty {
            let amounts = summary.unmapped.prefix(5).map { "\($0.transactionType)/\($0.amountType)/\($0.amountDescription) \(Cents.format($0.cents))" }
            return (
                .held,
                "\(summary.unmapped.count) amount type(s) are not in the mapping (\(amounts.joined(separator: ", "))); add them to the mapping, then qblink settlement enqueue \(report.settlementID) --user \(user)"
            )
        }
        do {
            try await Posting.enqueue(settlements: [summary], missing: .create, userName: user, store: fetcher.store)
            return (.enqueued, nil)
        } catch let error as StoreError {
            if case .settlementExists = error { return (.enqueued, "it was already enqueued") }
            return (.held, error.description)
        } catch {
            return (.held, "\(error)")
        }
    }

    /// A fetched report read as a settlement (decoded as its download said).
    public static func summary(_ report: FetchedReport, mapping: SettlementMapping) throws -> SettlementSummary {
        guard ReportDocument.isReadable(report.charset) else {
            throw SPAPIError("the report is in \(report.charset ?? "?"), which qblink cannot read (UTF-8 and Windows-1252 only)")
        }
        let bytes = report.bytes ?? []
        let text = ReportDocument.isWindows1252(report.charset) ? Windows1252.utf8(bytes) : bytes
        do {
            return try Settlement.summarize(text, source: "Amazon report \(report.reportID) (\(report.account))", mapping: mapping)
        } catch {
            throw SPAPIError("the report cannot be read: line \(error.line): \(error.message)")
        }
    }
}
