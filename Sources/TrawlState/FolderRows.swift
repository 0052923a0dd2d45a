// A worker's stored rows of the folder it is scanning: the first lookup in a folder reads the rows
// of every file directly in it with one query (a range of the path's key), and the folder's other
// files are answered from memory. Only the last folder read is held (a walk visits a folder's
// files one after another), so memory stays at one folder's rows; a folder past the limits below
// keeps what was read and has its other files looked up one by one.
import SQLite

#if canImport(Glibc)
import Glibc
#endif

/// What the state stored for one file, as a lookup compares it.
struct StoredRow {
    var identity: FileIdentity
    var rules: Int64
    /// The stored result, nil when its seal did not hold (damaged on disk).
    var result: [UInt8]?

    /// The row's columns from `first` on: size, mtime, ctime, inode, device, rules, sealed result.
    init(_ row: Row, first: Int32) {
        identity = FileIdentity(size: Int(row.int64(first)), mtime: row.double(first + 1), ctime: row.double(first + 2),
                                inode: UInt64(bitPattern: row.int64(first + 3)), device: UInt64(bitPattern: row.int64(first + 4)))
        rules = row.int64(first + 5)
        result = row.withBlob(first + 6, Seal.open)
    }
}

/// A path's bytes as a dictionary key, hashed in one call and compared with memcmp (an array
/// hashes and compares element by element).
struct PathKey: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: PathKey, b: PathKey) -> Bool {
        a.bytes.count == b.bytes.count && a.bytes.starts(withBytes: b.bytes)
    }
}

extension Array where Element == UInt8 {
    /// Whether these bytes begin with `prefix`, compared with memcmp.
    func starts(withBytes prefix: [UInt8]) -> Bool {
        guard prefix.count <= count else { return false }
        guard !prefix.isEmpty else { return true }
        return withUnsafeBytes { a in prefix.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0 } }
    }
}

struct FolderRows {
    /// Rows read for one folder at most; a folder with more files has the rest looked up one by one.
    let maxRowsPerFolder: Int
    /// Bytes of paths and stored results read for one folder at most.
    let maxBytes: Int

    /// Columns: path, then those `StoredRow` reads.
    static let folderQuery = "SELECT path, size, mtime, ctime, inode, device, rules, result FROM files WHERE path >= ? AND path < ?"
    /// Columns: those `StoredRow` reads.
    static let fileQuery = "SELECT size, mtime, ctime, inode, device, rules, result FROM files WHERE path = ?"

    /// The rows read of `folder`'s files.
    private var rows: [PathKey: StoredRow] = [:]
    /// The folder last read (its path ends with "/"; empty before the first), and whether all of
    /// its rows were read.
    private var folder: [UInt8] = []
    private var complete = false

    init(maxRowsPerFolder: Int = 10_000, maxBytes: Int = 8 << 20) {
        self.maxRowsPerFolder = maxRowsPerFolder
        self.maxBytes = maxBytes
    }

    /// What the state stored for `path`, or nil when it stored nothing.
    mutating func row(for path: [UInt8], folderQuery: Statement, fileQuery: Statement) throws(SQLiteError) -> StoredRow? {
        guard let slash = path.lastIndex(of: 47) else { return try Self.lookUp(path, fileQuery) }
        if !(slash + 1 == folder.count && path.starts(withBytes: folder)) {
            try read(Array(path[...slash]), folderQuery)
        }
        if let found = rows[PathKey(bytes: path)] { return found }
        return complete ? nil : try Self.lookUp(path, fileQuery)
    }

    /// Reads the rows of the files directly in `folder` (a path ending with "/") in place of those
    /// held, noting whether all were read. The rows below it are one range of the key, from "folder/" up to "folder0"
    /// ('0' is the byte after '/'); a subfolder's rows are passed over with a new range from past
    /// them, so that a folder's own files cost one row each.
    private mutating func read(_ folder: [UInt8], _ query: Statement) throws(SQLiteError) {
        rows.removeAll(keepingCapacity: rows.count <= 4096)
        self.folder = []
        var bytes = 0
        let end = Array(folder.dropLast()) + [48]
        var from = folder
        var count = 0
        var complete = true
        while complete {
            var resume: [UInt8]?
            try query.forEachRow(blobs: [from, end]) { row in
                let path = row.blob(0)
                if let slash = path[folder.count...].firstIndex(of: 47) {
                    resume = Array(path[..<slash]) + [48]
                    return false
                }
                let stored = StoredRow(row, first: 1)
                bytes += path.count + (stored.result?.count ?? 0)
                rows[PathKey(bytes: path)] = stored
                count += 1
                if count >= maxRowsPerFolder || bytes > maxBytes { complete = false }
                return complete
            }
            guard let next = resume else { break }
            from = next
        }
        self.folder = folder
        self.complete = complete
    }

    private static func lookUp(_ path: [UInt8], _ query: Statement) throws(SQLiteError) -> StoredRow? {
        try query.withFirstRow(blob: path) { row in row.map { StoredRow($0, first: 0) } }
    }
}
