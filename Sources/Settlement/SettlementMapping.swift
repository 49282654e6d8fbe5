import Foundation
import QBModel
import QBXML

/// How a settlement becomes QuickBooks transactions: which item each kind of amount lands on, the items'
/// types and accounts, the customer, the deposit account, grouping, fees and the missing-list policy.
/// The default is `SettlementMapping.standard`, written out in `Resources/settlement-mapping.json`.
public struct SettlementMapping: Sendable, Codable, Equatable {
    public enum GroupMode: String, Sendable, Codable, CaseIterable {
        /// AFN (FBA) and MFN separately.
        case channel
        /// By posted-date month (UTC).
        case month
        case channelMonth = "channel-month"
        /// One receipt and one credit memo for the whole settlement.
        case none
    }

    /// What a matched amount becomes.
    public enum Role: String, Sendable, Codable {
        /// A product sale: one line per SKU (item = the SKU's item), with quantity.
        case principal
        /// A line on the order or refund transaction with the rule's item (shipping, gift wrap, promotion…).
        case sale
        /// Sales tax: seller-collected tax goes to the sales-tax item; tax Amazon withholds does not.
        case tax
        /// Tax Amazon collects and withholds as marketplace facilitator: a net-zero pair on its own item.
        case withheldTax
        /// A fee line on the order or refund transaction (or the adjustments transaction when fees are off).
        case fee
        /// Settlement-level: always in the settlement-adjustments transaction.
        case settlement
    }

    public struct Rule: Sendable, Codable, Equatable {
        /// Each pattern matches exactly (case-insensitively), or `*`, or a prefix ending in `*`.
        public var transactionType: String
        public var amountType: String
        public var amountDescription: String
        public var role: Role
        /// The item for every role but principal, tax and withheldTax.
        public var item: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case transactionType, amountType, amountDescription, role, item
        }

        public init(transactionType: String = "*", amountType: String = "*", amountDescription: String = "*", role: Role, item: String? = nil) {
            self.transactionType = transactionType
            self.amountType = amountType
            self.amountDescription = amountDescription
            self.role = role
            self.item = item
        }

        func matches(_ t: String, _ a: String, _ d: String) -> Bool {
            Self.match(transactionType, t) && Self.match(amountType, a) && Self.match(amountDescription, d)
        }

