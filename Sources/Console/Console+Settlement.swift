import AmazonSync
import Foundation
import Hummingbird
import Posting
import QBModel
import Settlement
import Store

extension Console {
    /// One settlement: its preview (from the report fetched or uploaded), its state, and what may be done: enqueue
    /// it (choosing the posting and group modes), undo it, or download the original report.
    func settlementPage(_ session: ConsoleSession, id: String, query: Parameters) async throws -> Response {
        let report = try await store.fetchedReport(settlementID: id)
        let enqueued = try await store.settlements(settlementID: id)
        guard report != nil || !enqueued.isEmpty else {
            return Self.html(ConsolePage.render(title: "No such settlement", session: session, body: Markup.el("p", text: "No settlement \(id) is known.")), status: .notFound)
        }
        var parts: [Markup] = []
        for s in enqueued {
            parts.append(Markup.el("p", [("class", s.state.rawValue)], text: "Enqueued for \(s.userName) on \(ConsolePage.date(s.record.enqueuedAt)) as \(s.record.mode?.rawValue ?? "receipt"), grouped by \(s.record.groupMode ?? "channel"): \(s.state.rawValue)\(s.reason.map { " — \($0)" } ?? "")."))
            if s.state != .undone && s.state != .undoing {
                parts.append(ConsolePage.button("Undo in QuickBooks for \(s.userName)", action: "/console/settlements/\(id)/undo", csrf: session.csrf, fields: [("user", s.userName)]))
            }
        }
        if let report {
            let mode = query["as"].flatMap { PostingMode(rawValue: String($0)) } ?? .receipts
            let group = query["group"].flatMap { SettlementMapping.GroupMode(rawValue: String($0)) } ?? .channel
            parts.append(Markup.el("p", [], [
                Markup(text: "\(Self.origin(report.account)) on \(ConsolePage.date(report.fetchedAt)). "),
                Markup.el("a", [("href", "/console/settlements/\(id)/report")], text: "Download the original report"),
            ]))
            if let reason = report.reason, report.state == .held { parts.append(Markup.el("p", [("class", "held warn")], text: "Held: \(reason)")) }
            do {
                var mapping = SettlementMapping.standard
                mapping.group = group
                let summary = try ScheduledPosting.summary(report, mapping: mapping).posted(as: mode)
                parts.append(try await enqueueForm(session, id: id, mode: mode, group: group, enabled: enqueued.isEmpty || enqueued.allSatisfy { $0.state == .undone }))
                parts.append(SettlementPreview.markup(summary))
            } catch {
                parts.append(Markup.el("p", [("class", "failed")], text: "The report cannot be previewed: \(error)"))
            }
        }
        return Self.html(ConsolePage.render(title: "Settlement \(id)", session: session, body: Markup.join(parts)))
    }

    static func origin(_ account: String) -> String {
        switch account {
        case "upload": "Uploaded"
        case "cli": "Enqueued from a file with the CLI"
        default: "Fetched from Amazon (\(account))"
        }
    }

    /// The preview's modes (a GET, changing nothing) and the enqueue button (a POST with the session's token).
    func enqueueForm(_ session: ConsoleSession, id: String, mode: PostingMode, group: SettlementMapping.GroupMode, enabled: Bool) async throws -> Markup {
        func select(_ name: String, _ values: [String], _ chosen: String) -> Markup {
            Markup.el("select", [("name", name)], values.map { Markup.el("option", [("value", $0)] + ($0 == chosen ? [("selected", "")] : []), text: $0) })
        }
        let modes = PostingMode.allCases.map(\.rawValue), groups = SettlementMapping.GroupMode.allCases.map(\.rawValue)
        var parts = [Markup.el("form", [("method", "get"), ("action", "/console/settlements/\(id)")], [
            Markup(text: "Post as "), select("as", modes, mode.rawValue), Markup(text: " grouped by "), select("group", groups, group.rawValue),
            Markup(text: " "), Markup.el("button", [("type", "submit")], text: "Preview"),
        ])]
        if enabled {
            let users = try await store.users().map(\.name)
            parts.append(Markup.el("form", [("method", "post"), ("action", "/console/settlements/\(id)/enqueue")], [
                ConsolePage.csrfField(session.csrf), Markup.void("input", [("type", "hidden"), ("name", "as"), ("value", mode.rawValue)]),
                Markup.void("input", [("type", "hidden"), ("name", "group"), ("value", group.rawValue)]),
                Markup(text: "For "), select("user", users, users.first ?? ""), Markup(text: " "),
                Markup.el("button", [("type", "submit")], text: "Enqueue as previewed"),
            ]))
        }
        return Markup.join(parts)
    }

    func enqueueSettlement(_ session: ConsoleSession, id: String, fields: [String: String]) async throws -> Response {
        guard let report = try await store.fetchedReport(settlementID: id), let reportRow = report.id else { return Self.redirect("/console") }
        let user = fields["user"] ?? ""
        var mapping = SettlementMapping.standard
        mapping.group = fields["group"].flatMap(SettlementMapping.GroupMode.init(rawValue:)) ?? .channel
        let mode = fields["as"].flatMap(PostingMode.init(rawValue:)) ?? .receipts
        do {
            let summary = try ScheduledPosting.summary(report, mapping: mapping).posted(as: mode)
            try await Posting.enqueue(settlements: [summary], missing: mapping.missing, userName: user, store: store)
            try await store.decideFetchedReport(id: reportRow, state: .enqueued, reason: nil, userName: user)
        } catch {
            try await record(session, "enqueue refused", "settlement \(id)", "\(error)")
            return Self.html(ConsolePage.render(title: "Not enqueued", session: session, body: Markup.el("p", [("class", "warn")], text: "\(error)")), status: .conflict)
        }
        try await record(session, "enqueue", "settlement \(id)", "for \(user) as \(mode.rawValue), grouped by \(mapping.group.rawValue)")
        return Self.redirect("/console/settlements/\(id)")
    }

    func undoSettlement(_ session: ConsoleSession, id: String, user: String) async throws -> Response {
        do {
            let today = String(Date().formatted(.iso8601).prefix(10))
            let undone = try await Posting.undo(settlementID: id, userName: user, today: today, store: store)
            try await record(session, "undo", "settlement \(id)", "for \(user): \(undone.result.queued) deletion(s) queued, \(undone.result.cancelled) cancelled")
        } catch {
            try await record(session, "undo refused", "settlement \(id)", "\(error)")
            return Self.html(ConsolePage.render(title: "Not undone", session: session, body: Markup.el("p", [("class", "warn")], text: "\(error)")), status: .conflict)
        }
        return Self.redirect("/console/settlements/\(id)")
    }

    /// The report as it came, bytes untouched, to save.
    func reportFile(id: String) async throws -> Response {
        guard let report = try await store.fetchedReport(settlementID: id), let bytes = report.bytes else { return Response(status: .notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/plain" + (report.charset.map { "; charset=\($0)" } ?? ""),
                .contentDisposition: "attachment; filename=\"settlement-\(id).txt\"", .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
