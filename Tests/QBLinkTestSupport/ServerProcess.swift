import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real `qblink serve` binary, as a process of its own on a loopback port, over a database file: started,
/// killed with SIGKILL at any moment, and started again on the same port and database.
public final class ServerProcess: @unchecked Sendable {
    public let databasePath: String
    public private(set) var port: Int = 0
    public private(set) var kills = 0
    private var process: Process?
    private let extraArguments: [String]
    private let environment: [String: String]
    private let descriptorLimit: Int?
    private let lock = NSLock()
    private var captured = ""

    /// What the running server has written to standard error so far (its last megabyte).
    public var log: String { lock.withLock { captured } }

    /// `descriptorLimit`: the server runs with this open-file limit (`ulimit -n`).
    public init(databasePath: String, arguments: [String] = [], environment: [String: String] = [:], descriptorLimit: Int? = nil) {
        self.descriptorLimit = descriptorLimit
        self.databasePath = databasePath
        self.extraArguments = arguments
        self.environment = environment
    }

    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// The running server's process id.
    public var pid: Int32? { lock.withLock { process?.processIdentifier } }

    /// A line of the running server's /proc/PID/status in MB (`VmHWM`: peak resident memory, `VmRSS`: now).
    public func memoryMB(_ field: String) -> Double? {
        guard let pid, let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1_024
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "qblink serve did not start: \(log)" }
    }

    /// Starts the server (on the port it had, once it has one) and waits until it listens.
    public func start() throws {
        guard let executable = CLIRunner.executable else { throw StartFailure(log: "the qblink executable is not built") }
        let process = Process()
        let serve = ["serve", "--host", "127.0.0.1", "--port", String(port), "--db", databasePath] + extraArguments
        if let descriptorLimit {
            // The shell sets the limit and becomes qblink (same process id).
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(descriptorLimit) && exec \"$0\" \"$@\"", executable.path] + serve
        } else {
            process.executableURL = executable
            process.arguments = serve
        }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var log = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty && !process.isRunning { break }
            log += String(decoding: chunk, as: UTF8.self)
            if let range = log.range(of: #"url=http://127\.0\.0\.1:(\d+)/qbwc"#, options: .regularExpression),
                let bound = Int(log[range].split(separator: ":").last!.split(separator: "/").first!)
            {
                lock.withLock {
                    port = bound
                    self.process = process
                    captured = log
                }
                // Keep draining its log so that it never blocks on a full pipe, and keep the last megabyte of it.
                err.fileHandleForReading.readabilityHandler = { [weak self] handle in
                    let text = String(decoding: handle.availableData, as: UTF8.self)
                    guard let self else { return }
                    self.lock.withLock {
                        self.captured += text
                        if self.captured.utf8.count > 1 << 20 { self.captured = String(self.captured.suffix(1 << 19)) }
                    }
                }
                return
            }
        }
        process.terminate()
        throw StartFailure(log: log)
    }

    /// SIGKILL: no shutdown, no last write; then waits for it to be gone.
    public func kill() {
        let victim = lock.withLock { () -> Process? in
            defer { process = nil }
            return process
        }
        guard let victim, victim.isRunning else { return }
        Glibc.kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        lock.withLock { kills += 1 }
    }

    /// SIGTERM, and waits.
    public func stop() {
        let running = lock.withLock { () -> Process? in
            defer { process = nil }
            return process
        }
        guard let running, running.isRunning else { return }
        running.terminate()
        running.waitUntilExit()
        lock.withLock { lastExitStatus = running.terminationStatus }
    }

    /// How the server last stopped by `stop()` exited (0: a clean, graceful stop).
    public private(set) var lastExitStatus: Int32?

    deinit {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}
