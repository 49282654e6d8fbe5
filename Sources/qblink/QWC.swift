import ArgumentParser
import SOAP
import Store
import WebConnector

struct QWC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qwc", abstract: "Print the .qwc file the bookkeeper adds to the Web Connector.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The user the Web Connector will log in as.") var name: String
    @Option(help: "The endpoint, e.g. https://books.example.com/qbwc (http only for localhost).") var url: String
    @Option(help: "The name shown in the Web Connector (make it unique per company file).") var appName: String?
    @Option(help: "Run automatically every N minutes.") var runEveryMinutes: Int?

    func validate() throws {
        if let runEveryMinutes, runEveryMinutes < 1 { throw ValidationError("--run-every-minutes must be at least 1") }
    }

    func run() async throws {
        let store = try database.open()
        guard let user = try await store.user(named: name) else { throw CLIError(StoreError.noSuchUser(name).description) }
        let document: QWCDocument
        do {
            document = try QWCDocument(
                url: url, userName: user.name, ownerID: try await store.ownerID(), fileID: user.fileID,
                appName: appName ?? "qblink (\(user.name))", runEveryMinutes: runEveryMinutes)
        } catch {
            throw CLIError("--url: \(error)")
        }
        print(document.xml, terminator: "")
    }
}
