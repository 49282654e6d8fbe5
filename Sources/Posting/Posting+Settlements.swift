import QBModel
import QBXML
import Settlement
import Store

/// What one settlement became in the queue.
public struct EnqueuedSettlement: Sendable {
    public var summary: SettlementSummary
    public var result: EnqueueResult
}

/// Enqueueing: settlements, JSON documents and qbXML request files become plans and go into the Store in one
/// write transaction, with the duplicate checks inside it. The CLI and the tests call these entry points.
public enum Posting {
    /// Queues settlements (one report, or a folder's): all of them or none. A settlement already enqueued for
    /// the user is refused, naming its report, unless `replace`.
    @discardableResult
    public static func enqueue(
        settlements summaries: [SettlementSummary], missing: MissingListPolicy, replace: Bool = false, userName: String, store: Store
    ) async throws -> [EnqueuedSettlement] {
        for summary in summaries {
            let problems = summary.bookProblems
            if !problems.isEmpty {
                throw PostingError("\(summary.source): would not balance in the books (\(problems.joined(separator: "; "))); nothing was enqueued")
            }
        }
        let parts = summaries.map { summary -> EnqueuePart in
            let h = summary.header
            var record = SettlementRecord(
                settlementID: h.settlementID, source: summary.source, totalCents: h.totalCents, currency: h.currency,
                period: "\(h.start?.description ?? "?") to \(h.end?.description ?? "?")", mode: summary.mode,
                groupMode: summary.mappingGroup.rawValue)
            let split = summary.payoutSplit
            (record.salesCents, record.feesCents, record.refundsCents, record.otherCents) = (split.sales, split.fees, split.refunds, split.other)
            let plan = Plan.make(requirements: summary.requirements, entries: summary.entries, missing: missing, source: summary.source)
            return EnqueuePart(plan: plan, settlement: record, replace: replace)
        }
        do {
            let results = try await store.enqueue(parts, userName: userName)
            return zip(summaries, results).map { EnqueuedSettlement(summary: $0, result: $1) }
        } catch let error as StoreError {
            if case .settlementExists(let id, _, _) = error, let summary = summaries.last(where: { $0.header.settlementID == id }) {
                let others = summaries.count > 1 ? " Nothing of the \(summaries.count) reports was enqueued." : ""
                throw PostingError("\(summary.source): \(error)\(others)")
            }
            throw PostingError(error)
        }
    }
}
