import Foundation
import QBLinkTestSupport
import QBXML
import Settlement
import Testing

@Suite struct RealReportTests {
    static var samples: [String] {
        let folder = SharedReference.url("settlement/samples")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    @Test(.enabled(if: SharedReference.isAvailable, SharedReference.skipReason), arguments: samples)
    func everyRealReportReconcilesInEveryGroupMode(name: String) throws {
        let bytes = try SharedReference.bytes("settlement/samples/\(name)")
        for mode in SettlementMapping.GroupMode.allCases {
            for fees in [true, false] {
                var mapping = SettlementMapping.standard
                mapping.group = mode
                mapping.fees = fees
                let summary = try Settlement.summarize(bytes, source: name, mapping: mapping)
                #expect(summary.reconciles, "\(name) \(mode) fees=\(fees)")
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
