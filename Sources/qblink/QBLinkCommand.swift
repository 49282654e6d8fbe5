import ArgumentParser
import WebConnector

@main
struct QBLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qblink",
        abstract: "Keep QuickBooks Desktop in step with what you sell, through the QuickBooks Web Connector.",
        version: QBLinkVersion.current,
        subcommands: [Serve.self, UserCommand.self, QWC.self, SettlementCommand.self, Enqueue.self, QueueCommand.self, Log.self, WSDL.self, Backup.self, Migrate.self, ConfigCommand.self, AmazonCommand.self, ConsoleUserCommand.self])
}
