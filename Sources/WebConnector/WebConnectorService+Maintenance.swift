import Foundation
import Store

extension WebConnectorService {
    /// One round of housekeeping, never inside a call: sessions idle past the timeout end (their unanswered
    /// requests become in doubt), logged calls older than the retention or beyond the log's size limit (oldest
    /// first) and login failures older than a day go, in bounded steps. Returns how many exchanges went.
    @discardableResult
    public func maintain() async throws -> Int {
        let now = now()
        let expired = try await store.expireIdleSessions(now: now, idleTimeout: configuration.idleTimeout)
        if expired > 0 { logger.info("idle sessions expired", metadata: ["sessions": "\(expired)"]) }
        var pruned = try await store.pruneExchanges(before: now.addingTimeInterval(-configuration.logRetention))
        pruned += try await store.pruneExchanges(toBytes: configuration.logMaxBytes)
        try await store.pruneAuthFailures(before: now.addingTimeInterval(-86_400))
        if pruned > 0 { logger.info("pruned the exchange log", metadata: ["calls": "\(pruned)"]) }
        return pruned
    }

    /// Runs `maintain()` at start and then every `interval` seconds until the task is cancelled.
    public func runMaintenance(every interval: TimeInterval = 600) async {
        while !Task.isCancelled {
            do {
                try await maintain()
            } catch {
                logger.error("housekeeping failed; trying again later", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }
}
