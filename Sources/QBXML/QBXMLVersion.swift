/// A qbXML specification version such as "13.0".
public struct QBXMLVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses "13.0", "13", "2.1". Country-prefixed legacy strings ("CA3.0", "UK2.0") are not
    /// understood and give nil.
    public init?(_ text: String) {
        let parts = text.trimmingWhitespace().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let major = Int(parts[0]), major >= 0 else { return nil }
        let minor = parts.count == 2 ? Int(parts[1]) : 0
        guard let minor, minor >= 0 else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (a: QBXMLVersion, b: QBXMLVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }

    /// The highest version qblink writes requests for (the qbXML 16.0 schema is the newest published).
    public static let newestSupported = QBXMLVersion(major: 16, minor: 0)
    /// The version a session falls back to when QuickBooks tells nothing usable.
    public static let fallback = QBXMLVersion(major: 13, minor: 0)

    /// Chooses the version for a session: the highest of QuickBooks' `SupportedQBXMLVersion` list that is no
    /// higher than what the Web Connector announced (`qbXMLMajorVers.qbXMLMinorVers`) and no higher than
    /// qblink supports. Without a usable list, the announced version (capped). Nil when nothing is known.
    public static func choose(
        supported: [QBXMLVersion], announced: QBXMLVersion?, ceiling: QBXMLVersion = .newestSupported
    ) -> QBXMLVersion? {
        var cap = ceiling
        if let announced, announced.major > 0 { cap = min(cap, announced) }
        if let best = supported.filter({ $0 <= cap }).max() { return best }
        if supported.isEmpty, let announced, announced.major > 0 { return min(announced, ceiling) }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
