import Foundation
import SQLite
import Testing
@testable import TrawlState

@Suite("StateStore")
struct StateTests {
    let identity = FileIdentity(size: 10, mtime: 1, ctime: 1, inode: 7, device: 1)

    func withDatabase(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir.appendingPathComponent("state.db").path)
    }

    @Test func aFileThatIsGoneIsForgottenAndNothingOutsideTheRootIs() throws {
        try withDatabase { db in
            let paths = ["/share/r", "/share/r/a.txt", "/share/r/sub/b.txt", "/share/r2/c.txt", "/share/r0/d.txt", "/share/q.txt"]
            do {
                let first = try StateStore(path: db, rules: "rules-1")
                for p in paths { first.store(path: Array(p.utf8), identity: identity, result: Array("result of \(p)".utf8)) }
                try first.finish(roots: [Array("/share".utf8)])
            }
            // The next run over /share/r sees only a.txt: the root itself and sub/b.txt are gone;
            // /share/r2, /share/r0 and /share/q.txt are outside the root (sharing its first bytes).
            do {
                let second = try StateStore(path: db, rules: "rules-1")
                #expect(second.unchangedResult(path: Array("/share/r/a.txt".utf8), identity: identity) == Array("result of /share/r/a.txt".utf8))
                try second.finish(roots: [Array("/share/r".utf8)])
            }
            let third = try StateStore(path: db, rules: "rules-1")
            for p in paths {
                let kept = third.unchangedResult(path: Array(p.utf8), identity: identity) != nil
                #expect(kept == !["/share/r", "/share/r/sub/b.txt"].contains(p), "\(p)")
            }
        }
    }

    /// A result damaged on disk (one byte changed behind SQLite's back) is not carried over: its
    /// file is read again and the damage counted. Before, it went into the report as it stood.
    @Test func aDamagedResultIsReadAgainNotCarried() throws {
        try withDatabase { db in
            let result = Array(#"{"data":{"findings":[],"outcome":"scanned"},"type":"file"}"#.utf8)
            do {
                let first = try StateStore(path: db, rules: "rules-1")
                first.store(path: Array("/x".utf8), identity: identity, result: result)
                first.store(path: Array("/y".utf8), identity: identity, result: result)
                try first.finish(roots: [])
            }
            do {
                let raw = try Database(path: db)
                let rows = try raw.prepare("SELECT result FROM files WHERE path = ?").run([.blob(Array("/x".utf8))])
                guard case .blob(var sealed) = rows.first?.first else { Issue.record("no stored result"); return }
                sealed[20] ^= 0x04  // "findings" becomes "fijdings"
                _ = try raw.prepare("UPDATE files SET result = ? WHERE path = ?").run([.blob(sealed), .blob(Array("/x".utf8))])
            }
            let second = try StateStore(path: db, rules: "rules-1")
            #expect(second.unchangedResult(path: Array("/x".utf8), identity: identity) == nil)
            #expect(second.unchangedResult(path: Array("/y".utf8), identity: identity) == result)
            try second.finish(roots: [])
            #expect(second.damaged == 1)
        }
    }

    /// The check sees every change of a single byte, wherever it is.
    @Test func theCheckSeesEveryChangedByte() {
        var bytes = (0..<203).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let sealed = Seal.close(bytes)
        #expect(Seal.open(sealed) == bytes)
        for i in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                bytes[i] ^= flip
                #expect(Seal.open(Array(sealed.prefix(8)) + bytes) == nil, "byte \(i)")
                bytes[i] ^= flip
            }
        }
        #expect(Seal.open(Array(sealed.dropLast())) == nil)
        #expect(Seal.open([1, 2, 3]) == nil)
    }

    /// A state written by an older trawl is emptied and used: none of its results could be
    /// reused, and an upgrade must not stop the nightly run. It is rewritten with this version's
    /// page size, which its WAL mode would otherwise keep as it was.
    @Test func aStateFromAnOlderTrawlIsEmptiedAndUsed() throws {
        try withDatabase { db in
            do {
                let raw = try Database(path: db)
                try raw.execute("""
                    PRAGMA page_size=4096;
                    PRAGMA journal_mode=WAL;
                    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    INSERT INTO meta VALUES ('schema', 'trawl.state/2');
                    CREATE TABLE files(path BLOB PRIMARY KEY, size INTEGER, mtime REAL, ctime REAL, inode INTEGER,
                                       device INTEGER, rules INTEGER, result BLOB, run INTEGER);
                    INSERT INTO files VALUES (X'2F78', 10, 1, 1, 7, 1, 0, X'01', 1);
                    """)
            }
            do {
                let state = try StateStore(path: db, rules: "rules-1")
                #expect(state.resetFrom == "trawl.state/2")
                #expect(state.unchangedResult(path: Array("/x".utf8), identity: identity) == nil)
                state.store(path: Array("/x".utf8), identity: identity, result: [1])
                try state.finish(roots: [])
            }
            let again = try StateStore(path: db, rules: "rules-1")
            #expect(again.resetFrom == nil)
            #expect(again.unchangedResult(path: Array("/x".utf8), identity: identity) == [1])
            let raw = try Database(path: db)
            #expect(try raw.prepare("PRAGMA page_size").run().first?.first == .integer(Int64(StateStore.pageSize)))
            #expect(try raw.prepare("PRAGMA journal_mode").run().first?.first == .text("wal"))
        }
    }

    /// Another program's database is refused, and nothing is written to it.
    @Test func aDatabaseThatIsNotTrawlsIsRefusedAndLeftAlone() throws {
        try withDatabase { db in
            do {
                let raw = try Database(path: db)
                try raw.execute("CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('Ava');")
            }
            #expect(throws: StateError.self) { try StateStore(path: db, rules: "rules-1") }
            let tables = try Database(path: db).prepare("SELECT name FROM sqlite_master").run()
            #expect(tables == [[.text("people")]])
        }
    }

    @Test func otherRulesOrAnotherIdentityAreNotCarried() throws {
        try withDatabase { db in
            do {
                let first = try StateStore(path: db, rules: "rules-1")
                first.store(path: Array("/x".utf8), identity: identity, result: [1])
                try first.finish(roots: [])
            }
            var touched = identity
            touched.mtime = 2
            #expect(try StateStore(path: db, rules: "rules-1").unchangedResult(path: Array("/x".utf8), identity: touched) == nil)
            #expect(try StateStore(path: db, rules: "rules-2").unchangedResult(path: Array("/x".utf8), identity: identity) == nil)
            #expect(try StateStore(path: db, rules: "rules-1").unchangedResult(path: Array("/x".utf8), identity: identity) == [1])
        }
    }
}

