import Foundation

/// Validates qbXML against Intuit's qbXML 13.0 schema with `xmllint --schema` (from ../shared/ref).
public enum SchemaCheck {
    public struct Invalid: Error, CustomStringConvertible {
        public var output: String
        public var description: String { "xmllint refused the qbXML:\n\(output)" }
    }

    public static func validate(_ qbxml: String, schema: String = "qbxml/xsd/qbxmlops130.xsd") throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let file = folder.url.appendingPathComponent("request.xml")
        try qbxml.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--nonet", "--schema", SharedReference.url(schema).path, file.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw Invalid(output: output) }
    }
}
