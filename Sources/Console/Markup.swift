/// HTML built so that text can only go in escaped: `Markup(text:)` escapes, the element builders escape every
/// attribute value, and only the literals written in this module are trusted (`Markup(raw:)`).
public struct Markup: Sendable {
    public private(set) var html: String

    init(raw: String) { html = raw }

    init(text: String) { html = Markup.escape(text) }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and line breaks have no business in a page.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func + (a: Markup, b: Markup) -> Markup { Markup(raw: a.html + b.html) }

    static func join(_ parts: [Markup]) -> Markup { Markup(raw: parts.map(\.html).joined()) }

    /// `<name a="v">children</name>`.
    static func el(_ name: String, _ attributes: [(String, String)] = [], _ children: [Markup] = []) -> Markup {
        var out = "<" + name
        for (key, value) in attributes { out += " \(key)=\"\(escape(value))\"" }
        out += ">"
        out += children.map(\.html).joined()
        out += "</\(name)>"
        return Markup(raw: out)
    }

    static func el(_ name: String, _ attributes: [(String, String)] = [], text: String) -> Markup {
        el(name, attributes, [Markup(text: text)])
    }

    /// A void element (`<input …>`).
    static func void(_ name: String, _ attributes: [(String, String)]) -> Markup {
        Markup(raw: "<" + name + attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined() + ">")
    }

    static func table(_ headers: [String], _ rows: [[Markup]]) -> Markup {
        el("table", [], [el("thead", [], [el("tr", [], headers.map { el("th", text: $0) })])] + [el("tbody", [], rows.map { el("tr", [], $0.map { el("td", [], [$0]) }) })])
    }
}
