import Foundation
import XMLKit

/// A stand-in for QuickBooks Desktop behind the Web Connector: it reads a qbXML request message set and
/// answers the way QuickBooks does — TxnIDs and ListIDs, 3100 for a name in use, 3140 for a reference to
/// a missing customer, item or account, 500 Warn for a FullName query that finds nothing, 1 Info for a
/// filter that matches nothing, and a whole-message rejection (HRESULT 0x80040400) for a document it
/// cannot parse. It keeps books: every transaction posts balanced debits and credits to accounts (see
/// `FakeQuickBooks+Ledger.swift`), and refuses what QuickBooks refuses (an unbalanced journal entry, a
/// refund larger than the credit left, an account of the wrong type, deleting a linked transaction).
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
        /// Sum of the line amounts (or TotalAmount / Amount), in cents.
        public var totalCents: Int
        public var element: XElement
        /// Account → change, debit positive (an A/R posting is also recorded per customer).
        public var postings: [String: Int] = [:]
        /// TxnID of an invoice paid or a credit memo refunded → the amount applied.
        public var appliedTo: [String: Int] = [:]
        public var memo: String?
    }

    public struct ListObject: Sendable, Equatable {
        public var type: String
        public var listID: String
        public var fullName: String
        public var element: XElement
        /// Accounts: their AccountType; items: the account they post to.
        public var accountType: String?
        public var itemAccount: String?
    }

    let lock = NSLock()
    var sequence = 0
    var _transactions: [Transaction] = []
    var _deleted: [Transaction] = []
    var _lists: [ListObject] = []
    var _messages: [String] = []

    public var productName = "QuickBooks Pro 2014"
    public var supportedVersions = ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0", "7.0", "8.0", "10.0", "11.0", "12.0", "13.0"]
    /// Elements whose presence makes QuickBooks refuse the whole message as unparseable (a stand-in for
    /// schema violations).
    public var unparseableElements: Set<String> = ["Bogus"]
    /// Names whose Add QuickBooks refuses (3180), as a damaged or locked list would.
    public var refusedAdds: Set<String> = []
    /// RefNumbers of transactions QuickBooks refuses to save (3180).
    public var refusedTransactions: Set<String> = []
    /// Types of transaction QuickBooks refuses to delete (a closed period, say).
    public var refusedDeletions: Set<String> = []

    /// Faults for the sweep: whole messages refused as unreadable (HRESULT, nothing applied) and single
    /// requests failed with a transient error (3170, "modified by another user"; not applied), at random.
    public struct Chaos: Sendable {
        public var rejectMessage: Double
        public var failRequest: Double
        public var random: SweepRandom

        public init(rejectMessage: Double, failRequest: Double, seed: UInt64) {
            self.rejectMessage = rejectMessage
            self.failRequest = failRequest
            self.random = SweepRandom(seed: seed)
        }
    }

    var _chaos: Chaos?
    public var chaos: Chaos? {
        get { lock.withLock { _chaos } }
        set { lock.withLock { _chaos = newValue } }
    }
    /// Faults injected so far.
    public private(set) var rejectedMessages = 0
    public private(set) var failedRequests = 0

    func roll(_ probability: KeyPath<Chaos, Double>) -> Bool {
        guard var chaos = _chaos, chaos[keyPath: probability] > 0 else { return false }
        let hit = chaos.random.chance(chaos[keyPath: probability])
        _chaos = chaos
        return hit
    }

    public init() {}

    // MARK: - Inspection

    /// The transactions in the company file (deleted ones are gone).
    public var transactions: [Transaction] { lock.withLock { _transactions } }
    /// The transactions deleted through TxnDelRq.
    public var deletedTransactions: [Transaction] { lock.withLock { _deleted } }
    public var lists: [ListObject] { lock.withLock { _lists } }
    /// Every request message received, in order.
    public var messages: [String] { lock.withLock { _messages } }

    public func transactions(ofType type: String) -> [Transaction] { transactions.filter { $0.type == type } }
    public func count(ofListType type: String, named name: String) -> Int {
        lists.filter { $0.type == type && $0.fullName.lowercased() == name.lowercased() }.count
    }

    /// Adds a customer, item or account before the test starts (as if it were already in the company file).
    /// Items post to `account`; accounts have `accountType`.
    @discardableResult
    public func seed(_ type: String, name: String, account: String? = nil, accountType: String? = nil) -> String {
        lock.withLock {
            let id = nextID()
            let defaultType = type == "Account" ? (accountType ?? "Income") : nil
            _lists.append(ListObject(
                type: type, listID: id, fullName: name, element: XElement(type + "Ret"), accountType: defaultType,
                itemAccount: type.hasPrefix("Item") ? (account ?? "Sales") : nil))
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
        if lock.withLock({ roll(\.rejectMessage) }) {
            lock.withLock { rejectedMessages += 1 }
            return parseError
        }
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
        // What qbXML 13.0's schema refuses: a Transfer is not a TxnDelType.
        if element.name == "TxnDelType" && element.text == "Transfer" { return true }
        return element.children.contains { containsUnparseable($0) }
    }

    struct Reply {
        var text: String
        var isError: Bool
    }

    func nextID() -> String {
        sequence += 1
        return String(format: "%X-1700000%03d", 0x8000_0000 + sequence, sequence % 1000)
    }

    func reply(_ rq: XElement, code: Int, severity: String, message: String, rets: [XElement] = [], extra: [XElement] = []) -> Reply {
        let name = String(rq.name.dropLast(2)) + "Rs"
        var attributes = ""
        if let id = rq.attribute("requestID") { attributes += " requestID=\"\(XMLEscape.attribute(id))\"" }
        attributes += " statusCode=\"\(code)\" statusSeverity=\"\(severity)\" statusMessage=\"\(XMLEscape.attribute(message))\""
        if rets.isEmpty && extra.isEmpty { return Reply(text: "<\(name)\(attributes) />\n", isError: severity == "Error") }
        var text = "<\(name)\(attributes)>\n"
        for ret in extra + rets { text += Self.lines(ret) }
        text += "</\(name)>\n"
        return Reply(text: text, isError: severity == "Error")
    }

    func error(_ rq: XElement, _ code: Int, _ message: String) -> Reply {
        reply(rq, code: code, severity: "Error", message: message)
    }

    /// QuickBooks' layout: one element per line, no indentation, LF line ends.
    static func lines(_ e: XElement) -> String {
        if e.children.isEmpty {
            return "<\(e.name)>\(XMLEscape.text(e.text))</\(e.name)>\n"
        }
        return "<\(e.name)>\n" + e.children.map(lines).joined() + "</\(e.name)>\n"
    }

    private func handle(_ rq: XElement) -> Reply {
        guard rq.name.hasSuffix("Rq") else { return error(rq, 1030, "Unsupported message.") }
        let op = String(rq.name.dropLast(2))  // e.g. CustomerAdd
        if let id = rq.attribute("requestID"), id.count > 50 {
            return error(rq, 1060, "Invalid request ID \(id), possibly too long.")
        }
        if roll(\.failRequest) {
            failedRequests += 1
            return error(rq, 3170, "There was an error when saving. QuickBooks error message: This list has been modified by another user.")
        }
        if op == "TxnDel" { return delete(rq) }
        if op.hasSuffix("Add"), let add = rq.child(op) {
            let type = String(op.dropLast(3))
            if add.child("Name") != nil { return addList(rq, type: type, add: add) }
            return addTransaction(rq, type: type, add: add)
        }
        if op.hasSuffix("Query") {
            return query(rq, type: String(op.dropLast(5)))
        }
        return error(rq, 1030, "The \(op) request is not supported by this fake.")
    }
}
