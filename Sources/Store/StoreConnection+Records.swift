import GRDB

extension StoreConnection {
    /// Inserts a record (every column its encoding gives, the id left to the database when nil) and returns
    /// the id the row got.
    func insert<Record: EncodableRecord & TableRecord>(_ record: Record) throws -> Int64 {
        let columns = try record.databaseDictionary.filter { $0.key != "id" || !$0.value.isNull }.sorted { $0.key < $1.key }
        let names = columns.map(\.key).joined(separator: ", ")
        let marks = repeatElement("?", count: columns.count).joined(separator: ", ")
        return try insertReturningID(SQL(
            sql: "INSERT INTO \(Record.databaseTableName) (\(names)) VALUES (\(marks))",
            arguments: StatementArguments(columns.map(\.value))))
    }

    /// Writes every column of a record back to its row, found by id.
    func update<Record: EncodableRecord & TableRecord>(_ record: Record, id: Int64) throws {
        let columns = try record.databaseDictionary.filter { $0.key != "id" }.sorted { $0.key < $1.key }
        let assignments = columns.map { "\($0.key) = ?" }.joined(separator: ", ")
        try execute(sql: "UPDATE \(Record.databaseTableName) SET \(assignments) WHERE id = ?",
                    arguments: StatementArguments(columns.map(\.value) + [id.databaseValue]))
    }
}
