import Store

/// Why nothing was enqueued, said for the person who ran the command: what, where, and what to do.
public struct PostingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    init(_ error: StoreError) {
        description = error.description
    }
}
