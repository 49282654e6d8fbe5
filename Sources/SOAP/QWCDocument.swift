import XMLKit

/// A .qwc file: what the bookkeeper adds to the Web Connector. Pure.
public struct QWCDocument: Sendable {
    public var appName: String
    public var appID: String
    public var appURL: String
    public var appDescription: String
    public var appSupport: String
    public var userName: String
    public var ownerID: String
    public var fileID: String
    public var runEveryMinutes: Int?

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case badURL(String)
        case insecureURL(String)
        case ipAddress(String)

        public var description: String {
            switch self {
            case .badURL(let url):
                return "'\(url)' is not an http(s) URL such as https://books.example.com/qbwc"
            case .insecureURL(let url):
                return "'\(url)' uses plain http; the Web Connector accepts http only for localhost (QBWC1010), so use https://"
            case .ipAddress(let url):
                return "'\(url)' names an IP address; the Web Connector needs a host name (QBWC1001)"
            }
        }
    }

    /// Builds the document for `userName` at `url` (the endpoint, e.g. https://books.example.com/qbwc).
    /// The support URL is `url` + "/support", on the same host as the Web Connector requires.
    public init(
        url: String, userName: String, ownerID: String, fileID: String, appName: String = "qblink",
        appDescription: String = "qblink: sales from Amazon and other channels into QuickBooks",
        runEveryMinutes: Int? = nil
    ) throws(Problem) {
        let lower = url.lowercased()
        let isHTTPS = lower.hasPrefix("https://")
        guard isHTTPS || lower.hasPrefix("http://") else { throw .badURL(url) }
        let afterScheme = url.dropFirst(isHTTPS ? 8 : 7)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = String(authority.split(separator: "@").last ?? "")
        if host.hasPrefix("[") {
            throw .ipAddress(url)
        }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        guard !host.isEmpty else { throw .badURL(url) }
        if host.split(separator: ".").count == 4 && host.allSatisfy({ $0.isNumber || $0 == "." }) {
            throw .ipAddress(url)
        }
        if !isHTTPS && host.lowercased() != "localhost" { throw .insecureURL(url) }
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        self.appName = appName
        self.appID = ""
        self.appURL = base
        self.appDescription = appDescription
        self.appSupport = base + "/support"
        self.userName = userName
        self.ownerID = ownerID
        self.fileID = fileID
        self.runEveryMinutes = runEveryMinutes
    }

    public var xml: String {
        var root = XElement("QBWCXML")
        func add(_ name: String, _ value: String) {
            root.nodes.append(.element(XElement(name, nodes: value.isEmpty ? [] : [.text(value)])))
        }
        add("AppName", appName)
        add("AppID", appID)
        add("AppURL", appURL)
        add("AppDescription", appDescription)
        add("AppSupport", appSupport)
        add("UserName", userName)
        add("OwnerID", ownerID)
        add("FileID", fileID)
        add("QBType", "QBFS")
        if let minutes = runEveryMinutes {
            root.nodes.append(
                .element(XElement("Scheduler", nodes: [.element(XElement("RunEveryNMinutes", nodes: [.text(String(minutes))]))])))
        }
        add("IsReadOnly", "false")
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + root.indented()
    }
}
