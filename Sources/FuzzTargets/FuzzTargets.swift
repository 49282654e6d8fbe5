import Foundation
import QBModel
import QBXML
import SalesDocument
import Settlement
import SOAP

/// What qblink reads from outside, as fuzz targets: each takes any bytes and must return without crashing,
/// hanging or using unbounded memory, and what it accepts must make sense (a settlement it summarises
/// reconciles in the books). The `qblink-fuzz` executable runs one under libFuzzer; the test suite runs the
/// seed corpus and every input a fuzzer ever found through them.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A SOAP request body as the Web Connector posts it.
    case soap
    /// qbXML: QuickBooks' responses (and request files, which the same reader takes).
    case qbxml
    /// An Amazon settlement report.
    case settlement
    /// A JSON sales document.
    case json
    /// A settlement mapping file.
    case mapping

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .soap: Self.soap(bytes)
        case .qbxml: Self.qbxml(bytes)
        case .settlement: Self.settlement(bytes)
        case .json: Self.json(bytes)
        case .mapping: Self.mapping(bytes)
        }
    }

    static func soap(_ bytes: [UInt8]) {
        for method in ["authenticate", "sendRequestXML", "receiveResponseXML", ""] {
            if let call = try? SOAPCodec.decode(body: bytes, soapAction: "http://developer.intuit.com/" + method, contentType: "text/xml; charset=utf-8") {
                _ = SOAPCodec.encode(call.method, .string(call["strUserName"] + call["response"]))
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let masked = SOAPCodec.maskingPasswords(in: text)
        if let parameters = SOAPCodec.loggedParameters(text), let password = parameters["strPassword"], !password.isEmpty, password != "********" {
            // A password the decoder reads is one the log must not keep, whatever form it took (CDATA, entities,
            // comments): read back, the logged element holds the mask or nothing.
            precondition(!masked.contains("<strPassword>" + password + "</strPassword>"), "a password survived masking")
            let logged = SOAPCodec.loggedParameters(masked)?["strPassword"]
            precondition(logged == nil || logged == "" || logged == "********", "a password survived masking")
        }
        _ = SOAPCodec.loggedResult(text)
    }

    static func qbxml(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let response = try? QBXMLResponse.parse(text) {
            for item in response.items {
                let lookup = InDoubtLookup(queryType: "SalesReceiptQuery", key: .refNumber("R1"), txnDate: "2024-10-26", entityName: "C")
                _ = lookup.outcome(of: item, claimed: ["X"])
                _ = item.txnID ?? item.listID
            }
        }
        _ = HostInfo.parse(text)
        if let requests = try? QBXMLRequestFile.requests(in: bytes) {
            for request in requests { _ = InDoubtLookup.plan(forRequestBody: request.body)?.queryRequestBody }
        }
    }

    static func settlement(_ bytes: [UInt8]) {
        for group in SettlementMapping.GroupMode.allCases {
            var mapping = SettlementMapping.standard
            mapping.group = group
            mapping.bankAccount = group == .month ? "Checking" : nil
            guard let summary = try? Settlement.summarize(bytes, source: "fuzz.txt", mapping: mapping) else { return }
            for mode in PostingMode.allCases {
                let posted = summary.posted(as: mode)
                precondition(posted.bookProblems.isEmpty, "an accepted report does not balance: \(posted.bookProblems)")
                for entry in posted.entries { _ = QBRequestWriter.body(of: entry) }
            }
        }
    }

    static func json(_ bytes: [UInt8]) {
        guard let document = try? SalesDocument.parse(Data(bytes)) else { return }
        for entry in document.entries {
            let body = QBRequestWriter.body(of: entry)
            precondition(QBXMLText.firstUnsafeCharacter(in: body) == nil, "a request carries text QuickBooks cannot store")
        }
        _ = document.requirements(itemType: .nonInventory, itemAccount: "Sales", itemAccountType: "Income").map(\.addBody)
    }

    static func mapping(_ bytes: [UInt8]) {
        guard let mapping = try? SettlementMapping.load(json: Data(bytes)) else { return }
        precondition(mapping.problems().isEmpty, "an accepted mapping has problems")
        _ = mapping.json()
    }
}
