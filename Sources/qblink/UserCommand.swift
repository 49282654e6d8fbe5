import ArgumentParser
import Foundation
import Store

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the Web Connector users (one per company file).",
        subcommands: [Add.self, List.self, Passwd.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password is prompted for or read from stdin.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The user name (the .qwc's UserName).") var name: String
        @Option(help: ArgumentHelp("Company file QuickBooks should open, e.g. 'C:\\Books\\Shop.QBW' (default: the open one).", valueName: "path"))
        var companyFile = ""
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            try Store.validateUserName(name)
            let password = try PasswordInput.read(fromStdin: passwordStdin, confirm: true)
            let store = try database.open()
            let hash = PasswordHasher.hash(password)
            try await readable { try await store.addUser(name: name, passwordHash: hash, companyFile: companyFile) }
            print("Added user '\(name)'. Next: qblink qwc \(name) --url https://YOUR-HOST/qbwc > \(name).qwc")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try database.open()
            let users = try await store.users()
            if json {
                var listed: [UserJSON] = []
                for user in users {
                    let counts = try await store.counts(userName: user.name)
                    listed.append(UserJSON(
                        name: user.name, companyFile: user.companyFile, fileID: user.fileID, createdAt: user.createdAt,
                        counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })))
                }
                print(try JSONOutput.encode(listed))
                return
            }
            if users.isEmpty {
                print("No users yet. Add one with: qblink user add NAME")
                return
            }
            var table = TextTable("NAME", "COMPANY FILE", "FILE ID", "QUEUED", "FAILED", "IN DOUBT", "CREATED")
            for user in users {
                let counts = try await store.counts(userName: user.name)
                table.add(
                    user.name, user.companyFile.isEmpty ? "(the open file)" : user.companyFile, user.fileID,
                    String(counts[.queued] ?? 0), String(counts[.failed] ?? 0), String(counts[.inDoubt] ?? 0),
                    user.createdAt.formatted(.iso8601))
            }
            print(table.rendered)
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's password.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let store = try database.open()
            guard try await store.user(named: name) != nil else { throw CLIError(StoreError.noSuchUser(name).description) }
            let password = try PasswordInput.read(fromStdin: passwordStdin, confirm: true)
            try await readable { try await store.setPassword(name: name, passwordHash: PasswordHasher.hash(password)) }
            print("Password changed for '\(name)'. Type the new one in the Web Connector too.")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user with its queue and sessions.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            let store = try database.open()
            try await readable { try await store.removeUser(name: name) }
            print("Removed user '\(name)'.")
        }
    }
}

enum PasswordInput {
    static let minimumLength = 8

    static func read(fromStdin: Bool, confirm: Bool) throws -> String {
        let password: String
        if fromStdin || isatty(STDIN_FILENO) != 1 {
            // No terminal to ask on (a script or a pipe): the first line of standard input is the password.
            guard let line = Self.line() else {
                throw CLIError("no password: standard input is empty (pipe it in, e.g. with --password-stdin)")
            }
            password = line
        } else {
            password = prompt("Password: ")
            if confirm && prompt("Again: ") != password {
                throw CLIError("the two passwords differ; nothing was changed")
            }
        }
        guard !password.isEmpty else { throw CLIError("the password is empty") }
        if password.count < minimumLength {
            FileHandle.standardError.write(Data("warning: a password of fewer than \(minimumLength) characters is easy to guess; the Web Connector sends it over the internet\n".utf8))
        }
        return password
    }

    /// The next line of standard input without its line ending (LF or CRLF), nil at its end.
    static func line() -> String? {
        guard let line = Swift.readLine(strippingNewline: true) else { return nil }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    static func prompt(_ text: String) -> String {
        guard let p = getpass(text) else { return "" }
        return String(cString: p)
    }
}
