@testable import Store
import Foundation
import Testing

@Suite struct PasswordAndTicketTests {
    @Test func hashesAreSaltedSlowAndVerifiable() {
        let a = PasswordHasher.hash("s3cr&t pw", iterations: 2_000)
        let b = PasswordHasher.hash("s3cr&t pw", iterations: 2_000)
        #expect(a != b)
        #expect(a.hasPrefix("pbkdf2-sha256$2000$"))
        #expect(PasswordHasher.verify("s3cr&t pw", against: a))
        #expect(!PasswordHasher.verify("s3cr&t pW", against: a))
        #expect(!PasswordHasher.verify("", against: a))
        #expect(!PasswordHasher.verify("x", against: "garbage"))
        #expect(!PasswordHasher.verify("x", against: "pbkdf2-sha256$0$AAAA$AAAA"))
        #expect(PasswordHasher.defaultIterations >= 600_000)
    }

    @Test func defaultHashUsesTheStoredSixHundredThousandIterations() {
        let hash = PasswordHasher.hash("password")
        #expect(hash.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(PasswordHasher.verify("password", against: hash))
    }

    @Test func matchesTheRFC7914Vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256(P = "passwd", S = "salt", c = 1), first 32 bytes.
        let derived = PasswordHasher.pbkdf2("passwd", salt: Array("salt".utf8), iterations: 1)
        let hex = derived.map { String(format: "%02x", $0) }.joined()
        #expect(hex == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
    }

    @Test func ticketsAre128RandomBits() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let t = SecureRandom.ticket()
            #expect(t.count == 36)
            #expect(t.filter { $0 != "-" }.allSatisfy { $0.isHexDigit })
            seen.insert(t)
        }
        #expect(seen.count == 2000)
        // No fixed version nibble: every hex position varies.
        let samples = (0..<200).map { _ in Array(SecureRandom.ticket().filter { $0 != "-" }) }
        for position in 0..<32 {
            #expect(Set(samples.map { $0[position] }).count > 1)
        }
        let guid = SecureRandom.braceGUID()
        #expect(guid.hasPrefix("{") && guid.hasSuffix("}") && guid.count == 38)
    }
}
