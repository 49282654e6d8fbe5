import XMLKit

/// What QuickBooks tells about itself in the first sendRequestXML's `strHCPResponse`
/// (HostQueryRs, CompanyQueryRs, PreferencesQueryRs).
public struct HostInfo: Sendable, Equatable {
    public var productName: String?
    public var country: String?
    public var supportedVersions: [QBXMLVersion]
    public var companyName: String?
    /// The `FileID` data extensions the Web Connector stored in the company file, by OwnerID (uppercased):
    /// they tell which company file this is.
    public var fileIDs: [String: String]

    public init(
        productName: String? = nil, country: String? = nil, supportedVersions: [QBXMLVersion] = [],
        companyName: String? = nil, fileIDs: [String: String] = [:]
    ) {
        self.productName = productName
        self.country = country
        self.supportedVersions = supportedVersions
        self.companyName = companyName
        self.fileIDs = fileIDs
    }

    /// Reads the HCP response. Returns nil when the text is empty or not a qbXML response (QuickBooks POS
    /// sends a sentence instead); never throws, because a missing HostQueryRs only means "fall back".
    public static func parse(_ hcpResponse: String) -> HostInfo? {
        guard hcpResponse.contains("<"), let root = try? XMLReader.parse(hcpResponse) else { return nil }
        let company = root.descendant("CompanyRet")
        var fileIDs: [String: String] = [:]
        for ext in company?.children("DataExtRet") ?? [] where ext.childText("DataExtName") == "FileID" {
            if let owner = ext.childText("OwnerID"), let value = ext.childText("DataExtValue") {
                fileIDs[owner.uppercased()] = value
            }
        }
        let host = root.descendant("HostRet")
        guard host != nil || company != nil else { return nil }
        return HostInfo(
            productName: host?.childText("ProductName"),
            country: host?.childText("Country"),
            supportedVersions: host?.children("SupportedQBXMLVersion").compactMap { QBXMLVersion($0.text) } ?? [],
            companyName: company?.childText("CompanyName"), fileIDs: fileIDs)
    }
}
