import Foundation
import Hummingbird
import QBXML
import SOAP
import Settlement
import Store
import XMLKit

extension Console {
    /// Every settlement known: enqueued (from the CLI or the schedule) and fetched from Amazon but not enqueued
    /// (waiting, or held with the reason).
    func settlementsPage(_ session: ConsoleSession, _ query: Parameters) async throws -> Response {
        let user = query["user"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let page = max(1, query["page"].flatMap { Int(String($0)) } ?? 1)
        let settlements = try await store.settlements(userName: user)
        let reports = try await store.fetchedReports()
        let marketplaces = Dictionary(reports.compactMap { r in r.marketplace.map { (r.settlementID, $0) } }) { first, _ in first }
        let fetched = reports.filter { $0.state != .enqueued && (user == nil || $0.userName?.lowercased() == user?.lowercased()) }
        var rows: [[Markup]] = fetched.map { f in
            [
                Markup.el("a", [("href", "/console/settlements/\(f.settlementID)")], text: f.settlementID), Markup(text: f.userName ?? "—"),
                Markup(text: "\(f.periodStart ?? "?") to \(f.periodEnd ?? "?")"),
                Markup(text: f.marketplace ?? ""), Markup(text: Self.origin(f.account)), Markup(text: f.totalCents.map { "\(Cents.format($0)) \(f.currency ?? "")" } ?? "?"),
                Markup.el("span", [("class", f.state.rawValue)], text: f.state.rawValue + (f.reason.map { ": \($0)" } ?? (f.account == "upload" ? ": uploaded, not enqueued" : " from Amazon (\(f.account))"))),
            ]
        }
        rows += settlements.sorted { ($0.record.period ?? "") > ($1.record.period ?? "") }.map { s in
            let r = s.record
            return [
                Markup.el("a", [("href", "/console/settlements/\(r.settlementID)")], text: r.settlementID), Markup(text: s.userName),
                Markup(text: r.period ?? ""), Markup(text: marketplaces[r.settlementID] ?? ""), Markup(text: r.source ?? ""),
                Markup(text: "\(Cents.format(r.totalCents)) \(r.currency ?? "")"),
                Markup.el("span", [("class", s.state.rawValue)], text: s.state.rawValue + (s.reason.map { ": \($0)" } ?? "")),
            ]
        }
        guard !rows.isEmpty else {
            let empty = Markup.el("p", text: "No settlement yet: fetch them from Amazon (qblink settlement fetch), upload a report, or enqueue one from the CLI.")
            return Self.html(ConsolePage.render(title: "Settlements", session: session, body: empty))
        }
        // Fetched and held ones first, then the enqueued, newest first, 50 a page.
        let pages = (rows.count + Self.pageRows - 1) / Self.pageRows
        let shown = Array(rows.dropFirst((min(page, pages) - 1) * Self.pageRows).prefix(Self.pageRows))
        let users = try await store.users().map(\.name)
        let filter = Markup.el("form", [("method", "get"), ("action", "/console")], [
            Markup(text: "User "),
            Markup.el("select", [("name", "user")], [Markup.el("option", [("value", "")], text: "all")]
                + users.map { Markup.el("option", [("value", $0)] + ($0 == user ? [("selected", "")] : []), text: $0) }),
            Markup(text: " "), Markup.el("button", [("type", "submit")], text: "Show"),
        ])
        var pager: [Markup] = [Markup(text: "Page \(min(page, pages)) of \(pages). ")]
        let base = "/console?" + (user.map { "user=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&" } ?? "")
        if page > 1 { pager.append(Markup.el("a", [("href", base + "page=\(page - 1)")], text: "Newer")) }
        if page < pages { pager += [Markup(text: " "), Markup.el("a", [("href", base + "page=\(page + 1)")], text: "Older")] }
        let body = PayoutChart.charts(settlements) + filter
            + Markup.table(["Settlement", "User", "Period", "Marketplace", "From", "Payout", "State"], shown) + Markup.el("p", [], pager)
        return Self.html(ConsolePage.render(title: "Settlements", session: session, body: body))
    }

    static let pageRows = 50

    /// Per Web Connector user, the last sessions with their outcome.
    func syncsPage(_ session: ConsoleSession) async throws -> Response {
        var parts: [Markup] = []
        for user in try await store.users() {
            parts.append(Markup.el("h2", text: user.name))
            let sessions = try await store.sessions(userName: user.name, limit: 10)
            if sessions.isEmpty {
                parts.append(Markup.el("p", text: "No session yet."))
                continue
            }
            parts.append(Markup.table(["Session", "Started", "State", "Calls", "Done", "Failed", "In doubt", "Last error"], sessions.map { info in
                let s = info.session
                return [
                    Markup.el("a", [("href", "/console/sessions/\(s.sessionID)")], text: String(s.sessionID)), Markup(text: ConsolePage.date(s.startedAt)),
                    Markup(text: s.state.rawValue), Markup(text: String(info.calls)), Markup(text: String(s.doneCount)),
                    Markup.el("span", [("class", s.failedCount > 0 ? "failed" : "")], text: String(s.failedCount)),
                    Markup.el("span", [("class", s.inDoubtCount > 0 ? "in-doubt" : "")], text: String(s.inDoubtCount)), Markup(text: s.lastError ?? ""),
                ]
            }))
        }
        if parts.isEmpty { parts.append(Markup.el("p", text: "No Web Connector user yet (qblink user add NAME).")) }
        return Self.html(ConsolePage.render(title: "Syncs", session: session, body: Markup.join(parts)))
    }

    /// One session's calls, with the qbXML sent and received laid out and escaped, and what went wrong.
    static let callsPerPage = 10
    /// The most of one qbXML document a session page shows (the whole is in `qblink log SESSION`).
    static let documentBytes = 4 << 10

    static func document(_ xml: String, session: Int64) -> Markup {
        let pretty = Self.pretty(xml)
        guard pretty.utf8.count > documentBytes else { return Markup.el("pre", text: pretty) }
        let shown = String(decoding: pretty.utf8.prefix(documentBytes), as: UTF8.self)
        return Markup.el("pre", text: shown + "\n… \((pretty.utf8.count - documentBytes) / 1024) KB more: qblink log \(session) shows it whole")
    }

    func sessionPage(_ session: ConsoleSession, id: Int64, from: Int = 0) async throws -> Response {
        guard let info = try? await store.session(id: id) else {
            return Self.html(ConsolePage.render(title: "No such session", session: session, body: Markup.el("p", text: "There is no session \(id).")), status: .notFound)
        }
        let s = info.session
        var parts: [Markup] = [
            Markup.el("p", text: "\(info.userName): \(s.state.rawValue), started \(ConsolePage.date(s.startedAt)); done \(s.doneCount), failed \(s.failedCount), in doubt \(s.inDoubtCount)."),
        ]
        if let error = s.lastError { parts.append(Markup.el("p", [("class", "warn")], text: error)) }
        let calls = try await store.exchanges(sessionID: id)
        let first = min(max(0, from), max(0, calls.count - 1))
        for (n, call) in calls.enumerated().dropFirst(first).prefix(Self.callsPerPage) {
            parts.append(Markup.el("h2", text: "\(n + 1). \(call.method) → HTTP \(call.httpStatus), \(String(format: "%.1f", call.durationMS)) ms"))
            let parameters = SOAPCodec.loggedParameters(call.requestBody) ?? [:]
            let result = SOAPCodec.loggedResult(call.responseBody) ?? ""
            if call.method == "sendRequestXML", !result.isEmpty { parts += [Markup.el("h3", text: "qbXML sent"), Self.document(result, session: id)] }
            if let hresult = parameters["hresult"], !hresult.isEmpty {
                parts.append(Markup.el("p", [("class", "warn")], text: QuickBooksAdvice.rejection(hresult: hresult, message: parameters["message"])))
            }
            if let response = parameters["response"], !response.isEmpty {
                parts += [Markup.el("h3", text: "qbXML received"), Self.document(response, session: id)]
            }
            if call.method != "sendRequestXML" { parts.append(Markup.el("p", text: "Returned: \(result)")) }
        }
        if calls.count > Self.callsPerPage {
            var pager: [Markup] = [Markup(text: "Calls \(first + 1)–\(min(calls.count, first + Self.callsPerPage)) of \(calls.count). ")]
            if first > 0 { pager.append(Markup.el("a", [("href", "/console/sessions/\(id)?from=\(max(0, first - Self.callsPerPage))")], text: "Earlier")) }
            if first + Self.callsPerPage < calls.count {
                pager += [Markup(text: " "), Markup.el("a", [("href", "/console/sessions/\(id)?from=\(first + Self.callsPerPage)")], text: "Later")]
            }
            parts.append(Markup.el("p", [], pager))
        }
        let wrong = try await store.items(sessionID: id).filter { $0.item.state == .failed }
        if !wrong.isEmpty {
            parts.append(Markup.el("h2", text: "What went wrong"))
            for listed in wrong.prefix(50) {
                let item = listed.item
                parts.append(Markup.el("p", [("class", "failed")], text: "#\(item.id ?? 0) \(item.label ?? item.type): "
                    + QuickBooksAdvice.refusal(code: item.statusCode, message: item.statusMessage, retry: "Retry on the Queue page")))
            }
            if wrong.count > 50 {
                parts.append(Markup.el("p", [], [
                    Markup(text: "… and \(wrong.count - 50) more: "), Markup.el("a", [("href", "/console/queue?state=failed")], text: "the failed items on the Queue page"),
                ]))
            }
        }
        return Self.html(ConsolePage.render(title: "Session \(id)", session: session, body: Markup.join(parts)))
    }

    static func pretty(_ xml: String) -> String { XMLReader.prettyPrinted(xml) ?? xml }

    /// The audit trail: every action taken from the console.
    func actionsPage(_ session: ConsoleSession) async throws -> Response {
        let actions = try await store.consoleActions(limit: 200)
        let body = actions.isEmpty
            ? Markup.el("p", text: "Nothing done from the console yet.")
            : Markup.table(["When", "Who", "What", "To", "Detail"], actions.map {
                [Markup(text: ConsolePage.date($0.at)), Markup(text: $0.userName), Markup(text: $0.action), Markup(text: $0.target), Markup(text: $0.detail ?? "")]
            })
        return Self.html(ConsolePage.render(title: "Actions", session: session, body: body))
    }
}
