import ArgumentParser
import Foundation
import Store

struct ConsoleUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console-user", abstract: "Accounts of the web console (/console), apart from Web Connector users.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a console account; the password is asked for (piped: the first line of standard input).")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String
        @Flag(help: "Read the password from standard input even on a terminal.") var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(fromStdin: passwordStdin, confirm: true)
            let store = try database.open()
            try await readable { try await store.addConsoleUser(name: name, passwordHash: PasswordHasher.hash(password)) }
            print("Added console account '\(name)'. Sign in at /console on qblink serve's address.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List console accounts.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let users = try await database.open().consoleUsers()
            if json {
                print(try JSONOutput.encode(users.map { ["name": $0.name, "createdAt": $0.createdAt.formatted(.iso8601)] }))
                return
            }
            guard !users.isEmpty else {
                print("No console account yet. Add one with: qblink console-user add NAME")
                return
            }
            var table = TextTable("NAME", "CREATED")
            for user in users { table.add(user.name, user.createdAt.formatted(.iso8601)) }
            print(table.rendered)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a console account and end its sessions.")
        @OptionGroup var database: DatabaseOptions
        @Argument var name: String

        func run() async throws {
            try await readable { try await database.open().removeConsoleUser(named: name) }
            print("Removed console account '\(name)'.")
        }
    }
}
