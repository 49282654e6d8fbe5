import Hummingbird
import NIOCore
import SOAP

/// Reads a request body within `BodyLimits`, a chunk at a time, never more than the limit that applies.
enum BodyReader {
    enum Outcome {
        case body(ByteBuffer)
        /// Refused before it was read whole: the limit that applied and why.
        case tooLarge(limit: Int, reason: String)
    }

    static func read(
        _ request: inout Request, method: SOAPMethod?, limits: BodyLimits, isActiveTicket: (String) async -> Bool
    ) async throws -> Outcome {
        var buffer = ByteBuffer()
        var limit = limits.firstLimit(method)
        var checked = false
        for try await chunk in request.body {
            if buffer.readableBytes + chunk.readableBytes > limit {
                if !checked && limit < limits.max && method?.needsTicket != false {
                    checked = true
                    var start = buffer
                    start.writeImmutableBuffer(chunk)
                    let head = Array(start.readableBytesView.prefix(limits.beforeTicketCheck))
                    if let ticket = SOAPCodec.peekTicket(head), await isActiveTicket(ticket) { limit = limits.max }
                }
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    let reason = limit == limits.withoutTicket && method?.needsTicket == false
                        ? "\(method!.rawValue) carries no ticket and may send at most \(limit) bytes"
                        : limit == limits.max
                            ? "the request body is larger than the limit of \(limit) bytes"
                            : "a body over \(limit) bytes is accepted only with the ticket of an active session in its first bytes"
                    return .tooLarge(limit: limit, reason: reason)
                }
            }
            buffer.writeImmutableBuffer(chunk)
        }
        return .body(buffer)
    }
}
