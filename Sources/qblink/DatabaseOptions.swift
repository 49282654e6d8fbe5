import ArgumentParser
import Foundation
import Posting
import Store

/// `--db PATH`, else `QBLINK_DB`, else `./qblink.sqlite`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file (default: $QBLINK_DB, else ./qblink.sqlite).", valueName: "path"))
    var db: String?

    var path: String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["QBLINK_DB"], !env.isEmpty { return env }
        return "./qblink.sqlite"
    }

    func open() throws -> Store {
        do {
            return try Store(path: path)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// An error for people: ArgumentParser prints it as `Error: <message>` on standard error and exits with
/// status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning Store and Posting errors into readable CLI errors.
@discardableResult
func readable<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw CLIError(error.description)
    } catch let error as PostingError {
        throw CLIError(error.description)
    }
}
