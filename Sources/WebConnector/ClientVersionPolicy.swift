/// What clientVersion answers: "" to proceed, "W:…" to warn, "E:…" to refuse an old Web Connector.
public struct ClientVersionPolicy: Sendable, Equatable {
    public enum Action: String, Sendable {
        case warn
        case error
    }

    public var minimum: String?
    public var action: Action

    public init(minimum: String? = nil, action: Action = .warn) {
        self.minimum = minimum
        self.action = action
    }

    public func answer(for version: String) -> String {
        guard let minimum, let wanted = Self.numbers(minimum) else { return "" }
        guard let got = Self.numbers(version) else {
            return prefix + "qblink could not read this Web Connector's version ('\(version)'); version \(minimum) or newer is expected."
        }
        if got.lexicographicallyPrecedes(wanted) {
            return prefix + "this Web Connector is version \(version); qblink needs \(minimum) or newer. Download the current Web Connector from Intuit."
        }
        return ""
    }

    private var prefix: String { action == .warn ? "W:" : "E:" }

    /// "2.3.0.215" → [2, 3, 0, 215], padded to four parts.
    static func numbers(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".").map { Int($0) }
        guard !parts.isEmpty, parts.count <= 4, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! } + Array(repeating: 0, count: 4 - parts.count)
    }
}
