import Foundation
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