/// The pages of the SQLite database at `path` whose B-tree page type is one of `types` (2 and 5:
/// interior index and table pages; 10 and 13: leaves), page 1 (the schema) left out. Read from the
/// file format: the page size at offset 16, each page's type in its first byte. Only for a
/// database with no free pages, where every page is in use and overflow pages start with a zero
/// byte (the high byte of a page number).
func pages(of path: String, types: Set<UInt8>) throws -> (pageSize: Int, numbers: [Int]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let raw = Int(bytes[16]) << 8 | Int(bytes[17])
    let pageSize = raw == 1 ? 65536 : raw
    let free = bytes[36..<40].reduce(0) { $0 << 8 | Int($1) }
    #expect(free == 0, "free pages: the page types read below may be stale")
    return (pageSize, (2...(bytes.count / pageSize)).filter { types.contains(bytes[($0 - 1) * pageSize]) })
}

/// Overwrites `count` bytes at the start of each page in `numbers` with 0xFF: the page's type, its
/// cell count and its first cell pointers (an interior page's right-most child too) all broken.
func damage(_ path: String, pages numbers: [Int], pageSize: Int, count: Int = 16) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    for n in numbers {
        try handle.seek(toOffset: UInt64((n - 1) * pageSize))
        handle.write(Data(repeating: 0xFF, count: count))
    }
}

@Suite("A damaged state")
struct DamagedStateTests {
    let identity = FileIdentity(size: 10, mtime: 1, ctime: 1, inode: 7, device: 1)

    /// A state with 400 files of 300-byte results: several levels of B-tree in its table and index.
    func filledState(_ db: String) throws {
        let first = try StateStore(path: db, rules: "rules-1")
        for i in 0..<400 {
            first.store(path: Array("/share/file-\(i).txt".utf8), identity: identity, result: Array(repeating: UInt8(65 + i % 26), count: 300))
        }
        try first.finish(roots: [])
    }

