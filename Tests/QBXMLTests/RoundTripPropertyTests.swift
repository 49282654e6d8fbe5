import Foundation
import QBLinkTestSupport
import QBXML
import Testing
import XMLKit

/// qbXML written and read back gives the same amounts, and the same names and text as QuickBooks will store
/// them (ISO-8859-1: what it cannot store is transliterated), for random text.
@Suite struct RoundTripPropertyTests {
    static let alphabet: [Unicode.Scalar] = Array("abcXYZ 019&<>\"'é€“”—…中🙂\t".unicodeScalars) + ["\u{7}", "\u{A0}", "\u{FFFE}"]

    static func text(_ r: inout SweepRandom, _ length: Int) -> String {
        var s = String.UnicodeScalarView()
        for _ in 0..<length { s.append(alphabet[r.below(alphabet.count)]) }
        return String(s)
    }

    @Test func amountsNamesAndTextSurviveWritingAndReading() throws {
        let seed = UInt64(Date().timeIntervalSince1970)
        var r = SweepRandom(seed: seed)
        for run in 0..<500 {
            let lines = (0..<(1 + r.below(5))).map { _ in
                QBTransaction.Line(item: Self.text(&r, 1 + r.below(30)), description: Self.text(&r, r.below(60)), amountCents: r.below(2_000_000) - 1_000_000)
            }
            let t = QBTransaction(
                kind: [.salesReceipt, .invoice, .creditMemo][r.below(3)], customer: Self.text(&r, 1 + r.below(40)),
                txnDate: "2024-11-06", refNumber: "R\(run)", memo: Self.text(&r, r.below(200)), depositAccount: "Amazon Clearing", lines: lines)
            let body = QBRequestWriter.add(t)
            let what = "seed \(seed) run \(run)"
            #expect(QBXMLText.firstUnsafeCharacter(in: body) == nil, "\(what): text QuickBooks cannot store was written")
            let rq = try XMLReader.parse(body)
            let add = try #require(rq.child(t.kind.rawValue + "Add"), "\(what)")
            #expect(add.child("CustomerRef")?.childText("FullName") == QBXMLText.latin1(t.customer), "\(what)")
            #expect(add.childText("Memo") == QBXMLText.fit(QBXMLText.latin1(t.memo!), 4095), "\(what)")
            let read = add.children(t.kind.rawValue + "LineAdd")
            #expect(read.count == lines.count, "\(what)")
            for (line, element) in zip(lines, read) {
                #expect(element.child("ItemRef")?.childText("FullName") == QBXMLText.latin1(line.item), "\(what)")
                #expect((element.childText("Desc") ?? "") == QBXMLText.fit(QBXMLText.latin1(line.description ?? ""), 4095), "\(what)")
                let amount = Decimal(string: element.childText("Amount") ?? "") ?? -1
                #expect(NSDecimalNumber(decimal: amount * 100).intValue == line.amountCents, "\(what)")
            }
        }
    }
}
