import Foundation
import QBLinkTestSupport
import Settlement
import Testing

@Suite struct MappingTests {
    @Test func theResourcesFileIsTheStandardMapping() throws {
        let url = SharedReference.packageRoot.appendingPathComponent("Resources/settlement-mapping.json")
        let data = try Data(contentsOf: url)
        #expect(try SettlementMapping.load(json: data) == .standard)
        #expect(String(decoding: data, as: UTF8.self) == SettlementMapping.standard.json(),
                "Resources/settlement-mapping.json is out of date: swift run qblink settlement mapping > Resources/settlement-mapping.json")
        #expect(SettlementMapping.standard.problems().isEmpty)
    }

    @Test func aFileMayChangeOnlySomeKeys() throws {
        let json = #"{"customer": "Amazon US", "group": "month", "fees": false, "missing": "fail", "skus": {"LONG": "Short"}, "accounts": {"Amazon Clearing": "Bank"}}"#
        let m = try SettlementMapping.load(json: Data(json.utf8))
        #expect(m.customer == "Amazon US")
        #expect(m.group == .month)
        #expect(!m.fees)
        #expect(m.missing == .fail)
        #expect(m.skus["LONG"] == "Short")
        #expect(m.accounts["Amazon Clearing"] == "Bank")
        #expect(m.accounts["Amazon Sales"] == "Income")  // merged, not replaced
        #expect(m.rules == SettlementMapping.standard.rules)
    }

    /// What loading the mapping file says ("" when it is accepted).
    func message(_ json: String) -> String {
        do {
            _ = try SettlementMapping.load(json: Data(json.utf8))
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func problemsSayWhereAndWhat() {
        #expect(message("{").contains("not valid JSON"))
        #expect(message(#"{"group": "weekly"}"#).contains("$.group"))
        #expect(message(#"{"fees": "yes"}"#).contains("$.fees"))
        #expect(message(#"{"accounts": {"Amazon Sales": "Revenue"}}"#).contains("accounts.Amazon Sales: 'Revenue' is not a QuickBooks account type"))
        #expect(message(#"{"rules": [{"transactionType": "*", "amountType": "*", "amountDescription": "*", "role": "fee"}]}"#).contains("rules[0]: a fee rule needs an item"))
        #expect(message(#"{"rules": [{"transactionType": "*", "amountType": "*", "amountDescription": "*", "role": "fee", "item": "Nope"}]}"#).contains("rules[0]: item 'Nope' is not in items"))
        #expect(message(#"{"depositAccount": "Checking"}"#).contains("depositAccount: 'Checking' is not in accounts"))
        #expect(message(#"{"customer": "A customer name that is far too long for QuickBooks"}"#).contains("customer"))
    }

    @Test func unknownKeysAreRefusedWithTheirPathAndTheNearestKnownKey() {
        #expect(message(#"{"depositAcount": "Amazon Clearing"}"#) == "$.depositAcount: unknown key; did you mean 'depositAccount'?")
        #expect(message(#"{"Fees": false}"#) == "$.Fees: unknown key; did you mean 'fees'?")
        #expect(message(#"{"items": {"Amazon Fees": {"type": "OtherCharge", "acount": "Amazon Fees"}}}"#)
            .contains("$.items.Amazon Fees.acount: unknown key; did you mean 'account'?"))
        #expect(message(#"{"skuItem": {"type": "NonInventory", "account": "Amazon Sales", "taxable": true}}"#)
            .contains("$.skuItem.taxable: unknown key (known keys: type, account)"))
        #expect(message(#"{"rules": [{"transactionType": "*", "amountType": "*", "amountDescription": "*", "role": "sale", "itme": "X"}]}"#)
            .contains("$.rules[0].itme: unknown key; did you mean 'item'?"))
        let two = message(#"{"colour": "blue", "grup": "month"}"#)
        #expect(two.contains("$.colour: unknown key (known keys:") && two.contains("$.grup: unknown key; did you mean 'group'?"))
        // Free-form maps take any key.
        #expect(message(#"{"skus": {"ANY-SKU": "Item"}, "customerByMarketplace": {"Amazon.de": "Amazon DE"}}"#) == "")
    }

    @Test func theBankAndDepositAccountsMustBeTheRightKind() {
        #expect(message(#"{"bankAccount": "Checking"}"#) == "")
        #expect(message(#"{"bankAccount": "Checking", "accounts": {"Checking": "Income"}}"#).contains("bankAccount: 'Checking' is Income, not a Bank account"))
        #expect(message(#"{"bankAccount": "Amazon Clearing"}"#).contains("cannot be transferred to the deposit account itself"))
        #expect(message(#"{"depositAccount": "Amazon Sales"}"#).contains("depositAccount: 'Amazon Sales' is Income; credit memos are refunded from it"))
        #expect(message(#"{"bankAcount": "Checking"}"#) == "$.bankAcount: unknown key; did you mean 'bankAccount'?")
    }
}
