import ArgumentParser
import Foundation
import Posting
import QBXML
import Settlement
import Store

struct SettlementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlement", abstract: "Turn Amazon settlement reports into summary sales receipts and credit memos.",
        subcommands: [Preview.self, EnqueueSettlement.self, List.self, Undo.self, Mapping.self, Fetch.self])

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a settlement will post, with the reconciliation to the deposit. Changes nothing.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: SettlementInput
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let summaries = try await input.summaries(database).summaries
            if json {
                print(try JSONOutput.encode(summaries.map(SummaryJSON.init)))
                return
            }
            print(summaries.map(SettlementReport.text).joined(separator: "\n\n"))
        }
    }

    struct EnqueueSettlement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enqueue", abstract: "Queue a settlement's transactions (and the lookups they need), all or nothing.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var input: SettlementInput
        @Option(help: "The user whose Web Connector will carry the requests.") var user: String
        @Flag(help: "For a settlement already enqueued: replace its transactions QuickBooks does not have (never sent, failed or cancelled).")
        var replace = false

        func run() async throws {
            let (summaries, fetched) = try await input.summaries(database)
            let mapping = try input.mapping()
            let store = try database.open()
            // Each report is its own settlement; a folder goes in as a whole or not at all.
            let enqueued = try await readable {
                try await Posting.enqueue(settlements: summaries, missing: mapping.missing, replace: replace, userName: user, store: store)
            }
            for (summary, result) in enqueued.map({ ($0.summary, $0.result) }) {
                let h = summary.header
                print("Settlement \(h.settlementID) (\(summary.source)): queued \(Self.describe(summary)) for \(user), moving \(summary.depositAccount) by \(Cents.format(h.totalCents)) \(h.currency) = the deposit.")
                print("  \(result.inserted.count) queue items (lookups and additions of \(summary.requirements.count) accounts, customers and items first), \(result.shared) shared with earlier enqueues.")
                if replace { print("  --replace: \(result.replaced) earlier item(s) cancelled, \(result.kept) already sent and kept.") }
                if !summary.unmapped.isEmpty {
                    print("  Warning: \(summary.unmapped.count) kind(s) of amount are unmapped and post to '\(mapping.unmappedItem)' (see settlement preview).")
                }
            }
            if let fetched, let id = fetched.id {
                try await store.decideFetchedReport(id: id, state: .enqueued, reason: nil, userName: user)
            } else {
                try await keepOriginals(summaries, store: store)
            }
            print("They go to QuickBooks at the next Update Selected; follow them with 'qblink settlement list --user \(user)'.")
        }

        /// Keeps each report file enqueued as it was (for the console's preview and download), once per settlement.
        func keepOriginals(_ summaries: [SettlementSummary], store: Store) async throws {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder)
            for summary in summaries {
                let file = isFolder.boolValue ? (input.path as NSString).appendingPathComponent(summary.source) : input.path
                guard InputFile.size(file) <= 64 << 20, let data = FileManager.default.contents(atPath: file) else { continue }
                let h = summary.header
                let kept = FetchedReport(
                    account: "cli", reportID: "file-\(h.settlementID)", documentID: "", settlementID: h.settlementID,
                    periodStart: h.start?.description, periodEnd: h.end?.description, marketplace: h.marketplace, totalCents: h.totalCents,
                    currency: h.currency, createdTime: nil, fetchedAt: Date(), charset: nil, compressed: false, bytes: Array(data))
                if let id = try await store.keepFetchedReport(kept) {
                    try await store.decideFetchedReport(id: id, state: .enqueued, reason: nil, userName: user)
                }
            }
        }

        /// "2 sales receipt(s) and 1 credit memo(s) (refunded), and the payout transfer".
        static func describe(_ s: SettlementSummary) -> String {
            var text: String
            if s.mode == .journal {
                text = s.journalEntry == nil ? "no journal entry (it nets to zero)" : "1 journal entry of \(s.journalEntry!.lines.count) lines"
            } else {
                let receipts = s.transactions.filter { $0.transaction.kind == .salesReceipt }.count
                let invoices = s.transactions.filter { $0.transaction.kind == .invoice }.count
                let memos = s.transactions.count - receipts - invoices
                text = (invoices > 0 ? "\(invoices) invoice(s) with their payments" : "\(receipts) sales receipt(s)") + " and \(memos) credit memo(s)"
                if memos > 0 { text += " with their refunds" }
            }
            if s.transfer != nil { text += ", and the payout transfer to \(s.bankAccount ?? "")" }
            return text
        }
    }
}

