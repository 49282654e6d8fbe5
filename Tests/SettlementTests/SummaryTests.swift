import Foundation
import QBLinkTestSupport
import QBModel
import QBXML
import Settlement
import Testing

@Suite struct SummaryTests {
    func summarize(_ b: ReportBuilder, v1: Bool = false, _ configure: (inout SettlementMapping) -> Void = { _ in }) throws -> SettlementSummary {
        var mapping = SettlementMapping.standard
        configure(&mapping)
        return try Settlement.summarize(Array((v1 ? b.v1() : b.v2()).utf8), source: "test.txt", mapping: mapping)
    }

    /// A transaction's lines as they count toward the deposit (a credit memo's lines negated back).
    func lines(_ s: SettlementSummary, _ family: TransactionFamily, group: String? = nil) -> [QBTransaction.Line] {
        guard let t = s.transactions.first(where: { $0.family == family && (group == nil || $0.group == group) }) else { return [] }
        let sign = t.transaction.kind == .creditMemo ? -1 : 1
        return t.transaction.lines.map { line in
            var l = line
            l.amountCents = line.amountCents.map { $0 * sign }
            return l
        }
    }

    /// What the transactions put into the deposit account, added up here from their lines: sales receipts and
    /// invoices add, credit memos take away.
    static func deposited(_ s: SettlementSummary) -> Int {
        s.transactions.reduce(0) { total, t in
            let lines = t.transaction.lines.reduce(0) { $0 + ($1.amountCents ?? 0) }
            return total + (t.transaction.kind == .creditMemo ? -lines : lines)
        }
    }

    /// What Amazon paid: every amount the builder wrote into the report, added up here.
    static func paid(_ b: ReportBuilder) -> Int { b.rows.reduce(0) { $0 + $1.cents } }

