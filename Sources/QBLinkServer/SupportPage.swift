import Foundation
import Store
import XMLKit

/// The .qwc's AppSupport page (the Web Connector checks that it answers 200), public: per user the queue
/// counts by state, the last sessions and the latest errors. It shows no qbXML, no company-file path (a
/// Windows path in a message is replaced) and no secret; everything in it is escaped.
enum SupportPage {
    static func html(serverVersion: String, users: [UserActivity]) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>qblink support</title></head>
            <body>
            <h1>qblink</h1>
            <p>This is the QuickBooks Web Connector endpoint of \(XMLEscape.text(serverVersion)).</p>
            <p>If a sync failed, ask the operator to run <code>qblink log</code> on the server: it shows every session,
            every request sent to QuickBooks and QuickBooks' answer. Failed requests can be retried with
            <code>qblink queue retry ID</code>.</p>

            """
        for user in users {
            out += "<h2>\(XMLEscape.text(user.name))</h2>\n<p>"
            out += ItemState.allCases.compactMap { state in user.counts[state].map { "\($0) \(state.rawValue)" } }.joined(separator: ", ")
            out += user.counts.isEmpty ? "Nothing queued yet.</p>\n" : "</p>\n"
            if user.heldSettlements > 0 {
                out += "<p>\(user.heldSettlements) settlement(s) from Amazon held for review by the operator.</p>\n"
            }
            if !user.sessions.isEmpty {
                out += "<table><tr><th>session started</th><th>state</th><th>created</th><th>failed</th><th>in doubt</th></tr>\n"
                for s in user.sessions {
                    out += "<tr><td>\(stamp(s.startedAt))</td><td>\(s.state.rawValue)</td><td>\(s.done)</td><td>\(s.failed)</td><td>\(s.inDoubt)</td></tr>\n"
                }
                out += "</table>\n"
            }
            if !user.errors.isEmpty {
                out += "<ul>\n"
                for e in user.errors {
                    let code = e.statusCode.map { "QuickBooks error \($0): " } ?? ""
                    out += "<li>\(stamp(e.at)) — \(XMLEscape.text(code + withoutPaths(e.message)))</li>\n"
                }
                out += "</ul>\n"
            }
        }
        return out + "</body></html>\n"
    }

    static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon))
    }

    /// The message with Windows paths (`C:\…`, `\\server\…`) replaced by `[path]`.
    static func withoutPaths(_ message: String) -> String {
        message.replacingOccurrences(of: #"([A-Za-z]:\\|\\\\)[^\s"'<>]*"#, with: "[path]", options: .regularExpression)
    }
}
