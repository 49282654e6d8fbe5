import Prometheus
import Store

/// What `GET /metrics` tells Prometheus: calls by method and HTTP status, their latency, refusals at the door by
/// reason, failed logins and slow password checks, and the queue's depth by state (read at each scrape, at most
/// once every 10 seconds).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)]

    func call(method: String, status: Int, nanoseconds: Int64) {
        registry.makeCounter(
            descriptor: .init(namespace: "qblink", metricName: "soap_calls", unitName: "total", helpText: "SOAP calls answered, by method and HTTP status"),
            labels: [("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "qblink", metricName: "soap_call_duration", unitName: "seconds", helpText: "Time to answer a SOAP call"),
            labels: [("method", method)], buckets: Self.buckets
        ).recordNanoseconds(nanoseconds)
    }

    func refusal(_ reason: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "qblink", metricName: "refusals", unitName: "total", helpText: "Requests refused before their body was read, and connections refused or closed for slowness, by reason"),
            labels: [("reason", reason)]
        ).increment()
    }

    /// The text exposition, with the gauges read now.
    func render(queue: [ItemState: Int], failedLogins: Int, slowVerifications: Int) -> String {
        for state in ItemState.allCases {
            registry.makeGauge(
                descriptor: .init(namespace: "qblink", metricName: "queue_items", unitName: "count", helpText: "Queue items by state"),
                labels: [("state", state.rawValue)]
            ).set(Double(queue[state] ?? 0))
        }
        registry.makeGauge(
            descriptor: .init(namespace: "qblink", metricName: "failed_logins", unitName: "total", helpText: "Failed authentications since the server started")
        ).set(Double(failedLogins))
        registry.makeGauge(
            descriptor: .init(namespace: "qblink", metricName: "slow_password_checks", unitName: "total", helpText: "Slow-hash verifications since the server started")
        ).set(Double(slowVerifications))
        return registry.emitToString()
    }
}
