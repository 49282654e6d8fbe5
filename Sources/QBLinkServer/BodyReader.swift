import Hummingbird
import NIOCore
import SOAP

/// Reads a request body within `BodyLimits`, a chunk at a time, never more than the limit that applies.
enum BodyReader {
    enum Outcome {
        case body(ByteBuffer)
        /// Refused before it was read whole.
        case tooLarge(BodyRefusal)
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
                    return .tooLarge(BodyRefusal(method: method, limit: limit, limits: limits))
                }
            }
            buffer.writeImmutableBuffer(chunk)
        }
        return .body(buffer)
    }
}
