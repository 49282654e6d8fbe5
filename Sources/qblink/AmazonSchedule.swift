import AmazonSync
import Foundation
import Logging
import Settlement
import Store

/// `qblink serve --amazon-fetch shop=amazon`: fetch and post on a schedule, logging what each run did.
struct AmazonSchedule: Sendable {
    var posting: ScheduledPosting
    var assignments: [ScheduledPosting.Assignment]

    func run(every hours: Double, logger: Logger) async {
        while !Task.isCancelled {
            let (decisions, events) = await posting.run(assignments)
            for event in events { logger.info("amazon", metadata: ["event": "\(event)"]) }
            for d in decisions {
                var metadata: Logger.Metadata = ["account": "\(d.account)"]
                if let id = d.settlementID { metadata["settlement"] = "\(id)" }
                if let reason = d.reason { metadata["reason"] = "\(reason)" }
                switch d.state {
                case .enqueued?: logger.notice("settlement enqueued", metadata: metadata)
                case .held?: logger.warning("settlement held for the operator (qblink settlement list)", metadata: metadata)
                case .fetched?, nil: logger.error("amazon fetch failed; tried again at the next run", metadata: metadata)
                }
            }
            try? await Task.sleep(for: .seconds(hours * 3600))
        }
    }
}

extension ServeSettings {
    /// The schedule `amazon-fetch` asks for, with its accounts checked; nil when there is none.
    func amazonSchedule(store: Store) throws -> AmazonSchedule? {
        guard let amazonFetch, let assignments = ScheduledPosting.Assignment.parse(amazonFetch) else { return nil }
        var mapping = SettlementMapping.standard
        if let amazonMapping {
            guard let data = FileManager.default.contents(atPath: amazonMapping) else { throw CLIError("\(amazonMapping): cannot read the mapping file") }
            do { mapping = try SettlementMapping.load(json: data) } catch { throw CLIError("\(amazonMapping): \(error)") }
        }
        return AmazonSchedule(posting: ScheduledPosting(fetcher: SettlementFetcher(store: store), mapping: mapping), assignments: assignments)
    }
}
