import ArgumentParser
import Foundation
import Amazon
import Posting
import Store

/// `--db PATH`, else `QBLINK_DB`, else `db:` in the configuration file, else `./qblink.sqlite`. (Only `serve` and
/// `config check` take `--config`: the settlement commands' `--config` is their mapping file.)
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database: a SQLite file, or postgres://user@host[:port]/dbname with the password in $QBLINK_DB_PASSWORD or a file named by $QBLINK_DB_PASSWORD_FILE (default: $QBLINK_DB, else db: in the configuration file ($QBLINK_CONFIG or \(ConfigFile.defaultPath)), else ./qblink.sqlite).", valueName: "path"))
    var db: String?

    /// The database file, resolved as every command resolves it; a configuration file that cannot be read is
    /// an error, not a reason to open another database.
    func path() throws -> String {
        var resolver = SettingsResolver(file: try ConfigFile.load(explicit: nil, environment: ProcessInfo.processInfo.environment))
        let path = resolver.value("db", flag: db.flatMap { $0.isEmpty ? nil : $0 }, default: ServeSettings.Defaults.db)
        guard resolver.problems.isEmpty else { throw CLIError(resolver.problems.joined(separator: "\n")) }
        return path
    }

    func open() throws -> Store {
        try Self.open(path())
    }

    /// The database, refused when it holds Amazon secrets that other users of the machine could read.
    func openPrivate() async throws -> Store {
        let path = try path()
        let store = try Self.open(path)
        try await SecretFiles.check(path, store: store)
        return store
    }

    static func open(_ path: String) throws -> Store {
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

/// Runs `body`, turning Store, Posting and Amazon errors into readable CLI errors.
@discardableResult
func readable<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw CLIError(error.description)
    } catch let error as PostingError {
        throw CLIError(error.description)
    } catch let error as SPAPIError {
        throw CLIError(error.description)
    }
}
