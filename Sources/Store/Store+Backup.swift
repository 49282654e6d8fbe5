import Foundation
import GRDB

extension Store {
    /// Writes a consistent copy of the database to `path` while the server goes on using it (SQLite's online
    /// backup, a few hundred pages at a time so that writers are not held up long). The copy is written beside
    /// `path` and renamed into place at the end: nothing half-written is ever left under `path`, and an existing
    /// file is never overwritten. `progress` is told pages copied and pages in all after each step.
    public func backup(to path: String, progress: (@Sendable (_ copied: Int, _ total: Int) -> Void)? = nil) throws {
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else { throw StoreError.backupExists(path) }
        let partial = path + ".partial"
        try? files.removeItem(atPath: partial)
        guard let sqlite else {
            throw StoreError.backupFailed(path: path, reason: "qblink backs up SQLite files; back a PostgreSQL database up with pg_dump or its replication")
        }
        do {
            let copy = try DatabaseQueue(path: partial)
            try sqlite.backup(to: copy, pagesPerStep: 256) { step in
                progress?(step.completedPageCount, step.totalPageCount)
            }
            try copy.close()
            try files.moveItem(atPath: partial, toPath: path)
        } catch {
            try? files.removeItem(atPath: partial)
            if let error = error as? DatabaseError { throw StoreError.backupFailed(path: path, reason: error.message ?? error.description) }
            throw StoreError.backupFailed(path: path, reason: "\(error)")
        }
    }
}
