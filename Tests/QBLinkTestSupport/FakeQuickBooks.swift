import Foundation
import XMLKit

/// A stand-in for QuickBooks Desktop behind the Web Connector: it reads a qbXML request message set and
/// answers the way QuickBooks does — TxnIDs and ListIDs, 3100 for a name in use, 3140 for a reference to
/// a missing customer or item, 500 Warn for a FullName query that finds nothing, 1 Info for a filter that
/// matches nothing, and a whole-message rejection (HRESULT 0x80040400) for a document it cannot parse.
public final class FakeQuickBooks: @unchecked Sendable {
    public enum Answer: Equatable, Sendable {
        case response(String)
        case rejected(hresult: String, message: String)
    }

    public struct Transaction: Sendable, Equatable {
        public var type: String
        public var txnID: String
        public var refNumber: String?
        public var txnDate: String?
        public var customer: String?
        /// Sum of the line amounts (or TotalAmount for payments), in cents.
        public var totalCents: Int
        public var element: XElement
    }

    public struct ListObject: Sendable, Equatable {
        public var type: String
        public var listID: String
        public var fullName: String
        public var element: XElement
    }

    private let lock = NSLock()
    private var sequence = 0
    private var _transactions: [Transaction] = []
    private var _lists: [ListObject] = []
    private var _messages: [String] = []

    public var productName = "QuickBooks Pro 2014"
    public var supportedVersions = ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0", "8.0", "10.0", "11.0", "12.0", "13.0"]
    /// Elements whose presence makes QuickBooks refuse the whole message as unparseable (a stand-in for
    /// schema violations).
    public var unparseableElements: Set<String> = ["Bogus"]
    /// Names whose Add QuickBooks refuses (3180), as a damaged or locked list would.
    public var refusedAdds: Set<String> = []
    /// RefNumbers of transactions QuickBooks refuses to save (3180).
    public var refusedTransactions: Set<String> = []

    public init() {}

    // MARK: - Inspection

    public var transactions: [Transaction] { lock.withLock { _transactions } }
    public var lists: [ListObject] { lock.withLock { _lists } }
    /// Every request message received, in order.
    public var messages: [String] { lock.withLock { _messages } }

    public func transactions(ofType type: String) -> [Transaction] { transactions.filter { $0.type == type } }
    public func count(ofListType type: String, named name: String) -> Int {
        lists.filter { $0.type == type && $0.fullName.lowercased() == name.lowercased() }.count
    }

    /// Adds a customer, item or account before the test starts (as if it were already in the company file).
    @discardableResult
    public func seed(_ type: String, name: String) -> String {
        lock.withLock {
            let id = nextID()
            _lists.append(ListObject(type: type, listID: id, fullName: name, element: XElement(type + "Ret")))
            return id
        }
    }

    // MARK: - The first sendRequestXML's HCP response

    /// - Parameter fileIDs: `FileID` data extensions stored in the company file, as (OwnerID, FileID).
    public func hcpResponse(companyName: String = "Test Company", fileIDs: [(String, String)] = []) -> String {
        var host = "<HostQueryRs requestID=\"0\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\">\n<HostRet>\n"
        host += "<ProductName>\(productName)</ProductName>\n<MajorVersion>24</MajorVersion>\n<MinorVersion>0</MinorVersion>\n<Country>US</Country>\n"
        for v in supportedVersions { host += "<SupportedQBXMLVersion>\(v)</SupportedQBXMLVersion>\n" }
        host += "<IsAutomaticLogin>false</IsAutomaticLogin>\n<QBFileMode>SingleUser</QBFileMode>\n</HostRet>\n</HostQueryRs>\n"
        let company =
            "<CompanyQueryRs requestID=\"1\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\">\n<CompanyRet>\n<IsSampleCompany>false</IsSampleCompany>\n<CompanyName>\(companyName)</CompanyName>\n"
            + fileIDs.map { "<DataExtRet>\n<OwnerID>\($0.0)</OwnerID>\n<DataExtName>FileID</DataExtName>\n<DataExtType>STR255TYPE</DataExtType>\n<DataExtValue>\($0.1)</DataExtValue>\n</DataExtRet>\n" }.joined()
            + "</CompanyRet>\n</CompanyQueryRs>\n"
        let prefs =
            "<PreferencesQueryRs requestID=\"2\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\">\n<PreferencesRet>\n<AccountingPreferences>\n<IsUsingClassTracking>false</IsUsingClassTracking>\n</AccountingPreferences>\n</PreferencesRet>\n</PreferencesQueryRs>\n"
        return "<?xml version=\"1.0\" ?>\n<QBXML>\n<QBXMLMsgsRs>\n" + host + company + prefs + "</QBXMLMsgsRs>\n</QBXML>\n"
    }