        static func match(_ pattern: String, _ value: String) -> Bool {
            if pattern == "*" { return true }
            if pattern.hasSuffix("*") { return value.lowercased().hasPrefix(pattern.dropLast().lowercased()) }
            return pattern.caseInsensitiveCompare(value) == .orderedSame
        }
    }

    public struct ItemSpec: Sendable, Codable, Equatable {
        public var type: ListRequirement.ItemType
        public var account: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case type, account
        }

        public init(type: ListRequirement.ItemType, account: String) {
            self.type = type
            self.account = account
        }
    }

    public var customer: String
    /// A customer per marketplace name (`Amazon.co.uk` → `Amazon UK Summary`).
    public var customerByMarketplace: [String: String]
    /// Where receipts deposit and refunds are paid from (a Bank or OtherCurrentAsset account).
    public var depositAccount: String
    /// When set, the payout is transferred from the deposit account to this Bank account on its deposit date.
    public var bankAccount: String?
    public var className: String?
    public var group: GroupMode
    public var fees: Bool
    public var missing: MissingListPolicy
    /// The item for seller-collected sales tax (on the sales-tax liability).
    public var salesTaxItem: String
    /// The item for marketplace-facilitator tax (never on the sales-tax liability).
    public var facilitatorTaxItem: String
    /// Where amounts no rule matches land (visible in preview).
    public var unmappedItem: String
    /// Type and account of the items made for SKUs.
    public var skuItem: ItemSpec
    /// SKU → item name, where the item is not simply the SKU.
    public var skus: [String: String]
    /// Every other item named here or by a rule: its type and account.
    public var items: [String: ItemSpec]
    /// Every account named by an item or as the deposit account: its QuickBooks AccountType.
    public var accounts: [String: String]
    /// Tried in order; the first that matches decides.
    public var rules: [Rule]

    public init(
        customer: String, customerByMarketplace: [String: String] = [:], depositAccount: String, bankAccount: String? = nil, className: String? = nil,
        group: GroupMode = .channel, fees: Bool = true, missing: MissingListPolicy = .create, salesTaxItem: String,
        facilitatorTaxItem: String, unmappedItem: String, skuItem: ItemSpec, skus: [String: String] = [:],
        items: [String: ItemSpec], accounts: [String: String], rules: [Rule]
    ) {
        self.customer = customer
        self.customerByMarketplace = customerByMarketplace
        self.depositAccount = depositAccount
        self.bankAccount = bankAccount
        self.className = className
        self.group = group
        self.fees = fees
        self.missing = missing
        self.salesTaxItem = salesTaxItem
        self.facilitatorTaxItem = facilitatorTaxItem
        self.unmappedItem = unmappedItem
        self.skuItem = skuItem
        self.skus = skus
        self.items = items
        self.accounts = accounts
        self.rules = rules
    }

    public func rule(transactionType: String, amountType: String, amountDescription: String) -> Rule? {
        rules.first { $0.matches(transactionType, amountType, amountDescription) }
    }

    public func customer(forMarketplace marketplace: String) -> String {
        customerByMarketplace[marketplace] ?? customer
    }

    /// Problems a person must fix in a mapping file, with where they are.
    public func problems() -> [String] {
        var out: [String] = []
        let accountTypes = ["AccountsPayable", "AccountsReceivable", "Bank", "CostOfGoodsSold", "CreditCard", "Equity", "Expense",
            "FixedAsset", "Income", "LongTermLiability", "NonPosting", "OtherAsset", "OtherCurrentAsset", "OtherCurrentLiability",
            "OtherExpense", "OtherIncome"]
        for (name, type) in accounts.sorted(by: { $0.key < $1.key }) {
            if !accountTypes.contains(type) { out.append("accounts.\(name): '\(type)' is not a QuickBooks account type (\(accountTypes.joined(separator: ", ")))") }
            if name.count > 31 { out.append("accounts.\(name): QuickBooks account names have at most 31 characters") }
            if name.contains(":") { out.append("accounts.\(name): ':' separates sub-accounts; use a plain name") }
        }
        if let type = accounts[depositAccount] {
            if !["Bank", "OtherCurrentAsset"].contains(type) {
                out.append("depositAccount: '\(depositAccount)' is \(type); credit memos are refunded from it, so it must be a Bank or OtherCurrentAsset account")
            }
        } else {
            out.append("depositAccount: '\(depositAccount)' is not in accounts")
        }
        if let bankAccount {
            if let type = accounts[bankAccount], type != "Bank" { out.append("bankAccount: '\(bankAccount)' is \(type), not a Bank account") }
            if bankAccount == depositAccount { out.append("bankAccount: the payout cannot be transferred to the deposit account itself") }
            if bankAccount.isEmpty || bankAccount.count > 31 || bankAccount.contains(":") {
                out.append("bankAccount: an account name has 1 to 31 characters and no ':'")
            }
        }
        if customer.isEmpty || customer.count > 41 { out.append("customer: a customer name has 1 to 41 characters") }
        for (marketplace, name) in customerByMarketplace where name.isEmpty || name.count > 41 {
            out.append("customerByMarketplace.\(marketplace): a customer name has 1 to 41 characters")
        }
        var itemNames = Set(items.keys)
        itemNames.formUnion([salesTaxItem, facilitatorTaxItem, unmappedItem])
        for name in itemNames.sorted() {
            guard let spec = items[name] else {
                out.append("items: '\(name)' is used but has no entry (type and account)")
                continue
            }
            if name.count > 31 { out.append("items.\(name): QuickBooks item names have at most 31 characters") }
            if accounts[spec.account] == nil { out.append("items.\(name): account '\(spec.account)' is not in accounts") }
        }
        if accounts[skuItem.account] == nil { out.append("skuItem: account '\(skuItem.account)' is not in accounts") }
        for (i, rule) in rules.enumerated() {
            switch rule.role {
            case .principal, .tax, .withheldTax: break
            case .sale, .fee, .settlement:
                guard let item = rule.item else {
                    out.append("rules[\(i)]: a \(rule.role.rawValue) rule needs an item")
                    continue
                }
                if items[item] == nil { out.append("rules[\(i)]: item '\(item)' is not in items") }
            }
        }
        for (sku, item) in skus where item.count > 31 || item.isEmpty {
            out.append("skus.\(sku): an item name has 1 to 31 characters")
        }
        return out
    }

    /// Reads a mapping file (JSON). Keys left out take the standard values.
    public static func load(json data: Data) throws -> SettlementMapping {
        let decoder = JSONDecoder()
        let mapping: SettlementMapping
        let unknown = MappingKeys.unknownKeys(in: data)
        if !unknown.isEmpty { throw MappingError(message: unknown.joined(separator: "\n")) }
        do {
            let partial = try decoder.decode(PartialMapping.self, from: data)
            mapping = partial.merged(over: .standard)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw MappingError(message: "\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw MappingError(message: "not valid JSON: \(context.debugDescription) \(context.underlyingError.map { "(\($0))" } ?? "")")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw MappingError(message: "\(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw MappingError(message: "\(Self.path(context.codingPath + [key])): missing")
        }
        let problems = mapping.problems()
        if !problems.isEmpty { throw MappingError(message: problems.joined(separator: "\n")) }
        return mapping
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "$" : "$" + keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }
}

public struct MappingError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A mapping file may give only the keys it changes.
struct PartialMapping: Decodable {
    var customer: String?
    var customerByMarketplace: [String: String]?
    var depositAccount: String?
    var bankAccount: String?
    var className: String?
    var group: SettlementMapping.GroupMode?
    var fees: Bool?
    var missing: MissingListPolicy?
    var salesTaxItem: String?
    var facilitatorTaxItem: String?
    var unmappedItem: String?
    var skuItem: SettlementMapping.ItemSpec?
    var skus: [String: String]?
    var items: [String: SettlementMapping.ItemSpec]?
    var accounts: [String: String]?
    var rules: [SettlementMapping.Rule]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case customer, customerByMarketplace, depositAccount, bankAccount, className, group, fees, missing, salesTaxItem, facilitatorTaxItem
        case unmappedItem, skuItem, skus, items, accounts, rules
    }

    func merged(over base: SettlementMapping) -> SettlementMapping {
        var m = base
        if let customer { m.customer = customer }
        if let customerByMarketplace { m.customerByMarketplace = customerByMarketplace }
        if let depositAccount { m.depositAccount = depositAccount }
        if let bankAccount { m.bankAccount = bankAccount }
        if let className { m.className = className }
        if let group { m.group = group }
        if let fees { m.fees = fees }
        if let missing { m.missing = missing }
        if let salesTaxItem { m.salesTaxItem = salesTaxItem }
        if let facilitatorTaxItem { m.facilitatorTaxItem = facilitatorTaxItem }
        if let unmappedItem { m.unmappedItem = unmappedItem }
        if let skuItem { m.skuItem = skuItem }
        if let skus { m.skus = skus }
        if let items { m.items.merge(items) { $1 } }
        if let accounts { m.accounts.merge(accounts) { $1 } }
        if let rules { m.rules = rules }
        return m
    }
}
