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
    /// reused, and an upgrade must not stop the nightly run.
    @Test func aStateFromAnOlderTrawlIsEmptiedAndUsed() throws {
        try withDatabase { db in
            do {
                let raw = try Database(path: db)
                try raw.execute("""
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
