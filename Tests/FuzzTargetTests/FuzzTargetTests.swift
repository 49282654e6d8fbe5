import Foundation
import FuzzTargets
import QBLinkTestSupport
import Testing

/// Every seed and every input a fuzzer ever found (kept in `Tests/Fuzz/Regressions/TARGET/`) goes through its
/// target again: none may crash, hang or break a target's check.
@Suite struct FuzzTargetTests {
    static func inputs(_ kind: String) -> [(FuzzTarget, String)] {
        FuzzTarget.allCases.flatMap { target -> [(FuzzTarget, String)] in
            let folder = SharedReference.packageRoot.appendingPathComponent("Tests/Fuzz/\(kind)/\(target.rawValue)")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.sorted().map { (target, folder.appendingPathComponent($0).path) }
        }
    }

    @Test func everyTargetHasASeedCorpus() {
        for target in FuzzTarget.allCases {
            #expect(Self.inputs("Seeds").contains { $0.0 == target }, "no seeds for \(target)")
        }
    }

    @Test func seedsAndRegressionsRunCleanly() throws {
        let all = Self.inputs("Seeds") + Self.inputs("Regressions")
        #expect(all.count >= FuzzTarget.allCases.count)
        for (target, path) in all {
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        }
    }
}
