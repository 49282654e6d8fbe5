import ArgumentParser
import Foundation
import Planner
import QBXML
import Store
import WebConnector

struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue requests for QuickBooks: every *Rq of a qbXML file becomes one queue item (all or nothing).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: ArgumentHelp("A qbXML request file (<QBXML><QBXMLMsgsRq>…).", valueName: "file")) var qbxml: String?
    @Option(help: "The user whose Web Connector will carry the requests.") var user: String

    func validate() throws {
        if qbxml == nil { throw ValidationError("name the file to queue: --qbxml FILE") }
    }

    func run() async throws {
        let path = qbxml!
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read the file (does it exist, and may qblink read it?)")
        }
        let requests: [QBXMLRequest]
        do {
            requests = try QBXMLRequestFile.requests(in: [UInt8](data))
        } catch {
            throw CLIError("\(path): \(error)\nNothing was queued.")
        }
        let store = try database.open()
        let source = URL(fileURLWithPath: path).lastPathComponent
        let items = requests.map { NewItem($0, source: source) }
        let ids = try readable { try store.enqueue(items, userName: user) }
        var byType: [String: Int] = [:]
        for request in requests { byType[request.type + "Rq", default: 0] += 1 }
        let kinds = byType.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let range = ids.count == 1 ? "id \(ids[0])" : "ids \(ids.first!)–\(ids.last!)"
        print("Queued \(ids.count) request\(ids.count == 1 ? "" : "s") for \(user) (\(range)): \(kinds).")
        let unresolvable = items.filter { $0.lookupBody == nil && $0.type.hasSuffix("Add") }.count
        if unresolvable > 0 {
            print(
                "Note: \(unresolvable) of them cannot be looked up in QuickBooks (no RefNumber or name); if a response is lost they stay in doubt for you to check.")
        }
    }
}
