import Foundation
import Logging
import Store
import WebConnector

/// Where a call's time goes, measured in this process without HTTP: the Web Connector service over its own
/// database, called one call at a time, idle polls and then drains. Per method and step (decode, work, encode,
/// queueing the exchange log's record) the mean wall time, and per phase the process's CPU per call (the
/// database threads and the exchange log's writer included).
enum StepProfile {
    static func run(folder: String, polls: Int, requests: Int, batch: Int) async throws -> String {
        let store = try Store(path: folder + "/steps.sqlite")
        // A quick hash: the first authenticate of each user would otherwise pay the slow one, which is not a step.
        let hash = PasswordHasher.hash(Server.password, iterations: 1_000)
        for name in ["idle", "drain1", "drainN"] {
            try await store.addUser(name: name, passwordHash: hash, companyFile: "C:\\Books\\Load.QBW")
        }
        for name in ["drain1", "drainN"] {
            let items = (0..<requests).map { r in
                QueueItem(type: "CustomerAdd", body: "<CustomerAddRq><CustomerAdd><Name>Step \(name) \(r)</Name></CustomerAdd></CustomerAddRq>")
            }
            _ = try await store.enqueue(items, userName: name)
        }
        var logger = Logger(label: "qblink.steps")
        logger.logLevel = .critical
        var lines = ["where a call's time goes (in process, one call at a time, no HTTP; mean µs per call)"]
        for (title, user, size) in [("idle polling", "idle", batch), ("draining, batches of 1", "drain1", 1), ("draining, batches of \(batch)", "drainN", batch)] {
            let service = WebConnectorService(store: store, configuration: .init(batchSize: size), logger: logger)
            var connector = Connector(service: service)
            if user == "idle" { try await connector.idlePoll(user, Server.password) }  // the slow hash, once
            let before = Self.cpuSeconds()
            let profileBefore = service.profile.snapshot
            if user == "idle" {
                for _ in 0..<polls { try await connector.idlePoll(user, Server.password) }
            } else {
                try await connector.drain(user, Server.password)
            }
            await service.flushExchangeLog()
            let cpu = Self.cpuSeconds() - before
            let calls = connector.tally.calls - (user == "idle" ? 2 : 0)
            lines.append(String(format: "  %@: %d calls, %.3f ms CPU per call (this process, everything included)", title, calls, cpu * 1_000 / Double(max(calls, 1))))
            for (method, steps) in service.profile.snapshot.sorted(by: { $0.key < $1.key }) {
                let s = steps - (profileBefore[method] ?? CallProfile.Steps())
                guard s.calls > 0 else { continue }
                lines.append(
                    "    \(method.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(s.calls).padding(toLength: 7, withPad: " ", startingAt: 0))"
                        + String(format: " decode %6.1f  work %7.1f  encode %5.1f  log %5.1f", s.mean(s.decode), s.mean(s.work), s.mean(s.encode), s.mean(s.log)))
            }
            let log = await service.exchangeLogTotals()
            lines.append(String(format: "    exchange log, written behind the answers: %d records in %d batches, %.1f µs per record",
                log.records, log.batches, log.records == 0 ? 0 : Double(log.nanoseconds) / Double(log.records) / 1_000))
        }
        return lines.joined(separator: "\n")
    }

    /// User plus system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
