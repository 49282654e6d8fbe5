import Foundation

/// Runs the built `qblink` executable (it sits beside the test bundle after `swift build --build-tests`
/// or `swift test`).
public enum CLIRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static var executable: URL? {
        var candidates: [URL] = []
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(SharedReference.packageRoot.appendingPathComponent(".build/debug"))
        for folder in candidates {
            var dir = folder
            for _ in 0..<4 {
                let url = dir.appendingPathComponent("qblink")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
                dir.deleteLastPathComponent()
            }
        }
        return nil
    }

    public static var isAvailable: Bool { executable != nil }

    public static func run(_ arguments: [String], database: String, stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable!
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["QBLINK_DB"] = database
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A test suite that runs the `qblink` executable against a database in its own temporary folder.
public protocol CLISuite {
    var folder: TemporaryDirectory { get }
}

extension CLISuite {
    public var db: String { folder.database("cli.sqlite") }

    public func qblink(_ args: String..., stdin: String? = nil) throws -> CLIRunner.Result {
        try CLIRunner.run(args, database: db, stdin: stdin)
    }
}
