/// The Web Connector's SOAP methods and their parameters, in WSDL order.
public enum SOAPMethod: String, Sendable, CaseIterable {
    case serverVersion
    case clientVersion
    case authenticate
    case sendRequestXML
    case receiveResponseXML
    case connectionError
    case getLastError
    case closeConnection
    case getInteractiveURL
    case interactiveDone
    case interactiveRejected

    public static let namespace = "http://developer.intuit.com/"

    public var parameters: [String] {
        switch self {
        case .serverVersion: []
        case .clientVersion: ["strVersion"]
        case .authenticate: ["strUserName", "strPassword"]
        case .sendRequestXML:
            ["ticket", "strHCPResponse", "strCompanyFileName", "qbXMLCountry", "qbXMLMajorVers", "qbXMLMinorVers"]
        case .receiveResponseXML: ["ticket", "response", "hresult", "message"]
        case .connectionError: ["ticket", "hresult", "message"]
        case .getLastError, .closeConnection: ["ticket"]
        case .getInteractiveURL: ["wcTicket", "sessionID"]
        case .interactiveDone: ["wcTicket"]
        case .interactiveRejected: ["wcTicket", "reason"]
        }
    }

    /// The XML Schema type of the method's result.
    var resultType: String {
        switch self {
        case .authenticate: "tns:ArrayOfString"
        case .receiveResponseXML: "s:int"
        default: "s:string"
        }
    }

    /// The method a `SOAPAction` header names (`"http://developer.intuit.com/authenticate"`), or nil.
    public init?(soapAction: String?) {
        guard let soapAction else { return nil }
        let action = soapAction.trimmingCharacters(in: "\"' ")
        guard action.hasPrefix(Self.namespace) else { return nil }
        self.init(rawValue: String(action.dropFirst(Self.namespace.count)))
    }

    /// Whether the call carries a session ticket (all but serverVersion, clientVersion and authenticate).
    public var needsTicket: Bool { ticketParameter != nil }

    /// The parameter that carries the session ticket, if any.
    var ticketParameter: String? {
        switch self {
        case .serverVersion, .clientVersion, .authenticate: nil
        case .getInteractiveURL, .interactiveDone, .interactiveRejected: "wcTicket"
        default: "ticket"
        }
    }
}

/// A decoded SOAP call. Absent, `<x/>`, `<x />` and `<x></x>` parameters all read as "".
public struct SOAPCall: Sendable, Equatable {
    public var method: SOAPMethod
    public var parameters: [String: String]

    public init(method: SOAPMethod, parameters: [String: String]) {
        self.method = method
        self.parameters = parameters
    }

    public subscript(_ name: String) -> String { parameters[name] ?? "" }

    /// The ticket, from `ticket` or (for the interactive methods) `wcTicket` or `ticket`.
    public var ticket: String? {
        guard let name = method.ticketParameter else { return nil }
        let value = parameters[name] ?? parameters["ticket"] ?? ""
        return value.isEmpty ? nil : value
    }
}

/// What a method returns.
public enum SOAPResult: Sendable, Equatable {
    case string(String)
    case strings([String])
    case int(Int)
}
