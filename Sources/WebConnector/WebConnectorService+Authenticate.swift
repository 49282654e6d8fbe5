import Foundation
import SOAP
import Store

extension WebConnectorService {
    func authenticate(user: String, password: String, _ context: inout Context) async throws -> [String] {
        context.userName = user
        let now = now()
        if clientFailures.refuses(context.client, now: now) {
            loginFailures.add(1, ordering: .relaxed)
            logger.warning("authentication refused: too many failures from this client", metadata: ["user": "\(user)", "client": "\(context.client ?? "-")"])
            return ["", "nvu"]
        }
        // One read decides: the throttle, the user and whether there is work. Nothing is written unless the
        // password is wrong, failures are to be cleared, or there is work (a session).
        let key = Self.throttleKey(user: user, client: context.client)
        let state = try await store.loginState(name: user, throttleKey: key, now: now, freeFailures: configuration.freeAuthFailures)
        if let wait = state.wait {
            loginFailures.add(1, ordering: .relaxed)
            logger.warning(
                "authentication throttled",
                metadata: ["user": "\(user)", "retry_after_s": "\(Int(wait.rounded(.up)))"])
            return ["", "nvu"]
        }
        guard let matches = await checkPassword(password, of: state.user, now: now) else {
            logger.warning("authentication postponed: every password-hashing worker is busy", metadata: ["user": "\(user)"])
            return ["", "busy", String(Int(Self.hashingBusyRetry)), ""]
        }
        guard let account = state.user, matches else {
            clientFailures.recordFailure(context.client, now: now)
            loginFailures.add(1, ordering: .relaxed)
            let failures = try await store.recordAuthFailure(name: key, now: now)
            logger.warning(
                "authentication failed",
                metadata: ["user": "\(user)", "reason": "\(state.user == nil ? "unknown user" : "wrong password")", "failures": "\(failures)"])
            return ["", "nvu"]
        }
        context.trusted = true
        if state.failures > 0 { try await store.clearAuthFailures(name: key) }
        if state.pending == 0 && state.inDoubt == 0 {
            // Nothing to do and nothing to report: no session row. The ticket is signed, so the closeConnection
            // that follows needs no database either; a user's other session, if any, is left as it is (it has
            // nothing in flight). Items in doubt take the full path, whose closeConnection tells of them.
            logger.info("authenticated: nothing to do", metadata: ["user": "\(account.name)"])
            return [idleTickets.make(userName: account.name, now: now), "none"]
        }
        let ticket = SecureRandom.ticket()
        let session: Session
        let pending: Int
        do {
            (session, pending) = try await store.beginSession(
                userID: account.userID, ticket: ticket, now: now, idleTimeout: configuration.idleTimeout, busyWithin: configuration.busyWindow)
        } catch StoreError.userBusy(let wait) {
            // Another Web Connector is syncing this user: this one waits rather than break that session. The
            // Web Connector reads two or four strings; the third postpones its next update by that many seconds.
            logger.info("busy: another session of the user is at work", metadata: ["user": "\(user)"])
            return ["", "busy", String(Int(wait.rounded(.up))), ""]
        }
        context.sessionID = session.id
        logger.info("authenticated", metadata: ["user": "\(user)", "session": "\(session.sessionID)", "pending": "\(pending)"])
        return [ticket, pending > 0 ? account.companyFile : "none"]
    }

    /// What failed logins are counted under: the user name together with the caller's address, so that a
    /// stranger's wrong guesses make the stranger wait, not the user's own Web Connector (which logs in from
    /// another address). Without an address (a call not over HTTP), the name alone.
    static func throttleKey(user: String, client: String?) -> String {
        guard let client else { return user }
        return user + " from " + client
    }

    /// Seconds a Web Connector told `busy` because every hashing worker is at work waits before trying again.
    static let hashingBusyRetry: TimeInterval = 5

    /// Whether `password` is `account`'s: at once when this password verified lately (the credential cache),
    /// else with the slow hash, which an unknown user pays too (against a decoy), so that timing does not tell
    /// which names exist. Nil when every hashing worker is busy.
    func checkPassword(_ password: String, of account: User?, now: Date) async -> Bool? {
        if let account, credentials.accepts(userID: account.userID, storedHash: account.passwordHash, password: password, now: now) {
            return true
        }
        guard let matches = await hashing.verify(password, against: account?.passwordHash) else { return nil }
        if matches, let account {
            credentials.remember(userID: account.userID, storedHash: account.passwordHash, password: password, now: now)
        }
        return matches
    }
}
