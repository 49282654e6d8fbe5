import Foundation

/// A server process the benchmark started: qblink over a fresh database, or the echo.
final class Server: @unchecked Sendable {
    let process: Process
    let port: Int
    var url: String { "http://127.0.0.1:\(port)/qbwc" }
    var stats: ProcessStats { ProcessStats(pid: process.processIdentifier) }

    static let password = "load test password"
    static func idleUser(_ n: Int) -> String { "idle\(n)" }
    static func drainUser(_ n: Int) -> String { "drain\(n)" }

    init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Fills a new database with users idle0… (nothing queued) and drain0… (`requests` CustomerAdds each).
    static func setUp(binary: String, db: String, folder: String, idleUsers: Int, users: Int, requests: Int) throws {
        for n in 0..<idleUsers {
            try run(binary, ["user", "add", idleUser(n), "--db", db, "--password-stdin"], input: password + "\n")
        }
        for n in 0..<users {
            try run(binary, ["user", "add", drainUser(n), "--db", db, "--password-stdin"], input: password + "\n")
            var file = "<?xml version=\"1.0\"?><?qbxml version=\"13.0\"?><QBXML><QBXMLMsgsRq onError=\"continueOnError\">"
            for r in 0..<requests { file += "<CustomerAddRq><CustomerAdd><Name>Customer \(n)-\(r)</Name></CustomerAdd></CustomerAddRq>" }
            file += "</QBXMLMsgsRq></QBXML>"
            let path = folder + "/queue-\(n).xml"
            try file.write(toFile: path, atomically: true, encoding: .utf8)
            try run(binary, ["enqueue", "--qbxml", path, "--user", drainUser(n), "--db", db])
        }
    }

    /// One qblink serve over `db`.
    static func qblink(binary: String, db: String, batch: Int) throws -> Server {
        let port = try freePort()
        let process = try launch(binary, [
            // Every simulated Web Connector connects from 127.0.0.1: as many connections from one address as there are in all.
            "serve", "--db", db, "--port", String(port), "--batch", String(batch), "--log-level", "error", "--max-client-connections", "512",
        ])
        try waitForPort(port)
        return Server(process: process, port: port)
    }

    static func echo(binary: String) throws -> Server {
        let port = try freePort()
        let process = try launch(binary, ["--serve-echo", String(port)])
        try waitForPort(port)
        return Server(process: process, port: port)
    }

    static func run(_ binary: String, _ arguments: [String], input: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        if input != nil { process.standardInput = pipe }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationFailure("\(binary) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }

    static func launch(_ binary: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A port nothing listens on now (bound to 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ValidationFailure("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits (up to 20 s) until something accepts connections on `port`.
    static func waitForPort(_ port: Int) throws {
        for _ in 0..<400 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return }
            usleep(50_000)
        }
        throw ValidationFailure("nothing listens on port \(port) after 20 s")
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
