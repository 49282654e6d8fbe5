import Foundation

/// Latencies of one kind of call, in microseconds.
struct Latencies {
    var samples: [UInt32] = []

    mutating func add(_ nanoseconds: UInt64) { samples.append(UInt32(min(nanoseconds / 1_000, UInt64(UInt32.max)))) }

    static func + (a: Latencies, b: Latencies) -> Latencies { Latencies(samples: a.samples + b.samples) }

    /// "p50 0.41 ms, p90 0.80 ms, p99 2.10 ms".
    var summary: String {
        guard !samples.isEmpty else { return "no calls" }
        let sorted = samples.sorted()
        func at(_ q: Double) -> String {
            String(format: "%.2f ms", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1_000)
        }
        return "p50 \(at(0.50)), p90 \(at(0.90)), p99 \(at(0.99))"
    }
}

/// What one load generator task measured, by SOAP method.
struct Tally {
    var byMethod: [String: Latencies] = [:]
    var created = 0
    var failures = 0

    var calls: Int { byMethod.values.reduce(0) { $0 + $1.samples.count } }

    mutating func record(_ method: String, since start: UInt64) {
        byMethod[method, default: Latencies()].add(DispatchTime.now().uptimeNanoseconds - start)
    }

    static func + (a: Tally, b: Tally) -> Tally {
        Tally(byMethod: a.byMethod.merging(b.byMethod, uniquingKeysWith: +), created: a.created + b.created, failures: a.failures + b.failures)
    }
}

/// CPU time and peak memory of a process, from /proc.
struct ProcessStats {
    let pid: Int32

    /// User plus system CPU seconds used so far.
    var cpuSeconds: Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds of every process of this machine named `postgres` (a local PostgreSQL's backends and
    /// workers): what the database itself spent.
    static var postgresCPUSeconds: Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        return pids.reduce(0) { total, pid in
            guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), comm.hasPrefix("postgres") else { return total }
            return total + ProcessStats(pid: pid).cpuSeconds
        }
    }

    /// Peak resident set size in MB (VmHWM).
    var peakRSSMB: Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1_024
    }
}
