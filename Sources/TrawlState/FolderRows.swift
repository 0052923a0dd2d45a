// A worker's stored rows of the folder it is scanning: the first lookup in a folder reads the rows
// of every file directly in it with one query (a range of the path's key), and the folder's other
// files are answered from memory. Only the last folder read is held (a walk visits a folder's
// files one after another), so memory stays at one folder's rows; a folder past the limits below
// keeps what was read and has its other files looked up one by one.
//
// A folder's paths and stored results are held end to end in one buffer, each row found by its
// path's hash (`StateStore.hash`, which the run's set of paths seen takes too): a row costs no
// allocation of its own when read, nor a release when the next folder is read.
import SQLite
import TrawlModel

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
        identity = Self.identity(row, first: first)
        rules = row.int64(first + 5)
        result = row.withBlob(first + 6, Seal.open)
    }

    init(identity: FileIdentity, rules: Int64, result: [UInt8]?) {
        self.identity = identity
        self.rules = rules
        self.result = result
    }

    /// The identity in the row's columns from `first` on: size, mtime, ctime, inode, device.
    static func identity(_ row: Row, first: Int32) -> FileIdentity {
        FileIdentity(size: Int(row.int64(first)), mtime: row.double(first + 1), ctime: row.double(first + 2),
                     inode: UInt64(bitPattern: row.int64(first + 3)), device: UInt64(bitPattern: row.int64(first + 4)))
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

    /// One row read: where its path and its result (nil: its seal did not hold) are in `bytes`,
    /// and the next row whose path has the same hash (-1: none).
    private struct Held {
        var path: Range<Int>
        var result: Range<Int>?
        var identity: FileIdentity
        var rules: Int64
        var next: Int
    }

    /// The paths and results of the rows read of `folder`'s files, end to end.
    private var bytes: [UInt8] = []
    private var held: [Held] = []
    /// The first row held for each path's hash.
    private var byHash: [Int: Int] = [:]
    /// The folder last read (its path ends with "/"; empty before the first), and whether all of
    /// its rows were read.
    private var folder: [UInt8] = []
    private var complete = false

    init(maxRowsPerFolder: Int = 10_000, maxBytes: Int = 8 << 20) {
        self.maxRowsPerFolder = maxRowsPerFolder
        self.maxBytes = maxBytes
    }

    /// What the state stored for `path`, or nil when it stored nothing. `hash` is
    /// `StateStore.hash(path)`.
    mutating func row(for path: [UInt8], hash: Int, folderQuery: Statement, fileQuery: Statement) throws(SQLiteError) -> StoredRow? {
        guard let slash = path.lastIndex(of: 47) else { return try Self.lookUp(path, fileQuery) }
        if !(slash + 1 == folder.count && path.starts(withBytes: folder)) {
            try read(Array(path[...slash]), folderQuery)
        }
        var at = byHash[hash] ?? -1
        while at >= 0 {
            let row = held[at]
            if row.path.count == path.count && bytes[row.path].withUnsafeBytes({ a in
                path.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
            }) {
                return StoredRow(identity: row.identity, rules: row.rules, result: row.result.map { Array(bytes[$0]) })
            }
            at = row.next
        }
        return complete ? nil : try Self.lookUp(path, fileQuery)
    }

    /// Reads the rows of the files directly in `folder` (a path ending with "/") in place of those
    /// held, noting whether all were read. The rows below it are one range of the key, from "folder/" up to "folder0"
    /// ('0' is the byte after '/'); a subfolder's rows are passed over with a new range from past
    /// them, so that a folder's own files cost one row each.
    private mutating func read(_ folder: [UInt8], _ query: Statement) throws(SQLiteError) {
        bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 20)
        held.removeAll(keepingCapacity: held.capacity <= 4096)
        byHash.removeAll(keepingCapacity: byHash.capacity <= 4096)
        self.folder = []
        let end = Array(folder.dropLast()) + [48]
        var from = folder
        var complete = true
        while complete {
            var resume: [UInt8]?
            try query.forEachRow(blobs: [from, end]) { row in
                let start = bytes.count
                let hash: Int? = row.withBlob(0) { path in
                    if path.count > folder.count, let slash = memchr(path.baseAddress! + folder.count, 47, path.count - folder.count) {
                        resume = Array(UnsafeRawBufferPointer(rebasing: path[..<(UnsafeRawPointer(slash) - path.baseAddress!)])) + [48]
                        return nil
                    }
                    bytes.append(contentsOf: path)
                    return StateStore.hash(path)
                }
                guard let hash else { return false }
                let path = start..<bytes.count
                let result: Range<Int>? = row.withBlob(7) { sealed in
                    guard Seal.holds(sealed) else { return nil }
                    let at = bytes.count
                    bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: sealed[8...]))
                    return at..<bytes.count
                }
                held.append(Held(path: path, result: result, identity: StoredRow.identity(row, first: 1), rules: row.int64(6),
                                 next: byHash[hash] ?? -1))
                byHash[hash] = held.count - 1
                if held.count >= maxRowsPerFolder || bytes.count > maxBytes { complete = false }
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
