import Foundation
import Synchronization

/// Where the calls' time goes, per method and step, since the server started: decoding the SOAP body, the
/// work (the Store, and for authenticate the password check), encoding the answer, and queueing the exchange
/// log's record. Wall time in nanoseconds; a few clock reads per call.
public final class CallProfile: Sendable {
    public struct Steps: Sendable, Equatable {
        public var calls = 0
        public var decode: UInt64 = 0
        public var work: UInt64 = 0
        public var encode: UInt64 = 0
        public var log: UInt64 = 0

        /// What was recorded between two snapshots.
        public static func - (later: Steps, earlier: Steps) -> Steps {
            var difference = Steps()
            difference.calls = later.calls - earlier.calls
            difference.decode = later.decode - earlier.decode
            difference.work = later.work - earlier.work
            difference.encode = later.encode - earlier.encode
            difference.log = later.log - earlier.log
            return difference
        }

        public init() {}

        /// Mean microseconds per call of a step's total.
        public func mean(_ total: UInt64) -> Double { calls == 0 ? 0 : Double(total) / Double(calls) / 1_000 }
    }

    private let methods = Mutex<[String: Steps]>([:])

    public init() {}

    func record(_ method: String, decode: UInt64, work: UInt64, encode: UInt64, log: UInt64) {
        methods.withLock { methods in
            var steps = methods[method] ?? Steps()
            steps.calls += 1
            steps.decode += decode
            steps.work += work
            steps.encode += encode
            steps.log += log
            methods[method] = steps
        }
    }

    /// The steps per method, by method name.
    public var snapshot: [String: Steps] { methods.withLock { $0 } }
}