    func withDatabase(_ body: (String) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir.appendingPathComponent("state.db").path)
    }

    /// Damage to an interior page is found when the state is opened: the file is moved aside as
    /// it is, and the run gets a new, empty state that works.
    @Test func aBrokenInteriorPageIsMovedAsideWhenOpened() throws {
        try withDatabase { db in
            try filledState(db)
            let (size, interior) = try pages(of: db, types: [2, 5])
            try #require(!interior.isEmpty)
            try damage(db, pages: interior, pageSize: size)
            let damaged = try Data(contentsOf: URL(fileURLWithPath: db))

            let opened = try StateStore(path: db, rules: "rules-1", now: Date(timeIntervalSince1970: 1_796_590_800))
            let aside = try #require(opened.movedAside)
            #expect(aside.path == db + ".damaged-20261206T210000Z")
            #expect(!aside.whileRunning)
            #expect(try Data(contentsOf: URL(fileURLWithPath: aside.path)) == damaged)
            #expect(opened.unchangedResult(path: Array("/share/file-1.txt".utf8), identity: identity) == nil)
            opened.store(path: Array("/x".utf8), identity: identity, result: [1])
            try opened.finish(roots: [])
            let again = try StateStore(path: db, rules: "rules-1")
            #expect(again.movedAside == nil)
            #expect(again.unchangedResult(path: Array("/x".utf8), identity: identity) == [1])

            // A second damaged state the same second is kept beside the first.
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: db))
            let third = try StateStore(path: db, rules: "rules-1", now: Date(timeIntervalSince1970: 1_796_590_800))
            #expect(third.movedAside?.path == db + ".damaged-20261206T210000Z-2")
        }
    }

    /// A file that is not a database at all (its header overwritten) is moved aside too.
    @Test func aFileThatIsNotADatabaseIsMovedAside() throws {
        try withDatabase { db in
            try filledState(db)
            try damage(db, pages: [1], pageSize: 4096, count: 100)
            let opened = try StateStore(path: db, rules: "rules-1")
            #expect(opened.movedAside != nil)
            #expect(opened.unchangedResult(path: Array("/share/file-1.txt".utf8), identity: identity) == nil)
        }
    }

    /// Damage that the quick check cannot see when the state is opened (the leaves are broken
    /// after it ran) is met by a lookup: the file is read again, and the state is moved aside at
    /// the end of the run, so the next one starts a new state.
    @Test func damageMetDuringTheRunMovesTheStateAsideAtTheEnd() throws {
        try withDatabase { db in
            try filledState(db)
            let running = try StateStore(path: db, rules: "rules-1")
            #expect(running.movedAside == nil)
            let (size, leaves) = try pages(of: db, types: [10, 13])
            try damage(db, pages: leaves, pageSize: size, count: 1)
            #expect(running.unchangedResult(path: Array("/share/file-1.txt".utf8), identity: identity) == nil)
            running.store(path: Array("/share/file-1.txt".utf8), identity: identity, result: [1])
            try running.finish(roots: [Array("/share".utf8)])
            let aside = try #require(running.movedAside)
            #expect(aside.whileRunning)
            #expect(FileManager.default.fileExists(atPath: aside.path))

            let next = try StateStore(path: db, rules: "rules-1")
            #expect(next.movedAside == nil)
            #expect(next.unchangedResult(path: Array("/share/file-2.txt".utf8), identity: identity) == nil)
        }
    }
}

/// A folder's rows read with one query: the files directly in it, not its subfolders' nor a
/// sibling's whose name starts with its own; past the limit, the rest looked up one by one.
@Suite("Folder rows")
struct FolderRowsTests {
    let identity = FileIdentity(size: 10, mtime: 1, ctime: 1, inode: 7, device: 1)
    let stored = ["/s/d/a", "/s/d/b", "/s/d/sub/c", "/s/d/sub/deeper/e", "/s/d/z", "/s/d.x", "/s/d0/f", "/s/dd/g", "/top"]

    func withStoredRows(_ body: (Database) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try StateStore(path: path, rules: "rules-1")
            for p in stored { store.store(path: Array(p.utf8), identity: identity, result: Array("result of \(p)".utf8)) }
            try store.finish(roots: [])
        }
        try body(try Database(path: path))
    }

    func result(_ rows: inout FolderRows, _ path: String, _ db: Database) throws -> String? {
        let row = try rows.row(for: Array(path.utf8), hash: StateStore.hash(Array(path.utf8)), folderQuery: db.prepare(FolderRows.folderQuery),
                               fileQuery: db.prepare(FolderRows.fileQuery))
        #expect(row == nil || row?.identity == identity)
        return row?.result.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func everyStoredFileIsFoundAndNoOther() throws {
        for limit in [1, 2, 10_000] {
            try withStoredRows { db in
                var rows = FolderRows(maxRowsPerFolder: limit)
                // Asked in an order that moves between folders, as a walk does.
                for p in ["/s/d/b", "/s/d/sub/c", "/s/d/a", "/s/d/new", "/s/d/sub/deeper/e", "/s/d/z", "/s/d.x", "/s/d0/f",
                          "/s/d0/g", "/s/dd/g", "/top", "/s/d/sub", "/s/d/sub/deeper", "/s/d/sub/e"] {
                    let found = try result(&rows, p, db)
                    #expect(found == (stored.contains(p) ? "result of \(p)" : nil), "\(p), limit \(limit)")
                }
            }
        }
    }

    /// The folder's rows are read at its first file: a row deleted since is still answered from
    /// memory, and one of its subfolder's, not read with it, is not.
    @Test func aFolderIsReadAtItsFirstFileAndItsSubfoldersAreNot() throws {
        try withStoredRows { db in
            var rows = FolderRows()
            let first = try result(&rows, "/s/d/a", db)
            try db.execute("DELETE FROM files WHERE path IN (x'2f732f642f7a', x'2f732f642f7375622f63')")  // /s/d/z, /s/d/sub/c
            let sameFolder = try result(&rows, "/s/d/z", db)
            let subfolder = try result(&rows, "/s/d/sub/c", db)
            #expect(first == "result of /s/d/a")
            #expect(sameFolder == "result of /s/d/z")
            #expect(subfolder == nil)
        }
    }
}
