import Foundation
import NIOCore
import Synchronization

/// How many connections are served, and how long a client may take to send a request.
public struct ConnectionLimits: Sendable {
    /// Open connections at once; one more is closed as soon as it is accepted.
    public var total: Int
    /// Open connections from one client address.
    public var perClient: Int
    /// A connection must send a whole request head within this long of opening (TLS handshake included) or of
    /// its last answer; an idle keep-alive connection is closed after it too.
    public var headSeconds: Int
    /// After `headSeconds` of grace, a body must keep arriving at this many bytes a second on average, counting
    /// only the time qblink was waiting for it (not the time a large body waits for its turn).
    public var minimumBodyRate: Int

    public init(total: Int = 512, perClient: Int = 32, headSeconds: Int = 30, minimumBodyRate: Int = 16 << 10) {
        self.total = total
        self.perClient = Swift.min(perClient, total)
        self.headSeconds = headSeconds
        self.minimumBodyRate = minimumBodyRate
    }

    /// Descriptors kept for everything but connections: the database and its readers (each with its journal and
    /// shared memory), the event loops, the certificate, the log.
    public static let reservedDescriptors = 64

    /// `total` lowered to what the open-file limit leaves room for, so that accepting never fails for want of a
    /// descriptor (NIO's accept loop does not back off well there: it retries at once); nil when the limit
    /// leaves fewer than 8 connections.
    public func fitted(toDescriptorLimit limit: Int) -> ConnectionLimits? {
        let room = limit - Self.reservedDescriptors - Self.acceptMargin
        guard room >= 8 else { return nil }
        var fitted = self
        fitted.total = Swift.min(total, room)
        fitted.perClient = Swift.min(perClient, fitted.total)
        return fitted
    }

    /// Connections past `total` that may be open for a moment (accepted, then closed at once, or being closed to
    /// make room); past `total + acceptMargin` the server stops accepting until some close.
    public static let acceptMargin = 16

    /// The process's soft open-file limit.
    public static var descriptorLimit: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(clamping: limit.rlim_cur)  // RLIM_INFINITY is the largest value: no limit
    }

    /// Raises the soft open-file limit towards `wanted`, as far as the hard limit allows (systemd's default soft
    /// limit is 1,024, its hard one far higher); answers the soft limit now in force.
    @discardableResult
    public static func raiseDescriptorLimit(toAtLeast wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return descriptorLimit }
        let target = rlim_t(clamping: wanted)
        if limit.rlim_cur < target {
            limit.rlim_cur = Swift.min(target, limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return descriptorLimit
    }
}

/// The connections open now, in total and per client address, shared by every connection's guard. When every
/// place is taken, the connection that has waited longest for a request head (one that sent nothing, or sits
/// idle between calls) is closed to make room; a connection in the middle of a request never is.
final class ConnectionRegistry: Sendable {
    enum Admission: Equatable {
        case admitted(Int)
        /// Admitted in place of an idle connection, which is being closed.
        case admittedByEvicting(Int)
        case overTotal
        case overClient
    }

    private struct Entry {
        var client: String
        var channel: any Channel
        /// Since when it has been waiting for a request head; nil while a request is being read or answered.
        var idleSince: NIODeadline?
    }

    private struct State {
        var next = 0
        var entries: [Int: Entry] = [:]
        var byClient: [String: Int] = [:]

        mutating func remove(_ id: Int) -> Entry? {
            guard let entry = entries.removeValue(forKey: id) else { return nil }
            let left = byClient[entry.client, default: 1] - 1
            byClient[entry.client] = left > 0 ? left : nil
            return entry
        }
    }

    let limits: ConnectionLimits
    private let state = Mutex(State())

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func admit(_ client: String, channel: any Channel) -> Admission {
        let (admission, evicted) = state.withLock { state -> (Admission, (any Channel)?) in
            guard state.byClient[client, default: 0] < limits.perClient else { return (.overClient, nil) }
            var evicted: (any Channel)?
            if state.entries.count >= limits.total {
                guard let oldest = state.entries.filter({ $0.value.idleSince != nil }).min(by: { $0.value.idleSince! < $1.value.idleSince! })
                else { return (.overTotal, nil) }
                evicted = state.remove(oldest.key)?.channel
            }
            state.next += 1
            state.entries[state.next] = Entry(client: client, channel: channel, idleSince: .now())
            state.byClient[client, default: 0] += 1
            return (evicted == nil ? .admitted(state.next) : .admittedByEvicting(state.next), evicted)
        }
        evicted?.close(promise: nil)
        return admission
    }

    func setIdle(_ id: Int, since: NIODeadline?) {
        state.withLock { $0.entries[id]?.idleSince = since }
    }

    func release(_ id: Int) {
        _ = state.withLock { $0.remove(id) }
    }
}
