/// Plain aligned columns for terminal listings.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    /// A row; control characters in its cells (from reports, QuickBooks' messages) are written out.
    mutating func add(_ cells: String...) {
        rows.append(cells.map(\.escapingControlCharacters))
    }

    var rendered: String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                out += isLast ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return out
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

extension String {
    /// At most `n` characters, with "…" when cut, on one line.
    func clipped(_ n: Int) -> String {
        let flat = self.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= n ? flat : String(flat.prefix(n - 1)) + "…"
    }
}
