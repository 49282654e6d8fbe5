import SOAP

/// How much of a request body qblink reads, and when. A call that carries no ticket (serverVersion,
/// clientVersion, authenticate) is a few hundred bytes from a real Web Connector: it may send at most
/// `withoutTicket`, announced or not. Any other body may grow past `beforeTicketCheck` only once the ticket in
/// its first bytes is found to be an active session's; then up to `max`, the configured limit.
public struct BodyLimits: Sendable {
    public var max: Int
    public var withoutTicket: Int
    public var beforeTicketCheck: Int
    /// Bodies over `largeBody` bytes are read and handled at most `largeBodiesAtOnce` at a time, so that peak
    /// memory stays bounded however many arrive together.
    public var largeBody: Int
    public var largeBodiesAtOnce: Int

    public init(
        max: Int = 32 << 20, withoutTicket: Int = 8 << 10, beforeTicketCheck: Int = 64 << 10, largeBody: Int = 1 << 20,
        largeBodiesAtOnce: Int = 1
    ) {
        self.max = max
        self.withoutTicket = Swift.min(withoutTicket, max)
        self.beforeTicketCheck = Swift.min(beforeTicketCheck, max)
        self.largeBody = largeBody
        self.largeBodiesAtOnce = largeBodiesAtOnce
    }

    /// The most a call may send before anything is known of it but its SOAPAction header.
    func firstLimit(_ method: SOAPMethod?) -> Int {
        if let method, !method.needsTicket { return withoutTicket }
        return beforeTicketCheck
    }

    /// The most a call may announce (`Content-Length`) and still be read: for a call with a ticket, the
    /// ticket may yet turn out to be an active session's.
    func announcedLimit(_ method: SOAPMethod?) -> Int {
        if let method, !method.needsTicket { return withoutTicket }
        return max
    }
}

/// Why a body is refused before it is read whole: the one place its reason and its metric label are written.
enum BodyRefusal: Sendable {
    /// serverVersion, clientVersion or authenticate over the small limit.
    case noTicket(SOAPMethod, limit: Int)
    /// Past the limit before its ticket was found to be an active session's.
    case withoutSession(limit: Int)
    /// Over `--max-body`.
    case overMax(limit: Int)

    /// The refusal of a body (announced, or read so far) past `limit`, the limit that applied to it.
    init(method: SOAPMethod?, limit: Int, limits: BodyLimits) {
        if let method, !method.needsTicket {
            self = .noTicket(method, limit: limit)
        } else if limit == limits.max {
            self = .overMax(limit: limit)
        } else {
            self = .withoutSession(limit: limit)
        }
    }

    var limit: Int {
        switch self {
        case .noTicket(_, let limit), .withoutSession(let limit), .overMax(let limit): limit
        }
    }

    var reason: String {
        switch self {
        case .noTicket(let method, let limit): "\(method.rawValue) carries no ticket and may send at most \(limit) bytes"
        case .withoutSession(let limit): "a body over \(limit) bytes is accepted only with the ticket of an active session in its first bytes"
        case .overMax(let limit): "the request body is larger than the limit of \(limit) bytes"
        }
    }

    /// The `reason` label of `qblink_refusals_total`.
    var metricLabel: String {
        switch self {
        case .noTicket: "no_ticket_over_limit"
        case .withoutSession: "large_body_without_session"
        case .overMax: "over_max_body"
        }
    }
}
