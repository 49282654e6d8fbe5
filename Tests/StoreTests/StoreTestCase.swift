import Foundation
import Store

/// A store in a fresh temporary file.
struct TempStore {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("qblink-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: Self.database(folder.appendingPathComponent("q.sqlite").path))
    }

    /// The SQLite file at `path`, or a fresh PostgreSQL database when the suite runs against one
    /// (`QBLINK_TEST_POSTGRES`).
    static func database(_ path: String) throws -> String {
        guard let server = ProcessInfo.processInfo.environment["QBLINK_TEST_POSTGRES"], !server.isEmpty else { return path }
        return try Store.createPostgresDatabase(serverURL: server, name: "qblink_s_" + UUID().uuidString.prefix(13).replacingOccurrences(of: "-", with: "").lowercased())
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func user(_ name: String = "amazon") async throws -> User {
        try await store.addUser(name: name, passwordHash: PasswordHasher.hash("pw", iterations: 1_000), companyFile: "C:\\Q.QBW")
    }

    func items(_ n: Int, user: String = "amazon", size: Int = 10) -> [QueueItem] {
        (0..<n).map { i in
            QueueItem(
                type: "CustomerAdd", body: "<CustomerAddRq><CustomerAdd><Name>C\(i)\(String(repeating: "x", count: size))</Name></CustomerAdd></CustomerAddRq>",
                lookupBody: "<CustomerQueryRq><FullName>C\(i)</FullName></CustomerQueryRq>")
        }
    }
}
