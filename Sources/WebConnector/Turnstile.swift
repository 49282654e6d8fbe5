import Synchronization

/// At most `width` at a time; the others wait their turn, in order. Bounds how many large bodies are read, and
/// how many large documents parsed, at once.
public final class Turnstile: Sendable {
    public let width: Int
    private struct State {
        var inside = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init(width: Int) {
        self.width = max(1, width)
    }

    public func enter() async {
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state in
                guard state.inside < width else {
                    state.waiting.append(continuation)
                    return false
                }
                state.inside += 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// Lets the next in line in; answers whether no one is inside any more (the end of a burst).
    @discardableResult
    public func leave() -> Bool {
        let (next, empty) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            if !state.waiting.isEmpty { return (state.waiting.removeFirst(), false) }  // the place passes on
            state.inside -= 1
            return (nil, state.inside == 0)
        }
        next?.resume()
        return empty
    }
}
