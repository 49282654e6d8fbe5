import Foundation
import Logging
import SOAP
import Store
import Synchronization

/// The Web Connector service: decodes a SOAP call, runs it against the Store, encodes the answer and
/// records the exchange. The HTTP server only hands bodies in and out.
public final class WebConnectorService: Sendable {
    public let store: Store
    public let configuration: WebConnectorConfiguration
    let logger: Logger
    let now: @Sendable () -> Date
    let credentials: CredentialCache
    let hashing: HashingPool
    let parsing: ParsingPool
    let clientFailures: ClientFailures
    let idleTickets: IdleTickets
    let exchangeLog: ExchangeLogWriter
    /// Where the calls' time goes, per method and step.
    public let profile = CallProfile()

    public init(
        store: Store, configuration: WebConnectorConfiguration = .init(),
        logger: Logger = Logger(label: "qblink.webconnector"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.now = now
        credentials = CredentialCache(lifetime: configuration.credentialLifetime)
        hashing = HashingPool(width: configuration.hashingWorkers)
        parsing = ParsingPool(width: configuration.parsingWorkers)
        clientFailures = ClientFailures(limit: configuration.clientFailureLimit)
        idleTickets = IdleTickets(lifetime: configuration.idleTimeout)
        exchangeLog = ExchangeLogWriter(store: store, logger: logger)
    }

    /// Checks a password against a slow hash on the service's hashing pool (shared with authenticate, so the
    /// slow checks running at once stay bounded in total); nil when the pool is full. A nil `hash` checks the
    /// decoy, so an unknown name costs what a known one does, and never matches.
    public func verifyPassword(_ password: String, against hash: String?) async -> Bool? {
        await hashing.verify(password, against: hash)
    }

    /// Documents parsed on the parsing pool's own threads so far (those over 64 KB).
    public var largeParses: Int { parsing.parses }

    /// Gives the memory a burst of large bodies freed back to the system (call when the last of them is answered).
    public func releaseFreeMemory() {
        parsing.releaseFreeMemory()
    }

    /// Waits until every call answered so far is in the exchange log (shutdown, and readers that must see it).
    public func flushExchangeLog() async {
        await exchangeLog.flush()
    }

    /// What writing the exchange log has cost: records, batches, wall time and records that could not be written.
    public func exchangeLogTotals() async -> (records: Int, batches: Int, nanoseconds: UInt64, failures: Int) {
        let t = await exchangeLog.totals
        return (t.records, t.batches, t.nanoseconds, t.failures)
    }

    /// Records a call the HTTP side refused before reading its body: method (from its SOAPAction), size and
    /// why, never the body.
    public func recordRefusal(method: String?, announcedBytes: Int?, readBytes: Int, reason: String, status: Int, client: String?) async {
        let size = announcedBytes.map { "\($0) bytes announced" } ?? "over \(readBytes) bytes"
        logger.warning("refused a request before reading it", metadata: ["method": "\(method ?? "-")", "reason": "\(reason)", "client": "\(client ?? "-")"])
        await exchangeLog.append(
            .init(
                at: now(), method: method ?? "(refused)", ticket: nil, userName: nil, sessionID: nil, durationMS: 0, httpStatus: status,
                request: Array("(not read: \(size); \(reason))".utf8), response: "", bodyLimit: ExchangeLogWriter.untrustedExcerpt))
    }

    /// Whether `ticket` belongs to an active session (one read): only such a call may send a large body.
    public func isActiveTicket(_ ticket: String) async -> Bool {
        guard let lookup = try? await store.session(ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout) else { return false }
        if case .active = lookup { return true }
        return false
    }

    /// Authentications refused so far (wrong or unknown, throttled, or from a client that keeps failing).
    public var failedLogins: Int { loginFailures.load(ordering: .relaxed) }
    let loginFailures = Atomic<Int>(0)

    /// Slow password verifications run so far (each costs about a third of a second of CPU).
    public var slowVerifications: Int { hashing.verifications }

    /// An HTTP answer: status and SOAP body (always `text/xml; charset=utf-8`).
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
    }

    /// What a call touched, for the exchange log.
    struct Context {
        var sessionID: Int64?
        var userName: String?
        /// The caller's address, when the HTTP side knows it.
        var client: String?
        /// The call came with a password that verified, or a ticket of an active session (or of an idle poll):
        /// its bodies are logged (up to the per-call cap). Anything else is logged as a bounded excerpt.
        var trusted = false
    }

