import GRDB
import Synchronization

/// How qblink's records name their columns: `userID` ↔ `user_id`, `durationMS` ↔ `duration_ms`,
/// `qbxmlVersion` ↔ `qbxml_version` (snake case, with `id` and `ms` written in capitals in Swift).
public protocol SnakeCaseRecord: FetchableRecord {}

extension SnakeCaseRecord where Self: EncodableRecord {
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy {
        .custom { key in RecordKey.column(forProperty: key.stringValue) }
    }
}

extension SnakeCaseRecord {
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

    /// `userID` → `user_id`, `durationMS` → `duration_ms`: computed once per property name (an insert asks
    /// for every column, and enqueueing inserts thousands of items).
    static func column(forProperty name: String) -> String {
        if let known = columns.withLock({ $0[name] }) { return known }
        var column = ""
        var previousLower = false
        for character in name {
            if character.isUppercase {
                if previousLower { column += "_" }
                column += character.lowercased()
                previousLower = false
            } else {
                column.append(character)
                previousLower = true
            }
        }
        columns.withLock { $0[name] = column }
        return column
    }

    private static let columns = Mutex<[String: String]>([:])

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
