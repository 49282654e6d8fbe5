import Amazon
import ArgumentParser
import Foundation
import Store

struct AmazonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amazon", abstract: "Connect Amazon seller accounts (Selling Partner API) to fetch settlement reports.",
        subcommands: [Connect.self, List.self, Remove.self])

    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store one Amazon seller account: the app's client secret and the seller's refresh token are read from standard input.",
            discussion: """
                Standard input gives the client secret on its first line and the refresh token on its second (a \
                terminal asks for each, without echo); never a flag, so that neither lands in the shell's history. The \
                database is made readable by qblink's user only (chmod 600), and qblink refuses to run on it otherwise.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A name for the account (e.g. shop-us).") var name: String
        @Option(help: "Where the seller's data lives: na (North America), eu (Europe), fe (Far East).") var region: SPRegion
        @Option(help: "The app's LWA client id (Seller Central → Develop Apps → View → LWA credentials).") var clientID: String
        @Option(help: ArgumentHelp("Another Selling Partner API address (tests, a new region).", valueName: "url")) var endpoint: String?
        @Option(help: ArgumentHelp("Another LWA token address.", valueName: "url")) var tokenURL: String?

        func validate() throws {
            for (flag, url) in [("--endpoint", endpoint), ("--token-url", tokenURL)] {
                guard let url else { continue }
                guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                    throw ValidationError("\(flag) '\(url)' is not an http or https URL")
                }
            }
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ValidationError("the account name may hold letters, digits, '-', '_' and '.', at most 64 of them")
            }
        }

        func run() async throws {
            let secret = try SecretInput.line("Client secret: ", what: "client secret")
            let refresh = try SecretInput.line("Refresh token: ", what: "refresh token")
            let path = try database.path()
            let store = try DatabaseOptions.open(path)
            let account = AmazonAccount(
                name: name, region: region.rawValue, clientID: clientID, clientSecret: secret, refreshToken: refresh,
                endpoint: (endpoint ?? region.endpoint).trimmingSuffix("/"), tokenURL: tokenURL ?? SPRegion.tokenURL)
            try await readable { try await store.addAmazonAccount(account) }
            try SecretFiles.makePrivate(path)
            print("Connected Amazon account '\(name)' (\(region.rawValue), \(account.endpoint)). Fetch its settlements with: qblink settlement fetch \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connected Amazon accounts (never their secrets).")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await database.openPrivate()
            let accounts = try await store.amazonAccounts()
            var rows: [AccountJSON] = []
            for account in accounts {
                let reports = try await store.fetchedReports(account: account.name)
                rows.append(AccountJSON(
                    name: account.name, region: account.region, clientID: account.clientID, endpoint: account.endpoint, tokenURL: account.tokenURL,
                    connectedAt: account.createdAt, reportsFetched: reports.count, lastFetchedAt: reports.map(\.fetchedAt).max()))
            }
            if json {
                print(try JSONOutput.encode(rows))
                return
            }
            guard !rows.isEmpty else {
                print("No Amazon account connected. Connect one with: qblink amazon connect NAME --region na --client-id ID")
                return
            }
            var table = TextTable("NAME", "REGION", "CLIENT ID", "ENDPOINT", "CONNECTED", "REPORTS", "LAST FETCH")
            for row in rows {
                table.add(
                    row.name, row.region, row.clientID, row.endpoint, row.connectedAt.formatted(.iso8601), String(row.reportsFetched),
                    row.lastFetchedAt?.formatted(.iso8601) ?? "never")
            }
            print(table.rendered)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget an Amazon account's credentials (the reports fetched with it stay).")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            let store = try await database.openPrivate()
            try await readable { try await store.removeAmazonAccount(named: name) }
            print("Removed Amazon account '\(name)'; its fetched reports stay (qblink settlement list).")
        }
    }
}

/// An Amazon account as `amazon list --json` prints it: no secret.
struct AccountJSON: Encodable {
    var name: String
    var region: String
    var clientID: String
    var endpoint: String
    var tokenURL: String
    var connectedAt: Date
    var reportsFetched: Int
    var lastFetchedAt: Date?
}

extension SPRegion: ExpressibleByArgument {}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

/// A secret from standard input: a line of it when piped, else asked for on the terminal without echo.
enum SecretInput {
    static func line(_ prompt: String, what: String) throws -> String {
        let value: String
        if isatty(STDIN_FILENO) == 1 {
            value = PasswordInput.prompt(prompt)
        } else {
            guard let line = PasswordInput.line() else {
                throw CLIError("no \(what) on standard input (give the client secret and the refresh token on two lines)")
            }
            value = line
        }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw CLIError("the \(what) is empty") }
        return trimmed
    }
}

/// The database file holds secrets once an Amazon account is connected: readable by qblink's user only.
enum SecretFiles {
    static func makePrivate(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            guard chmod(file, 0o600) == 0 else {
                throw CLIError("\(file): could not make it readable by its owner only (chmod 600): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Refuses a database that holds Amazon secrets and that other users of the machine can read.
    static func check(_ path: String, store: Store) async throws {
        guard try await store.holdsAmazonSecrets() else { return }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            if mode & 0o077 != 0 {
                throw CLIError(
                    "\(file) holds Amazon secrets and other users of this machine can read it (mode \(String(mode, radix: 8))). Make it private: chmod 600 \(path) \(path)-wal \(path)-shm")
            }
        }
    }
}