    // MARK: - Processing a request message

    public func process(_ requestXML: String) -> Answer {
        lock.withLock { _messages.append(requestXML) }
        let parseError = Answer.rejected(
            hresult: "0x80040400", message: "QuickBooks found an error when parsing the provided XML text stream.")
        guard let document = try? XMLReader.parseDocument(requestXML), document.root.name == "QBXML",
            let set = document.root.child("QBXMLMsgsRq"), let onError = set.attribute("onError"),
            ["stopOnError", "continueOnError"].contains(onError)
        else { return parseError }
        if let pi = document.processingInstructions.first(where: { $0.target == "qbxml" }) {
            let version = pi.content.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
            guard supportedVersions.contains(version) else {
                return .rejected(hresult: "0x80040417", message: "The version of QBXML that was requested is not supported or is unknown.")
            }
        } else {
            return parseError
        }
        if containsUnparseable(set) { return parseError }
        var out = "<?xml version=\"1.0\" ?>\n<QBXML>\n<QBXMLMsgsRs>\n"
        for rq in set.children {
            let rs = lock.withLock { handle(rq) }
            out += rs.text
            if rs.isError && onError == "stopOnError" { break }
        }
        out += "</QBXMLMsgsRs>\n</QBXML>\n"
        return .response(out)
    }

    private func containsUnparseable(_ element: XElement) -> Bool {
        if unparseableElements.contains(element.name) { return true }
        return element.children.contains { containsUnparseable($0) }
    }

    private struct Reply {
        var text: String
        var isError: Bool
    }

    private func nextID() -> String {
        sequence += 1
        return String(format: "%X-1700000%03d", 0x8000_0000 + sequence, sequence % 1000)
    }

    private func reply(_ rq: XElement, code: Int, severity: String, message: String, rets: [XElement] = []) -> Reply {
        let name = String(rq.name.dropLast(2)) + "Rs"
        var attributes = ""
        if let id = rq.attribute("requestID") { attributes += " requestID=\"\(XMLEscape.attribute(id))\"" }
        attributes += " statusCode=\"\(code)\" statusSeverity=\"\(severity)\" statusMessage=\"\(XMLEscape.attribute(message))\""
        if rets.isEmpty { return Reply(text: "<\(name)\(attributes) />\n", isError: severity == "Error") }
        var text = "<\(name)\(attributes)>\n"
        for ret in rets { text += Self.lines(ret) }
        text += "</\(name)>\n"
        return Reply(text: text, isError: severity == "Error")
    }

    /// QuickBooks' layout: one element per line, no indentation, LF line ends.
    static func lines(_ e: XElement) -> String {
        if e.children.isEmpty {
            return "<\(e.name)>\(XMLEscape.text(e.text))</\(e.name)>\n"
        }
        return "<\(e.name)>\n" + e.children.map(lines).joined() + "</\(e.name)>\n"
    }

    static let listNamespaces: [String: String] = [
        "Customer": "entity", "Vendor": "entity", "Employee": "entity", "OtherName": "entity",
        "Account": "account", "Class": "class", "PaymentMethod": "paymentMethod",
    ]

    private func namespace(of type: String) -> String {
        type.hasPrefix("Item") ? "item" : (Self.listNamespaces[type] ?? type)
    }

