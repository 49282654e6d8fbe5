import Foundation
import FuzzTargets

#if QBLINK_FUZZING
// Built with `-sanitize=fuzzer,address -D QBLINK_FUZZING`: libFuzzer's driver runs the target that
// QBLINK_FUZZ_TARGET names (soap, qbxml, settlement, json, mapping) on every input it makes. (SwiftPM calls an
// executable's entry point `QBLinkFuzz_main`; it is defined here, handing the command line to libFuzzer.)
nonisolated(unsafe) let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["QBLINK_FUZZ_TARGET"] ?? "soap"
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("QBLINK_FUZZ_TARGET=\(name) is not a target: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback) -> Int32

@_cdecl("QBLinkFuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    _ = target
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        target.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#else
/// Without the fuzzer: runs files through a target, or says how to build the fuzzer.
@main
struct QBLinkFuzz {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            let targets = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            print("""
                usage: qblink-fuzz TARGET FILE...   (runs the files through the target: \(targets))
                To fuzz, build with libFuzzer and run (see the README, "How qblink is tested"):
                  swift build -c release --product qblink-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DQBLINK_FUZZING
                  QBLINK_FUZZ_TARGET=soap .build-fuzz/release/qblink-fuzz -max_total_time=600 CORPUS Tests/Fuzz/Seeds/soap
                """)
            return
        }
        for file in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: file) else { throw FuzzInputError(file: file) }
            target.run(Array(data))
            print("\(file): ok")
        }
    }
}
struct FuzzInputError: Error, CustomStringConvertible {
    var file: String
    var description: String { "\(file): cannot read the file" }
}
#endif
