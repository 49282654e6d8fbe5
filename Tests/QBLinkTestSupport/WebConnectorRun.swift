import Foundation

/// One "Update Selected": the Web Connector's whole call sequence against qblink, with `quickBooks`
/// answering the qbXML, as in the captured sessions:
/// serverVersion → clientVersion → authenticate → sendRequestXML (first with the HCP response) →
/// receiveResponseXML … → closeConnection (or getLastError → closeConnection on "" or a negative result).
public struct WebConnectorRun: Sendable {
    public var authenticate: [String] = []
    /// The qbXML of each sendRequestXML that carried requests.
    public var requests: [String] = []
    /// Each receiveResponseXML result.
    public var progress: [Int] = []
    public var lastErrors: [String] = []
    public var closeMessage: String?
    /// True when the run stopped on purpose before returning a response (simulated crash).
    public var crashed = false

    public var ticket: String { authenticate.first ?? "" }

    public enum Crash: Sendable {
        /// QuickBooks processes the n-th (1-based) request message, then the Web Connector dies before
        /// calling receiveResponseXML.
        case afterQuickBooksProcessed(message: Int)
        /// The Web Connector dies after receiving the n-th request message, before QuickBooks sees it.
        case beforeQuickBooksProcessed(message: Int)
        /// QuickBooks processes the first request message holding this text, then the Web Connector dies.
        case afterQuickBooksProcessedMessage(containing: String)
        /// The Web Connector dies on receiving the first request message holding this text.
        case beforeQuickBooksProcessedMessage(containing: String)
    }

    public static func run(
        client: WebConnectorClient, quickBooks: FakeQuickBooks, user: String, password: String,
        major: Int = 13, minor: Int = 0, crash: Crash? = nil, maxRounds: Int = 100
    ) async throws -> WebConnectorRun {
        var run = WebConnectorRun()
        _ = try await client.serverVersion()
        _ = try await client.clientVersion("2.3.0.215")
        run.authenticate = try await client.authenticate(user, password)
        guard run.authenticate.count >= 2 else { return run }
        let status = run.authenticate[1].lowercased()
        if status == "nvu" || status == "none" || status == "busy" {
            return run
        }
        let ticket = run.authenticate[0]
        var hcp = quickBooks.hcpResponse()
        for round in 1...maxRounds {
            let request = try await client.sendRequestXML(ticket, hcp: hcp, major: major, minor: minor)
            hcp = ""
            if request.isEmpty {
                run.lastErrors.append(try await client.getLastError(ticket))
                break
            }
            run.requests.append(request)
            if case .beforeQuickBooksProcessed(let n) = crash, n == round {
                run.crashed = true
                return run
            }
            if case .beforeQuickBooksProcessedMessage(let text) = crash, request.contains(text) {
                run.crashed = true
                return run
            }
            let answer = quickBooks.process(request)
            if case .afterQuickBooksProcessed(let n) = crash, n == round {
                run.crashed = true
                return run
            }
            if case .afterQuickBooksProcessedMessage(let text) = crash, request.contains(text) {
                run.crashed = true
                return run
            }
            let percent: Int
            switch answer {
            case .response(let xml):
                percent = try await client.receiveResponseXML(ticket, response: xml)
            case .rejected(let hresult, let message):
                percent = try await client.receiveResponseXML(ticket, response: "", hresult: hresult, message: message)
            }
            run.progress.append(percent)
            if percent < 0 {
                run.lastErrors.append(try await client.getLastError(ticket))
                break
            }
            if percent >= 100 { break }
        }
        run.closeMessage = try await client.closeConnection(ticket)
        return run
    }
}
