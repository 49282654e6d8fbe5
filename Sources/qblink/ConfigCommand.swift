import ArgumentParser
import Foundation

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration qblink serve would run with.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration file and QBLINK_* variables; print each setting and where it came from.",
            discussion: """
                The file is YAML, one `key: value` per line; the keys are serve's flags without their dashes, and each \
                has an environment variable QBLINK_<KEY> (dashes as underscores). A flag wins over the variable, which \
                wins over the file. The keys: \(ServeSettings.keys.joined(separator: ", ")).
                """)

        @Option(help: ArgumentHelp("Configuration file (default: $QBLINK_CONFIG, else \(ConfigFile.defaultPath) when it exists).", valueName: "file"))
        var config: String?

        @Flag(help: "Print JSON: each setting with its value and where it came from.") var json = false

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let file = try ConfigFile.load(explicit: config, environment: environment)
            var resolver = SettingsResolver(environment: environment, file: file)
            _ = ServeSettings(nil, &resolver)
            guard resolver.problems.isEmpty else {
                let count = resolver.problems.count
                throw CLIError(resolver.problems.joined(separator: "\n") + "\n\(count) problem\(count == 1 ? "" : "s"); qblink serve would not start.")
            }
            if json {
                print(try JSONOutput.encode(resolver.resolved.map { ["key": $0.key, "value": $0.value, "from": $0.origin] }))
                return
            }
            print(file.map { "\($0.path): no problems found." } ?? "No configuration file (\(ConfigFile.defaultPath) does not exist); defaults and QBLINK_* variables only.")
            var table = TextTable("SETTING", "VALUE", "FROM")
            for setting in resolver.resolved { table.add(setting.key, setting.value, setting.origin) }
            print(table.rendered)
        }
    }
}
