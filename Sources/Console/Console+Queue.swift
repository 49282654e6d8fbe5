import Foundation
import Hummingbird
import QBXML
import Store

extension Console {
    /// The queue, filtered by state and user, each item with QuickBooks' answer; retry and cancel where the CLI
    /// allows them (a retry never re-sends an in-doubt write blind).
    func queuePage(_ session: ConsoleSession, _ query: Parameters) async throws -> Response {
        let state = query["state"].flatMap { ItemState(rawValue: String($0)) }
        let user = query["user"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let items = try await store.items(state: state, userName: user, limit: Self.queueRows, newestFirst: true)
        let filters = Markup.el("form", [("method", "get"), ("action", "/console/queue")], [
            Markup.el("label", [], [Markup(text: "State "), Markup.el("select", [("name", "state")], [Markup.el("option", [("value", "")], text: "any")]
                + ItemState.allCases.map { s in
                    Markup.el("option", [("value", s.rawValue)] + (s == state ? [("selected", "")] : []), text: s.rawValue)
                })]),
            Markup(text: " "),
            Markup.el("label", [], [Markup(text: "User "), Markup.void("input", [("name", "user"), ("value", user ?? "")])]),
            Markup(text: " "), Markup.el("button", [("type", "submit")], text: "Show"),
        ])
        let rows: [[Markup]] = items.map { listed in
            let item = listed.item
            let id = item.id ?? 0
            var answer = item.statusCode.map { "\($0) \(item.statusMessage ?? "")" } ?? (item.statusMessage ?? "")
            if item.state == .failed { answer = QuickBooksAdvice.refusal(code: item.statusCode, message: item.statusMessage, retry: "Retry") }
            var actions: [Markup] = []
            if item.state == .failed || item.state == .inDoubt {
                actions.append(ConsolePage.button("Retry", action: "/console/queue/\(id)/retry", csrf: session.csrf))
                actions.append(ConsolePage.button("Cancel", action: "/console/queue/\(id)/cancel", csrf: session.csrf))
            }
            return [
                Markup(text: String(id)), Markup(text: listed.userName), Markup(text: item.label ?? item.type), Markup(text: item.refNumber ?? ""),
                Markup.el("span", [("class", item.state.rawValue)], text: item.state.rawValue), Markup(text: item.txnID ?? item.listID ?? ""),
                Markup(text: answer), Markup.join(actions),
            ]
        }
        let note = items.count == Self.queueRows ? Markup.el("p", text: "The newest \(Self.queueRows) shown; choose a state or a user to see others.") : Markup(raw: "")
        let body = filters + note + (rows.isEmpty ? Markup.el("p", text: "No item matches.")
            : Markup.table(["#", "User", "What", "Ref", "State", "QuickBooks ID", "QuickBooks' answer", ""], rows))
        return Self.html(ConsolePage.render(title: "Queue", session: session, body: body))
    }

    static let queueRows = 300

    /// Retry or cancel one item, as `qblink queue retry|cancel ID` would, recorded in the audit trail.
    func act(_ session: ConsoleSession, item id: Int64, action: String) async throws -> Response {
        let outcome: String
        do {
            switch action {
            case "retry": outcome = "now \(try await store.retry(id: id).item.state.rawValue)"
            case "cancel": outcome = "now \(try await store.cancel(id: id).item.state.rawValue)"
            default: return Self.html(ConsolePage.render(title: "Unknown action", session: session, body: Markup.el("p", text: action)), status: .notFound)
            }
        } catch let error as StoreError {
            try await record(session, "\(action) refused", "queue item \(id)", error.description)
            return Self.html(ConsolePage.render(title: "Not done", session: session, body: Markup.el("p", [("class", "warn")], text: error.description)), status: .conflict)
        }
        try await record(session, action, "queue item \(id)", outcome)
        return Self.redirect("/console/queue")
    }
}
