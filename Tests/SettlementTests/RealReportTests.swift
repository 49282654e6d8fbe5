import Foundation
import QBLinkTestSupport
import QBXML
import Settlement
import Testing

@Suite struct RealReportTests {
    /// The report's total-amount (the deposit), read here from its summary row without qblink's parser:
    /// the `total-amount` column of the first line after the header, dot or comma decimals.
    static func totalAmount(_ bytes: [UInt8]) -> Int? {
        let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
        guard lines.count > 1 else { return nil }
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let column = header.firstIndex(of: "total-amount") else { return nil }
        let fields = lines[1].split(separator: "\t", omittingEmptySubsequences: false)
        guard column < fields.count else { return nil }
        var text = fields[column].trimmingCharacters(in: .whitespaces)
        if let comma = text.lastIndex(of: ","), text.distance(from: comma, to: text.endIndex) <= 3 {
            text = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
        } else {
            text = text.replacingOccurrences(of: ",", with: "")
        }
        guard let value = Decimal(string: text) else { return nil }
        return NSDecimalNumber(decimal: value * 100).intValue
    }

    static var samples: [String] { SharedReference.settlementSamples }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason), arguments: samples)
    func everyRealReportReconcilesInEveryGroupMode(name: String) throws {
        let bytes = try SharedReference.bytes("settlement/samples/\(name)")
        for mode in SettlementMapping.GroupMode.allCases {
            for fees in [true, false] {
                var mapping = SettlementMapping.standard
                mapping.group = mode
                mapping.fees = fees
                let summary = try Settlement.summarize(bytes, source: name, mapping: mapping)
                #expect(SummaryTests.deposited(summary) == Self.totalAmount(bytes), "\(name) \(mode) fees=\(fees)")
                #expect(summary.postedCents == summary.header.totalCents)
                for t in summary.transactions {
                    #expect(t.transaction.totalCents >= 0, "\(name): a negative \(t.transaction.kind)")
                    #expect((t.transaction.refNumber?.count ?? 0) <= 11)
                }
                let refs = summary.transactions.compactMap(\.transaction.refNumber)
                #expect(Set(refs).count == refs.count)
            }
        }
    }
}
