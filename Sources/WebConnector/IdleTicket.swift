import Foundation
import Store

/// The ticket of an authenticate that found nothing to do (`none`): it needs no session row, so an idle poll
/// writes nothing. It is signed, not stored: `idle.<128 random bits>.<issued, Unix seconds>.<user name in
/// hex>.<HMAC-SHA256, first 128 bits>` under a key made when the server starts and held only in its memory.
/// The closeConnection that follows recognises it without the database; after a restart it is simply unknown
/// (the Web Connector is told the session is over, which after `none` it is).
struct IdleTickets: Sendable {
    private let key = SecureRandom.bytes(32)
    /// A ticket older than this is no longer recognised.
    let lifetime: TimeInterval

    static let prefix = "idle."

    func make(userName: String, now: Date) -> String {
        let random = SecureRandom.hex(SecureRandom.bytes(16))
        let body = Self.prefix + random + "." + String(Int64(now.timeIntervalSince1970)) + "." + SecureRandom.hex(userName.utf8)
        return body + "." + SecureRandom.hex(signature(body))
    }

    /// The user name an idle ticket was made for, or nil when it is not one of this server's or too old.
    func userName(of ticket: String, now: Date) -> String? {
        guard ticket.hasPrefix(Self.prefix), let dot = ticket.lastIndex(of: ".") else { return nil }
        let body = String(ticket[..<dot])
        guard let mac = Self.bytes(fromHex: ticket[ticket.index(after: dot)...]), HMACSHA256.equal(mac, signature(body)) else { return nil }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, let issued = Int64(parts[2]), let name = Self.bytes(fromHex: parts[3]) else { return nil }
        let age = now.timeIntervalSince1970 - Double(issued)
        guard age >= -60, age <= lifetime else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    private func signature(_ body: String) -> [UInt8] {
        Array(HMACSHA256.mac(key: key, Array(body.utf8)).prefix(16))
    }

    private static func bytes(fromHex text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let high = nibble(chars[i]), let low = nibble(chars[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
