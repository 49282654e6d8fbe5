import Foundation
import SOAP
import Store

extension WebConnectorService {
    /// A hash computed for unknown user names, so that they take as long to refuse as wrong passwords.
    static let decoyHash = PasswordHasher.hash("qblink-decoy-password")

    func authenticate(user: String, password: String, _ context: inout Context) async throws -> [String] {
        context.userName = user
        let now = now()
        if let wait = try await store.throttleDelay(name: user, now: now, freeFailures: configuration.freeAuthFailures) {
            logger.warning(
                "authentication throttled",
                metadata: ["user": "\(user)", "retry_after_s": "\(Int(wait.rounded(.up)))"])
            return ["", "nvu"]
        }
        let account = try await store.user(named: user)
        let hash = account?.passwordHash ?? Self.decoyHash
        let matches = await Self.offload { PasswordHasher.verify(password, against: hash) }
        guard let account, matches else {
            let failures = try await store.recordAuthFailure(name: user, now: now)
            logger.warning(
                "authentication failed",
                metadata: ["user": "\(user)", "reason": "\(account == nil ? "unknown user" : "wrong password")", "failures": "\(failures)"])
            return ["", "nvu"]
        }
        try await store.clearAuthFailures(name: user)
        try await store.pruneExchanges(before: now.addingTimeInterval(-configuration.logRetention))
        let ticket = SecureRandom.ticket()
        let session: Session
        let pending: Int
        do {
            (session, pending) = try await store.beginSession(
                userID: account.userID, ticket: ticket, now: now, idleTimeout: configuration.idleTimeout, busyWithin: configuration.busyWindow)
        } catch StoreError.userBusy(let wait) {
            // Another Web Connector is syncing this user: this one waits rather than break that session.
            logger.info("busy: another session of the user is at work", metadata: ["user": "\(user)"])
            return ["", "busy", String(Int(wait.rounded(.up)))]
        }
        context.sessionID = session.id
        logger.info("authenticated", metadata: ["user": "\(user)", "session": "\(session.sessionID)", "pending": "\(pending)"])
        return [ticket, pending > 0 ? account.companyFile : "none"]
    }

    /// Where password hashes are computed: a queue of its own, so that a burst of logins never occupies the
    /// threads Swift's cooperative executor runs on.
    static let hashingQueue = DispatchQueue(label: "qblink.password-hashing", attributes: .concurrent)

    /// Runs slow CPU work (password hashing) off Swift's cooperative threads.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            hashingQueue.async { continuation.resume(returning: work()) }
        }
    }
}