    /// Answers one SOAP call. `client` is the caller's address (for the per-client authentication limit).
    /// The call's queue change, if any, is committed before this returns; its exchange-log record is queued and
    /// written in the background (`flushExchangeLog` waits for it).
    public func respond(body: [UInt8], soapAction: String?, contentType: String?, client: String? = nil) async -> Reply {
        let started = DispatchTime.now().uptimeNanoseconds
        var context = Context(client: client)
        var methodName = "(refused)"
        var ticket: String?
        let reply: Reply
        var decoded = started
        var worked = started
        do {
            let call = try await parsing.run(bytes: body.count) {
                Result { () throws(SOAPFault) in try SOAPCodec.decode(body: body, soapAction: soapAction, contentType: contentType) }
            }.get()
            decoded = DispatchTime.now().uptimeNanoseconds
            methodName = call.method.rawValue
            ticket = call.ticket
            do {
                let result = try await dispatch(call, &context)
                worked = DispatchTime.now().uptimeNanoseconds
                reply = Reply(status: 200, body: SOAPCodec.encode(call.method, result))
            } catch {
                worked = DispatchTime.now().uptimeNanoseconds
                logger.error("internal error", metadata: ["method": "\(methodName)", "error": "\(error)"])
                reply = Reply(
                    status: 500, body: SOAPCodec.encode(SOAPFault(.server, "qblink could not complete \(methodName): \(error)")))
            }
        } catch {
            decoded = DispatchTime.now().uptimeNanoseconds
            worked = decoded
            logger.warning("refused a request", metadata: ["reason": "\(error.message)"])
            reply = Reply(status: 500, body: SOAPCodec.encode(error))
        }
        let encoded = DispatchTime.now().uptimeNanoseconds
        let elapsed = Double(encoded - started) / 1_000_000
        await exchangeLog.append(
            .init(
                at: now(), method: methodName, ticket: ticket, userName: context.userName, sessionID: context.sessionID,
                durationMS: elapsed, httpStatus: reply.status, request: body, response: reply.body,
                bodyLimit: context.trusted ? configuration.logBodyLimit : ExchangeLogWriter.untrustedExcerpt))
        let logged = DispatchTime.now().uptimeNanoseconds
        profile.record(methodName, decode: decoded - started, work: worked - decoded, encode: encoded - worked, log: logged - encoded)
        logger.info(
            "soap call",
            metadata: [
                "method": "\(methodName)", "status": "\(reply.status)", "ms": "\(Int(elapsed))",
                "user": "\(context.userName ?? "-")", "session": "\(context.sessionID.map(String.init) ?? "-")",
            ])
        return reply
    }

    func dispatch(_ call: SOAPCall, _ context: inout Context) async throws -> SOAPResult {
        do {
            return try await answer(call, &context)
        } catch StoreError.sessionOver(let id, let state) {
            // Another session replaced this one (or it expired) between the call's lookup and its write.
            logger.warning("call on an ended session", metadata: ["method": "\(call.method.rawValue)", "session": "\(id)", "state": "\(state.rawValue)"])
            return Self.sessionOverAnswer(call.method)
        }
    }

    /// What a session call answers when its session is unknown or over.
    static func sessionOverAnswer(_ method: SOAPMethod) -> SOAPResult {
        switch method {
        case .receiveResponseXML: return .int(-1)
        case .closeConnection: return .string(sessionOverMessage)
        case .connectionError: return .string("done")
        case .getLastError: return .string(unknownTicketMessage)
        default: return .string("")
        }
    }

    func answer(_ call: SOAPCall, _ context: inout Context) async throws -> SOAPResult {
        switch call.method {
        case .serverVersion:
            return .string(configuration.serverVersion)
        case .clientVersion:
            return .string(configuration.clientVersion.answer(for: call["strVersion"]))
        case .authenticate:
            return .strings(try await authenticate(user: call["strUserName"], password: call["strPassword"], &context))
        case .sendRequestXML:
            return .string(try await sendRequestXML(call, &context))
        case .receiveResponseXML:
            return .int(try await receiveResponseXML(call, &context))
        case .connectionError:
            return .string(try await connectionError(call, &context))
        case .getLastError:
            return .string(try await lastError(call, &context))
        case .closeConnection:
            return .string(try await closeConnection(call, &context))
        case .getInteractiveURL:
            return .string("")
        case .interactiveDone:
            return .string("Done")
        case .interactiveRejected:
            return .string("qblink does not use interactive mode; nothing to do.")
        }
    }

    /// The user name of an idle ticket (an authenticate that answered `none`; no session row), or nil.
    func idleUser(_ call: SOAPCall, _ context: inout Context) -> String? {
        guard let ticket = call.ticket, let name = idleTickets.userName(of: ticket, now: now()) else { return nil }
        context.userName = name
        context.trusted = true
        return name
    }

    /// The active session of a call's ticket, or nil (logged) when the ticket is unknown or its session over.
    func activeSession(_ call: SOAPCall, _ context: inout Context) async throws -> SessionInfo? {
        guard let ticket = call.ticket else {
            logger.warning("call without a ticket", metadata: ["method": "\(call.method.rawValue)"])
            return nil
        }
        switch try await store.session(ticket: ticket, now: now(), idleTimeout: configuration.idleTimeout) {
        case .active(let info): return found(call, .active(info, info), &context)
        case .ended(let info): return found(call, SessionCall<SessionInfo>.ended(info), &context)
        case .unknown: return found(call, SessionCall<SessionInfo>.unknown, &context)
        }
    }

    /// The result of a call carried out on its ticket's session, or nil (logged) when the ticket is unknown or
    /// its session over. Notes the session and user for the exchange log.
    func found<T>(_ call: SOAPCall, _ outcome: SessionCall<T>, _ context: inout Context) -> T? {
        switch outcome {
        case .active(let info, let result):
            context.sessionID = info.session.id
            context.userName = info.userName
            context.trusted = true
            return result
        case .ended(let info):
            context.sessionID = info.session.id
            context.userName = info.userName
            logger.warning(
                "call on an ended session",
                metadata: ["method": "\(call.method.rawValue)", "session": "\(info.session.sessionID)", "state": "\(info.session.state.rawValue)"])
            return nil
        case .unknown:
            logger.warning("call with an unknown ticket", metadata: ["method": "\(call.method.rawValue)"])
            return nil
        }
    }
}
