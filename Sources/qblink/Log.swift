import ArgumentParser
import Foundation
import SOAP
import Store
import WebConnector

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show recent Web Connector sessions, or one session's calls with the qbXML sent and received.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "A session id from the listing.") var session: Int64?
    @Option(help: "Only this user's sessions.") var user: String?
    @Option(help: ArgumentHelp("Only sessions started on or after this day (YYYY-MM-DD) or moment (ISO 8601).", valueName: "date")) var since: String?
    @Flag(help: "Only sessions that went wrong: a request failed or is in doubt, or the session expired or was replaced.") var errors = false
    @Flag(help: "Print each call as it is logged, until interrupted.") var follow = false
    @Option(help: "How many sessions to list.") var limit = 20
    @Flag(help: "Print JSON (the listing, or one session with its calls and items).") var json = false

    func run() async throws {
        let store = try database.open()
        if follow {
            try await self.follow(store)
        } else if let session {
            try await show(store, session)
        } else {
            try await list(store)
        }
    }

    /// The `--since` moment: a day (midnight UTC) or an ISO 8601 timestamp.
    func sinceDate() throws -> Date? {
        try since.map { try DateArgument.parse($0, option: "--since") }
    }

    /// Prints the calls logged from now on, one line each, polling the log every second.
    func follow(_ store: Store) async throws {
        // Written straight to the file descriptor: each call's line as it comes, also into a pipe.
        func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        var last = try await store.recentExchanges(limit: 1).last?.id ?? 0
        say("Following the exchange log (Ctrl-C to stop) …")
        while !Task.isCancelled {
            for call in try await store.exchanges(after: last) {
                last = call.id ?? last
                if let user, call.userName?.lowercased() != user.lowercased() { continue }
                let session = call.sessionID.map { "session \($0)" } ?? "-"
                say("\(call.at.formatted(.iso8601)) \((call.userName ?? "-").escapingControlCharacters) \(call.method) HTTP \(call.httpStatus) \(String(format: "%.1f", call.durationMS)) ms \(session)")
            }
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }

    func list(_ store: Store) async throws {
        let sessions = try await store.sessions(userName: user, since: try sinceDate(), errorsOnly: errors, limit: limit)
        if json {
            print(try JSONOutput.encode(sessions.map(SessionJSON.init)))
            return
        }
        if sessions.isEmpty {
            print(since == nil && !errors && user == nil ? "No Web Connector session yet." : "No session matches.")
            return
        }
        var table = TextTable("SESSION", "USER", "STARTED", "STATE", "CALLS", "DONE", "FAILED", "IN DOUBT", "LAST ERROR")
        for info in sessions {
            let s = info.session
            table.add(
                String(s.sessionID), info.userName.escapingControlCharacters, s.startedAt.formatted(.iso8601), s.state.rawValue, String(info.calls),
                String(s.doneCount), String(s.failedCount), String(s.inDoubtCount), (s.lastError ?? "").escapingControlCharacters.clipped(70))
        }
        print(table.rendered)
    }

    func show(_ store: Store, _ id: Int64) async throws {
        if json {
            let info = try await readable { try await store.session(id: id) }
            let calls = try await store.exchanges(sessionID: id).map(CallJSON.init)
            let items = try await store.items(sessionID: id)
            print(try JSONOutput.encode(SessionDetailJSON(session: SessionJSON(info), calls: calls, items: items)))
        } else {
            print(try await LogShow(store: store, id: id).text(), terminator: "")
        }
    }
}
