import Foundation
import Synchronization

/// Progress of long work, on one line of standard error rewritten in place, only when standard error is a
/// terminal (a script or a pipe sees nothing of it).
final class TerminalProgress: Sendable {
    let label: String
    let enabled: Bool
    private let last = Mutex<String>("")

    init(_ label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// `label: done of total (n%)`, redrawn only when the text changes.
    func update(_ done: Int, of total: Int, unit: String = "") {
        let percent = total > 0 ? done * 100 / total : 100
        show("\(done) of \(total)\(unit) (\(percent)%)")
    }

    func show(_ text: String) {
        guard enabled else { return }
        let changed = last.withLock { last in
            guard last != text else { return false }
            last = text
            return true
        }
        if changed { FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(text.escapingControlCharacters)".utf8)) }
    }

    /// Clears the line, for what is printed next.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
