import ArgumentParser
import Foundation
import Posting
import QBXML
import Settlement
import Store

struct SettlementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settlement", abstract: "Turn Amazon settlement reports into summary sales receipts and credit memos.",
        subcommands: [Preview.self, EnqueueSettlement.self, Mapping.self])

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a settlement will post, with the reconciliation to the deposit. Changes nothing.")
        @OptionGroup var input: SettlementInput
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let summaries = try input.summaries()
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
            let summaries = try input.summaries()
            let mapping = try input.mapping()
            let store = try database.open()
            // Each report is its own settlement; a folder goes in as a whole or not at all.
            let enqueued = try await readable {
                try await Posting.enqueue(settlements: summaries, missing: mapping.missing, replace: replace, userName: user, store: store)
            }
            for (summary, result) in enqueued.map({ ($0.summary, $0.result) }) {
                let h = summary.header
                let receipts = summary.transactions.filter { $0.transaction.kind == .salesReceipt }.count
                let invoices = summary.transactions.filter { $0.transaction.kind == .invoice }.count
                let memos = summary.transactions.count - receipts - invoices
                let sales = invoices > 0 ? "\(invoices) invoice(s) with their payments" : "\(receipts) sales receipt(s)"
                print("Settlement \(h.settlementID) (\(summary.source)): queued \(sales) and \(memos) credit memo(s) for \(user), netting \(Cents.format(summary.postedCents)) \(h.currency) = the deposit.")
                print("  \(result.inserted.count) queue items (lookups and additions of \(summary.requirements.count) accounts, customers and items first), \(result.shared) shared with earlier enqueues.")
                if replace { print("  --replace: \(result.replaced) earlier item(s) cancelled, \(result.kept) already sent and kept.") }
                if !summary.unmapped.isEmpty {
                    print("  Warning: \(summary.unmapped.count) kind(s) of amount are unmapped and post to '\(mapping.unmappedItem)' (see settlement preview).")
                }
            }
            print("They go to QuickBooks at the next Update Selected; follow them with 'qblink queue --user \(user)'.")
        }
    }
}

/// The human preview of one settlement.
enum SettlementReport {
    static func text(_ s: SettlementSummary) -> String {
        let h = s.header
        var out = "Settlement \(h.settlementID) — \(s.source)\n"
        out += "  \(h.marketplace.isEmpty ? "" : h.marketplace + ", ")\(h.currency), \(h.start?.description ?? "?") to \(h.end?.description ?? "?"), deposit \(h.deposit?.description ?? "?"): \(Cents.format(h.totalCents))\n"
        out += "  \(h.format.rawValue), \(h.rows) rows, grouped by \(s.mappingGroup.rawValue)\n"
        for t in s.transactions {
            let x = t.transaction
            let kind = x.kind == .salesReceipt ? "Sales receipt" : x.kind == .invoice ? "Invoice" : "Credit memo"
            out += "\n\(kind) \(x.refNumber ?? "") — \(t.family.rawValue) \(t.group) — \(x.txnDate ?? "") — \(x.customer)"
            out += (x.depositAccount.map { " → \($0)" } ?? "") + " (\(t.rows) rows)\n"
            var table = TextTable("  ITEM", "DESCRIPTION", "QTY", "AMOUNT")
            for line in x.lines {
                table.add("  " + line.item, (line.description ?? "").clipped(44), line.quantity ?? "", Cents.format(line.amountCents ?? 0))
            }
            table.add("  Total", "", "", Cents.format(x.totalCents))
            out += table.rendered + "\n"
            if let p = s.payment(of: x) {
                out += "  paid in full by payment \(p.refNumber ?? "") (\(Cents.format(p.totalCents))) into \(p.depositAccount ?? "?")\n"
            }
        }
        out += "\nReconciliation\n"
        var r = TextTable("  ", "AMOUNT")
        r.add(s.payments.isEmpty ? "  Sales receipts" : "  Invoices (paid)", Cents.format(s.receiptsCents))
        r.add("  Credit memos", Cents.format(-s.creditMemosCents))
        r.add("  Posted (receipts − credit memos)", Cents.format(s.postedCents))
        r.add("  Deposit (total-amount)", Cents.format(h.totalCents))
        out += r.rendered + "\n"
        out += s.reconciles ? "  ✓ reconciles to the cent\n" : "  ✗ DOES NOT RECONCILE (difference \(Cents.format(s.postedCents - h.totalCents)))\n"
        if !s.unmapped.isEmpty {
            out += "\nUNMAPPED amounts (posted to the unmapped item; add a rule to the mapping):\n"
            for u in s.unmapped {
                out += "  line \(u.firstLine): \(u.transactionType) / \(u.amountType) / \(u.amountDescription): \(Cents.format(u.cents)) (\(u.rows) rows)\n"
            }
        }
        if !s.shortenedSKUs.isEmpty {
            out += "\nSKUs longer than QuickBooks' 31 characters, and their item names:\n"
            for (sku, name) in s.shortenedSKUs.sorted(by: { $0.key < $1.key }) { out += "  \(sku) → \(name)\n" }
        }
        let accounts = s.requirements.filter { if case .account = $0.kind { true } else { false } }.count
        let items = s.requirements.filter { if case .item = $0.kind { true } else { false } }.count
        out += "\nNeeds in QuickBooks (looked up first, added when missing unless the mapping says fail): \(accounts) accounts, 1 customer, \(items) items."
        return out
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
    var transactions: [TransactionJSON]
    var receipts: String
    var creditMemos: String
    var posted: String
    var reconciles: Bool
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
        transactions = s.transactions.map { t in
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
