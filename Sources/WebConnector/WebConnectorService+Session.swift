import Foundation
import SOAP
import Store

extension WebConnectorService {
    /// What closeConnection answers for a ticket whose session is unknown or over.
    static let sessionOverMessage = "Session unknown or already over."

    static let unknownTicketMessage =
        "qblink does not know this session (unknown or expired ticket). Click Update Selected to start a new one."

    func connectionError(_ call: SOAPCall, _ context: inout Context) async throws -> String {
        if idleUser(call, &context) != nil { return "done" }
        guard let info = try await activeSession(call, &context) else { return "done" }
        let text = "QuickBooks could not be opened: \(call["message"].isEmpty ? "no reason given" : call["message"]) (HRESULT \(call["hresult"]))"
        try await store.setLastError(sessionID: info.session.sessionID, text, now: now())
        logger.warning("connection error", metadata: ["session": "\(info.session.sessionID)", "hresult": "\(call["hresult"])"])
        return "done"
    }

    func lastError(_ call: SOAPCall, _ context: inout Context) async throws -> String {
        guard let ticket = call.ticket else { return Self.unknownTicketMessage }
        if idleUser(call, &context) != nil { return "No error." }
        switch try await store.session(ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout) {
        case .active(let info), .ended(let info):
            context.sessionID = info.session.id
            context.userName = info.userName
            if info.session.state == .expired || info.session.state == .replaced {
                return "This session is over (\(info.session.state.rawValue)). Click Update Selected to start a new one."
            }
            return info.session.lastError ?? "No error."
        case .unknown:
            return Self.unknownTicketMessage
        }
    }

    func closeConnection(_ call: SOAPCall, _ context: inout Context) async throws -> String {
        if idleUser(call, &context) != nil { return Self.summary(created: 0, failed: 0, inDoubt: 0) }
        guard let ticket = call.ticket,
            let closed = found(call, try await store.closeSession(ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout), &context)
        else { return Self.sessionOverMessage }
        return Self.summary(created: closed.session.doneCount, failed: closed.session.failedCount, inDoubt: closed.inDoubt)
    }

    /// "3 created, 1 failed — run qblink log". `inDoubt` counts the user's items still in doubt now.
    static func summary(created: Int, failed: Int, inDoubt: Int) -> String {
        var parts: [String] = []
        if created > 0 { parts.append("\(created) created") }
        if failed > 0 { parts.append("\(failed) failed") }
        if inDoubt > 0 { parts.append("\(inDoubt) in doubt") }
        if parts.isEmpty { return "Nothing to do." }
        if failed > 0 || inDoubt > 0 {
            return parts.joined(separator: ", ") + " — run qblink log"
        }
        return parts.joined(separator: ", ") + "."
    }
}
