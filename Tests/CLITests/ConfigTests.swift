import Foundation
import QBLinkTestSupport
import Testing

/// The configuration file, the QBLINK_* variables and the flags: which wins, and what `config check` says.
@Suite(.enabled(if: CLIRunner.isAvailable, "the qblink executable is not built beside the tests"))
struct ConfigTests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    func write(_ text: String) throws -> String {
        let path = folder.path("qblink.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func checkNamesEveryProblemWithTheLineOrVariableItCameFrom() throws {
        defer { folder.remove() }
        let file = try write("# qblink\nport: 8443\nprot: 9\nbatch: 0\nlog-level: loud\ntls-cert: /etc/qblink/chain.pem\nidle-seconds: [1, 2]\n")
        let checked = try CLIRunner.run(["config", "check", "--config", file], database: db, environment: ["QBLINK_SESSION_TIMEOUT": "soon"])
        #expect(checked.status != 0)
        let lines = checked.stderr
        #expect(lines.contains("\(file) line 3: unknown key 'prot'; did you mean 'port'?"))
        #expect(lines.contains("\(file) line 4: batch must be between 1 and 1000"))
        #expect(lines.contains("\(file) line 5: log-level: 'loud' is not one of trace, debug, info"))
        #expect(lines.contains("\(file) line 6: tls-cert needs tls-cert and tls-key together"))
        #expect(lines.contains("\(file) line 7: idle-seconds: expected one value, not a list or a mapping"))
        let fixed = try write("port: 8443\nbatch: 10\n")
        let env = try CLIRunner.run(["config", "check", "--config", fixed], database: db, environment: ["QBLINK_SESSION_TIMEOUT": "soon"])
        #expect(env.stderr.contains("QBLINK_SESSION_TIMEOUT: session-timeout: 'soon' is not a whole number"))
        // A key set twice, a file that is not YAML, and one that is not there.
        #expect(try CLIRunner.run(["config", "check", "--config", try write("port: 1\nport: 2\n")], database: db).stderr.contains("duplicated key(s): 'port'"))
        #expect(try CLIRunner.run(["config", "check", "--config", try write("port: \"8443\n")], database: db).stderr.contains("not valid YAML"))
        #expect(try CLIRunner.run(["config", "check", "--config", folder.path("none.yaml")], database: db).stderr.contains("no such configuration file"))
    }

    @Test func aFlagWinsOverItsVariableWhichWinsOverTheFile() throws {
        defer { folder.remove() }
        let file = try write("batch: 10\nsession-timeout: 120\nlog-days: 7\nhost: 0.0.0.0\n")
        let checked = try CLIRunner.run(
            ["config", "check", "--config", file], database: db, environment: ["QBLINK_BATCH": "20", "QBLINK_HOST": "127.0.0.1"])
        #expect(checked.status == 0, "\(checked.stderr)")
        let rows = checked.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains(["batch", "20", "QBLINK_BATCH"]))
        #expect(rows.contains(["host", "127.0.0.1", "QBLINK_HOST"]))
        #expect(rows.contains(["session-timeout", "120", file, "line", "2"]))
        #expect(rows.contains(["log-days", "7", file, "line", "3"]))
        #expect(rows.contains(["db", db, "QBLINK_DB"]))
        #expect(rows.contains(["port", "8080", "default"]))
        let json = try CLIRunner.run(["config", "check", "--config", file, "--json"], database: db, environment: ["QBLINK_BATCH": "20"]).stdout
        let settings = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]]
        #expect(settings?.contains(["key": "batch", "value": "20", "from": "QBLINK_BATCH"]) == true)
    }

    @Test func serveRunsWithTheFlagOverTheVariableOverTheFile() async throws {
        defer { folder.remove() }
        // The file's host cannot be bound and its batch is out of range: the server starts only because the flag
        // (--host, given by ServerProcess) and the variable (QBLINK_BATCH) are taken instead.
        let file = try write("host: 203.0.113.1\nbatch: 0\nsession-timeout: 600\n")
        let server = ServerProcess(databasePath: db, arguments: ["--config", file], environment: ["QBLINK_BATCH": "5"])
        try server.start()
        defer { server.stop() }
        #expect(server.isRunning)
        // Without the variable the file's batch is used, and serve refuses it, naming the line.
        let refused = try CLIRunner.run(["serve", "--config", file, "--host", "127.0.0.1", "--port", "0"], database: db)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("\(file) line 2: batch must be between 1 and 1000"))
        // An unknown key stops serve too.
        let typo = try write("sesion-timeout: 600\n")
        let unknown = try CLIRunner.run(["serve", "--config", typo, "--port", "0"], database: db)
        #expect(unknown.stderr.contains("\(typo) line 1: unknown key 'sesion-timeout'; did you mean 'session-timeout'?"))
    }
}
