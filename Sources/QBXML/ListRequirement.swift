import QBModel
import XMLKit

/// A customer, item or account that must exist in QuickBooks before a transaction naming it is sent:
/// looked up by name, and added when missing (or, by policy, reported missing).
public struct ListRequirement: Sendable, Hashable, Codable {
    public enum ItemType: String, Sendable, Codable, CaseIterable {
        case nonInventory = "NonInventory"
        case otherCharge = "OtherCharge"
        case service = "Service"
    }

    public enum Kind: Sendable, Hashable, Codable {
        case customer
        /// An item posting to `account`.
        case item(type: ItemType, account: String)
        /// An account of a QuickBooks AccountType (Income, Expense, OtherCurrentAsset, Bank, …).
        case account(type: String)
    }

    public var name: String
    public var kind: Kind
    /// For items: the description QuickBooks shows (e.g. the full SKU).
    public var description: String?

    public init(name: String, kind: Kind, description: String? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
    }

    /// Identity across a queue: one pending lookup of `Customer:amazon summary` serves every enqueue.
    public var key: PlanKey { .list(listKind, name) }

    public var listKind: ListKind {
        switch kind {
        case .customer: .customer
        case .item: .item
        case .account: .account
        }
    }

    /// What must exist before this can be added (an item's account).
    public var prerequisiteKeys: [PlanKey] {
        if case .item(_, let account) = kind { return [.list(.account, account)] }
        return []
    }

    /// The QuickBooks limit on the name.
    public var nameLimit: Int {
        switch kind {
        case .customer: 41
        case .item, .account: 31
        }
    }

    /// `CustomerQueryRq` / `ItemQueryRq` / `AccountQueryRq` by FullName.
    public var queryBody: String {
        XElement(listKind.rawValue + "QueryRq", nodes: [.element(QBRequestWriter.leaf("FullName", name))]).serialized()
    }

    /// The Add request's type: "CustomerAdd", "AccountAdd", "ItemNonInventoryAdd", …
    public var addType: String {
        switch kind {
        case .customer: "CustomerAdd"
        case .account: "AccountAdd"
        case .item(let type, _): "Item" + type.rawValue + "Add"
        }
    }

    /// The Add request.
    public var addBody: String {
        switch kind {
        case .customer:
            let add = XElement("CustomerAdd", nodes: [.element(QBRequestWriter.leaf("Name", name))])
            return XElement("CustomerAddRq", nodes: [.element(add)]).serialized()
        case .account(let type):
            let add = XElement("AccountAdd", nodes: [
                .element(QBRequestWriter.leaf("Name", name)), .element(QBRequestWriter.leaf("AccountType", type)),
            ])
            return XElement("AccountAddRq", nodes: [.element(add)]).serialized()
        case .item(_, let account):
            var sales = XElement("SalesOrPurchase")
            if let description { sales.append(QBRequestWriter.leaf("Desc", QBXMLText.fit(description, 4095))) }
            sales.append(QBRequestWriter.ref("AccountRef", account))
            let add = XElement(addType, nodes: [.element(QBRequestWriter.leaf("Name", name)), .element(sales)])
            return XElement(addType + "Rq", nodes: [.element(add)]).serialized()
        }
    }

    /// Human form: "item 'Amazon Fees' (OtherCharge → Amazon Fees)".
    public var label: String {
        switch kind {
        case .customer: "customer '\(name)'"
        case .account(let type): "account '\(name)' (\(type))"
        case .item(let type, let account): "item '\(name)' (\(type.rawValue) → \(account))"
        }
    }
}
