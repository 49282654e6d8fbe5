import Foundation

enum DateArgument {
    /// A day (midnight UTC) or an ISO 8601 moment, as `--since` takes it; an error naming the option otherwise.
    static func parse(_ text: String, option: String) throws -> Date {
        if let moment = try? Date(text, strategy: .iso8601) { return moment }
        if let day = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return day }
        throw CLIError("\(option) '\(text)' is not a date; write YYYY-MM-DD or an ISO 8601 moment such as 2026-12-01T09:30:00Z")
    }
}
