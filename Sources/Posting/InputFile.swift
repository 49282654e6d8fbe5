import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the CLI reads must be a regular file: a FIFO would block the reader, a device never end, a folder is
/// not a report. Refused at once, saying what the path is.
public enum InputFile {
    public static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PostingError("\(path): cannot read it (\(String(cString: strerror(errno))))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind != S_IFREG else { return }
        let what: String
        switch kind {
        case S_IFDIR: what = "a folder"
        case S_IFIFO: what = "a FIFO (named pipe)"
        case S_IFCHR, S_IFBLK: what = "a device"
        case S_IFSOCK: what = "a socket"
        default: what = "not a regular file"
        }
        throw PostingError("\(path) is \(what); qblink reads regular files only")
    }

    /// The size of a regular file in bytes.
    public static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
