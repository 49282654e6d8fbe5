import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 connection over a plain socket, so that tests control every byte the way the Web
/// Connector's .NET client sends them (headers in its order, `Expect: 100-continue` with the body held back
/// until the server answers). Blocking calls run on Dispatch threads, never on Swift's cooperative pool.
public final class RawHTTPConnection: @unchecked Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String
        /// Whether an interim `100 Continue` arrived, and after how many milliseconds.
        public var continueAfterMS: Double?

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case connect(Int32)
        case closed
        case malformed(String)

        public var description: String {
            switch self {
            case .connect(let e): "cannot connect (errno \(e))"
            case .closed: "the server closed the connection"
            case .malformed(let s): "malformed HTTP response: \(s)"
            }
        }
    }

    let fd: Int32
    var buffer: [UInt8] = []
    /// A serial queue of its own: blocking socket calls must not occupy libdispatch's width-limited global
    /// queues, which also run Swift's cooperative executor on Linux.
    let queue = DispatchQueue(label: "qblink.test.raw-http")

    /// Connects to the server on `port`, from the loopback address `source` (any 127.x.y.z on Linux: another
    /// client, as far as the server can tell).
    public init(port: Int, from source: String = "127.0.0.1") throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if source != "127.0.0.1" {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                let e = errno
                close(fd)
                throw Failure.connect(e)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let e = errno
            close(fd)
            throw Failure.connect(e)
        }
        setTimeout(seconds: 20)
    }

    deinit { close(fd) }

    func setTimeout(seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Whether the server has closed the connection: waits up to `seconds` for it (any bytes it sends first, such
    /// as an answer, are read and dropped).
    public func isClosedByServer(within seconds: Double) -> Bool {
        setTimeout(seconds: seconds)
        defer { setTimeout(seconds: 20) }
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { return true }
            if n < 0 { return false }  // timed out: still open
        }
    }

    /// Everything the server sends until it closes the connection (or 20 s pass), as text.
    public func readRawUntilClosed() throws -> String {
        var out: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            out += scratch[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Sends raw bytes as they are (for malformed-request tests).
    public func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure.closed }
            offset += n
        }
    }

    /// One request. With `expectContinue`, the body is held back until `100 Continue` arrives or
    /// `continueWait` seconds pass (as .NET does), and the delay is reported.
    public func request(
        method: String = "POST", path: String = "/qbwc", headers: [(String, String)], body: [UInt8],
        expectContinue: Bool, continueWait: Double = 2
    ) async throws -> Reply {
        try await offload { [self] in
            var head = "\(method) \(path) HTTP/1.1\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            try sendRaw(Array(head.utf8))
            var continueAfter: Double?
            if expectContinue {
                let started = DispatchTime.now().uptimeNanoseconds
                setTimeout(seconds: continueWait)
                let interim = try? readResponse()  // nil: no interim answer in time, send the body anyway
                setTimeout(seconds: 20)
                if let interim {
                    if interim.status != 100 { return interim }  // a final answer before the body, e.g. 413
                    continueAfter = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
                }
            }
            if !body.isEmpty { try sendRaw(body) }
            var reply = try readResponse()
            while reply.status == 100 { reply = try readResponse() }
            reply.continueAfterMS = continueAfter
            return reply
        }
    }

    /// Reads one response (head and, for final responses, the Content-Length body).
    private func readResponse() throws -> Reply {
        while true {
            if let end = findHeaderEnd() {
                let headText = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                var lines = headText.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure.malformed(statusLine) }
                var headers: [(String, String)] = []
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
                }
                var reply = Reply(status: status, headers: headers, body: "", continueAfterMS: nil)
                if status >= 200 {
                    let length = Int(reply.header("Content-Length") ?? "0") ?? 0
                    while buffer.count < length { try fill() }
                    reply.body = String(decoding: buffer[..<length], as: UTF8.self)
                    buffer.removeFirst(length)
                }
                return reply
            }
            try fill()
        }
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure.closed }
        buffer.append(contentsOf: chunk[..<n])
    }

    func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
