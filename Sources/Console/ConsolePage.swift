import Foundation
import Store

/// The frame of every console page: a title, the navigation, a sign-out form carrying the session's CSRF token,
/// and a small stylesheet of its own (no external scripts, fonts or styles; usable at a phone's width).
enum ConsolePage {
    static let style = """
        body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1f23;background:#fafafa}
        header{background:#1f3a5f;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
        header a,header button{color:#fff;background:none;border:0;font:inherit;cursor:pointer;text-decoration:none}
        main{padding:1em;max-width:70em;margin:auto}
        table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em;background:#fff}
        th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        pre{background:#fff;border:1px solid #ddd;padding:.5em;overflow-x:auto;font-size:13px}
        .held,.failed,.in-doubt{color:#a00}.warn{background:#fff4d6;padding:.5em}
        form.inline{display:inline}
        @media (max-width:40em){table{font-size:13px}th,td{padding:.2em}}
        """

    static func render(title: String, session: ConsoleSession?, body: Markup) -> String {
        var nav: [Markup] = [Markup.el("strong", text: "qblink")]
        if let session {
            nav += [
                Markup.el("a", [("href", "/console")], text: "Settlements"), Markup.el("a", [("href", "/console/upload")], text: "Upload"), Markup.el("a", [("href", "/console/syncs")], text: "Syncs"),
                Markup.el("a", [("href", "/console/queue")], text: "Queue"), Markup.el("a", [("href", "/console/actions")], text: "Actions"),
                Markup.el("form", [("class", "inline"), ("method", "post"), ("action", "/console/sign-out")], [
                    csrfField(session.csrf), Markup.el("button", [("type", "submit")], text: "Sign out \(session.userName)"),
                ]),
            ]
        }
        let page = Markup.el("html", [("lang", "en")], [
            Markup.el("head", [], [
                Markup.void("meta", [("charset", "utf-8")]),
                Markup.void("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                Markup.el("title", text: "\(title) · qblink"), Markup.el("style", [], [Markup(raw: style)]),
            ]),
            Markup.el("body", [], [Markup.el("header", [], nav), Markup.el("main", [], [Markup.el("h1", text: title), body])]),
        ])
        return "<!doctype html>\n" + page.html
    }

    static func csrfField(_ token: String) -> Markup {
        Markup.void("input", [("type", "hidden"), ("name", "csrf"), ("value", token)])
    }

    /// A one-button form posting to `action` with the session's CSRF token.
    static func button(_ label: String, action: String, csrf: String, fields: [(String, String)] = []) -> Markup {
        Markup.el("form", [("class", "inline"), ("method", "post"), ("action", action)], [csrfField(csrf)]
            + fields.map { Markup.void("input", [("type", "hidden"), ("name", $0.0), ("value", $0.1)]) }
            + [Markup.el("button", [("type", "submit")], text: label)])
    }

    static func date(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "" }
}
