import Foundation
import XMLKit

extension FakeQuickBooks {
    static let listNamespaces: [String: String] = [
        "Customer": "entity", "Vendor": "entity", "Employee": "entity", "OtherName": "entity",
        "Account": "account", "Class": "class", "PaymentMethod": "paymentMethod",
    ]

    /// Accounts every company file has.
    static let builtInAccounts: [String: String] = [
        "Accounts Receivable": "AccountsReceivable", "Undeposited Funds": "OtherCurrentAsset",
    ]

    func namespace(of type: String) -> String {
        type.hasPrefix("Item") ? "item" : (Self.listNamespaces[type] ?? type)
    }

    func findList(_ ns: String, _ name: String) -> ListObject? {
        _lists.first { namespace(of: $0.type) == ns && $0.fullName.lowercased() == name.lowercased() }
    }

    /// An account's type, for one that exists (in the list or built in).
    func accountType(_ name: String) -> String? {
        if let account = findList("account", name) { return account.accountType ?? "Income" }
        return Self.builtInAccounts.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    func missingAccount(_ rq: XElement, _ name: String, in type: String) -> Reply {
        error(rq, 3140, "There is an invalid reference to QuickBooks Account \"\(name)\" in the \(type). QuickBooks error message: Invalid argument. The specified record does not exist in the list.")
    }

    func addList(_ rq: XElement, type: String, add: XElement) -> Reply {
        let name = add.childText("Name") ?? ""
        let limit = type == "Customer" || type == "Vendor" ? 41 : 31
        if name.count > limit {
            return error(rq, 3070, "The string \"\(name)\" in the field \"Name\" is too long.")
        }
        let fullName = add.child("ParentRef")?.childText("FullName").map { "\($0):\(name)" } ?? name
        if refusedAdds.contains(name) {
            return error(rq, 3180, "There was an error when saving a \(type) list, element \"\(name)\". QuickBooks error message: This list has been modified by another user.")
        }
        let ns = namespace(of: type)
        if _lists.contains(where: { namespace(of: $0.type) == ns && $0.fullName.lowercased() == fullName.lowercased() }) {
            return error(rq, 3100, "The name \"\(name)\" of the list element is already in use.")
        }
        let itemAccount = (add.descendant("AccountRef") ?? add.descendant("IncomeAccountRef"))?.childText("FullName")
        if let account = itemAccount, accountType(account) == nil {
            return missingAccount(rq, account, in: type)
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
        _lists.append(ListObject(
            type: type, listID: id, fullName: fullName, element: add, accountType: type == "Account" ? add.childText("AccountType") : nil,
            itemAccount: itemAccount))
        return reply(rq, code: 0, severity: "Info", message: "Status OK", rets: [ret])
    }

    static func ret(_ object: ListObject) -> XElement {
        var nodes: [XElement.Node] = [
            .element(XElement("ListID", nodes: [.text(object.listID)])),
            .element(XElement("Name", nodes: [.text(object.fullName.split(separator: ":").last.map(String.init) ?? object.fullName)])),
            .element(XElement("FullName", nodes: [.text(object.fullName)])),
        ]
        if let type = object.accountType { nodes.append(.element(XElement("AccountType", nodes: [.text(type)]))) }
        return XElement(object.type + "Ret", nodes: nodes)
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
