import Foundation
import Testing

/// The reference material in `../shared/ref` (beside the project). Tests that read it skip with a clear
/// message when it is absent.
public enum SharedReference {
    /// The package's root folder.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/QBLinkTestSupport/SharedReference.swift
        return url
    }()

    public static let root = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/ref")

    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("qbwc/captures").path)
    }

    public static let skipReason: Comment = "../shared/ref is absent: reference captures and schemas are not in this checkout"

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public static func text(_ relative: String) throws -> String {
        try String(contentsOf: url(relative), encoding: .utf8)
    }

    /// The real settlement reports in `settlement/samples` (empty when the reference is absent).
    public static var settlementSamples: [String] {
        let folder = url("settlement/samples")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relative)))
    }

    /// True when `xmllint` can be run (schema validation tests need it).
    public static var hasXmllint: Bool {
        ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A fresh temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("qblink-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A database for a test: the SQLite file `name` in this folder, or, when the suite runs against
    /// PostgreSQL (`QBLINK_TEST_POSTGRES`, see `TestDatabase`), a database of its own on that server — the
    /// same one each time for the same folder and name, so that a test can reopen it.
    public func database(_ name: String) -> String {
        TestDatabase.database(for: path(name))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