    private func handle(_ rq: XElement) -> Reply {
        guard rq.name.hasSuffix("Rq") else { return reply(rq, code: 1030, severity: "Error", message: "Unsupported message.") }
        let op = String(rq.name.dropLast(2))  // e.g. CustomerAdd
        if let id = rq.attribute("requestID"), id.count > 50 {
            return reply(rq, code: 1060, severity: "Error", message: "Invalid request ID \(id), possibly too long.")
        }
        if op.hasSuffix("Add"), let add = rq.child(op) {
            let type = String(op.dropLast(3))
            if add.child("Name") != nil { return addList(rq, type: type, add: add) }
            return addTransaction(rq, type: type, add: add)
        }
        if op.hasSuffix("Query") {
            return query(rq, type: String(op.dropLast(5)))
        }
        return reply(rq, code: 1030, severity: "Error", message: "The \(op) request is not supported by this fake.")
    }

    private func addList(_ rq: XElement, type: String, add: XElement) -> Reply {
        let name = add.childText("Name") ?? ""
        let limit = type == "Customer" || type == "Vendor" ? 41 : 31
        if name.count > limit {
            return reply(rq, code: 3070, severity: "Error", message: "The string \"\(name)\" in the field \"Name\" is too long.")
        }
        let fullName = add.child("ParentRef")?.childText("FullName").map { "\($0):\(name)" } ?? name
        if refusedAdds.contains(name) {
            return reply(rq, code: 3180, severity: "Error", message: "There was an error when saving a \(type) list, element \"\(name)\". QuickBooks error message: This list has been modified by another user.")
        }
        let ns = namespace(of: type)
        if _lists.contains(where: { namespace(of: $0.type) == ns && $0.fullName.lowercased() == fullName.lowercased() }) {
            return reply(rq, code: 3100, severity: "Error", message: "The name \"\(name)\" of the list element is already in use.")
        }
        if let accountRef = add.descendant("AccountRef") ?? add.descendant("IncomeAccountRef"),
            let account = accountRef.childText("FullName"),
            !_lists.contains(where: { $0.type == "Account" && $0.fullName.lowercased() == account.lowercased() })
        {
            return reply(
                rq, code: 3140, severity: "Error",
                message: "There is an invalid reference to QuickBooks Account \"\(account)\" in the \(type). QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
        }
        let id = nextID()
        var ret = XElement(type + "Ret")
        ret.nodes = [
            .element(XElement("ListID", nodes: [.text(id)])),
            .element(XElement("EditSequence", nodes: [.text("1700000000")])),
            .element(XElement("Name", nodes: [.text(name)])),
            .element(XElement("FullName", nodes: [.text(fullName)])),
            .element(XElement("IsActive", nodes: [.text("true")])),
        ]
        _lists.append(ListObject(type: type, listID: id, fullName: fullName, element: add))
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: [ret])
    }

    private func findList(_ ns: String, _ name: String) -> ListObject? {
        _lists.first { namespace(of: $0.type) == ns && $0.fullName.lowercased() == name.lowercased() }
    }

