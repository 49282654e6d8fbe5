import Foundation
import QBLinkTestSupport
import SOAP
import Testing
import WebConnector
import XMLKit

@Suite struct QWCAndWSDLTests {
    func qwc(_ url: String, name: String = "qblink (amazon)") throws(QWCDocument.Problem) -> QWCDocument {
        try QWCDocument(url: url, userName: "amazon", ownerID: "{OWNER}", fileID: "{FILE}", appName: name, runEveryMinutes: 30)
    }

    @Test func writesAValidQWCDocument() throws {
        let doc = try XMLReader.parse(qwc("https://books.example.com/qbwc/", name: "Shop & Co <main>").xml)
        #expect(doc.name == "QBWCXML")
        #expect(doc.childText("AppName") == "Shop & Co <main>")
        #expect(doc.childText("AppURL") == "https://books.example.com/qbwc")
        #expect(doc.childText("AppSupport") == "https://books.example.com/qbwc/support")
        #expect(doc.childText("UserName") == "amazon")
        #expect(doc.childText("OwnerID") == "{OWNER}")
        #expect(doc.childText("FileID") == "{FILE}")
        #expect(doc.childText("QBType") == "QBFS")
        #expect(doc.child("AppID") != nil)
        #expect(doc.childText("AppDescription")?.isEmpty == false)
        #expect(doc.child("Scheduler")?.childText("RunEveryNMinutes") == "30")
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func carriesEveryElementIntuitsSampleCarries() throws {
        let sample = try XMLReader.parse(SharedReference.text("qbwc/qwc/intuit-sample-HTTPSWebService.qwc"))
        let ours = try XMLReader.parse(qwc("https://books.example.com/qbwc").xml)
        let required = ["AppName", "AppID", "AppURL", "AppDescription", "AppSupport", "UserName", "OwnerID", "FileID", "QBType"]
        for name in required {
            #expect(sample.child(name) != nil, "\(name) is not in Intuit's sample")
            #expect(ours.child(name) != nil, "\(name) is missing")
        }
    }

    @Test func refusesURLsTheWebConnectorRefuses() {
        #expect(throws: QWCDocument.Problem.insecureURL("http://books.example.com/qbwc")) { try qwc("http://books.example.com/qbwc") }
        #expect(throws: QWCDocument.Problem.ipAddress("https://192.168.1.5/qbwc")) { try qwc("https://192.168.1.5/qbwc") }
        #expect(throws: QWCDocument.Problem.badURL("ftp://x/qbwc")) { try qwc("ftp://x/qbwc") }
        #expect((try? qwc("http://localhost:8080/qbwc")) != nil)
        #expect((try? qwc("http://LOCALHOST/qbwc")) != nil)
    }

    @Test func theWSDLFileIsWhatTheServerPublishes() throws {
        let file = SharedReference.packageRoot.appendingPathComponent("wsdl/QBWebConnectorSvc.wsdl")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == WSDLDocument.text(), "wsdl/QBWebConnectorSvc.wsdl is out of date: regenerate it with: swift run qblink wsdl > wsdl/QBWebConnectorSvc.wsdl")
        let wsdl = try XMLReader.parse(text)
        let operations = wsdl.child("portType")?.children("operation").compactMap { $0.attribute("name") } ?? []
        #expect(Set(operations) == Set(SOAPMethod.allCases.map(\.rawValue)))
        let schema = try #require(wsdl.child("types")?.child("schema"))
        for method in SOAPMethod.allCases {
            let element = try #require(schema.children("element").first { $0.attribute("name") == method.rawValue })
            let names = element.descendant("sequence")?.children.compactMap { $0.attribute("name") } ?? []
            #expect(names == method.parameters, "\(method)")
        }
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func coversEveryOperationOfIntuitsWSDL() throws {
        let intuit = try XMLReader.parse(SharedReference.text("qbwc/QBWebConnectorSvc.wsdl"))
        let theirs = intuit.child("portType")?.children("operation").compactMap { $0.attribute("name") } ?? []
        #expect(!theirs.isEmpty)
        for name in theirs { #expect(SOAPMethod(rawValue: name) != nil, "\(name)") }
    }
}
