import Foundation
import QBLinkTestSupport
import Store
import Testing
import XMLKit

@Suite(.enabled(if: CLIRunner.isAvailable, "the qblink executable is not built beside the tests"))
struct CLITests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    /// A PostgreSQL password never rides on the command line, and a missing or wrong one is said plainly.
    @Test func aPostgreSQLPasswordComesFromTheEnvironmentNeverTheURL() async throws {
        defer { folder.remove() }
        let inURL = try CLIRunner.run(["user", "list", "--db", "postgres://qblink:hunter2@127.0.0.1:1/qblink"], database: db)
        #expect(inURL.status != 0 && inURL.stderr.contains("QBLINK_DB_PASSWORD") && !inURL.stderr.contains("hunter2"), "\(inURL.stderr)")
        guard let server = TestDatabase.postgresServer else { return }
        let wrong = try CLIRunner.run(["user", "list", "--db", server], database: db, environment: ["QBLINK_DB_PASSWORD": "not the password", "QBLINK_DB_PASSWORD_FILE": ""])
        #expect(wrong.status != 0 && wrong.stderr.contains("password authentication failed") && !wrong.stderr.contains("not the password"), "\(wrong.stderr)")
        let none = try CLIRunner.run(["user", "list", "--db", server], database: db, environment: ["QBLINK_DB_PASSWORD": "", "QBLINK_DB_PASSWORD_FILE": ""])
        #expect(none.status != 0 && none.stderr.contains("asks for qblink's password"), "\(none.stderr)")
    }

    @Test func backsUpTheDatabaseWithoutEverOverwriting() async throws {
        defer { folder.remove() }
        if TestDatabase.isPostgres {
            let refused = try qblink("backup", folder.path("copy.sqlite"))
            #expect(refused.status != 0 && refused.stderr.contains("pg_dump"), "\(refused.stderr)")
            return
        }
        let none = try qblink("backup", folder.path("copy.sqlite"))
        #expect(none.status != 0)
        #expect(none.stderr.contains("there is no database at"))
        #expect(try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n").status == 0)
        let made = try qblink("backup", folder.path("copy.sqlite"))
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("backed up"))
        let again = try qblink("backup", folder.path("copy.sqlite"))
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists; a backup never overwrites a file"))
        // The copy is a qblink database with the user in it.
        #expect(try qblink("user", "list", "--db", folder.path("copy.sqlite")).stdout.contains("amazon"))
    }

    @Test func managesUsers() async throws {
        defer { folder.remove() }
        let added = try qblink("user", "add", "amazon", "--company-file", "C:\\Books\\Shop.QBW", "--password-stdin", stdin: "long enough pw\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("qblink qwc amazon"))
        let again = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
        let short = try qblink("user", "add", "other", "--password-stdin", stdin: "short\n")
        #expect(short.status == 0)
        #expect(short.stderr.contains("warning: a password of fewer than 8 characters"))
        let empty = try qblink("user", "add", "empty", "--password-stdin", stdin: "\n")
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("the password is empty"))
        let noTTY = try qblink("user", "add", "third")
        #expect(noTTY.status != 0)
        #expect(noTTY.stderr.contains("standard input is empty"))
        #expect(try qblink("user", "add", "piped", stdin: "piped password\n").status == 0)  // no terminal: stdin
        let list = try qblink("user", "list")
        #expect(list.stdout.contains("amazon") && list.stdout.contains("C:\\Books\\Shop.QBW"))
        #expect(!list.stdout.contains("third") && !list.stdout.contains("empty") && list.stdout.contains("piped"))
        // The stored hash is the slow default, never the password.
        let store = try Store(path: db)
        let user = try #require(try await store.user(named: "amazon"))
        #expect(user.passwordHash.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(PasswordHasher.verify("long enough pw", against: user.passwordHash))
        #expect(try qblink("user", "passwd", "amazon", "--password-stdin", stdin: "another long pw\n").status == 0)
        let changed = try #require(try await store.user(named: "amazon"))
        #expect(PasswordHasher.verify("another long pw", against: changed.passwordHash))
        #expect(try qblink("user", "remove", "amazon").status == 0)
        #expect(try qblink("user", "remove", "amazon").stderr.contains("no user named"))
    }

    @Test func writesStableQWCFilesAndRefusesPlainHTTP() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        let first = try qblink("qwc", "amazon", "--url", "https://books.example.com/qbwc", "--run-every-minutes", "15")
        #expect(first.status == 0, "\(first.stderr)")
        let second = try qblink("qwc", "amazon", "--url", "https://books.example.com/qbwc", "--app-name", "Shop & Books")
        let a = try XMLReader.parse(first.stdout)
        let b = try XMLReader.parse(second.stdout)
        #expect(a.childText("OwnerID") == b.childText("OwnerID"))
        #expect(a.childText("FileID") == b.childText("FileID"))
        #expect(b.childText("AppName") == "Shop & Books")
        #expect(a.child("Scheduler")?.childText("RunEveryNMinutes") == "15")
        let insecure = try qblink("qwc", "amazon", "--url", "http://books.example.com/qbwc")
        #expect(insecure.status != 0)
        #expect(insecure.stderr.contains("https"))
        #expect(try qblink("qwc", "amazon", "--url", "http://localhost:8080/qbwc").status == 0)
        #expect(try qblink("qwc", "nobody", "--url", "https://x.example.com/qbwc").stderr.contains("no user named"))
    }

    @Test func enqueuesAllOrNothingAndActsOnItems() throws {
        defer { folder.remove() }
        _ = try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n")
        let bad = folder.path("bad.xml")
        try QBXMLSamples.file([QBXMLSamples.customer("A"), "<CustomerAddRq><CustomerAdd><Name>B</Name></CustomerAddRq>"])
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try qblink("enqueue", "--qbxml", bad, "--user", "amazon")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.xml: line 5:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Nothing was queued"))
        let empty = try JSONSerialization.jsonObject(with: Data(try qblink("queue", "--json").stdout.utf8)) as? [Any]
        #expect(empty?.isEmpty == true)

        let good = folder.path("good.xml")
        try QBXMLSamples.file([QBXMLSamples.customer("A"), QBXMLSamples.receipt(ref: "R1", customer: "A")])
            .write(toFile: good, atomically: true, encoding: .utf8)
        let queued = try qblink("enqueue", "--qbxml", good, "--user", "amazon")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stdout.contains("Queued 2 requests for amazon"))
        #expect(try qblink("enqueue", "--qbxml", good, "--user", "nobody").stderr.contains("no user named"))
        #expect(try qblink("enqueue", "--qbxml", folder.path("missing.xml"), "--user", "amazon").stderr.contains("cannot read"))

        let json = try JSONSerialization.jsonObject(with: Data(try qblink("queue", "--json").stdout.utf8)) as? [[String: Any]]
        #expect(json?.count == 2)
        #expect(json?.first?["state"] as? String == "queued")
        #expect(json?.last?["refNumber"] as? String == "R1")
        let table = try qblink("queue", "--state", "queued", "--user", "amazon")
        #expect(table.stdout.contains("SalesReceiptAdd") && table.stdout.contains("R1"))
        #expect(table.stdout.contains("2 item(s): 2 queued"))
        #expect(try qblink("queue", "--source", "good.xml").stdout.contains("2 item(s)"))
        #expect(try qblink("queue", "--source", "other.xml").stdout.contains("No items from other.xml."))
        #expect(try qblink("queue", "--since", "2000-01-01").stdout.contains("2 item(s)"))
        #expect(try qblink("queue", "--since", "2999-01-01").stdout.contains("No items since 2999-01-01."))
        #expect(try qblink("queue", "--since", "soon").stderr.contains("--since 'soon' is not a date"))
        #expect(try qblink("queue", "--state", "failed").stdout.contains("No items in state failed"))
        #expect(try qblink("queue", "--state", "bogus").status != 0)
        let show = try qblink("queue", "show", "2")
        #expect(show.stdout.contains("<SalesReceiptAddRq>"))
        #expect(show.stdout.contains("SalesReceiptQueryRq"))
        #expect(try qblink("queue", "retry", "2").stderr.contains("only failed or in-doubt"))
        #expect(try qblink("queue", "cancel", "2").stdout.contains("cancelled"))
        #expect(try qblink("queue", "--state", "cancelled").stdout.contains("SalesReceiptAdd"))
        #expect(try qblink("queue", "show", "99").stderr.contains("no queue item 99"))
        // Which items: one ID, or --failed / --in-doubt (with --user), never both.
        #expect(try qblink("queue", "retry").stderr.contains("say which items"))
        #expect(try qblink("queue", "retry", "1", "--failed").stderr.contains("say which items"))
        #expect(try qblink("queue", "retry", "--failed").stdout.contains("No item to retry."))
        #expect(try qblink("queue", "cancel", "--in-doubt", "--user", "amazon").stdout.contains("No item to cancel."))
    }

    @Test func logListsSessionsAndShowsTheQBXMLOfOne() async throws {
        defer { folder.remove() }
        #expect(try qblink("log").stdout.contains("No Web Connector session yet"))
        let server = try await TestServer.start(databasePath: db)
        defer { server.cancel() }
        try await server.addUser("amazon", password: "long enough pw")
        let file = folder.path("r.xml")
        try QBXMLSamples.file([QBXMLSamples.customer("Logged Customer"), QBXMLSamples.customer("Taken")]).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try qblink("enqueue", "--qbxml", file, "--user", "amazon").status == 0)
        let quickBooks = FakeQuickBooks()
        quickBooks.seed("Customer", name: "Taken")
        let run = try await WebConnectorRun.run(
            client: WebConnectorClient(port: server.port), quickBooks: quickBooks, user: "amazon", password: "long enough pw")
        #expect(run.closeMessage?.hasPrefix("1 created") == true, "\(run)")
        await server.stop()
        let list = try qblink("log")
        #expect(list.stdout.contains("amazon") && list.stdout.contains("closed"))
        #expect(try qblink("log", "--since", "2000-01-01", "--user", "amazon").stdout.contains("closed"))
        #expect(try qblink("log", "--since", "2999-01-01").stdout.contains("No session matches."))
        #expect(try qblink("log", "--errors").stdout.contains("closed"))  // a request failed
        #expect(try qblink("log", "--since", "yesterday").stderr.contains("is not a date; write YYYY-MM-DD"))
        let one = try qblink("log", "1")
        #expect(one.status == 0, "\(one.stderr)")
        // The qbXML laid out one element per line, indented.
        #expect(one.stdout.contains("qbXML sent:"))
        #expect(one.stdout.contains("\n          <CustomerAddRq requestID=\"1\">\n            <CustomerAdd>\n              <Name>Logged Customer</Name>"), "\(one.stdout)")
        #expect(one.stdout.contains("qbXML received:"))
        #expect(one.stdout.contains("<CustomerAddRs requestID=\"1\" statusCode=\"0\""))
        // What went wrong, as a sentence: QuickBooks' code, its message, what to do.
        #expect(one.stdout.contains("What went wrong:"))
        #expect(one.stdout.contains("#2 CustomerAdd: QuickBooks refused it (status 3100):"))
        #expect(one.stdout.contains("What to do: the name is already taken by another list entry"))
        #expect(one.stdout.contains("then run qblink queue retry 2."))
        #expect(!one.stdout.contains("long enough pw"))
        #expect(try qblink("log", "7").stderr.contains("no session 7"))
        let done = try qblink("queue", "show", "1")
        #expect(done.stdout.contains("state:       done"))
        #expect(done.stdout.contains("ListID:"))
        #expect(try qblink("queue", "show", "2").stdout.contains("QuickBooks refused it (status 3100)"))
        // Every listing as JSON, without tickets or password hashes.
        let sessions = try JSONSerialization.jsonObject(with: Data(try qblink("log", "--json").stdout.utf8)) as? [[String: Any]]
        #expect(sessions?.first?["user"] as? String == "amazon" && sessions?.first?["failed"] as? Int == 1)
        let detail = try qblink("log", "1", "--json").stdout
        let parsed = try JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any]
        #expect((parsed?["calls"] as? [Any])?.isEmpty == false && (parsed?["items"] as? [Any])?.count == 2)
        #expect(!detail.contains("long enough pw"))
        let users = try qblink("user", "list", "--json").stdout
        #expect((try JSONSerialization.jsonObject(with: Data(users.utf8)) as? [[String: Any]])?.first?["name"] as? String == "amazon")
        #expect(!users.contains("pbkdf2") && !users.contains("passwordHash"))
        // Purging: only done items, only old ones (none yet), and it says so.
        #expect(try qblink("queue", "purge", "--older-than", "30").stderr.contains("say what to purge: --done"))
        let purge = try qblink("queue", "purge", "--done", "--older-than", "30")
        #expect(purge.status == 0 && purge.stdout.contains("purged the qbXML of 0 done item(s) older than 30 day(s)"), "\(purge.stderr)")
        #expect(try qblink("queue", "purge", "--done", "--older-than", "30", "--json").stdout.contains("\"items\" : 0"))
    }

    @Test func serveStartsOnTheDefaultDatabaseAndAnswers() async throws {
        defer { folder.remove() }
        let process = Process()
        process.executableURL = CLIRunner.executable!
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = folder.url
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "QBLINK_DB")
        process.environment = env
        let err = Pipe()
        process.standardError = err
        try process.run()
        defer { process.terminate() }
        var log = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(20)
        while port == nil && Date() < deadline {
            log += String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            if let range = log.range(of: #"url=http://127\.0\.0\.1:(\d+)/qbwc"#, options: .regularExpression) {
                port = Int(log[range].split(separator: ":").last!.split(separator: "/").first!)
            }
        }
        let bound = try #require(port, "no 'serving' line: \(log)")
        #expect(log.contains("db=./qblink.sqlite"))
        #expect(try await WebConnectorClient(port: bound).serverVersion().hasPrefix("qblink"))
        #expect(FileManager.default.fileExists(atPath: folder.path("qblink.sqlite")))
        process.terminate()
        process.waitUntilExit()
    }
}

/// What the CLI reads stays bounded: only regular files, and JSON or qbXML files of a bounded size.
struct CLIInputBoundsTests: CLISuite {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory()
    }

    @Test func aFIFOFolderOrHugeFileIsRefusedAtOnce() async throws {
        defer { folder.remove() }
        #expect(try qblink("user", "add", "amazon", "--password-stdin", stdin: "long enough pw\n").status == 0)
        let fifo = folder.path("pipe.json")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Nothing ever writes to the pipe: reading it would block forever.
        let piped = try qblink("enqueue", fifo, "--user", "amazon")
        #expect(piped.status != 0)
        #expect(piped.stderr.contains("is a FIFO (named pipe); qblink reads regular files only"))
        let report = try qblink("settlement", "preview", fifo)
        #expect(report.stderr.contains("is a FIFO (named pipe)"))
        let mapping = try qblink("settlement", "preview", fifo, "--config", folder.path(""))
        #expect(mapping.status != 0)
        let huge = folder.path("huge.json")
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 65 << 20) == 0)  // sparse: no time spent writing it
        let big = try qblink("enqueue", huge, "--user", "amazon")
        #expect(big.stderr.contains("is larger than 64 MiB; split it into several files (nothing was enqueued)"))
    }
}
