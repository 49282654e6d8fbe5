import ArgumentParser
import SOAP
import WebConnector

struct WSDL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wsdl", abstract: "Print the service description (the server publishes it at GET /qbwc?wsdl).")

    @Option(help: "The endpoint written in the soap:address.") var endpoint = "http://localhost:8080/qbwc"

    func run() async throws {
        print(WSDLDocument.text(endpoint: endpoint), terminator: "")
    }
}
