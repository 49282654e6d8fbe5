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
