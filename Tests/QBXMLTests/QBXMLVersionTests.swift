import QBLinkTestSupport
import QBXML
import Testing
import XMLKit

@Suite struct QBXMLVersionTests {
    let v = { (s: String) in QBXMLVersion(s)! }

    @Test func parsesAndOrders() {
        #expect(QBXMLVersion("13.0") == QBXMLVersion(major: 13, minor: 0))
        #expect(QBXMLVersion("2.1")! < QBXMLVersion("13.0")!)
        #expect(QBXMLVersion("13") == QBXMLVersion(major: 13, minor: 0))
        #expect(QBXMLVersion("CA3.0") == nil)
        #expect(QBXMLVersion("") == nil)
    }

    @Test func choosesTheHighestSupportedNotAboveTheAnnouncedVersion() {
        let supported = ["1.0", "2.0", "5.0", "12.0", "13.0", "14.0", "16.0", "17.0"].map(v)
        #expect(QBXMLVersion.choose(supported: supported, announced: v("13.0")) == v("13.0"))
        #expect(QBXMLVersion.choose(supported: supported, announced: v("12.5")) == v("12.0"))
        // Never above what qblink writes (16.0), whatever QuickBooks says.
        #expect(QBXMLVersion.choose(supported: supported, announced: v("17.0")) == v("16.0"))
        // No announcement: QuickBooks' list decides (capped).
        #expect(QBXMLVersion.choose(supported: supported, announced: nil) == v("16.0"))
        // No list: the announced version, capped.
        #expect(QBXMLVersion.choose(supported: [], announced: v("13.0")) == v("13.0"))
        #expect(QBXMLVersion.choose(supported: [], announced: v("99.0")) == v("16.0"))
        #expect(QBXMLVersion.choose(supported: [], announced: nil) == nil)
        #expect(QBXMLVersion.choose(supported: [v("14.0")], announced: v("13.0")) == nil)
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsTheCapturedHostQueryOfQuickBooks2006() throws {
        let envelope = try XMLReader.parse(SharedReference.text("qbwc/captures/sendRequestXML.first.request.xml"))
        let call = try #require(envelope.child("Body")?.child("sendRequestXML"))
        let host = try #require(HostInfo.parse(call.childText("strHCPResponse") ?? ""))
        #expect(host.productName == "QuickBooks Pro 2006")
        #expect(host.country == "US")
        #expect(host.supportedVersions.max() == v("5.0"))
        #expect(host.companyName == "Test Company")
        let announced = QBXMLVersion(major: Int(call.childText("qbXMLMajorVers")!)!, minor: Int(call.childText("qbXMLMinorVers")!)!)
        #expect(QBXMLVersion.choose(supported: host.supportedVersions, announced: announced) == v("5.0"))
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason))
    func readsTheRealHostQueryOfQuickBooks2014() throws {
        let host = try #require(HostInfo.parse(SharedReference.text("qbxml/responses/HostQueryRs_QBPro2014__qbwc.xml")))
        #expect(host.supportedVersions.contains(v("13.0")))
        #expect(QBXMLVersion.choose(supported: host.supportedVersions, announced: v("13.0")) == v("13.0"))
    }

    @Test func posResponseIsNotAHostQuery() {
        #expect(HostInfo.parse("HOSTQUERY/COMPANYQUERY/PREFQUERY is currently not supported in QBPOS.") == nil)
        #expect(HostInfo.parse("") == nil)
    }
}
