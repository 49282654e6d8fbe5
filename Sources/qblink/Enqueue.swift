import ArgumentParser
import Foundation
import Planner
import QBXML
import SalesDocument
import Store
import WebConnector

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
    var missing: MissingPolicy = .create
    @Option(help: "Type of the items added for unknown item names: NonInventory, Service or OtherCharge.")
    var itemType: ListRequirement.ItemType = .nonInventory
    @Option(help: "Income account of the items added (itself added, as an Income account, when missing).")
    var itemAccount = "Sales"
    @Flag(help: "Queue transactions even when a RefNumber of the same type is already queued or created.")
    var allowDuplicates = false

    enum MissingPolicy: String, ExpressibleByArgument {
        case create
        case fail
    }

    func validate() throws {
        if (qbxml == nil) == (file == nil) { throw ValidationError("name one file: FILE.json (or -), or --qbxml FILE") }
    }

    func run() async throws {
        if let qbxml { return try enqueueQBXML(qbxml) }
        let path = file!
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw CLIError("\(path): cannot read the file (does it exist, and may qblink read it?)")
            }
            data = d
        }
        let name = path == "-" ? "standard input" : path
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
        guard try store.user(named: user) != nil else { throw CLIError(StoreError.noSuchUser(user).description) }
        if !allowDuplicates {
            let active = try store.activeRefNumbers(userName: user)
            let repeated = document.entries.compactMap { entry -> String? in
                switch entry {
                case .transaction(let t): t.refNumber.map { "\(t.kind.rawValue)Add:\($0)" }
                case .payment(let p, _): p.refNumber.map { "ReceivePaymentAdd:\($0)" }
                }
            }.filter { active.contains($0) }
            if !repeated.isEmpty {
                throw CLIError("\(name): already queued or created for \(user): \(repeated.joined(separator: ", ")). Nothing was queued; use --allow-duplicates to queue them again.")
            }
        }
        let source = path == "-" ? "stdin" : URL(fileURLWithPath: path).lastPathComponent
        let plan = Planner.plan(
            requirements: document.requirements(itemType: itemType, itemAccount: itemAccount, itemAccountType: "Income"),
            entries: document.entries, missingPolicy: missing.rawValue, source: source)
        let result = try readable { try store.enqueue(plan: plan, userName: user) }
        let lookups = plan.filter { $0.ensure != nil }.count
        print("Queued \(document.entries.count) transaction(s) for \(user), after \(lookups) lookup(s) of the customers and items they name (\(result.shared) shared with earlier work).")
    }

    func enqueueQBXML(_ path: String) throws {
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

extension ListRequirement.ItemType: ExpressibleByArgument {}
