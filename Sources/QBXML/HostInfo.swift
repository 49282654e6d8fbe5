import XMLKit

/// What QuickBooks tells about itself in the first sendRequestXML's `strHCPResponse`
/// (HostQueryRs, CompanyQueryRs, PreferencesQueryRs).
public struct HostInfo: Sendable, Equatable {
    public var productName: String?
    public var country: String?
    public var supportedVersions: [QBXMLVersion]
    public var companyName: String?

    public init(productName: String? = nil, country: String? = nil, supportedVersions: [QBXMLVersion] = [], companyName: String? = nil) {
        self.productName = productName
        self.country = country
        self.supportedVersions = supportedVersions
        self.companyName = companyName
    }

    /// Reads the HCP response. Returns nil when the text is empty or not a qbXML response (QuickBooks POS
    /// sends a sentence instead); never throws, because a missing HostQueryRs only means "fall back".
    public static func parse(_ hcpResponse: String) -> HostInfo? {
        guard hcpResponse.contains("<"), let root = try? XMLReader.parse(hcpResponse) else { return nil }
        guard let host = root.descendant("HostRet") else {
            return root.descendant("CompanyRet").map { HostInfo(companyName: $0.childText("CompanyName")) }
        }
        return HostInfo(
            productName: host.childText("ProductName"),
            country: host.childText("Country"),
            supportedVersions: host.children("SupportedQBXMLVersion").compactMap { QBXMLVersion($0.text) },
            companyName: root.descendant("CompanyRet")?.childText("CompanyName"))
    }
}