    private func addTransaction(_ rq: XElement, type: String, add: XElement) -> Reply {
        let customer = add.child("CustomerRef")?.childText("FullName")
        if let customer, findList("entity", customer) == nil {
            return reply(
                rq, code: 3140, severity: "Error",
                message: "There is an invalid reference to QuickBooks Customer \"\(customer)\" in the \(type). QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
        }
        if let ref = add.childText("RefNumber"), refusedTransactions.contains(ref) {
            return reply(rq, code: 3180, severity: "Error", message: "There was an error when saving a \(type). QuickBooks error message: The transaction is in a closed period.")
        }
        for applied in add.children("AppliedToTxnAdd") {
            let id = applied.childText("TxnID") ?? ""
            guard _transactions.contains(where: { $0.txnID == id && $0.type == "Invoice" }) else {
                return reply(
                    rq, code: 3120, severity: "Error",
                    message: "Object \"\(id)\" specified in the request cannot be found.  QuickBooks error message: Invalid argument.  The specified record does not exist in the list.")
            }
        }
        var cents = 0
        for line in add.children where line.name.hasSuffix("LineAdd") {
            if let item = line.child("ItemRef")?.childText("FullName"), findList("item", item) == nil {
                return reply(
                    rq, code: 3140, severity: "Error",
                    message: "There is an invalid reference to QuickBooks Item \"\(item)\" in the \(type) line. QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
            }
            if let amount = line.childText("Amount") {
                cents += Self.cents(amount)
            } else if let rate = line.childText("Rate"), let quantity = line.childText("Quantity") {
                let value = (Decimal(string: rate) ?? 0) * (Decimal(string: quantity) ?? 0) * 100
                cents += NSDecimalNumber(decimal: value).rounding(accordingToBehavior: nil).intValue
            }
        }
        if let total = add.childText("TotalAmount") { cents = Self.cents(total) }
        if type == "SalesReceipt" && cents < 0 {
            return reply(rq, code: 3180, severity: "Error", message: "There was an error when saving a Sales Receipt. QuickBooks error message: Transaction must be positive.")
        }
        let txnID = String(format: "%X-1700000%03d", 0x100 + sequence + 1, (sequence + 1) % 1000)
        sequence += 1
        var ret = XElement(type + "Ret")
        ret.nodes.append(.element(XElement("TxnID", nodes: [.text(txnID)])))
        ret.nodes.append(.element(XElement("TxnNumber", nodes: [.text(String(_transactions.count + 1))])))
        if let customer {
            ret.nodes.append(.element(XElement("CustomerRef", nodes: [.element(XElement("FullName", nodes: [.text(customer)]))])))
        }
        let txnDate = add.childText("TxnDate") ?? "2026-11-21"
        ret.nodes.append(.element(XElement("TxnDate", nodes: [.text(txnDate)])))
        let ref = add.childText("RefNumber")
        if let ref { ret.nodes.append(.element(XElement("RefNumber", nodes: [.text(ref)]))) }
        ret.nodes.append(.element(XElement("TotalAmount", nodes: [.text(Self.amount(cents))])))
        _transactions.append(
            Transaction(type: type, txnID: txnID, refNumber: ref, txnDate: txnDate, customer: customer, totalCents: cents, element: add))
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: [ret])
    }

    private func query(_ rq: XElement, type: String) -> Reply {
        if let ref = rq.childText("RefNumber") {
            let found = _transactions.filter { $0.type == type && $0.refNumber == ref }
            if found.isEmpty {
                return reply(rq, code: 1, severity: "Info", message: "A query request did not find a matching object in QuickBooks")
            }
            return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: found.map { txn in
                XElement(type + "Ret", nodes: [
                    .element(XElement("TxnID", nodes: [.text(txn.txnID)])),
                    .element(XElement("TxnDate", nodes: [.text(txn.txnDate ?? "")])),
                    .element(XElement("RefNumber", nodes: [.text(ref)])),
                ] + (txn.customer.map { [.element(XElement("CustomerRef", nodes: [.element(XElement("FullName", nodes: [.text($0)]))]))] } ?? []))
            })
        }
        let names = rq.children("FullName").map(\.text)
        let ns = type == "Item" ? "item" : namespace(of: type)
        let candidates = _lists.filter { type == "Item" ? $0.type.hasPrefix("Item") : $0.type == type }
        if !names.isEmpty {
            var rets: [XElement] = []
            for name in names {
                guard let object = findList(ns, name), candidates.contains(object) else {
                    return reply(
                        rq, code: 500, severity: "Warn",
                        message: "The query request has not been fully completed. There was a required element (\"\(name)\") that could not be found in QuickBooks.")
                }
                rets.append(Self.ret(object))
            }
            return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: rets)
        }
        if candidates.isEmpty {
            return reply(rq, code: 1, severity: "Info", message: "A query request did not find a matching object in QuickBooks")
        }
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: candidates.map(Self.ret))
    }

    static func ret(_ object: ListObject) -> XElement {
        XElement(object.type + "Ret", nodes: [
            .element(XElement("ListID", nodes: [.text(object.listID)])),
            .element(XElement("Name", nodes: [.text(object.fullName.split(separator: ":").last.map(String.init) ?? object.fullName)])),
            .element(XElement("FullName", nodes: [.text(object.fullName)])),
        ])
    }

    static func cents(_ amount: String) -> Int {
        let value = (Decimal(string: amount) ?? 0) * 100
        return NSDecimalNumber(decimal: value).intValue
    }

    static func amount(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let a = abs(cents)
        return "\(sign)\(a / 100).\(String(format: "%02d", a % 100))"
    }
}
