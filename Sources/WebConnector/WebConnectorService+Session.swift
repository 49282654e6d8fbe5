import Foundation
import Store

extension WebConnectorService {
    static let unknownTicketMessage =
        "qblink does not know this session (unknown or expired ticket). Click Update Selected to start a new one."

    func connectionError(_ call: SOAPCall, _ context: inout Context) throws -> String {
        guard let session = try activeSession(call, &context) else { return "done" }
        let text = "QuickBooks could not be opened: \(call["message"].isEmpty ? "no reason given" : call["message"]) (HRESULT \(call["hresult"]))"
        try store.setLastError(sessionID: session.id, text)
        logger.warning("connection error", metadata: ["session": "\(session.id)", "hresult": "\(call["hresult"])"])
        return "done"
    }

    func lastError(_ call: SOAPCall, _ context: inout Context) throws -> String {
        guard let ticket = call.ticket else { return Self.unknownTicketMessage }
        switch try store.session(ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout) {
        case .active(let session), .ended(let session):
            context.sessionID = session.id
            context.userName = session.userName
            if session.state == .expired || session.state == .replaced {
                return "This session is over (\(session.state.rawValue)). Click Update Selected to start a new one."
            }
            return session.lastError ?? "No error."
        case .unknown:
            return Self.unknownTicketMessage
        }
    }

    func closeConnection(_ call: SOAPCall, _ context: inout Context) throws -> String {
        guard let session = try activeSession(call, &context) else {
            return "Session unknown or already over."
        }
        let ended = try store.endSession(id: session.id, now: now())
        let inDoubt = try store.counts(userName: session.userName)[.inDoubt] ?? 0
        return Self.summary(created: ended.doneCount, failed: ended.failedCount, inDoubt: inDoubt)
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
