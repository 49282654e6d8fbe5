import XMLKit

/// How to ask QuickBooks whether a request whose response was lost took effect.
///
/// Transactions are looked up by RefNumber (and must also agree on TxnDate and the customer or vendor
/// when the request named them); list elements by their full name; a transfer (which has no RefNumber)
/// by its date, memo and amount; a deletion by the TxnID it deleted. Anything else cannot be looked up
/// and stays in doubt for the operator.
public struct InDoubtLookup: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        case refNumber(String)
        case fullName(String)
        /// A transfer on `txnDate` with this memo and amount (`123.45`).
        case transfer(memo: String, amount: String)
        /// The transaction a TxnDelRq deleted: the deletion took effect when QuickBooks no longer has it.
        case deletion(txnID: String)
    }

    /// e.g. "SalesReceiptQuery" or "ItemQuery".
    public var queryType: String
    public var key: Key
    /// Extra facts the found object must agree with: TxnDate and the entity's FullName.
    public var txnDate: String?
    public var entityName: String?

    /// Transactions whose query takes a `RefNumber` filter.
    static let transactionsWithRefNumber: Set<String> = [
        "SalesReceipt", "Invoice", "CreditMemo", "ReceivePayment", "SalesOrder", "Estimate", "PurchaseOrder",
        "Bill", "Check", "JournalEntry", "VendorCredit", "CreditCardCharge", "CreditCardCredit", "ARRefundCreditCard",
    ]
    /// List elements looked up by FullName, with the query that finds them.
    static let listQueries: [String: String] = [
        "Customer": "CustomerQuery", "Vendor": "VendorQuery", "Employee": "EmployeeQuery",
        "OtherName": "OtherNameQuery", "Account": "AccountQuery", "Class": "ClassQuery",
        "PaymentMethod": "PaymentMethodQuery",
        "ItemService": "ItemQuery", "ItemNonInventory": "ItemQuery", "ItemOtherCharge": "ItemQuery",
        "ItemInventory": "ItemQuery", "ItemInventoryAssembly": "ItemQuery", "ItemSalesTax": "ItemQuery",
        "ItemSalesTaxGroup": "ItemQuery", "ItemDiscount": "ItemQuery", "ItemPayment": "ItemQuery",
        "ItemSubtotal": "ItemQuery", "ItemGroup": "ItemQuery", "ItemFixedAsset": "ItemQuery",
    ]

    public init(queryType: String, key: Key, txnDate: String? = nil, entityName: String? = nil) {
        self.queryType = queryType
        self.key = key
        self.txnDate = txnDate
        self.entityName = entityName
    }

    /// Whether the request looked up is a deletion: it took effect when the object is *not* found.
    public var isDeletion: Bool {
        if case .deletion = key { return true }
        return false
    }

    /// The lookup for a queued request body, or nil when it cannot be looked up.
    public static func plan(forRequestBody body: String) -> InDoubtLookup? {
        guard let rq = try? XMLReader.parse(body) else { return nil }
        if rq.name == "TxnDelRq", let type = rq.childText("TxnDelType"), let id = rq.childText("TxnID"), !id.isEmpty {
            return InDoubtLookup(queryType: type + "Query", key: .deletion(txnID: id))
        }
        guard rq.name.hasSuffix("AddRq") else { return nil }
        if let transfer = rq.child("TransferAdd"), let memo = transfer.childText("Memo"), let amount = transfer.childText("Amount"),
            let date = transfer.childText("TxnDate")
        {
            return InDoubtLookup(queryType: "TransferQuery", key: .transfer(memo: memo, amount: amount), txnDate: date)
        }
        let addName = String(rq.name.dropLast(2))  // "SalesReceiptAdd"
        let object = String(addName.dropLast(3))  // "SalesReceipt"
        guard let add = rq.child(addName) else { return nil }
        if transactionsWithRefNumber.contains(object) {
            guard let ref = add.childText("RefNumber"), !ref.isEmpty else { return nil }
            let entity = ["CustomerRef", "VendorRef", "PayeeEntityRef"].lazy
                .compactMap { add.child($0)?.childText("FullName") }.first
            return InDoubtLookup(
                queryType: object + "Query", key: .refNumber(ref), txnDate: add.childText("TxnDate"),
                entityName: entity)
        }
        if let query = listQueries[object], let name = add.childText("Name"), !name.isEmpty {
            let parent = add.child("ParentRef")?.childText("FullName")
            let fullName = parent.map { "\($0):\(name)" } ?? name
            return InDoubtLookup(queryType: query, key: .fullName(fullName))
        }
        return nil
    }

    /// The query request element (no requestID; `QBXMLRequestMessage` adds it).
    public var queryRequestBody: String {
        var rq = XElement(queryType + "Rq")
        switch key {
        case .refNumber(let ref):
            rq.nodes.append(.element(XElement("RefNumber", nodes: [.text(ref)])))
        case .fullName(let name):
            rq.nodes.append(.element(XElement("FullName", nodes: [.text(name)])))
        case .transfer:
            let date = txnDate ?? ""
            let filter = XElement("TxnDateRangeFilter", nodes: [
                .element(XElement("FromTxnDate", nodes: [.text(date)])), .element(XElement("ToTxnDate", nodes: [.text(date)])),
            ])
            rq.nodes.append(.element(filter))
        case .deletion(let id):
            rq.nodes.append(.element(XElement("TxnID", nodes: [.text(id)])))
        }
        return rq.serialized()
    }

    /// What QuickBooks said about the object the request creates (or, for a deletion, the one it deletes).
    public enum Outcome: Sendable, Equatable {
        /// QuickBooks has it: this is its TxnID or ListID.
        case found(id: String)
        /// QuickBooks has no such object.
        case notFound
        /// QuickBooks could not answer; the item stays in doubt.
        case unanswered(String)
    }

    /// Reads QuickBooks' answer to `queryRequestBody`. A transaction whose TxnID is in `claimed` (it belongs to
    /// another queue item: the same RefNumber queued twice, or the payout of an earlier posting of the same
    /// settlement) is not this request's.
    public func outcome(of response: QBXMLResponseItem, claimed: Set<String> = []) -> Outcome {
        // 3120: the TxnID asked for is not in the company file (a deleted transaction).
        if response.statusCode == 1 || response.statusCode == 500 || (isDeletion && response.statusCode == 3120) { return .notFound }
        if response.isError {
            return .unanswered("\(response.statusCode) \(response.statusSeverity): \(response.statusMessage)")
        }
        for ret in response.rets where matches(ret) {
            if let id = ret.childText("TxnID"), !claimed.contains(id) { return .found(id: id) }
            if let id = ret.childText("ListID") { return .found(id: id) }
        }
        return .notFound
    }

    private func matches(_ ret: XElement) -> Bool {
        switch key {
        case .refNumber(let ref):
            guard ret.childText("RefNumber") == ref else { return false }
            if let txnDate, let found = ret.childText("TxnDate"), found != txnDate { return false }
            if let entityName {
                let found = ["CustomerRef", "VendorRef", "PayeeEntityRef", "EntityRef"].lazy
                    .compactMap { ret.child($0)?.childText("FullName") }.first
                if let found, !found.caseInsensitiveEquals(entityName) { return false }
            }
            return true
        case .fullName(let name):
            let found = ret.childText("FullName") ?? ret.childText("Name") ?? ""
            return found.caseInsensitiveEquals(name)
        case .transfer(let memo, let amount):
            return ret.childText("Memo") == memo && ret.childText("Amount").flatMap(Self.cents) == Self.cents(amount)
        case .deletion(let id):
            return ret.childText("TxnID") == id
        }
    }

    /// `123.45`, `123.4`, `-5` → cents; QuickBooks writes amounts its own way.
    static func cents(_ amount: String) -> Int? {
        let parts = amount.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1].prefix(2)) : ""
        while fraction.count < 2 { fraction += "0" }
        guard let f = Int(fraction) else { return nil }
        let negative = amount.hasPrefix("-")
        return whole * 100 + (negative ? -f : f)
    }
}
