import GRDB

/// How qblink's records name their columns: `userID` ↔ `user_id`, `durationMS` ↔ `duration_ms`,
/// `qbxmlVersion` ↔ `qbxml_version` (snake case, with `id` and `ms` written in capitals in Swift).
public protocol SnakeCaseRecord: FetchableRecord, EncodableRecord {}

extension SnakeCaseRecord {
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy {
        .custom { column in RecordKey(stringValue: RecordKey.propertyName(forColumn: column)) }
    }
}

struct RecordKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) { nil }

    /// `user_id` → `userID`, `duration_ms` → `durationMS`, `status_message` → `statusMessage`.
    static func propertyName(forColumn column: String) -> String {
        let parts = column.split(separator: "_")
        guard var name = parts.first.map(String.init) else { return column }
        for part in parts.dropFirst() {
            name += part == "id" || part == "ms" ? part.uppercased() : part.prefix(1).uppercased() + part.dropFirst()
        }
        return name
    }
}
