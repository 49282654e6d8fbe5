import ArgumentParser
import Foundation
import Store

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the database while the server runs (SQLite's online backup).",
        discussion: """
            The copy is a complete qblink database. To restore: stop qblink serve, move the database file and its \
            -wal and -shm files aside, put the copy in its place, and start qblink serve again. Requests that were \
            out to QuickBooks when the copy was taken are in doubt and are looked up before anything is sent again.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Where the copy goes (never overwritten).", valueName: "file"))
    var file: String

    func run() async throws {
        let path = try database.path()
        guard !Store.isPostgresURL(path) else {
            throw CLIError("qblink backup copies a SQLite file; back a PostgreSQL database up with pg_dump, or rely on its replication")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("there is no database at \(path) to back up (see --db)")
        }
        let store = try DatabaseOptions.open(path)
        let progress = TerminalProgress("backing up")
        defer { progress.finish() }
        do {
            try store.backup(to: file) { copied, total in progress.update(copied, of: total, unit: " pages") }
        } catch {
            throw CLIError("\(error)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        print("backed up \(path) to \(file) (\(size / 1024) KB)")
    }
}
