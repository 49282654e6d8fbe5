import QBLinkTestSupport
import QBXML
import Testing
import XMLKit

@Suite struct QBXMLRequestFileTests {
    static let file = """
        <?xml version="1.0" encoding="utf-8"?>
        <?qbxml version="13.0"?>
        <QBXML>
          <QBXMLMsgsRq onError="stopOnError">
            <CustomerAddRq requestID="7"><CustomerAdd><Name>Fish &amp; Chips</Name></CustomerAdd></CustomerAddRq>
            <SalesReceiptAddRq>
              <SalesReceiptAdd>
                <CustomerRef><FullName>Fish &amp; Chips</FullName></CustomerRef>
                <TxnDate>2026-11-20</TxnDate>
                <RefNumber>R-1</RefNumber>
                <SalesReceiptLineAdd><ItemRef><FullName>Cod</FullName></ItemRef><Amount>10.00</Amount></SalesReceiptLineAdd>
              </SalesReceiptAdd>
            </SalesReceiptAddRq>
          </QBXMLMsgsRq>
        </QBXML>
        """

    @Test func splitsEveryRequestAndDropsRequestIDs() throws {
        let requests = try QBXMLRequestFile.requests(in: Self.file)
        #expect(requests.map(\.type) == ["CustomerAdd", "SalesReceiptAdd"])
        #expect(requests[0].body == "<CustomerAddRq><CustomerAdd><Name>Fish &amp; Chips</Name></CustomerAdd></CustomerAddRq>")
        #expect(requests[0].refNumber == nil)
        #expect(requests[1].refNumber == "R-1")
        #expect(requests.allSatisfy { $0.minimumVersion == QBXMLVersion("13.0") })
    }

    func refusal(_ text: String) -> QBXMLFileError? {
        do {
            _ = try QBXMLRequestFile.requests(in: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesMalformedFilesWithTheLine() throws {
        let error = try #require(refusal("<QBXML>\n<QBXMLMsgsRq onError=\"stopOnError\">\n<CustomerAddRq>\n</QBXMLMsgsRq></QBXML>"))
        #expect(error.line == 4)
        #expect(error.message.contains("not well-formed"))
    }

    @Test func refusesWhatIsNotARequestFile() throws {
        #expect(try #require(refusal("<Other/>")).message.contains("root element is <Other>"))
        #expect(try #require(refusal("<QBXML><QBXMLMsgsRs/></QBXML>")).message.contains("response"))
        #expect(try #require(refusal("<QBXML/>")).message.contains("no <QBXMLMsgsRq>"))
        #expect(try #require(refusal("<QBXML><QBXMLMsgsRq onError=\"stopOnError\"/></QBXML>")).message.contains("holds no request"))
        let notRq = try #require(refusal("<QBXML><QBXMLMsgsRq onError=\"stopOnError\">\n<Customer/></QBXMLMsgsRq></QBXML>"))
        #expect(notRq.message.contains("<Customer> is not a request"))
        #expect(notRq.line == 2)
        #expect(try #require(refusal("<QBXML><QBXMLMsgsRq onError=\"stopOnError\"><ItemQueryRq iterator=\"Start\"/></QBXMLMsgsRq></QBXML>")).message.contains("iterator"))
        #expect(try #require(refusal("<?qbxml version=\"latest\"?><QBXML/>")).message.contains("qbXML version"))
    }

    @Test func refusesTextQuickBooksCannotStore() throws {
        let error = try #require(refusal("<QBXML><QBXMLMsgsRq onError=\"stopOnError\">\n\n<CustomerAddRq><CustomerAdd><Name>北京</Name></CustomerAdd></CustomerAddRq></QBXMLMsgsRq></QBXML>"))
        #expect(error.message.contains("U+5317"))
        #expect(error.message.contains("ISO-8859-1"))
        #expect(error.line == 3)
        // Latin-1 is fine.
        #expect(refusal("<QBXML><QBXMLMsgsRq onError=\"stopOnError\"><CustomerAddRq><CustomerAdd><Name>Café Müller</Name></CustomerAdd></CustomerAddRq></QBXMLMsgsRq></QBXML>") == nil)
    }

    @Test func refusesDTDs() throws {
        let error = try #require(refusal(#"<!DOCTYPE QBXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><QBXML>&x;</QBXML>"#))
        #expect(error.message.contains("DTD"))
    }

    @Test func buildsAMessageWithRequestIDsAndTheVersion() throws {
        let requests = try QBXMLRequestFile.requests(in: Self.file)
        let message = QBXMLRequestMessage.build(
            version: QBXMLVersion("13.0")!, requests: requests.enumerated().map { (String($0.offset + 41), $0.element.body) })
        #expect(message.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?qbxml version=\"13.0\"?>\n<QBXML><QBXMLMsgsRq onError=\"continueOnError\">"))
        let root = try XMLReader.parse(message)
        let rqs = try #require(root.child("QBXMLMsgsRq")).children
        #expect(rqs.map { $0.attribute("requestID") } == ["41", "42"])
        #expect(rqs[0].descendant("Name")?.text == "Fish & Chips")
    }

    @Test(.enabled(if: SharedReference.isAvailable && SharedReference.hasXmllint, "needs ../shared/ref and xmllint"))
    func generatedMessagesAndLookupsValidateAgainstTheSchema() throws {
        let requests = try QBXMLRequestFile.requests(in: Self.file)
        var bodies = requests.map(\.body)
        bodies += requests.compactMap { InDoubtLookup.plan(forRequestBody: $0.body)?.queryRequestBody }
        for type in ["Invoice", "CreditMemo", "ReceivePayment", "SalesOrder", "Estimate", "JournalEntry", "Bill", "Check"] {
            bodies.append(InDoubtLookup(queryType: type + "Query", key: .refNumber("X-1")).queryRequestBody)
        }
        for type in ["CustomerQuery", "ItemQuery", "AccountQuery", "VendorQuery", "ClassQuery", "PaymentMethodQuery", "EmployeeQuery", "OtherNameQuery"] {
            bodies.append(InDoubtLookup(queryType: type, key: .fullName("A:B")).queryRequestBody)
        }
        let message = QBXMLRequestMessage.build(
            version: QBXMLVersion("13.0")!, requests: bodies.enumerated().map { (String($0.offset + 1), $0.element) })
        try SchemaCheck.validate(message)
    }
}
