/// Serialises an `XElement` tree back to XML text, without indentation and without namespace
/// declarations (qbXML has none). An element with no content is written `<Name />`.
extension XElement {
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    /// One element per line, children indented by two spaces (for files people read, such as .qwc).
    public func indented(level: Int = 0) -> String {
        let pad = String(repeating: "  ", count: level)
        guard !children.isEmpty else { return pad + serialized() + "\n" }
        var copy = self
        copy.nodes = []
        var open = copy.serialized()
        open.removeLast(3)  // " />"
        var out = pad + open + ">\n"
        for child in children { out += child.indented(level: level + 1) }
        return out + pad + "</\(name)>\n"
    }

    public func write(into out: inout String) {
        out += "<"
        out += name
        for (attrName, value) in attributes {
            out += " "
            out += attrName
            out += "=\""
            out += XMLEscape.attribute(value)
            out += "\""
        }
        if nodes.isEmpty {
            out += " />"
            return
        }
        out += ">"
        for node in nodes {
            switch node {
            case .text(let t): out += XMLEscape.text(t)
            case .element(let e): e.write(into: &out)
            }
        }
        out += "</"
        out += name
        out += ">"
    }
}