    func amount(_ lines: [QBTransaction.Line], _ item: String, description: String? = nil) -> Int? {
        let matching = lines.filter { $0.item == item && (description == nil || $0.description == description) }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + ($1.amountCents ?? 0) }
    }

    @Test func usMarketplaceFacilitatorTaxIsANetZeroPairOffTheSalesTaxLiability() throws {
        var b = ReportBuilder()
        b.order("TM-ATRNS-LL", cents: 6899, tax: 630)
        b.order("TM-ATRNS-LL", cents: 6899, tax: 630)
        let s = try summarize(b)
        let orders = lines(s, .orders)
        #expect(amount(orders, "TM-ATRNS-LL") == 13798)
        #expect(orders.first { $0.item == "TM-ATRNS-LL" }?.quantity == "2")  // once per order item, not per row
        #expect(amount(orders, "Marketplace Facilitator Tax", description: "Marketplace facilitator tax collected") == 1260)
        #expect(amount(orders, "Marketplace Facilitator Tax", description: "Marketplace facilitator tax withheld by Amazon") == -1260)
        #expect(amount(orders, "SalesTax") == nil)
        #expect(Self.deposited(s) == Self.paid(b))
        let taxAccount = s.requirements.first { $0.name == "Marketplace Facilitator Tax" && $0.listKind == .item }
        #expect(taxAccount?.kind == .item(type: .otherCharge, account: "Marketplace Facilitator Tax"))
    }

    @Test func sellerCollectedTaxGoesToTheSalesTaxItem() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 10000, tax: 825, withheld: false)
        b.order("SKU-B", cents: 5000, tax: 400)
        let s = try summarize(b)
        let orders = lines(s, .orders)
        #expect(amount(orders, "SalesTax") == 825)
        #expect(amount(orders, "Marketplace Facilitator Tax", description: "Marketplace facilitator tax collected") == 400)
        #expect(s.requirements.contains { $0.name == "Sales Tax Payable" && $0.kind == .account(type: "OtherCurrentLiability") })
    }

    @Test func channelsMonthsAndGroupModesAllReconcile() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 2000, channel: "AFN", posted: (2024, 10, 30))
        b.order("SKU-A", cents: 3000, channel: "MFN", posted: (2024, 11, 2))
        b.order("SKU-B", cents: 4000, channel: "AFN", posted: (2024, 11, 3))
        b.refund("SKU-A", cents: 2000, channel: "AFN", posted: (2024, 11, 4))
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1500)
        b.other("other-transaction", "other-transaction", "Previous Reserve Amount Balance", cents: 900)
        var groups: [SettlementMapping.GroupMode: [String]] = [:]
        for mode in SettlementMapping.GroupMode.allCases {
            let s = try summarize(b) { $0.group = mode }
            #expect(Self.deposited(s) == Self.paid(b), "\(mode)")
            groups[mode] = s.transactions.map { "\($0.family.rawValue) \($0.group)" }
        }
        #expect(groups[.channel] == ["orders AFN", "orders MFN", "refunds AFN", "adjustments settlement"])
        #expect(groups[.month] == ["orders 2024-10", "orders 2024-11", "refunds 2024-11", "adjustments settlement"])
        #expect(groups[.channelMonth] == ["orders AFN 2024-10", "orders AFN 2024-11", "orders MFN 2024-11", "refunds AFN 2024-11", "adjustments settlement"])
        #expect(groups[.none] == ["orders all", "refunds all", "adjustments settlement"])
        // Month groups are dated in their month; the rest at the settlement's end.
        let byMonth = try summarize(b) { $0.group = .month }
        #expect(byMonth.transactions.map(\.transaction.txnDate) == ["2024-10-31", "2024-11-06", "2024-11-06", "2024-11-06"])
        // Reserves land in the adjustments transaction, never dropped.
        #expect(amount(lines(byMonth, .adjustments), "Amazon Reserve") == -600)
    }

    @Test func refundsBecomeACreditMemoWithoutQuantities() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 5000)
        b.refund("SKU-A", cents: 5000, tax: 300)
        let s = try summarize(b)
        let memo = try #require(s.transactions.first { $0.family == .refunds })
        #expect(memo.transaction.kind == .creditMemo)
        #expect(memo.transaction.depositAccount == nil)
        let sku = try #require(memo.transaction.lines.first { $0.item == "SKU-A" })
        #expect(sku.amountCents == 5000)
        #expect(sku.quantity == nil)
        #expect(amount(memo.transaction.lines, "Amazon Commission") == -(750 - 150))  // returned commission less refund fee
        #expect(Self.deposited(s) == Self.paid(b))
    }

    @Test func aNegativeSettlementPostsCreditMemosNeverNegativeReceipts() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 1000, commission: -300, fba: -900)  // fees exceed the sale
        b.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -25000)
        b.other("other-transaction", "other-transaction", "Successful charge", cents: 5000)
        let s = try summarize(b)
        #expect(s.header.totalCents < 0)
        #expect(Self.deposited(s) == Self.paid(b))
        for t in s.transactions {
            #expect(t.transaction.totalCents >= 0)
        }
        let orders = try #require(s.transactions.first { $0.family == .orders })
        #expect(orders.transaction.kind == .creditMemo)
        #expect(orders.depositCents == -200)
        let adjustments = try #require(s.transactions.first { $0.family == .adjustments })
        #expect(adjustments.transaction.kind == .creditMemo)
        #expect(amount(adjustments.transaction.lines, "Amazon Advertising") == 25000)
    }

    @Test func feesOffMoveFeesToTheAdjustmentsTransaction() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 1000, commission: -150, fba: -300)
        let s = try summarize(b) { $0.fees = false }
        #expect(amount(lines(s, .orders), "Amazon Commission") == nil)
        #expect(amount(lines(s, .adjustments), "Amazon Commission") == -150)
        #expect(amount(lines(s, .adjustments), "Amazon FBA Fees") == -300)
        #expect(Self.deposited(s) == Self.paid(b))
    }

    @Test func unknownTypesLandOnAVisibleUnmappedItem() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 1000)
        b.other("Mystery", "Brand New Type", "Never Seen", cents: 777)
        b.rows.append(.init(type: "Order", amountType: "ItemFees", description: "QuantumFee", cents: -11, fulfillment: "AFN", posted: (2024, 10, 26), sku: "SKU-A", quantity: 1, marketplace: "Amazon.com", orderID: "1"))
        let s = try summarize(b)
        #expect(s.unmapped.map(\.amountDescription) == ["Never Seen", "QuantumFee"])
        #expect(amount(lines(s, .adjustments), "Amazon Unmapped") == 777)
        #expect(amount(lines(s, .orders), "Amazon Unmapped") == -11)
        #expect(s.requirements.contains { $0.name == "Amazon Unmapped" })
        #expect(Self.deposited(s) == Self.paid(b))
    }

    @Test func longSKUsAreShortenedDeterministicallyWithoutCollisions() throws {
        let long1 = "VERY-LONG-SKU-NAME-FOR-A-PRODUCT-RED-XL"
        let long2 = "VERY-LONG-SKU-NAME-FOR-A-PRODUCT-RED-XXL"
        var b = ReportBuilder()
        b.order(long1, cents: 1000)
        b.order(long2, cents: 2000)
        b.order("A:B", cents: 500)
        let s = try summarize(b)
        let n1 = try #require(s.shortenedSKUs[long1])
        let n2 = try #require(s.shortenedSKUs[long2])
        #expect(n1.count <= 31 && n2.count <= 31 && n1 != n2)
        #expect(n1 == ItemNames.forSKU(long1))
        #expect(s.shortenedSKUs["A:B"] == "A-B")  // ':' would make a sub-item in QuickBooks
        let line = try #require(lines(s, .orders).first { $0.item == n1 })
        #expect(line.description == long1)
        // An explicit mapping wins.
        let mapped = try summarize(b) { $0.skus[long1] = "Red XL" }
        #expect(lines(mapped, .orders).contains { $0.item == "Red XL" })
    }

    @Test func refNumbersAreShortDeterministicAndDistinct() throws {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 1000, channel: "AFN")
        b.order("SKU-A", cents: 1000, channel: "MFN")
        b.refund("SKU-A", cents: 1000)
        b.other("other-transaction", "other-transaction", "Storage Fee", cents: -100)
        let first = try summarize(b).transactions.compactMap(\.transaction.refNumber)
        let again = try summarize(b).transactions.compactMap(\.transaction.refNumber)
        #expect(first == again)
        #expect(first == ["0A1PQFF9-O1", "0A1PQFF9-O2", "0A1PQFF9-R1", "0A1PQFF9-A1"])
        #expect(Set(first).count == first.count && first.allSatisfy { $0.count <= 11 })
        #expect(RefNumbers.settlementPart("ABC-123").count == 8)
    }

    @Test func ukGermanAndV1ReportsReconcile() throws {
        var uk = ReportBuilder()
        uk.dateStyle = .eu
        uk.currency = "GBP"
        uk.marketplace = "Amazon.co.uk"
        uk.order("UK-SKU", cents: 3999, tax: 667)
        let ukSummary = try summarize(uk) { $0.customerByMarketplace["Amazon.co.uk"] = "Amazon UK Summary" }
        #expect(Self.deposited(ukSummary) == Self.paid(uk))
        #expect(ukSummary.transactions.allSatisfy { $0.transaction.customer == "Amazon UK Summary" })

        var de = ReportBuilder()
        de.dateStyle = .eu
        de.commaDecimals = true
        de.currency = "EUR"
        de.marketplace = "Amazon.de"
        de.order("DE-SKU", cents: 5420, tax: 379)
        de.refund("DE-SKU", cents: 5420)
        #expect(Self.deposited(try summarize(de)) == Self.paid(de))

        var v1 = ReportBuilder()
        v1.order("CA-SKU", cents: 6000, quantity: 2, shipping: 500, fba: -825)
        v1.refund("CA-SKU", cents: 3000)
        v1.other("Subscription Fee", "other-transaction", "Subscription Fee", cents: -2999)
        let s = try summarize(v1, v1: true)
        #expect(s.header.format == .flatFileV1)
        #expect(Self.deposited(s) == Self.paid(v1))
        #expect(lines(s, .orders).first { $0.item == "CA-SKU" }?.quantity == "2")
        #expect(amount(lines(s, .adjustments), "Amazon Subscription") == -2999)
    }

    @Test(.enabled(if: SharedReference.isAvailable && SharedReference.hasXmllint, "needs ../shared/ref and xmllint"))
    func everyGeneratedRequestValidatesAgainstTheSchema() throws {
        var summaries: [SettlementSummary] = []
        var b = ReportBuilder()
        b.order("SKU-A & <B>", cents: 1000, shipping: 100, tax: 80)
        b.refund("SKU-A & <B>", cents: 1000)
        b.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -5000)
        summaries.append(try summarize(b))
        for name in RealReportTests.samples {
            summaries.append(try Settlement.summarize(SharedReference.bytes("settlement/samples/\(name)"), source: name))
        }
        var bodies: [String] = []
        for s in summaries {
            for r in s.requirements { bodies += [r.queryBody, r.addBody] }
            bodies += s.transactions.map { QBRequestWriter.add($0.transaction) }
            // Every posting mode, with the payout transferred, and what undoes them and looks them up.
            var withBank = s
            withBank.bankAccount = "Checking"
            withBank.transfer = QBTransfer(txnDate: "2024-10-25", from: s.depositAccount, to: "Checking", amountCents: 100, memo: "payout")
            for mode in PostingMode.allCases {
                for entry in withBank.posted(as: mode).entries {
                    let body = QBRequestWriter.body(of: entry)
                    bodies.append(body)
                    if let lookup = InDoubtLookup.plan(forRequestBody: body) { bodies.append(lookup.queryRequestBody) }
                }
            }
        }
        for type in TransactionType.allCases where type.isDeletable {
            let deletion = QBRequestWriter.body(of: .deletion(QBTxnDel(type: type, txnID: "1A-1700000001")))
            bodies += [deletion, InDoubtLookup.plan(forRequestBody: deletion)!.queryRequestBody]
        }
        let message = QBXMLRequestMessage.build(
            version: QBXMLVersion("13.0")!, requests: bodies.enumerated().map { (String($0.offset + 1), $0.element) })
        try SchemaCheck.validate(message)
    }

    /// A report with sales, refunds, fees, a reserve and advertising, for the books.
    static func mixed(total: Int? = nil) -> ReportBuilder {
        var b = ReportBuilder()
        b.order("SKU-A", cents: 6899, tax: 630, fba: -584, channel: "AFN", posted: (2024, 10, 28))
        b.order("SKU-B", cents: 2500, shipping: 499, channel: "MFN", posted: (2024, 11, 2))
        b.refund("SKU-A", cents: 2000, posted: (2024, 11, 3))
        b.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1500)
        b.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -999)
        return b
    }

    @Test(arguments: PostingMode.allCases)
    func theBooksBalanceWithAROfZeroAndThePayoutInTheDepositAccount(mode: PostingMode) throws {
        for group in SettlementMapping.GroupMode.allCases {
            for bank in [nil, "Checking"] {
                let b = Self.mixed()
                let s = try summarize(b) { $0.group = group; $0.bankAccount = bank }.posted(as: mode)
                let books = s.ledger
                #expect(books.imbalance == 0 && books.accountsReceivable == 0, "\(mode) \(group)")
                #expect(books.customers.values.allSatisfy { $0 == 0 })
                #expect(books.change(of: "Amazon Clearing") == (bank == nil ? Self.paid(b) : 0), "\(mode) \(group)")
                if let bank { #expect(books.change(of: bank) == Self.paid(b)) }
                #expect(s.bookProblems.isEmpty, "\(s.bookProblems)")
                // Income, fees and reserves land where the mapping says, whatever the posting mode.
                #expect(books.change(of: "Amazon Reserved Balances") == 1500)
                #expect(books.change(of: "Amazon Advertising") == 999)
                #expect(books.change(of: "Amazon Sales") == -(6899 - 2000 + 2500 + 499))  // sold, less the refund
            }
        }
    }

    @Test func everyCreditMemoIsRefundedInFullFromTheDepositAccount() throws {
        let s = try summarize(Self.mixed())
        let memos = s.transactions.filter { $0.transaction.kind == .creditMemo }.map(\.transaction)
        #expect(!memos.isEmpty && s.refunds.count == memos.count)
        for memo in memos {
            let refund = try #require(s.refund(of: memo))
            #expect(refund.refundFrom == "Amazon Clearing" && refund.customer == memo.customer && refund.refNumber == memo.refNumber)
            #expect(refund.applications == [.init(txnID: TxnIDPlaceholder.make(memo.planKey!), amountCents: memo.totalCents)])
        }
        // Each refund follows its memo.
        let kinds = s.entries.map { entry -> String in
            switch entry {
            case .transaction(let t): t.kind.rawValue
            case .refund: "Refund"
            default: "other"
            }
        }
        for (i, kind) in kinds.enumerated() where kind == "CreditMemo" { #expect(kinds[i + 1] == "Refund") }
    }

    @Test func aNegativePayoutTransfersTheOtherWayAndAZeroOneNotAtAll() throws {
        var negative = ReportBuilder()
        negative.order("SKU-A", cents: 1000, commission: -300)
        negative.other("ServiceFee", "Cost of Advertising", "TransactionTotalAmount", cents: -5000)
        let s = try summarize(negative) { $0.bankAccount = "Checking" }
        let transfer = try #require(s.transfer)
        #expect(s.header.totalCents == -4300)
        #expect(transfer.from == "Checking" && transfer.to == "Amazon Clearing" && transfer.amountCents == 4300)
        #expect(s.ledger.change(of: "Checking") == -4300 && s.ledger.change(of: "Amazon Clearing") == 0)
        var zero = ReportBuilder()
        zero.order("SKU-A", cents: 1000, commission: 0)
        zero.other("other-transaction", "other-transaction", "Current Reserve Amount", cents: -1000)
        let z = try summarize(zero) { $0.bankAccount = "Checking" }
        #expect(z.header.totalCents == 0 && z.transfer == nil && z.bookProblems.isEmpty)
        #expect(z.requirements.contains { $0.name == "Checking" } == false)
    }

    @Test func aJournalEntryNamesEachCategoryAndNeedsOnlyAccounts() throws {
        let s = try summarize(Self.mixed()).asJournal()
        let j = try #require(s.journalEntry)
        #expect(j.debitCents == j.creditCents)
        #expect(j.refNumber == "0A1PQFF9-J1" && j.txnDate == "2024-11-06")
        let deposit = try #require(j.lines.first)
        #expect(deposit.account == "Amazon Clearing" && deposit.isDebit && deposit.amountCents == Self.paid(Self.mixed()))
        let memos = j.lines.compactMap(\.memo)
        #expect(memos.contains { $0.hasSuffix("orders AFN: sales") } && memos.contains { $0.hasSuffix("refunds AFN: refunds") })
        #expect(memos.contains { $0.hasSuffix(": Amazon FBA Fees") } && memos.contains { $0.hasSuffix("adjustments settlement: Amazon Reserve") })
        #expect(j.lines.allSatisfy { $0.account != "Accounts Receivable" && $0.amountCents > 0 })
        #expect(s.requirements.allSatisfy { if case .account = $0.kind { true } else { false } })
        #expect(s.entries.count == 1 && s.refunds.isEmpty && s.payments.isEmpty)
    }
}
