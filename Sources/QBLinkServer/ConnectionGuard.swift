import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// One per connection, right after HTTP decoding: admits the connection within `ConnectionLimits` (else closes it
/// at once), and closes it when the client is too slow: no whole request head within `headSeconds` of opening or
/// of the last answer (slowloris, a stalled TLS handshake, an idle keep-alive connection), or a body trickled
/// slower than `minimumBodyRate` once the grace is over. Only time spent waiting for the client counts: while a
/// body is not being read (a large one waiting for its turn, or the answer being worked out), no clock runs.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum Phase {
        /// Waiting for a request head since this moment.
        case waitingForHead(since: NIODeadline)
        /// Reading a body: bytes so far, and how long qblink has waited on the client for them.
        case readingBody(bytes: Int, waited: TimeAmount)
        /// The request is whole; the answer is being worked out (no timeout of ours).
        case answering
    }

    private let registry: ConnectionRegistry
    private let refused: @Sendable (String) -> Void
    /// Its place in the registry, once admitted.
    private var id: Int?
    private var phase = Phase.waitingForHead(since: .now()) {
        didSet {
            guard let id else { return }
            switch (oldValue, phase) {
            case (.waitingForHead, .waitingForHead), (.readingBody, .readingBody), (.answering, .answering): break
            case (_, .waitingForHead(let since)): registry.setIdle(id, since: since)
            default: registry.setIdle(id, since: nil)
            }
        }
    }
    /// When qblink asked for more of the request and has not had it yet.
    private var readPendingSince: NIODeadline?
    private var check: Scheduled<Void>?

    init(registry: ConnectionRegistry, refused: @escaping @Sendable (String) -> Void) {
        self.registry = registry
        self.refused = refused
    }

    var limits: ConnectionLimits { registry.limits }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        switch registry.admit(address, channel: context.channel) {
        case .admitted(let id):
            self.id = id
            scheduleCheck(context)
        case .admittedByEvicting(let id):
            refused("evicted_idle")
            self.id = id
            scheduleCheck(context)
        case .overTotal:
            refused("connections")
            context.close(promise: nil)
        case .overClient:
            refused("client_connections")
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        if let id { registry.release(id) }
        id = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let waited = readPendingSince.map { NIODeadline.now() - $0 } ?? .zero
        readPendingSince = nil
        switch unwrapInboundIn(data) {
        case .head:
            phase = .readingBody(bytes: 0, waited: .zero)
        case .body(let buffer):
            if case .readingBody(let bytes, let before) = phase {
                phase = .readingBody(bytes: bytes + buffer.readableBytes, waited: before + waited)
            }
        case .end:
            phase = .answering
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if readPendingSince == nil { readPendingSince = .now() }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), case .answering = phase { phase = .waitingForHead(since: .now()) }
        context.write(data, promise: promise)
    }

    /// Whether the client has had longer than the limits allow for what it has sent, at `now`.
    func isTooSlow(at now: NIODeadline) -> Bool {
        let grace = TimeAmount.seconds(Int64(limits.headSeconds))
        switch phase {
        case .waitingForHead(let since):
            return now - since > grace
        case .readingBody(let bytes, let waited):
            let waiting = waited + (readPendingSince.map { now - $0 } ?? .zero)
            let allowed = grace + .nanoseconds(Int64(bytes) * 1_000_000_000 / Int64(max(1, limits.minimumBodyRate)))
            return waiting > allowed
        case .answering:
            return false
        }
    }

    private func scheduleCheck(_ context: ChannelHandlerContext) {
        check = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in
            guard id != nil else { return }
            if isTooSlow(at: .now()) {
                refused(Self.reason(phase))
                if case .readingBody = phase {
                    // The request began and no answer has: say why before closing (a client between requests
                    // gets no answer it did not ask for).
                    let timeout = HTTPResponse(status: .requestTimeout, headerFields: [.connection: "close", .contentLength: "0"])
                    context.write(wrapOutboundOut(.head(timeout)), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
                context.close(promise: nil)
            } else {
                scheduleCheck(context)
            }
        }
    }

    static func reason(_ phase: Phase) -> String {
        if case .readingBody = phase { return "slow_body" }
        return "head_timeout"  // a trickled head, a stalled TLS handshake, or a keep-alive connection left idle
    }
}
