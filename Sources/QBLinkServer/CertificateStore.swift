import Foundation
import NIOSSL
import Synchronization

/// The server's certificate chain and private key, read from PEM files and read again on `reload()` (SIGHUP):
/// each new TLS handshake uses what was last read, connections already open keep theirs, so a renewed
/// certificate takes effect without dropping anyone.
public final class CertificateStore: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let current: Mutex<(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey)>

    /// Reads both files; throws, saying which file and why, when either cannot be used.
    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        current = Mutex(try Self.read(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// Reads the files again. On failure the certificate in use stays, and the error says what was wrong.
    public func reload() throws {
        let fresh = try Self.read(certificatePath: certificatePath, keyPath: keyPath)
        current.withLock { $0 = fresh }
    }

    /// The subject of the certificate in use (its first), for the log.
    public var subject: String {
        current.withLock { pair in pair.chain.first.map { String(describing: $0) } ?? "-" }
    }

    /// A server TLS configuration whose handshakes use the certificate in use at the time.
    func tlsConfiguration() -> TLSConfiguration {
        let (chain, key) = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] _, promise in
            let (chain, key) = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = chain.map { .certificate($0) }
            override.privateKey = .privateKey(key)
            promise.succeed(override)
        }
        return configuration
    }

    static func read(certificatePath: String, keyPath: String) throws -> (chain: [NIOSSLCertificate], key: NIOSSLPrivateKey) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw CertificateError("cannot read the certificate chain \(certificatePath) (PEM, server certificate first): \(error)")
        }
        guard !chain.isEmpty else { throw CertificateError("\(certificatePath) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw CertificateError("cannot read the private key \(keyPath) (PEM, unencrypted): \(error)")
        }
        do {
            // A context checks that the key is the certificate's.
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw CertificateError("the private key \(keyPath) does not belong to the certificate in \(certificatePath): \(error)")
        }
        return (chain, key)
    }
}

public struct CertificateError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
