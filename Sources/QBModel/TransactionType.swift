/// The QuickBooks transaction types qblink posts, by their qbXML names (`SalesReceiptAdd`, …).
public enum TransactionType: String, Sendable, Codable, CaseIterable {
    case salesReceipt = "SalesReceipt"
    case invoice = "Invoice"
    case creditMemo = "CreditMemo"
    case receivePayment = "ReceivePayment"
    /// A refund of a credit memo's credit, paid from an account (QuickBooks' Refund).
    case arRefundCreditCard = "ARRefundCreditCard"
    case transfer = "Transfer"
    case journalEntry = "JournalEntry"

    /// The request that creates one: `SalesReceiptAdd`.
    public var addRequest: String { rawValue + "Add" }

    /// Whether QuickBooks' SDK can delete it (`TxnDelType` of qbXML 13.0 lists every type but Transfer).
    public var isDeletable: Bool { self != .transfer }
}
