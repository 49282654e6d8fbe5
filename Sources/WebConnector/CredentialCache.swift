import Foundation
import Store
import Synchronization

/// Passwords that passed the slow hash, remembered so that the same password is accepted again without it.
/// What is kept is an HMAC-SHA256, under a key made when the server starts and held only in its memory, of the
/// user's stored hash and the password: nothing of the password is kept, and a new password (a new stored
/// hash, with its new salt), a removed user or `lifetime` passing make the memory useless.
final class CredentialCache: Sendable {
    struct Entry {
        var mac: [UInt8]
        var verifiedAt: Date
    }

    let lifetime: TimeInterval
    private let key = SecureRandom.bytes(32)
    private let entries = Mutex<[Int64: Entry]>([:])

    /// `lifetime` 0 remembers nothing: every authenticate pays the slow hash.
    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    /// Whether `password` is the one that last verified for this user against this stored hash, within the lifetime.
    func accepts(userID: Int64, storedHash: String, password: String, now: Date) -> Bool {
        guard lifetime > 0, let entry = entries.withLock({ $0[userID] }) else { return false }
        guard now.timeIntervalSince(entry.verifiedAt) < lifetime else {
            forget(userID: userID)
            return false
        }
        return HMACSHA256.equal(mac(storedHash: storedHash, password: password), entry.mac)
    }

    /// Remembers a password the slow hash just verified.
    func remember(userID: Int64, storedHash: String, password: String, now: Date) {
        guard lifetime > 0 else { return }
        let entry = Entry(mac: mac(storedHash: storedHash, password: password), verifiedAt: now)
        // At most one entry per user that logged in since the server started: bounded by the users table.
        entries.withLock { $0[userID] = entry }
    }

    func forget(userID: Int64) {
        _ = entries.withLock { $0.removeValue(forKey: userID) }
    }

    private func mac(storedHash: String, password: String) -> [UInt8] {
        // The stored hash and the password, separated by a NUL that neither contains.
        HMACSHA256.mac(key: key, Array(storedHash.utf8) + [0] + Array(password.utf8))
    }
}
