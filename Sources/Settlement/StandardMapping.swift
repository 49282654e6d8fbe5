import QBXML

extension SettlementMapping {
    /// The default mapping (Cloud Cart Connector's practice, plus what its users ask for): one summary
    /// customer, grouped by fulfillment channel, fees on, missing list elements created.
    public static let standard: SettlementMapping = {
        func charge(_ account: String) -> ItemSpec { ItemSpec(type: .otherCharge, account: account) }
        let items: [String: ItemSpec] = [
            "Amazon Shipping": charge("Amazon Sales"),
            "Amazon Gift Wrap": charge("Amazon Sales"),
            "Amazon Promotions": charge("Amazon Sales"),
            "Amazon Restocking Fees": charge("Amazon Sales"),
            "Amazon Regulatory Fees": charge("Amazon Sales"),
            "SalesTax": charge("Sales Tax Payable"),
            "Marketplace Facilitator Tax": charge("Marketplace Facilitator Tax"),
            "Amazon Commission": charge("Amazon Fees"),
            "Amazon FBA Fees": charge("Amazon Fees"),
            "Amazon Shipping Chargeback": charge("Amazon Fees"),
            "Amazon Gift Wrap Chargeback": charge("Amazon Fees"),
            "Amazon Closing Fees": charge("Amazon Fees"),
            "Amazon Digital Services Fee": charge("Amazon Fees"),
            "Amazon Other Fees": charge("Amazon Fees"),
            "Amazon Storage Fees": charge("Amazon Fees"),
            "Amazon Subscription": charge("Amazon Fees"),
            "Amazon Advertising": charge("Amazon Advertising"),
            "Amazon Reserve": charge("Amazon Reserved Balances"),
            "Amazon Reimbursements": charge("Amazon Reimbursements"),
            "Amazon Liquidations": charge("Amazon Liquidations"),
            "Amazon Balance Transfers": charge("Amazon Balance Transfers"),
            "Amazon Unmapped": charge("Amazon Suspense"),
        ]
        let accounts: [String: String] = [
            "Amazon Clearing": "OtherCurrentAsset",
            "Amazon Sales": "Income",
            "Amazon Fees": "Expense",
            "Amazon Advertising": "Expense",
            "Sales Tax Payable": "OtherCurrentLiability",
            "Marketplace Facilitator Tax": "OtherCurrentLiability",
            "Amazon Reserved Balances": "OtherCurrentAsset",
            "Amazon Reimbursements": "OtherIncome",
            "Amazon Liquidations": "Income",
            "Amazon Balance Transfers": "OtherCurrentAsset",
            "Amazon Suspense": "OtherCurrentAsset",
        ]
        let rules: [Rule] = [
            // Settlement-level business first: these never belong to an order group.
            Rule(transactionType: "Liquidations", role: .settlement, item: "Amazon Liquidations"),
            Rule(amountType: "Cost of Advertising", role: .settlement, item: "Amazon Advertising"),
            Rule(transactionType: "ServiceFee", role: .settlement, item: "Amazon Advertising"),
            Rule(amountType: "FBA Inventory Reimbursement", role: .settlement, item: "Amazon Reimbursements"),
            Rule(transactionType: "WAREHOUSE_*", role: .settlement, item: "Amazon Reimbursements"),
            Rule(transactionType: "REVERSAL_REIMBURSEMENT", role: .settlement, item: "Amazon Reimbursements"),
            Rule(amountDescription: "Current Reserve Amount", role: .settlement, item: "Amazon Reserve"),
            Rule(amountDescription: "Previous Reserve Amount Balance", role: .settlement, item: "Amazon Reserve"),
            Rule(amountDescription: "Storage*", role: .settlement, item: "Amazon Storage Fees"),
            Rule(transactionType: "Storage Fee", role: .settlement, item: "Amazon Storage Fees"),
            Rule(amountDescription: "Subscription Fee", role: .settlement, item: "Amazon Subscription"),
            Rule(transactionType: "Subscription Fee", role: .settlement, item: "Amazon Subscription"),
            Rule(amountDescription: "FBA Inbound*", role: .settlement, item: "Amazon FBA Fees"),
            Rule(transactionType: "Inbound Transportation Fee", role: .settlement, item: "Amazon FBA Fees"),
            Rule(amountDescription: "RemovalComplete", role: .settlement, item: "Amazon FBA Fees"),
            Rule(amountDescription: "DisposalComplete", role: .settlement, item: "Amazon FBA Fees"),
            Rule(amountDescription: "Successful charge", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(transactionType: "Successful charge", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(amountDescription: "Payable to Amazon", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(transactionType: "Payable to Amazon", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(amountDescription: "Transfer of funds unsuccessful*", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(transactionType: "Micro Deposit", role: .settlement, item: "Amazon Balance Transfers"),
            Rule(transactionType: "AmazonFees", role: .settlement, item: "Amazon Other Fees"),
            // Order and refund amounts.
            Rule(amountType: "ItemPrice", amountDescription: "Principal", role: .principal),
            Rule(amountType: "ItemPrice", amountDescription: "Shipping", role: .sale, item: "Amazon Shipping"),
            Rule(amountType: "ItemPrice", amountDescription: "GiftWrap", role: .sale, item: "Amazon Gift Wrap"),
            Rule(amountType: "ItemPrice", amountDescription: "Tax", role: .tax),
            Rule(amountType: "ItemPrice", amountDescription: "ShippingTax", role: .tax),
            Rule(amountType: "ItemPrice", amountDescription: "GiftWrapTax", role: .tax),
            Rule(amountType: "ItemPrice", amountDescription: "RestockingFee", role: .sale, item: "Amazon Restocking Fees"),
            Rule(amountType: "ItemPrice", amountDescription: "RegulatoryFee", role: .sale, item: "Amazon Regulatory Fees"),
            Rule(amountType: "ItemWithheldTax", role: .withheldTax),
            Rule(amountDescription: "MarketplaceFacilitator*", role: .withheldTax),  // V1 writes them as item fees
            Rule(amountDescription: "LowValueGoodsTax*", role: .withheldTax),
            Rule(amountType: "Promotion", role: .sale, item: "Amazon Promotions"),
            Rule(amountType: "ItemFees", amountDescription: "Commission", role: .fee, item: "Amazon Commission"),
            Rule(amountType: "ItemFees", amountDescription: "RefundCommission", role: .fee, item: "Amazon Commission"),
            Rule(amountType: "ItemFees", amountDescription: "FBA*", role: .fee, item: "Amazon FBA Fees"),
            Rule(amountType: "ItemFees", amountDescription: "ShippingChargeback", role: .fee, item: "Amazon Shipping Chargeback"),
            Rule(amountType: "ItemFees", amountDescription: "ShippingHB", role: .fee, item: "Amazon Shipping Chargeback"),
            Rule(amountType: "ItemFees", amountDescription: "GiftwrapChargeback", role: .fee, item: "Amazon Gift Wrap Chargeback"),
            Rule(amountType: "ItemFees", amountDescription: "VariableClosingFee", role: .fee, item: "Amazon Closing Fees"),
            Rule(amountType: "ItemFees", amountDescription: "FixedClosingFee", role: .fee, item: "Amazon Closing Fees"),
            Rule(amountType: "ItemFees", amountDescription: "DigitalServicesFee", role: .fee, item: "Amazon Digital Services Fee"),
            Rule(amountType: "ItemFees", amountDescription: "SalesTaxCollectionFee", role: .fee, item: "Amazon Other Fees"),
            Rule(amountType: "ItemFees", amountDescription: "SalesTaxServiceFee", role: .fee, item: "Amazon Other Fees"),
            Rule(amountType: "ItemFees", amountDescription: "ReturnShipping", role: .fee, item: "Amazon Other Fees"),
        ]
        return SettlementMapping(
            customer: "Amazon Summary", depositAccount: "Amazon Clearing", group: .channel, fees: true, missing: .create,
            salesTaxItem: "SalesTax", facilitatorTaxItem: "Marketplace Facilitator Tax", unmappedItem: "Amazon Unmapped",
            skuItem: ItemSpec(type: .nonInventory, account: "Amazon Sales"), items: items, accounts: accounts, rules: rules)
    }()
}
