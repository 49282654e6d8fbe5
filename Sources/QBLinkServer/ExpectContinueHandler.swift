import HTTPTypes
import NIOCore
import NIOHTTPTypes
import SOAP

/// Answers `Expect: 100-continue` at once with `100 Continue`.
///
/// The Web Connector (a .NET client) sends the header on every call and waits about 350 ms for the interim
/// response before sending the body anyway; answering straight away removes that stall from each call.
/// When the announced body is over the limit for its method (see `BodyLimits`) no `100 Continue` is sent:
/// the route answers 413 instead.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let limits: BodyLimits

    init(limits: BodyLimits) {
        self.limits = limits
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            let expect = request.headerFields[.expect], expect.lowercased() == "100-continue"
        {
            let length = request.headerFields[.contentLength].flatMap { Int($0) } ?? 0
            let method = SOAPMethod(soapAction: request.headerFields[HTTPField.Name("SOAPAction")!])
            if length <= limits.announcedLimit(method) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
            }
        }
        context.fireChannelRead(data)
    }
}
