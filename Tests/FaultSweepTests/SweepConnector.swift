import Foundation
import QBLinkTestSupport

/// A Web Connector that fails the way real ones do: it dies before or after QuickBooks applied a message
/// (so the response never comes back), QuickBooks cannot be opened (connectionError), or the server is gone
/// mid-call. Every fault comes from a seeded random source.
final class SweepConnector: @unchecked Sendable {
    struct Faults: Sendable {
        /// The message of a sync whose response is lost after QuickBooks applied it (the connector dies before
        /// returning it): the k-th, in a sync that `loseChance` picks.
        var loseResponseAt: Int?
        var loseChance = 0.5
        /// At each step of a session, the chance that the connector dies.
        var dieChance = 0.0
        /// Per session, the chance that QuickBooks cannot be opened.
        var connectionErrorChance = 0.0
    }

    let user: String
    let quickBooks: FakeQuickBooks
    let faults: Faults
    var random: SweepRandom
    private(set) var applied = 0
    private(set) var droppedResponses = 0
    private(set) var deaths = 0
    private(set) var connectionErrors = 0
    private(set) var busy = 0

    init(user: String, quickBooks: FakeQuickBooks, faults: Faults, seed: UInt64) {
        self.user = user
        self.quickBooks = quickBooks
        self.faults = faults
        self.random = SweepRandom(seed: seed)
    }

    /// One Update Selected. Returns quietly however it ends (a dead server is a session that stopped).
    func sync(port: Int) async {
        await sync(ports: [port])
    }

    /// One Update Selected whose calls go to these servers in turn.
    func sync(ports: [Int]) async {
        let client = WebConnectorClient(ports: ports)
        do {
            try await run(client)
        } catch {
            // The server died or refused: the Web Connector shows an error and the bookkeeper tries again later.
        }
    }

    private func dies() -> Bool {
        guard random.chance(faults.dieChance) else { return false }
        deaths += 1
        return true
    }

    private func run(_ client: WebConnectorClient) async throws {
        _ = try await client.serverVersion()
        _ = try await client.clientVersion("2.3.0.215")
        let answer = try await client.authenticate(user, SweepWorkload.password)
        if answer.count > 1, answer[1] == "busy" {
            // Another Web Connector (or this one, just before it died) is at work for the user: wait, as told.
            busy += 1
            try await Task.sleep(nanoseconds: 300_000_000)
            return
        }
        guard answer.count >= 2, !["none", "nvu"].contains(answer[1].lowercased()) else { return }
        let ticket = answer[0]
        if random.chance(faults.connectionErrorChance) {
            connectionErrors += 1
            _ = try await client.connectionError(ticket, hresult: "0x80040408", message: "Could not start QuickBooks.")
            _ = try await client.closeConnection(ticket)
            return
        }
        var hcp = quickBooks.hcpResponse()
        let loseAt = faults.loseResponseAt.flatMap { random.chance(faults.loseChance) ? $0 : nil }
        for message in 1...400 {
            let request = try await client.sendRequestXML(ticket, hcp: hcp)
            hcp = ""
            if request.isEmpty {
                _ = try await client.getLastError(ticket)
                break
            }
            if dies() { return }
            let result = quickBooks.process(request)
            applied += 1
            if message == loseAt {
                droppedResponses += 1
                return
            }
            if dies() { return }
            let percent: Int
            switch result {
            case .response(let xml): percent = try await client.receiveResponseXML(ticket, response: xml)
            case .rejected(let hresult, let message): percent = try await client.receiveResponseXML(ticket, response: "", hresult: hresult, message: message)
            }
            if percent < 0 { _ = try await client.getLastError(ticket) }
            if percent < 0 || percent >= 100 { break }
        }
        _ = try await client.closeConnection(ticket)
    }
}
