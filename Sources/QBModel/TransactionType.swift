/// The QuickBooks transaction types qblink posts, by their qbXML names (`SalesReceiptAdd`, …).
public enum TransactionType: String, Sendable, Codable, CaseIterable {
    case salesReceipt = "SalesReceipt"
    case invoice = "Invoice"
    case creditMemo = "CreditMemo"
    case receivePayment = "ReceivePayment"

    /// The request that creates one: `SalesReceiptAdd`.
    public var addRequest: String { rawValue + "Add" }
}
