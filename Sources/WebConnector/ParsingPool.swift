import Foundation
import Synchronization
import XMLKit

/// Where large documents are parsed: on threads of their own, at most `width` at once (others wait their turn,
/// in order), so that a megabyte-sized parse never holds one of Swift's few cooperative threads, which every
/// call shares.
final class ParsingPool: Sendable {
    /// Documents up to this size are parsed where they are (tens of microseconds).
    static let inlineBytes = 64 << 10

    private let turnstile: Turnstile
    private let queue = DispatchQueue(label: "qblink.parsing", attributes: .concurrent)
    private let completed = Atomic<Int>(0)

    init(width: Int) {
        turnstile = Turnstile(width: width)
    }

    /// Large parses run so far (for tests).
    var parses: Int { completed.load(ordering: .relaxed) }

    /// `work` (a parse of a document of `bytes`), inline when small, else on the pool.
    func run<T: Sendable>(bytes: Int, _ work: @escaping @Sendable () -> T) async -> T {
        guard bytes > Self.inlineBytes else { return work() }
        await turnstile.enter()
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
        turnstile.leave()
        completed.add(1, ordering: .relaxed)
        return result
    }

    /// Gives the memory freed by a burst of large bodies back to the system (glibc keeps it for reuse
    /// otherwise), on the pool's threads: it takes a few milliseconds on a large heap.
    func releaseFreeMemory() {
        queue.async { XMLReader.releaseFreeMemory() }
    }
}
