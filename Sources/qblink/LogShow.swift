import Foundation
import QBXML
import SOAP
import Store
import XMLKit

/// `qblink log SESSION`: each call of the session with the qbXML sent and received, pretty-printed, and what
/// went wrong said as sentences (QuickBooks' code, its message, what to do).
struct LogShow {
    let store: Store
    let id: Int64

    func text() async throws -> String {
        let info = try await readable { try await store.session(id: id) }
        let s = info.session
        var out = "Session \(id) of \(info.userName.escapingControlCharacters): \(s.state.rawValue), started \(s.startedAt.formatted(.iso8601))\n"
        if let product = s.productName { out += "QuickBooks: \(product.escapingControlCharacters)\n" }
        if let company = s.companyFile { out += "Company file: \(company.escapingControlCharacters)\n" }
        if let version = s.qbxmlVersion { out += "qbXML version: \(version)\n" }
        out += "Done \(s.doneCount), failed \(s.failedCount), in doubt \(s.inDoubtCount)\n"
        if let error = s.lastError { out += "Last error: \(error.escapingControlCharacters)\n" }
        for (n, call) in try await store.exchanges(sessionID: id).enumerated() {
            out += "\n[\(n + 1)] \(call.at.formatted(.iso8601)) \(call.method) → HTTP \(call.httpStatus) in \(String(format: "%.1f", call.durationMS)) ms\n"
            out += Self.describe(call)
        }
        let failed = try await store.items(sessionID: id).filter { $0.item.state == .failed || $0.item.state == .inDoubt }
        if !failed.isEmpty {
            out += "\nWhat went wrong:\n"
            for listed in failed { out += "  " + Self.sentence(listed.item) + "\n" }
        }
        return out
    }

    /// One call: its parameters and results, with the qbXML laid out for reading.
    static func describe(_ call: Exchange) -> String {
        let parameters = SOAPCodec.loggedParameters(call.requestBody) ?? [:]
        let result = SOAPCodec.loggedResult(call.responseBody) ?? ""
        var out = ""
        switch call.method {
        case "sendRequestXML":
            if let major = parameters["qbXMLMajorVers"] {
                out += "    QuickBooks: \(parameters["strCompanyFileName"] ?? "") qbXML \(major).\(parameters["qbXMLMinorVers"] ?? "0") \(parameters["qbXMLCountry"] ?? "")\n"
            }
            out += result.isEmpty ? "    (nothing sent)\n" : "    qbXML sent:\n" + indent(pretty(result))
        case "receiveResponseXML":
            if let hresult = parameters["hresult"], !hresult.isEmpty {
                out += "    " + QuickBooksAdvice.rejection(hresult: hresult, message: parameters["message"]) + "\n"
            }
            if let response = parameters["response"], !response.isEmpty { out += "    qbXML received:\n" + indent(pretty(response)) }
            out += "    returned: \(result)\n"
        case "authenticate":
            out += "    user: \(parameters["strUserName"] ?? ""), returned: \(result)\n"
        case "connectionError":
            out += "    " + QuickBooksAdvice.rejection(hresult: parameters["hresult"] ?? "", message: parameters["message"]) + "\n"
            out += "    returned: \(result)\n"
        default:
            out += "    returned: \(result)\n"
        }
        return out.escapingControlCharacters(keepingLineBreaks: true)
    }

    /// A failed or in-doubt item as a sentence: which item, what QuickBooks said, what to do.
    static func sentence(_ item: QueueItem) -> String {
        let id = item.id ?? 0
        let name = "#\(id) \(item.label ?? item.type)\(item.refNumber.map { " \($0)" } ?? "")"
        if item.state == .inDoubt {
            return "\(name) is in doubt: \(item.statusMessage ?? "QuickBooks' answer never came"). What to do: nothing yet; the next Update Selected looks it up in QuickBooks before anything is sent again (or see qblink queue retry --in-doubt)."
        }
        let advice = QuickBooksAdvice.refusal(code: item.statusCode, message: item.statusMessage, retry: "qblink queue retry \(id)")
        return "\(name): \(advice)".escapingControlCharacters
    }

    static func pretty(_ xml: String) -> String { XMLReader.prettyPrinted(xml) ?? xml }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { "      " + $0 }.joined(separator: "\n") + "\n"
    }
}
