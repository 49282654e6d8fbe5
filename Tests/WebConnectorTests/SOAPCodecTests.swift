import Foundation
import QBLinkTestSupport
import SOAP
import Testing
import WebConnector
import XMLKit

@Suite struct SOAPCodecTests {
    static func action(_ method: String) -> String { "\"http://developer.intuit.com/\(method)\"" }
    static let contentType = "text/xml; charset=utf-8"

    func decode(_ body: String, action: String? = nil, type: String? = "text/xml; charset=utf-8", method: String = "serverVersion") throws(SOAPFault) -> SOAPCall {
        try SOAPCodec.decode(body: Array(body.utf8), soapAction: action ?? Self.action(method), contentType: type)
    }

    static let requestCaptures: [(file: String, method: SOAPMethod)] = [
        ("serverVersion.request.xml", .serverVersion), ("clientVersion.request.xml", .clientVersion),
        ("authenticate.request.xml", .authenticate), ("sendRequestXML.first.request.xml", .sendRequestXML),
        ("sendRequestXML.subsequent.request.xml", .sendRequestXML), ("receiveResponseXML.request.xml", .receiveResponseXML),
        ("receiveResponseXML.error3100.request.xml", .receiveResponseXML),
        ("receiveResponseXML.InvoiceAddRs.request.xml", .receiveResponseXML),
        ("receiveResponseXML.ReceivePaymentAddRs.request.xml", .receiveResponseXML),
        ("receiveResponseXML.batch-SalesOrderAddRs.request.xml", .receiveResponseXML),
        ("getLastError.request.xml", .getLastError), ("closeConnection.request.xml", .closeConnection),
    ]

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason), arguments: requestCaptures)
    func decodesEveryCapturedRequest(file: String, method: SOAPMethod) throws {
        let bytes = try SharedReference.bytes("qbwc/captures/\(file)")
        let call = try SOAPCodec.decode(body: bytes, soapAction: Self.action(method.rawValue), contentType: Self.contentType)
        #expect(call.method == method)
        switch method {
        case .clientVersion: #expect(call["strVersion"] == "2.0.0.116")
        case .authenticate:
            #expect(call["strUserName"] == "api")
            #expect(call["strPassword"] == "password")
        case .sendRequestXML:
            #expect(call.ticket == "ea0bf596246b623664adb465cc8662a2")
            #expect(call["strCompanyFileName"] == "C:\\KPALMER\\QBW\\Test Company.QBW")
            #expect(call["qbXMLMajorVers"] == "5")
            if file.contains("first") { #expect(call["strHCPResponse"].hasPrefix("<?xml version=\"1.0\" ?>\n<QBXML>")) }
            else { #expect(call["strHCPResponse"] == "") }
        case .receiveResponseXML:
            #expect(call["response"].contains("<QBXMLMsgsRs>"))
            #expect(call["hresult"] == "")
            #expect(call["message"] == "")
            if file.contains("3100") { #expect(call["response"].contains("statusMessage=\"The name &quot;Shipping Item")) }
        case .getLastError, .closeConnection: #expect(call.ticket == "ea0bf596246b623664adb465cc8662a2")
        default: break
        }
    }

    @Test func treatsAbsentSelfClosedAndEmptyParametersAlike() throws {
        let env = WebConnectorClient.envelope("receiveResponseXML", [("ticket", "T"), ("response", ""), ("hresult", "0x80040400")])
        #expect(env.contains("<response />"))
        let call = try decode(env, method: "receiveResponseXML")
        #expect(call["response"] == "" && call["message"] == "" && call["hresult"] == "0x80040400")
        let explicit = try decode(
            WebConnectorClient.prefix + "<getLastError xmlns=\"http://developer.intuit.com/\"><ticket></ticket></getLastError>" + WebConnectorClient.suffix,
            method: "getLastError")
        #expect(explicit.ticket == nil)
    }

    @Test func acceptsAnyEnvelopePrefixAndAnEmptyOrAbsentQuotedAction() throws {
        let body = #"<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><i:clientVersion xmlns:i="http://developer.intuit.com/"><i:strVersion>2.3.0.215</i:strVersion></i:clientVersion></e:Body></e:Envelope>"#
        #expect(try decode(body, method: "clientVersion")["strVersion"] == "2.3.0.215")
        #expect(try decode(body, action: "\"\"")["strVersion"] == "2.3.0.215")
    }

    func fault(_ body: String, action: String? = "\"http://developer.intuit.com/serverVersion\"", type: String? = "text/xml; charset=utf-8") -> SOAPFault? {
        do {
            _ = try SOAPCodec.decode(body: Array(body.utf8), soapAction: action, contentType: type)
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesHostileAndBrokenCallsWithFaults() throws {
        let good = WebConnectorClient.envelope("serverVersion", [])
        #expect(fault(good) == nil)
        #expect(try #require(fault(good, type: "application/json")).message.contains("Content-Type"))
        #expect(try #require(fault(good, type: nil)).message.contains("Content-Type"))
        #expect(try #require(fault(good, action: nil)).message.contains("SOAPAction"))
        #expect(try #require(fault(good, action: "\"http://developer.intuit.com/authenticate\"")).message.contains("does not match"))
        #expect(try #require(fault("garbage")).message.contains("not well-formed"))
        #expect(try #require(fault(String(good.prefix(120)))).message.contains("not well-formed"))
        #expect(try #require(fault("")).message.contains("empty"))
        #expect(try #require(fault("<a/>")).message.contains("not a SOAP"))
        let xxe = #"<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><clientVersion xmlns="http://developer.intuit.com/"><strVersion>&x;</strVersion></clientVersion></soap:Body></soap:Envelope>"#
        let dtd = try #require(fault(xxe, action: "\"http://developer.intuit.com/clientVersion\""))
        #expect(dtd.message.contains("DTD"))
        #expect(!dtd.message.contains("root:"))
        let soap12 = #"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>"#
        #expect(try #require(fault(soap12)).code == .versionMismatch)
        let unknown = WebConnectorClient.envelope("dropTables", [])
        #expect(try #require(fault(unknown, action: "\"http://developer.intuit.com/dropTables\"")).message.contains("unknown method"))
        let wrongNamespace = #"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion xmlns="urn:other"/></soap:Body></soap:Envelope>"#
        #expect(try #require(fault(wrongNamespace)).message.contains("unknown method"))
        let noBody = #"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>"#
        #expect(try #require(fault(noBody)).message.contains("no soap:Body"))
    }

    @Test func encodesTheASMXShapeTheDotNetClientExpects() throws {
        let auth = SOAPCodec.encode(.authenticate, .strings(["T-1", ""]))
        #expect(auth.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""))
        #expect(auth.contains("<authenticateResponse xmlns=\"http://developer.intuit.com/\"><authenticateResult><string>T-1</string><string></string></authenticateResult></authenticateResponse>"))
        #expect(SOAPCodec.encode(.receiveResponseXML, .int(42)).contains("<receiveResponseXMLResult>42</receiveResponseXMLResult>"))
        let qbxml = "<?xml version=\"1.0\"?><QBXML>A & B</QBXML>"
        let send = SOAPCodec.encode(.sendRequestXML, .string(qbxml))
        #expect(send.contains("&lt;QBXML&gt;A &amp; B&lt;/QBXML&gt;"))
        let parsed = try XMLReader.parse(send)
        #expect(parsed.child("Body")?.child("sendRequestXMLResponse")?.childText("sendRequestXMLResult") == qbxml)
        let fault = SOAPCodec.encode(SOAPFault(.client, "bad <thing>"))
        let f = try XMLReader.parse(fault).child("Body")?.child("Fault")
        #expect(f?.childText("faultcode") == "soap:Client")
        #expect(f?.childText("faultstring") == "bad <thing>")
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func ourAnswersCarryWhatTheCapturedAnswersCarry() throws {
        // Same element names and values as the captured responses QBWC accepted (only the prefixes differ).
        for (file, method, result) in [
            ("clientVersion.response.xml", SOAPMethod.clientVersion, SOAPResult.string("")),
            ("receiveResponseXML.response.xml", .receiveResponseXML, .int(0)),
            ("closeConnection.response.xml", .closeConnection, .string("Complete!")),
            ("authenticate.response.xml", .authenticate, .strings(["ea0bf596246b623664adb465cc8662a2", ""])),
        ] {
            let captured = try XMLReader.parse(SharedReference.text("qbwc/captures/\(file)"))
            let ours = try XMLReader.parse(SOAPCodec.encode(method, result))
            #expect(ours.child("Body")?.children == captured.child("Body")?.children, "\(file)")
        }
    }

    @Test func refusesMarkupNoWebConnectorSendsBeforeParsingIt() throws {
        func fault(_ body: String) -> String? {
            do {
                _ = try SOAPCodec.decode(body: Array(body.utf8), soapAction: "http://developer.intuit.com/getLastError", contentType: "text/xml")
                return nil
            } catch { return error.message }
        }
        let many = WebConnectorClient.envelope("getLastError", [("ticket", "t")]).replacingOccurrences(of: "</getLastError>", with: String(repeating: "<a/>", count: 5_000) + "</getLastError>")
        #expect(fault(many)?.contains("more than 4096 tags") == true)
        let attributes = (0..<2_000).map { "a\($0)=\"\"" }.joined(separator: " ")
        let wide = WebConnectorClient.envelope("getLastError", [("ticket", "t")]).replacingOccurrences(of: "<ticket>", with: "<ticket \(attributes)>")
        #expect(fault(wide)?.contains("longer than 4096 bytes") == true)
        // A real call's qbXML is escaped text: megabytes of it are not markup.
        let qbxml = String(repeating: "<CustomerRet><Name>x</Name></CustomerRet>", count: 50_000)
        let real = WebConnectorClient.envelope("receiveResponseXML", [("ticket", "t"), ("response", qbxml), ("hresult", ""), ("message", "")])
        #expect(try SOAPCodec.decode(body: Array(real.utf8), soapAction: "http://developer.intuit.com/receiveResponseXML", contentType: "text/xml")["response"] == qbxml)
    }

    @Test func masksPasswordsForTheLog() {
        let body = WebConnectorClient.envelope("authenticate", [("strUserName", "amazon"), ("strPassword", "s3cr&t<>")])
        let masked = SOAPCodec.maskingPasswords(in: body)
        #expect(!masked.contains("s3cr"))
        #expect(masked.contains("<strPassword>********</strPassword>"))
        #expect(masked.contains("<strUserName>amazon</strUserName>"))
        let prefixed = "<x:strPassword>p4ss</x:strPassword><strPassword /><a>strPassword</a>"
        #expect(SOAPCodec.maskingPasswords(in: prefixed) == "<x:strPassword>********</x:strPassword><strPassword /><a>strPassword</a>")
    }

    @Test(arguments: [
        "<![CDATA[s3cret]]>", "<!-- hi -->s3cret", "s3&#99;ret", "s3cr<!---->et", "<![CDATA[s3c]]>ret",
    ])
    func masksAPasswordWhateverFormItTakes(_ form: String) throws {
        let body = WebConnectorClient.prefix + "<authenticate xmlns=\"http://developer.intuit.com/\"><strUserName>amazon</strUserName>"
            + "<strPassword a=\">\">\(form)</strPassword></authenticate>" + WebConnectorClient.suffix
        // The decoder reads a password from it (so a Web Connector could log in with it) …
        let call = try SOAPCodec.decode(body: Array(body.utf8), soapAction: "http://developer.intuit.com/authenticate", contentType: "text/xml")
        #expect(call["strPassword"].hasPrefix("s3c"))
        // … and the log keeps none of it.
        let masked = SOAPCodec.maskingPasswords(in: body)
        #expect(!masked.contains("s3c") && !masked.contains("ret"), "\(masked)")
        #expect(SOAPCodec.loggedParameters(masked)?["strPassword"] == "********")
        // A body cut inside the password (an excerpt) is masked to its end.
        let cut = String(body.prefix(body.utf8.count - 40))
        #expect(!SOAPCodec.maskingPasswords(in: cut).contains("s3c"))
    }

    @Test func answersClientVersionByPolicy() {
        #expect(ClientVersionPolicy().answer(for: "2.0.0.116") == "")
        let warn = ClientVersionPolicy(minimum: "2.3.0.215", action: .warn)
        #expect(warn.answer(for: "2.3.0.215") == "")
        #expect(warn.answer(for: "2.3.1") == "")
        #expect(warn.answer(for: "2.2.0.71").hasPrefix("W:"))
        let error = ClientVersionPolicy(minimum: "2.3", action: .error)
        #expect(error.answer(for: "2.0.0.116").hasPrefix("E:"))
        #expect(error.answer(for: "garbage").hasPrefix("E:"))
    }
}
