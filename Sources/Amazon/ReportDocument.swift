import CZlib
import Foundation

/// A settlement report document as Amazon served it, and the text inside it.
public enum ReportDocument {
    public struct DecodeError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The most a decompressed report may hold (Amazon's settlement reports are a few MB; the largest seen, tens).
    public static let maxBytes = 1 << 30

    /// Decompresses a GZIP document (`compressionAlgorithm` GZIP). A stream cut short is an error, never a
    /// shorter report.
    public static func gunzip(_ bytes: [UInt8], limit: Int = maxBytes) throws(DecodeError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init(&stream) == Z_OK else { throw DecodeError(description: "the GZIP decoder could not start") }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            var status = Z_OK
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    let result = inflate(&stream, Z_NO_FLUSH)
                    out.append(contentsOf: outBuffer[0..<(outBuffer.count - Int(stream.avail_out))])
                    return result
                }
                if out.count > limit { return Z_MEM_ERROR }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
            return status
        }
        switch status {
        case Z_STREAM_END: return out
        case Z_MEM_ERROR where out.count > limit: throw DecodeError(description: "the report is larger than \(limit >> 20) MB once decompressed")
        case Z_BUF_ERROR: throw DecodeError(description: "the GZIP document ends early (a truncated download)")
        default: throw DecodeError(description: "the GZIP document is damaged (zlib error \(status))")
        }
    }

    /// The charset a `Content-Type` names (`text/plain;charset=Cp1252` → `cp1252`), lowercased; nil when none.
    public static func charset(ofContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
            }
        }
        return nil
    }

    /// Whether a charset is Windows-1252 under one of the names Amazon uses (or ISO-8859-1, its subset in
    /// practice).
    public static func isWindows1252(_ charset: String?) -> Bool {
        guard let charset else { return false }
        return ["cp1252", "windows-1252", "x-windows-1252", "iso-8859-1", "latin1", "iso8859-1"].contains(charset)
    }

    /// Whether qblink can read a report in this charset (UTF-8, Windows-1252, or none named).
    public static func isReadable(_ charset: String?) -> Bool {
        charset == nil || ["utf-8", "utf8"].contains(charset!) || isWindows1252(charset)
    }
}
