import Foundation
import Store
import Synchronization

/// Where slow password hashes are computed: at most `width` at once, on threads of their own (never Swift's
/// cooperative ones, never the network's). When every worker is busy, a verification is refused at once
/// instead of waiting in a queue an attacker could fill.
final class HashingPool: Sendable {
    let width: Int
    private let running = Mutex<Int>(0)
    private let completed = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "qblink.password-hashing", attributes: .concurrent)

    init(width: Int) {
        self.width = max(1, width)
    }

    /// Slow verifications run so far (a counter for tests and metrics).
    var verifications: Int { completed.load(ordering: .relaxed) }

    /// A hash checked for unknown user names, so that they take as long to refuse as wrong passwords (made on
    /// the pool's threads the first time it is needed).
    static let decoyHash = PasswordHasher.hash("qblink-decoy-password")

    /// Whether `password` matches `hash` (nil: the decoy, which nothing matches), or nil, at once, when `width`
    /// verifications are already running.
    func verify(_ password: String, against hash: String?) async -> Bool? {
        let admitted = running.withLock { running in
            guard running < width else { return false }
            running += 1
            return true
        }
        guard admitted else { return nil }
        let matches = await withCheckedContinuation { continuation in
            queue.async {
                let matches = PasswordHasher.verify(password, against: hash ?? Self.decoyHash)
                continuation.resume(returning: matches && hash != nil)
            }
        }
        running.withLock { $0 -= 1 }
        completed.add(1, ordering: .relaxed)
        return matches
    }
}
