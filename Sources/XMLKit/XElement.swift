/// A parsed XML element: a small immutable tree that owns no C memory.
///
/// Names are local names (prefixes dropped); `namespace` is the element's namespace URI, if any.
public struct XElement: Sendable, Equatable {
    public enum Node: Sendable, Equatable {
        case element(XElement)
        case text(String)
    }

    public var name: String
    public var namespace: String?
    public var attributes: [(name: String, value: String)]
    public var nodes: [Node]
    /// 1-based line of the start tag in the source document (0 when built in code).
    public var line: Int

    public init(
        _ name: String, namespace: String? = nil, attributes: [(name: String, value: String)] = [],
        nodes: [Node] = [], line: Int = 0
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.nodes = nodes
        self.line = line
    }

    public static func == (lhs: XElement, rhs: XElement) -> Bool {
        lhs.name == rhs.name && lhs.namespace == rhs.namespace && lhs.nodes == rhs.nodes
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name)
            && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    /// Child elements, in document order.
    public var children: [XElement] {
        nodes.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// The concatenated text directly inside this element (not inside its children).
    public var text: String {
        nodes.reduce(into: "") { if case .text(let t) = $1 { $0 += t } }
    }

    /// The first child element with this local name.
    public func child(_ name: String) -> XElement? {
        for case .element(let e) in nodes where e.name == name { return e }
        return nil
    }

    /// All child elements with this local name.
    public func children(_ name: String) -> [XElement] {
        children.filter { $0.name == name }
    }

    /// The first descendant (depth first, document order) with this local name.
    public func descendant(_ name: String) -> XElement? {
        for case .element(let e) in nodes {
            if e.name == name { return e }
            if let found = e.descendant(name) { return found }
        }
        return nil
    }

    /// Text of the first child with this name, or nil when there is no such child.
    public func childText(_ name: String) -> String? {
        child(name)?.text
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public mutating func setAttribute(_ name: String, _ value: String) {
        if let i = attributes.firstIndex(where: { $0.name == name }) {
            attributes[i].value = value
        } else {
            attributes.append((name, value))
        }
    }

    public mutating func removeAttribute(_ name: String) {
        attributes.removeAll { $0.name == name }
    }
}
