import Settlement
import Store

/// Payouts per settlement over time, each split into sales, other, fees and refunds, drawn as SVG by the server:
/// sales and a positive rest stacked above the zero line, fees, refunds and a negative rest below it, the payout
/// a dark mark. One chart per currency; the last 26 settlements (a year, every two weeks).
enum PayoutChart {
    static let colors = [("Sales", "#2e7d32"), ("Other", "#607d8b"), ("Fees", "#ef6c00"), ("Refunds", "#c62828")]

    struct Bar {
        var label: String
        var sales: Int, fees: Int, refunds: Int, other: Int, payout: Int
    }

    static func charts(_ settlements: [SettlementStatus]) -> Markup {
        let known = settlements.filter { $0.record.salesCents != nil && $0.state != .undone }
        let currencies = Array(Set(known.map { $0.record.currency ?? "" })).sorted()
        return Markup.join(currencies.map { currency in
            let bars = known.filter { ($0.record.currency ?? "") == currency }
                .sorted { ($0.record.period ?? "") < ($1.record.period ?? "") }.suffix(26)
                .map { s in
                    let r = s.record
                    return Bar(
                        label: String((r.period ?? "").suffix(10)), sales: r.salesCents ?? 0, fees: r.feesCents ?? 0, refunds: r.refundsCents ?? 0,
                        other: r.otherCents ?? 0, payout: r.totalCents)
                }
            return Markup.el("figure", [], [svg(Array(bars), currency: currency), Markup.el("figcaption", text: "Payouts per settlement (\(currency)): sales and other above the line, fees and refunds below, the payout marked.")])
        })
    }

    static func svg(_ bars: [Bar], currency: String) -> Markup {
        let width = 720.0, height = 260.0, left = 70.0, top = 10.0, bottom = 40.0
        let up = max(1, bars.map { $0.sales + max(0, $0.other) }.max() ?? 1)
        let down = max(1, bars.map { -($0.fees + $0.refunds + min(0, $0.other)) }.max() ?? 1)
        let plot = height - top - bottom
        let scale = plot / Double(up + down)
        let zero = top + Double(up) * scale
        let slot = (width - left) / Double(max(bars.count, 1))
        var shapes: [Markup] = [
            Markup.el("line", [("x1", f(left)), ("x2", f(width)), ("y1", f(zero)), ("y2", f(zero)), ("stroke", "#333")]),
            text(Cents.format(up), x: left - 4, y: top + 10, anchor: "end"), text("0", x: left - 4, y: zero + 4, anchor: "end"),
            text(Cents.format(-down), x: left - 4, y: height - bottom, anchor: "end"),
        ]
        for (i, bar) in bars.enumerated() {
            let x = left + Double(i) * slot + slot * 0.15, w = slot * 0.7
            var above = zero, below = zero
            let pieces = [(bar.sales, colors[0]), (bar.other, colors[1]), (bar.fees, colors[2]), (bar.refunds, colors[3])]
            for (cents, (name, color)) in pieces where cents != 0 {
                let h = Double(abs(cents)) * scale
                let y: Double
                if cents > 0 {
                    above -= h
                    y = above
                } else {
                    y = below
                    below += h
                }
                shapes.append(Markup.el("rect", [("x", f(x)), ("y", f(y)), ("width", f(w)), ("height", f(max(h, 0.5))), ("fill", color)], [
                    Markup.el("title", text: "\(bar.label) \(name): \(Cents.format(cents)) \(currency)"),
                ]))
            }
            let payoutY = zero - Double(bar.payout) * scale
            shapes.append(Markup.el("rect", [("x", f(x - 2)), ("y", f(payoutY - 1.5)), ("width", f(w + 4)), ("height", "3"), ("fill", "#111")], [
                Markup.el("title", text: "\(bar.label) payout: \(Cents.format(bar.payout)) \(currency)"),
            ]))
            if bars.count <= 8 || i % max(1, bars.count / 6) == 0 {
                shapes.append(text(bar.label, x: x + w / 2, y: height - bottom + 16, anchor: "middle"))
            }
        }
        for (i, (name, color)) in colors.enumerated() {
            let x = left + Double(i) * 110
            shapes.append(Markup.el("rect", [("x", f(x)), ("y", f(height - 14)), ("width", "10"), ("height", "10"), ("fill", color)]))
            shapes.append(text(name, x: x + 14, y: height - 5, anchor: "start"))
        }
        return Markup.el("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(Int(width)) \(Int(height))"), ("width", "100%"), ("role", "img"),
            ("aria-label", "Payouts per settlement in \(currency)"),
        ], shapes)
    }

    static func text(_ value: String, x: Double, y: Double, anchor: String) -> Markup {
        Markup.el("text", [("x", f(x)), ("y", f(y)), ("font-size", "11"), ("text-anchor", anchor), ("fill", "#333")], text: value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
