import COpenSSL
import Foundation

/// Salted slow password hashes: PBKDF2-HMAC-SHA256 from OpenSSL, parameters stored with the hash as
/// `pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64`, compared in constant time.
public enum PasswordHasher {
    public static let defaultIterations = 600_000
    static let saltBytes = 16
    static let hashBytes = 32

    public static func hash(_ password: String, iterations: Int = defaultIterations) -> String {
        let salt = SecureRandom.bytes(saltBytes)
        let derived = pbkdf2(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// True when `password` matches `encoded`. False for a malformed encoding.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
            expected.count == hashBytes
        else { return false }
        let derived = pbkdf2(password, salt: [UInt8](salt), iterations: iterations)
        return derived.withUnsafeBytes { a in
            expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, hashBytes) == 0 }
        }
    }

    static func pbkdf2(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let pw = Array(password.utf8CString)  // NUL-terminated, so never empty
        var out = [UInt8](repeating: 0, count: hashBytes)
        let ok = pw.withUnsafeBufferPointer { p in
            salt.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    PKCS5_PBKDF2_HMAC(
                        p.baseAddress, Int32(pw.count - 1), s.baseAddress, Int32(salt.count), Int32(iterations),
                        EVP_sha256(), Int32(hashBytes), o.baseAddress)
                }
            }
        }
        precondition(ok == 1, "OpenSSL PKCS5_PBKDF2_HMAC failed")
        return out
    }
}
