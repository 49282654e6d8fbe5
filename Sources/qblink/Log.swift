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
    @Option(help: "How many sessions to list.") var limit = 20

    func run() async throws {
        let store = try database.open()
        if let session {
            try await show(store, session)
        } else {
            try await list(store)
        }
    }

    func list(_ store: Store) async throws {
        let sessions = try await store.sessions(userName: user, limit: limit)
        if sessions.isEmpty {
            print("No Web Connector session yet.")
            return
        }
        var table = TextTable("SESSION", "USER", "STARTED", "STATE", "CALLS", "DONE", "FAILED", "IN DOUBT", "LAST ERROR")
        for info in sessions {
            let s = info.session
            table.add(
                String(s.sessionID), info.userName, s.startedAt.formatted(.iso8601), s.state.rawValue, String(info.calls),
                String(s.doneCount), String(s.failedCount), String(s.inDoubtCount), (s.lastError ?? "").clipped(70))
        }
        print(table.rendered)
    }

    func show(_ store: Store, _ id: Int64) async throws {
        let info = try await readable { try await store.session(id: id) }
        let s = info.session
        print("Session \(id) of \(info.userName): \(s.state.rawValue), started \(s.startedAt.formatted(.iso8601))")
        if let product = s.productName { print("QuickBooks: \(product)") }
        if let company = s.companyFile { print("Company file: \(company)") }
        if let version = s.qbxmlVersion { print("qbXML version: \(version)") }
        print("Done \(s.doneCount), failed \(s.failedCount), in doubt \(s.inDoubtCount)")
        if let error = s.lastError { print("Last error: \(error)") }
        for (n, call) in try await store.exchanges(sessionID: id).enumerated() {
            print("\n[\(n + 1)] \(call.at.formatted(.iso8601)) \(call.method) → HTTP \(call.httpStatus) in \(String(format: "%.1f", call.durationMS)) ms")
            let parameters = SOAPCodec.loggedParameters(call.requestBody) ?? [:]
            let result = SOAPCodec.loggedResult(call.responseBody) ?? ""
            switch call.method {
            case "sendRequestXML":
                if let major = parameters["qbXMLMajorVers"] {
                    print("    QuickBooks: \(parameters["strCompanyFileName"] ?? "") qbXML \(major).\(parameters["qbXMLMinorVers"] ?? "0") \(parameters["qbXMLCountry"] ?? "")")
                }
                print(result.isEmpty ? "    (nothing sent)" : "    qbXML sent:\n" + indent(result))
            case "receiveResponseXML":
                if let hresult = parameters["hresult"], !hresult.isEmpty {
                    print("    QuickBooks rejected the message: \(hresult) \(parameters["message"] ?? "")")
                }
                if let response = parameters["response"], !response.isEmpty {
                    print("    qbXML received:\n" + indent(response))
                }
                print("    returned: \(result)")
            case "authenticate":
                print("    user: \(parameters["strUserName"] ?? ""), returned: \(result)")
            default:
                print("    returned: \(result)")
            }
        }
    }

    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
    }
}
