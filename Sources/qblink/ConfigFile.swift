import Foundation
import Yams

/// The configuration file: a YAML mapping of `serve`'s settings by their flag names (`port: 8443`,
/// `tls-cert: /etc/qblink/chain.pem`). Read from `--config FILE`, else `$QBLINK_CONFIG`, else
/// `/etc/qblink/qblink.yaml` when it exists. A key qblink does not know is an error, never ignored.
struct ConfigFile {
    static let defaultPath = "/etc/qblink/qblink.yaml"

    struct Entry {
        var value: String
        var line: Int
    }

    let path: String
    let entries: [String: Entry]
    /// Lines that are not one `key: value` (reported with the settings' own problems).
    let problems: [String]

    /// The file named by `--config` or `$QBLINK_CONFIG` (which must exist), else the default one if present.
    static func load(explicit: String?, environment: [String: String]) throws -> ConfigFile? {
        if let explicit, !explicit.isEmpty { return try read(explicit) }
        if let named = environment["QBLINK_CONFIG"], !named.isEmpty { return try read(named) }
        guard FileManager.default.fileExists(atPath: defaultPath) else { return nil }
        return try read(defaultPath)
    }

    static func read(_ path: String) throws -> ConfigFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CLIError("\(path): no such configuration file (give --config FILE, or set QBLINK_CONFIG)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= 1 << 20 else { throw CLIError("\(path): a configuration file over 1 MB is not one qblink wrote or documents") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(path): cannot be read as UTF-8 text (check its permissions and encoding)")
        }
        return try ConfigFile(path: path, text: text)
    }

    /// Parses `text` (pure). Only text that is not YAML at all throws; a line that is not one `key: value` is kept
    /// in `problems`, and keys are checked against the settings by `SettingsResolver.checkUnknownKeys`.
    init(path: String, text: String) throws {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw CLIError("\(path): not valid YAML: \(error)")
        }
        guard let root else {
            entries = [:]
            problems = []
            return
        }
        guard let mapping = root.mapping else {
            throw CLIError("\(path) line \(root.mark?.line ?? 1): expected settings as `key: value` lines, one per line")
        }
        var entries: [String: Entry] = [:]
        var problems: [String] = []
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            guard let key = keyNode.scalar?.string else {
                problems.append("\(path) line \(line): a key must be a plain name such as `port`")
                continue
            }
            guard let scalar = valueNode.scalar else {
                problems.append("\(path) line \(line): \(key): expected one value, not a list or a mapping")
                continue
            }
            // `key:` with nothing after it, or `~`/`null`, leaves the setting at its default.
            if valueNode.null != nil || scalar.string.isEmpty { continue }
            entries[key] = Entry(value: scalar.string, line: line)
        }
        self.entries = entries
        self.problems = problems
    }
}
