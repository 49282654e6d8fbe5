import ArgumentParser
import Foundation
import Posting
import QBModel
import QBXML
import SalesDocument
import Store

struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue requests for QuickBooks from a JSON sales document or a qbXML file, all or nothing.",
        discussion: """
            FILE.json (or - for standard input) is a list of invoice, payment, salesReceipt and creditMemo
            transactions (see the README and Resources/example-sales.json); the customers and items they name
            are looked up first and added when missing (--missing fail: reported instead). With --qbxml, every
            *Rq of a qbXML file becomes one queue item as it is.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "A JSON sales document, or - to read it from standard input.") var file: String?
    @Option(help: ArgumentHelp("A qbXML request file (<QBXML><QBXMLMsgsRq>…).", valueName: "file")) var qbxml: String?
    @Option(help: "The user whose Web Connector will carry the requests.") var user: String
    @Option(help: "What happens when a customer or item is not in QuickBooks: create it, or fail the transactions naming it.")
    var missing: MissingListPolicy = .create
    @Option(help: "Type of the items added for unknown item names: NonInventory, Service or OtherCharge.")
    var itemType: ListRequirement.ItemType = .nonInventory
    @Option(help: "Income account of the items added (itself added, as an Income account, when missing).")
    var itemAccount = "Sales"
    @Flag(help: "Queue transactions even when a RefNumber of the same type is already queued or created.")
    var allowDuplicates = false

    func validate() throws {
        if (qbxml == nil) == (file == nil) { throw ValidationError("name one file: FILE.json (or -), or --qbxml FILE") }
    }

    func run() async throws {
        if let qbxml { return try await enqueueQBXML(qbxml) }
        let path = file!
        let name = path == "-" ? "standard input" : path
        let data = try read(path)
        if data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "<") {
            throw CLIError("\(name) looks like XML: queue a qbXML file with --qbxml \(path)")
        }
        let document: SalesDocument
        do {
            document = try SalesDocument.parse(data)
        } catch {
            throw CLIError("\(name) was refused; nothing was queued:\n" + error.messages.map { "  " + $0 }.joined(separator: "\n"))
        }
        let store = try database.open()
        let source = path == "-" ? "stdin" : URL(fileURLWithPath: path).lastPathComponent
        let options = DocumentOptions(missing: missing, itemType: itemType, itemAccount: itemAccount, allowDuplicates: allowDuplicates)
        let queued = try await readable {
            try await Posting.enqueue(document: document, source: source, options: options, userName: user, store: store)
        }
        print("Queued \(queued.transactions) transaction(s) for \(user), after \(queued.lookups) lookup(s) of the customers and items they name (\(queued.result.shared) shared with earlier work).")
    }

    /// The largest JSON document or qbXML file read whole (reading one takes about 15 times its size in memory).
    static let maxFileBytes = 64 << 20

    func read(_ path: String) throws -> Data {
        let tooLarge = "is larger than \(Self.maxFileBytes >> 20) MiB; split it into several files (nothing was enqueued)"
        if path == "-" {
            let data = try FileHandle.standardInput.read(upToCount: Self.maxFileBytes + 1) ?? Data()
            guard data.count <= Self.maxFileBytes else { throw CLIError("standard input \(tooLarge)") }
            return data
        }
        do { try InputFile.requireRegularFile(path) } catch { throw CLIError("\(error)") }
        guard InputFile.size(path) <= Self.maxFileBytes else { throw CLIError("\(path) \(tooLarge)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read the file (does it exist, and may qblink read it?)")
        }
        return data
    }

    func enqueueQBXML(_ path: String) async throws {
        let requests: [QBXMLRequest]
        do {
            requests = try QBXMLRequestFile.requests(in: [UInt8](try read(path)))
        } catch let error as QBXMLFileError {
            throw CLIError("\(path): \(error)\nNothing was queued.")
        }
        let store = try database.open()
        let queued = try await readable {
            try await Posting.enqueue(requests: requests, source: URL(fileURLWithPath: path).lastPathComponent, userName: user, store: store)
        }
        let ids = queued.ids
        var byType: [String: Int] = [:]
        for request in requests { byType[request.type + "Rq", default: 0] += 1 }
        let kinds = byType.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let range = ids.count == 1 ? "id \(ids[0])" : "ids \(ids.first!)–\(ids.last!)"
        print("Queued \(ids.count) request\(ids.count == 1 ? "" : "s") for \(user) (\(range)): \(kinds).")
        if queued.unresolvable > 0 {
            print(
                "Note: \(queued.unresolvable) of them cannot be looked up in QuickBooks (no RefNumber or name); if a response is lost they stay in doubt for you to check.")
        }
    }
}

extension ListRequirement.ItemType: ExpressibleByArgument {}
extension MissingListPolicy: ExpressibleByArgument {}
