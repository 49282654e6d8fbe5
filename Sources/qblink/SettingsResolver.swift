import ArgumentParser
import Foundation
import QBModel

/// Resolves settings the one way every command does: the flag, else `QBLINK_<KEY>` from the environment, else
/// the configuration file, else the default. Remembers where each value came from (for messages and
/// `qblink config check`) and collects every problem instead of stopping at the first.
struct SettingsResolver {
    struct Resolved {
        var key: String
        var value: String
        var origin: String
    }

    let environment: [String: String]
    let file: ConfigFile?
    private(set) var resolved: [Resolved] = []
    private(set) var problems: [String] = []
    /// Every key asked for, whatever its value.
    private(set) var asked: [String] = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment, file: ConfigFile?) {
        self.environment = environment
        self.file = file
        problems = file?.problems ?? []
    }

    /// `tls-cert` is read from `QBLINK_TLS_CERT`.
    static func environmentName(_ key: String) -> String {
        "QBLINK_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The setting's value from the first place that gives one, or nil when none does (or the one that does
    /// gives something that is not a `T`, which is a problem).
    mutating func optional<T: ExpressibleByArgument>(_ key: String, flag: T?) -> T? {
        if !asked.contains(key) { asked.append(key) }
        if let flag {
            note(key, "\(flag)", "--\(key)")
            return flag
        }
        let name = Self.environmentName(key)
        if let text = environment[name], !text.isEmpty {
            return parse(key, text, from: name, as: T.self)
        }
        if let file, let entry = file.entries[key] {
            return parse(key, entry.value, from: "\(file.path) line \(entry.line)", as: T.self)
        }
        note(key, "(not set)", "default")
        return nil
    }

    mutating func value<T: ExpressibleByArgument>(_ key: String, flag: T?, default fallback: T) -> T {
        let before = resolved.count
        guard let value = optional(key, flag: flag) else {
            if resolved.count > before, resolved[before].origin == "default" { resolved[before].value = "\(fallback)" }
            return fallback
        }
        return value
    }

    /// Where `key`'s value came from: `--port`, `QBLINK_PORT`, `/etc/qblink/qblink.yaml line 3` or `default`.
    func origin(of key: String) -> String {
        resolved.last(where: { $0.key == key })?.origin ?? "default"
    }

    /// Records a problem with `key`'s value unless `condition` holds: `QBLINK_BATCH: batch must be …`.
    mutating func require(_ condition: Bool, _ key: String, _ message: String) {
        guard !condition else { return }
        let origin = origin(of: key)
        problems.append(origin == "default" ? "\(key) \(message)" : "\(origin): \(key) \(message)")
    }

    mutating func problem(_ message: String) { problems.append(message) }

    /// Keys of the file that no setting asked for: misspellings, or settings of another version.
    mutating func checkUnknownKeys() {
        guard let file else { return }
        let known = asked
        for (key, entry) in file.entries.sorted(by: { $0.value.line < $1.value.line }) where !known.contains(key) {
            let hint = KeySuggestion.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? " (`qblink config check --help` lists the keys)"
            problems.append("\(file.path) line \(entry.line): unknown key '\(key.escapingControlCharacters)'\(hint)")
        }
    }

    private mutating func parse<T: ExpressibleByArgument>(_ key: String, _ text: String, from origin: String, as: T.Type) -> T? {
        guard let value = T(argument: text) else {
            problems.append("\(origin): \(key): '\(text.escapingControlCharacters)' is not \(Self.expected(T.self))")
            return nil
        }
        note(key, text, origin)
        return value
    }

    private mutating func note(_ key: String, _ value: String, _ origin: String) {
        resolved.append(Resolved(key: key, value: value, origin: origin))
    }

    static func expected<T: ExpressibleByArgument>(_ type: T.Type) -> String {
        if !T.allValueStrings.isEmpty { return "one of " + T.allValueStrings.joined(separator: ", ") }
        if T.self == Int.self { return "a whole number" }
        if T.self == Double.self { return "a number" }
        return "a valid value"
    }
}