/// A settlement summary as `--json` prints it.
struct SummaryJSON: Encodable {
    var settlementID: String
    var source: String
    var format: String
    var marketplace: String
    var currency: String
    var start: String?
    var end: String?
    var deposit: String?
    var rows: Int
    var totalAmount: String
    var group: String
    var mode: String
    var transactions: [TransactionJSON]
    var refunds: [QBRefund]
    var transfer: QBTransfer?
    var journalEntry: QBJournalEntry?
    var receipts: String
    var creditMemos: String
    var posted: String
    var reconciles: Bool
    /// Why it does not reconcile in the books (empty when it does).
    var problems: [String]
    /// Each account's change once posted (debit positive), Accounts Receivable last.
    var books: [BookJSON]
    var unmapped: [SettlementSummary.Unmapped]
    var shortenedSKUs: [String: String]
    var requirements: [String]

    struct TransactionJSON: Encodable {
        var kind: String
        var role: String
        var group: String
        var refNumber: String?
        var txnDate: String?
        var customer: String
        var depositAccount: String?
        var memo: String?
        var total: String
        var lines: [LineJSON]
    }

    struct BookJSON: Encodable {
        var account: String
        var type: String
        var change: String
    }

    struct LineJSON: Encodable {
        var item: String
        var description: String?
        var quantity: String?
        var amount: String
    }

    init(_ s: SettlementSummary) {
        let h = s.header
        settlementID = h.settlementID
        source = s.source
        format = h.format.rawValue
        marketplace = h.marketplace
        currency = h.currency
        start = h.start?.description
        end = h.end?.description
        deposit = h.deposit?.description
        rows = h.rows
        totalAmount = Cents.format(h.totalCents)
        group = s.mappingGroup.rawValue
        mode = s.mode.rawValue
        refunds = s.mode == .journal ? [] : s.refunds
        transfer = s.transfer
        journalEntry = s.journalEntry
        problems = s.bookProblems
        books = s.books.map { BookJSON(account: $0.account, type: $0.type, change: Cents.format($0.cents)) }
        transactions = s.mode == .journal ? [] : s.transactions.map { t in
            TransactionJSON(
                kind: t.transaction.kind.rawValue, role: t.family.rawValue, group: t.group, refNumber: t.transaction.refNumber,
                txnDate: t.transaction.txnDate, customer: t.transaction.customer, depositAccount: t.transaction.depositAccount,
                memo: t.transaction.memo, total: Cents.format(t.transaction.totalCents),
                lines: t.transaction.lines.map { LineJSON(item: $0.item, description: $0.description, quantity: $0.quantity, amount: Cents.format($0.amountCents ?? 0)) })
        }
        receipts = Cents.format(s.receiptsCents)
        creditMemos = Cents.format(s.creditMemosCents)
        posted = Cents.format(s.postedCents)
        reconciles = s.reconciles
        unmapped = s.unmapped
        shortenedSKUs = s.shortenedSKUs
        requirements = s.requirements.map(\.label)
    }
}

extension SettlementCommand {
    struct Mapping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the standard mapping (the same as Resources/settlement-mapping.json), to copy and edit.")

        func run() async throws {
            print(SettlementMapping.standard.json(), terminator: "")
        }
    }
}
