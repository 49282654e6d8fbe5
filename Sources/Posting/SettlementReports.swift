import Foundation
import Settlement

/// Settlement reports on disk: one file, or the reports of a folder chosen by settlement-end-date, read and
/// summarised in 1 MiB chunks (memory does not grow with the file). Every report is refused whole with the
/// file, line and reason when it cannot be read or reconciled.
public enum SettlementReports {
    /// How far the reading of one file has come: (file, bytes read, file size).
    public typealias Progress = @Sendable (_ file: String, _ done: Int, _ size: Int) -> Void

    public static func read(
        path: String, from: DayDate? = nil, to: DayDate? = nil, mapping: SettlementMapping = .standard, progress: Progress? = nil
    ) throws -> [SettlementSummary] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PostingError("\(path): no such file or folder")
        }
        guard isFolder.boolValue else {
            if from != nil || to != nil { throw PostingError("--from and --to choose reports in a folder; \(path) is a file") }
            try InputFile.requireRegularFile(path)
            return [try summarize(path, mapping: mapping, progress: progress)]
        }
        guard from != nil || to != nil else {
            throw PostingError("\(path) is a folder: say which settlements with --from DATE --to DATE (by settlement-end-date)")
        }
        var chosen: [SettlementSummary] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where !name.hasPrefix(".") {
            let file = (path as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            // Only regular files are looked at: a FIFO in the folder would block the reading.
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir), !isDir.boolValue,
                (try? InputFile.requireRegularFile(file)) != nil, looksLikeReport(file)
            else { continue }
            let summary = try summarize(file, mapping: mapping, progress: progress)
            guard let end = summary.header.end else { throw PostingError("\(file): the summary row has no settlement-end-date") }
            if let from, end < from { continue }
            if let to, end > to { continue }
            chosen.append(summary)
        }
        if chosen.isEmpty {
            throw PostingError("\(path): no settlement report ends between \(from?.description ?? "the beginning") and \(to?.description ?? "now")")
        }
        let never = DayDate(year: 0, month: 1, day: 1)
        return chosen.sorted { ($0.header.end ?? never) < ($1.header.end ?? never) }
    }

    /// A report begins with its header row.
    static func looksLikeReport(_ file: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: file) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 64)) ?? Data(), as: UTF8.self)
        return head.hasPrefix("settlement-id") || head.hasPrefix("\u{FEFF}settlement-id")
    }

    /// Streams one report from disk in 1 MiB chunks.
    public static func summarize(_ file: String, mapping: SettlementMapping, progress: Progress? = nil) throws -> SettlementSummary {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw PostingError("\(file): cannot open the file") }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        do {
            return try Settlement.summarize(
                source: (file as NSString).lastPathComponent, mapping: mapping,
                nextChunk: { try handle.read(upToCount: 1 << 20) }, progress: { done in progress?(file, done, size) })
        } catch let error as SettlementError {
            throw PostingError("\(file): \(error)\nNothing was enqueued.")
        }
    }
}
