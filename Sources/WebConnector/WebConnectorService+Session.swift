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
        return Self.summary(ended)
    }

    /// "3 created, 1 failed — run qblink log".
    static func summary(_ session: Session) -> String {
        var parts: [String] = []
        if session.doneCount > 0 { parts.append("\(session.doneCount) created") }
        if session.failedCount > 0 { parts.append("\(session.failedCount) failed") }
        if session.inDoubtCount > 0 { parts.append("\(session.inDoubtCount) in doubt") }
        if parts.isEmpty { return "Nothing to do." }
        if session.failedCount > 0 || session.inDoubtCount > 0 {
            return parts.joined(separator: ", ") + " — run qblink log"
        }
        return parts.joined(separator: ", ") + "."
    }
}
