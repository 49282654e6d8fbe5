import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import QBLinkServer
import QBLinkTestSupport
import SOAP
import Testing

/// HTTPS end to end, with certificates made by `openssl` for the test.
@Suite struct TLSTests {
    /// A self-signed certificate for 127.0.0.1 and localhost, written to `cert` and `key`.
    static func makeCertificate(_ cert: String, _ key: String, name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FailedExpectation() }
    }

    /// A client that trusts only the certificate in `cert` (as it is now).
    static func client(trusting cert: String) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    static func serverVersion(_ client: HTTPClient, port: Int, timeout: Int64 = 10) async throws -> String {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/qbwc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"http://developer.intuit.com/serverVersion\"")
        request.body = .bytes(ByteBuffer(string: WebConnectorRequest.envelope("serverVersion", [])))
        let response = try await client.execute(request, timeout: .seconds(timeout))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl command to make certificates"))
    func servesHTTPSAndTakesARenewedCertificateWithoutDroppingConnections() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (cert, key) = (folder.path("cert.pem"), folder.path("key.pem"))
        try Self.makeCertificate(cert, key, name: "first")
        try FileManager.default.copyItem(atPath: cert, toPath: folder.path("first.pem"))
        let certificates = try CertificateStore(certificatePath: cert, keyPath: key)
        let server = try await TestServer.start(databasePath: folder.database("tls.sqlite"), tls: certificates)
        defer { server.cancel() }

        let early = try Self.client(trusting: folder.path("first.pem"))
        #expect(try await Self.serverVersion(early, port: server.port).contains("<serverVersionResult>qblink"))

        // The certificate is renewed and read again (what SIGHUP does).
        try FileManager.default.removeItem(atPath: cert)
        try FileManager.default.removeItem(atPath: key)
        try Self.makeCertificate(cert, key, name: "second")
        try certificates.reload()
        // The connection opened before goes on working; a new one is offered the new certificate only.
        #expect(try await Self.serverVersion(early, port: server.port).contains("<serverVersionResult>qblink"))
        let renewed = try Self.client(trusting: cert)
        #expect(try await Self.serverVersion(renewed, port: server.port).contains("<serverVersionResult>qblink"))
        let stale = try Self.client(trusting: folder.path("first.pem"))
        // (The client keeps retrying a failed handshake until its deadline: a short one.)
        await #expect(throws: (any Error).self) { _ = try await Self.serverVersion(stale, port: server.port, timeout: 1) }
        for client in [early, renewed, stale] { try await client.shutdown() }

        // A broken file is refused with what is wrong, and the certificate in use stays.
        try "not a certificate".write(toFile: cert, atomically: true, encoding: .utf8)
        #expect { try certificates.reload() } throws: { "\($0)".contains("cannot read the certificate chain \(cert)") }
        #expect(throws: (any Error).self) { try CertificateStore(certificatePath: folder.path("first.pem"), keyPath: key) }
    }
}
