import Foundation
import QBLinkTestSupport
import QBXML
import Testing
import XMLKit

@Suite struct QBXMLResponseTests {
    /// The qbXML QuickBooks returned inside a captured receiveResponseXML envelope.
    func capturedResponse(_ name: String) throws -> String {
        let envelope = try XMLReader.parse(SharedReference.text("qbwc/captures/\(name)"))
        return try #require(envelope.child("Body")?.child("receiveResponseXML")?.childText("response"))
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsCapturedSuccessfulAdds() throws {
        let invoice = try QBXMLResponse.parse(capturedResponse("receiveResponseXML.InvoiceAddRs.request.xml"))
        #expect(invoice.items.count == 1)
        #expect(invoice.items[0].type == "InvoiceAddRs")
        #expect(invoice.items[0].statusCode == 0)
        #expect(!invoice.items[0].isError)
        #expect(invoice.items[0].txnID == "C5-1417118624")
        let customer = try QBXMLResponse.parse(capturedResponse("receiveResponseXML.request.xml"))
        #expect(customer.items[0].requestID == "Q3VzdG9tZXJBZGR8MTU=")
        #expect(customer.items[0].listID == "F0000-1215265593")
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsACapturedError3100() throws {
        let response = try QBXMLResponse.parse(capturedResponse("receiveResponseXML.error3100.request.xml"))
        let item = try #require(response.items.first)
        #expect(item.statusCode == 3100)
        #expect(item.isError)
        #expect(item.statusMessage == "The name \"Shipping Item - QuickBooks Inte\" of the list element is already in use.")
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsACapturedBatchWithNoMatchInfos() throws {
        let response = try QBXMLResponse.parse(capturedResponse("receiveResponseXML.batch-SalesOrderAddRs.request.xml"))
        #expect(response.items.count >= 3)
        #expect(response.items[0].statusCode == 1)
        #expect(!response.items[0].isError)
        #expect(response.items.contains { $0.type == "SalesOrderAddRs" && $0.txnID != nil })
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsEveryRealResponseSample() throws {
        let folder = SharedReference.url("qbxml/responses")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }
        #expect(names.count > 10)
        for name in names {
            let response = try QBXMLResponse.parse(SharedReference.text("qbxml/responses/\(name)"))
            #expect(!response.items.isEmpty, "\(name) has no *Rs")
            for item in response.items {
                #expect(item.statusCode >= 0, "\(name): no statusCode")
                if name.contains("_error") { let anyError = response.items.contains { $0.isError }
                    #expect(anyError, "\(name)") }
                if name.contains("_ok") { #expect(!item.isError, "\(name)") }
            }
        }
    }

    @Test func refusesWhatIsNotAResponse() {
        #expect(throws: QBXMLFileError.self) { try QBXMLResponse.parse("") }
        #expect(throws: QBXMLFileError.self) { try QBXMLResponse.parse("<QBXML><QBXMLMsgsRq/></QBXML>") }
        #expect(throws: QBXMLFileError.self) { try QBXMLResponse.parse("<QBXML><QBXMLMsgsRs>") }
    }

    @Test func warningsAreNotFailures() throws {
        let response = try QBXMLResponse.parse(
            #"<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><CustomerQueryRs requestID="3" statusCode="500" statusSeverity="Warn" statusMessage="not found" /><CustomerModRs requestID="4" statusCode="530" statusSeverity="Warn" statusMessage="field not supported"><CustomerRet><ListID>80-1</ListID></CustomerRet></CustomerModRs></QBXMLMsgsRs></QBXML>"#)
        #expect(response.items.map(\.isError) == [false, false])
        #expect(response.items[1].listID == "80-1")
    }
}

@Suite struct InDoubtLookupTests {
    let receipt = "<SalesReceiptAddRq><SalesReceiptAdd><CustomerRef><FullName>Amazon</FullName></CustomerRef><TxnDate>2026-11-20</TxnDate><RefNumber>AMZ-1</RefNumber></SalesReceiptAdd></SalesReceiptAddRq>"

    @Test func plansLookupsByRefNumberOrName() throws {
        let byRef = try #require(InDoubtLookup.plan(forRequestBody: receipt))
        #expect(byRef.queryRequestBody == "<SalesReceiptQueryRq><RefNumber>AMZ-1</RefNumber></SalesReceiptQueryRq>")
        let customer = try #require(InDoubtLookup.plan(forRequestBody: "<CustomerAddRq><CustomerAdd><Name>Amazon</Name></CustomerAdd></CustomerAddRq>"))
        #expect(customer.queryRequestBody == "<CustomerQueryRq><FullName>Amazon</FullName></CustomerQueryRq>")
        let job = try #require(InDoubtLookup.plan(forRequestBody: "<ItemServiceAddRq><ItemServiceAdd><Name>Fee</Name><ParentRef><FullName>Amazon</FullName></ParentRef></ItemServiceAdd></ItemServiceAddRq>"))
        #expect(job.queryRequestBody == "<ItemQueryRq><FullName>Amazon:Fee</FullName></ItemQueryRq>")
    }

    @Test func cannotLookUpWhatHasNoKey() {
        #expect(InDoubtLookup.plan(forRequestBody: "<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-11-20</TxnDate></SalesReceiptAdd></SalesReceiptAddRq>") == nil)
        #expect(InDoubtLookup.plan(forRequestBody: "<CustomerModRq><CustomerMod><Name>A</Name></CustomerMod></CustomerModRq>") == nil)
        #expect(InDoubtLookup.plan(forRequestBody: "<DepositAddRq><DepositAdd><Memo>x</Memo></DepositAdd></DepositAddRq>") == nil)
        #expect(InDoubtLookup.plan(forRequestBody: "not xml") == nil)
    }

    func rs(_ code: Int, _ severity: String, _ rets: [String]) throws -> QBXMLResponseItem {
        QBXMLResponseItem(
            type: "SalesReceiptQueryRs", requestID: "check-1", statusCode: code, statusSeverity: severity,
            statusMessage: "", rets: try rets.map { try XMLReader.parse($0) })
    }

    @Test func decidesFromQuickBooksAnswer() throws {
        let plan = try #require(InDoubtLookup.plan(forRequestBody: receipt))
        let match = "<SalesReceiptRet><TxnID>T-9</TxnID><CustomerRef><FullName>amazon</FullName></CustomerRef><TxnDate>2026-11-20</TxnDate><RefNumber>AMZ-1</RefNumber></SalesReceiptRet>"
        #expect(plan.outcome(of: try rs(0, "Info", [match])) == .found(id: "T-9"))
        #expect(plan.outcome(of: try rs(1, "Info", [])) == .notFound)
        // Same RefNumber, other date or customer: somebody else's transaction, not ours.
        let otherDate = match.replacingOccurrences(of: "2026-11-20", with: "2025-01-01")
        #expect(plan.outcome(of: try rs(0, "Info", [otherDate])) == .notFound)
        let otherCustomer = match.replacingOccurrences(of: ">amazon<", with: ">Walk-in<")
        #expect(plan.outcome(of: try rs(0, "Info", [otherCustomer])) == .notFound)
        if case .unanswered = plan.outcome(of: try rs(3120, "Error", [])) {} else { Issue.record("an error must leave the item in doubt") }
    }
}
