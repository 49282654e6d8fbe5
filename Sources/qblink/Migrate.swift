import ArgumentParser
import Foundation
import Store

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite database into an empty PostgreSQL database, and check the counts.",
        discussion: """
            Stop qblink serve first: what it writes during the copy would not be in it. Everything is copied — \
            users, the queue, sessions, settlements, the exchange log, Amazon accounts and fetched reports, the \
            console's users and actions — in one transaction on PostgreSQL (all or nothing), ids kept; then every \
            table is counted on both sides. The password comes from $QBLINK_DB_PASSWORD or a file named by \
            $QBLINK_DB_PASSWORD_FILE, never from the URL. Then start serve with --db postgres://….
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL database to copy into: postgres://user@host[:port]/dbname (it must hold no qblink data yet).", valueName: "url"))
    var to: String

    @Flag(name: .long, help: "Print the counts as JSON.")
    var json = false

    func run() async throws {
        guard Store.isPostgresURL(to) else { throw CLIError("--to takes a PostgreSQL URL: postgres://user@host[:port]/dbname") }
        let path = try database.path()
        guard !Store.isPostgresURL(path) else { throw CLIError("qblink migrate copies from a SQLite database; --db names \(path)") }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("there is no database at \(path) to copy (see --db)") }
        let source = try DatabaseOptions.open(path)
        let target = try DatabaseOptions.open(to)
        defer { Task { await target.close() } }
        let progress = TerminalProgress("copying")
        let counts = try await readable {
            defer { progress.finish() }
            return try await source.copy(to: target) { table, rows in progress.show("\(table): \(rows) rows") }
        }
        let mismatched = counts.filter { $0.source != $0.copied }
        if json {
            struct Counts: Encodable {
                var counts: [TableCount]
                var matches: Bool
            }
            print(try JSONOutput.encode(Counts(counts: counts, matches: mismatched.isEmpty)))
        } else {
            var table = TextTable("TABLE", "SQLITE", "POSTGRESQL")
            for count in counts { table.add(count.table, String(count.source), String(count.copied)) }
            print(table.rendered)
        }
        guard mismatched.isEmpty else {
            throw CLIError("the counts differ for \(mismatched.map(\.table).joined(separator: ", ")); the copy is not to be used")
        }
        if !json { print("copied \(path) to \(to): every table's count matches") }
    }
}
