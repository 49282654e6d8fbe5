/// Small qbXML request files for tests.
public enum QBXMLSamples {
    public static func file(_ requests: [String], version: String = "13.0") -> String {
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"\(version)\"?>\n<QBXML><QBXMLMsgsRq onError=\"stopOnError\">\n"
            + requests.joined(separator: "\n") + "\n</QBXMLMsgsRq></QBXML>\n"
    }

    public static func customer(_ name: String, extra: String = "") -> String {
        "<CustomerAddRq><CustomerAdd><Name>\(name)</Name>\(extra)</CustomerAdd></CustomerAddRq>"
    }

    public static func item(_ name: String, account: String = "Sales") -> String {
        "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>\(name)</Name><SalesOrPurchase><Price>1.00</Price><AccountRef><FullName>\(account)</FullName></AccountRef></SalesOrPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>"
    }

    public static func receipt(ref: String?, customer: String, item: String = "Widget", amount: String = "10.00", date: String = "2026-11-20") -> String {
        "<SalesReceiptAddRq><SalesReceiptAdd><CustomerRef><FullName>\(customer)</FullName></CustomerRef><TxnDate>\(date)</TxnDate>"
            + (ref.map { "<RefNumber>\($0)</RefNumber>" } ?? "")
            + "<SalesReceiptLineAdd><ItemRef><FullName>\(item)</FullName></ItemRef><Amount>\(amount)</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>"
    }

    public static func customerQuery(_ name: String) -> String {
        "<CustomerQueryRq><FullName>\(name)</FullName></CustomerQueryRq>"
    }
}
