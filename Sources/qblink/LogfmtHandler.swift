import Foundation
import Logging

/// Structured log lines on standard error: `time=… level=… label=… msg="…" key=value …`.
struct LogfmtHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = self.metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line = "time=\(Self.timestamp()) level=\(event.level) label=\(label) msg=\(Self.quote(event.message.description))"
        for key in fields.keys.sorted() {
            line += " \(key)=\(Self.quote(fields[key]!.description))"
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// A logfmt value: as is when plain, else quoted with `"` and `\` escaped and every control character
    /// written out, so that no value (a user name a stranger chose) can break its line or forge another.
    static func quote(_ value: String) -> String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").escapingControlCharacters
        if !escaped.isEmpty && escaped == value && !value.contains(where: { $0 == " " || $0 == "=" }) {
            return value
        }
        return "\"" + escaped + "\""
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
