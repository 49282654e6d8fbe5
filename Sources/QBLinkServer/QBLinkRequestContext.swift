import Hummingbird
import NIOCore

/// Hummingbird's basic request context plus the caller's address (for the per-client login limit).
public struct QBLinkRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The caller's IP address as text, without the port.
    var clientAddress: String? { remoteAddress?.ipAddress }
}
