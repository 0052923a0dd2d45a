// The decisions store: one SQLite file, mode 0600, that `trawl triage`, `trawl decisions`,
// `trawl scan` and `trawl serve` all open. Two tables: `decision` holds each decision as it stands
// (its path hint follows a moved file; a closed one keeps its row), and `history` is an
// append-only log of who did what, when and why (triggers refuse to change or delete a line).
//
// A decisions file in the older YAML format is migrated the first time it is opened: its
// decisions are imported (history says so), the YAML is kept beside it as
// `<file>.yaml-migrated`, and the SQLite file takes its place (docs/decisions.md).
import Foundation
import SQLite
import TrawlModel
import TrawlReport
#if canImport(Glibc)
import Glibc
#endif

/// One open decisions store. Used by one thread at a time (`trawl serve` holds it in an actor).
package final class DecisionStore {
    package let path: String
    private let db: Database

    private static let schema = """
        CREATE TABLE IF NOT EXISTS decision (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT, content_id TEXT, type TEXT,
            kind TEXT NOT NULL, reason TEXT NOT NULL, owner TEXT, review_by TEXT,
            by TEXT NOT NULL, at TEXT NOT NULL, closed_at TEXT, closed_by TEXT);
        CREATE TABLE IF NOT EXISTS history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, decision_id INTEGER NOT NULL,
            action TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
            BEGIN SELECT RAISE(ABORT, 'the decisions history is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
            BEGIN SELECT RAISE(ABORT, 'the decisions history is append-only'); END;
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT OR IGNORE INTO meta VALUES ('format', 'trawl.decisions/2');
        """

    private static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

    /// Opens the store at `path`, creating it (0600) when missing and migrating a YAML decisions
    /// file in its place. `who` is recorded as the one who migrated.
    /// - Throws: `DecisionError` when the file cannot be opened, is neither a store nor a
    ///   decisions file, or cannot be migrated.
    package init(path: String, who: String = Account.current() ?? "trawl") throws(DecisionError) {
        self.path = path
        let fm = FileManager.default
        var legacy: [Decision]? = nil
        if fm.fileExists(atPath: path) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw DecisionError("\(path): cannot read the decisions file") }
            let head = Array((try? handle.read(upToCount: Self.sqliteMagic.count)) ?? Data())
            try? handle.close()
            if head != Self.sqliteMagic && !head.isEmpty {
                legacy = try LegacyDecisionsFile.read(path: path)
            } else if head.isEmpty {
                legacy = []
            }
        }
        if let legacy {
            // Built beside, then renamed into place: a failed migration leaves the YAML as it was.
            let building = path + ".migrating-\(getpid())"
            try? fm.removeItem(atPath: building)
            do {
                try Self.createOwnerOnly(building)
                let store = try DecisionStore(opening: building)
                let now = Timestamp.string(Date())
                for d in legacy {
                    let stored = StoredDecision(scope: .finding, path: d.path, fingerprint: d.fingerprint, kind: d.decision,
                                                reason: d.note ?? "(no reason recorded before migration)", by: d.by, at: d.at)
                    _ = try store.insert(stored, event: "imported", by: who, at: now,
                                         detail: "imported from the YAML decisions file (decided by \(d.by) at \(d.at))")
                }
            }
            var kept = path + ".yaml-migrated"
            var n = 1
            while fm.fileExists(atPath: kept) { kept = path + ".yaml-migrated.\(n)"; n += 1 }
            if rename(path, kept) != 0 || rename(building, path) != 0 {
                throw DecisionError("\(path): cannot put the migrated decisions store in place")
            }
        } else if !fm.fileExists(atPath: path) {
            try Self.createOwnerOnly(path)
        }
        db = try Self.open(path)
    }

    private init(opening path: String) throws(DecisionError) {
        self.path = path
        db = try Self.open(path)
    }

    private static func createOwnerOnly(_ path: String) throws(DecisionError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw DecisionError("\(path): cannot create the decisions store: \(String(cString: strerror(errno)))") }
        Glibc.close(fd)
    }

    private static func open(_ path: String) throws(DecisionError) -> Database {
        do {
            let db = try Database(path: path)
            try db.execute(schema)
            return db
        } catch {
            throw DecisionError("\(path): not a decisions store: \(error)")
        }
    }

    /// Runs `body` in one transaction: all of it is written, or none.
    private func transaction<R>(_ body: () throws(SQLiteError) -> R) throws(SQLiteError) -> R {
        try db.execute("BEGIN IMMEDIATE")
        do throws(SQLiteError) {
            let r = try body()
            try db.execute("COMMIT")
            return r
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    private func wrap<R>(_ what: String, _ body: () throws(SQLiteError) -> R) throws(DecisionError) -> R {
        do { return try body() } catch { throw DecisionError("\(path): \(what): \(error)") }
    }

    // MARK: Writing

    /// Stores a new decision and its first history line; returns it with its id.
    /// - Throws: `DecisionError` when it is incomplete (`StoredDecision.validate`) or cannot be written.
    package func add(_ d: StoredDecision) throws(DecisionError) -> StoredDecision {
        try d.validate()
        return try insert(d, event: "decided", by: d.by, at: d.at, detail: "\(d.kind.rawValue) on \(d.scope.rawValue) \(d.path): \(d.reason)")
    }

    private func insert(_ d: StoredDecision, event: String, by: String, at: String, detail: String) throws(DecisionError) -> StoredDecision {
        let id: Int64? = try wrap("cannot store the decision") { () throws(SQLiteError) in
            try transaction { () throws(SQLiteError) -> Int64? in
                let row = try db.prepare("""
                    INSERT INTO decision (scope, path, fingerprint, content_id, type, kind, reason, owner, review_by, by, at)
                    VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id
                    """).run([.text(d.scope.rawValue), .text(d.path), Self.opt(d.fingerprint), Self.opt(d.contentId), Self.opt(d.type),
                              .text(d.kind.rawValue), .text(d.reason), Self.opt(d.owner), Self.opt(d.reviewBy), .text(d.by), .text(d.at)])
                guard case .integer(let id)? = row.first?.first else { return nil }
                try log(id, event, by: by, at: at, detail: detail)
                return id
            }
        }
        guard let id else { throw DecisionError("\(path): the store gave the decision no number") }
        var out = d
        out.id = id
        return out
    }

    private func log(_ id: Int64, _ action: String, by: String, at: String, detail: String) throws(SQLiteError) {
        try db.prepare("INSERT INTO history (decision_id, action, by, at, detail) VALUES (?,?,?,?,?)")
            .run([.integer(id), .text(action), .text(by), .text(at), .text(detail)])
    }

    /// Closes an open decision (it stops applying; its row and history stay).
    /// - Throws: `DecisionError` when there is no open decision with that id.
    package func close(id: Int64, by: String, reason: String, at: String = Timestamp.string(Date())) throws(DecisionError) {
        guard let d = try decision(id: id), d.isOpen else { throw DecisionError("no open decision \(id)") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw DecisionError("closing a decision needs a reason") }
        try wrap("cannot close the decision") { () throws(SQLiteError) in
            try transaction { () throws(SQLiteError) in
                try db.prepare("UPDATE decision SET closed_at = ?, closed_by = ? WHERE id = ?").run([.text(at), .text(by), .integer(id)])
                try log(id, "closed", by: by, at: at, detail: reason)
            }
        }
    }

    /// Points a finding's or file's decision at the path its content now has.
    package func move(id: Int64, to path: String, by: String, at: String = Timestamp.string(Date())) throws(DecisionError) {
        guard let d = try decision(id: id) else { throw DecisionError("no decision \(id)") }
        try wrap("cannot record the move") { () throws(SQLiteError) in
            try transaction { () throws(SQLiteError) in
                try db.prepare("UPDATE decision SET path = ? WHERE id = ?").run([.text(path), .integer(id)])
                try log(id, "moved", by: by, at: at, detail: "the file moved: \(d.path) → \(path)")
            }
        }
    }

    /// Points every open decision at or under `old` (a folder, a share's root) at the same place
    /// under `new`: a share scanned under another path (a new mount point, the server's full
    /// name). Folder and type decisions are keyed by their path, so without this they would
    /// match nothing under the new name. Each move has a line in the history. Returns the moved
    /// decisions as they are now.
    /// `old` may be relative: decisions made on reports that named a share by the relative path
    /// it was scanned under ("share/hr"), before reports named every local root by its absolute
    /// path, are moved to that path this way.
    /// - Throws: `DecisionError` when `new` is not absolute (a "/" path or an smb:// URL, as
    ///   reports name them), `old` is empty, they are the same, or no open decision is at or
    ///   under `old`.
    package func moveRoot(from old: String, to new: String, by: String, at: String = Timestamp.string(Date())) throws(DecisionError) -> [StoredDecision] {
        let from = Self.withoutTrailingSlash(old), to = Self.withoutTrailingSlash(new)
        guard to.hasPrefix("/") || to.lowercased().hasPrefix("smb://") else {
            throw DecisionError("\(to): not a path as reports name them (an absolute path, or an smb:// URL)")
        }
        guard !from.isEmpty else { throw DecisionError("the old path is empty") }
        guard from != to else { throw DecisionError("\(from): the old and the new path are the same") }
        // Below "/" is every absolute path; below any other path, what follows it after "/" (or
        // "!/", an archive's member).
        func isUnder(_ path: String) -> Bool {
            from == "/" ? path.hasPrefix("/") : path == from || path.hasPrefix(from + "/") || path.hasPrefix(from + "!/")
        }
        let moving = try open().filter { isUnder($0.path) }
        guard !moving.isEmpty else { throw DecisionError("\(from): no open decision is at or under it (trawl triage list shows their paths)") }
        var moved: [StoredDecision] = []
        try wrap("cannot move the decisions") { () throws(SQLiteError) in
            try transaction { () throws(SQLiteError) in
                for var d in moving {
                    let rest = from == "/" ? d.path.dropFirst(1) : d.path.dropFirst(from.count)
                    // The rest starts with "/" (or "!/"), or is the whole path below "/".
                    let path = from == "/" ? (to == "/" ? "/" + rest : to + "/" + rest)
                        : (to == "/" && rest.hasPrefix("/") ? String(rest) : to + rest)
                    try db.prepare("UPDATE decision SET path = ? WHERE id = ?").run([.text(path), .integer(d.id)])
                    try log(d.id, "moved", by: by, at: at, detail: "the share moved: \(d.path) → \(path)")
                    d.path = path
                    moved.append(d)
                }
            }
        }
        return moved
    }

    /// `path` without trailing "/" (a root "/" and "smb://" stay as they are).
    private static func withoutTrailingSlash(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") && !p.hasSuffix("://") { p = p.dropLast() }
        return String(p)
    }

    /// Gives a finding's or file's decision the content id of its file (a migrated decision has
    /// none until its file is seen in a report).
    package func identify(id: Int64, contentId: String, by: String, at: String = Timestamp.string(Date())) throws(DecisionError) {
        try wrap("cannot record the content id") { () throws(SQLiteError) in
            try transaction { () throws(SQLiteError) in
                try db.prepare("UPDATE decision SET content_id = ? WHERE id = ? AND content_id IS NULL").run([.text(contentId), .integer(id)])
                try log(id, "identified", by: by, at: at, detail: "the file's content id: \(contentId)")
            }
        }
    }

    // MARK: Reading

    package func all() throws(DecisionError) -> [StoredDecision] {
        try wrap("cannot read the decisions") { () throws(SQLiteError) in
            try db.prepare("SELECT \(Self.columns) FROM decision ORDER BY id").run().map(Self.decode)
        }
    }

    package func open() throws(DecisionError) -> [StoredDecision] { try all().filter(\.isOpen) }

    package func decision(id: Int64) throws(DecisionError) -> StoredDecision? {
        try wrap("cannot read the decision") { () throws(SQLiteError) in
            try db.prepare("SELECT \(Self.columns) FROM decision WHERE id = ?").run([.integer(id)]).first.map(Self.decode)
        }
    }

    package func history() throws(DecisionError) -> [DecisionEvent] {
        try wrap("cannot read the history") { () throws(SQLiteError) in
            try db.prepare("SELECT decision_id, action, by, at, detail FROM history ORDER BY seq").run().map { r in
                DecisionEvent(decisionId: Self.int(r[0]), action: Self.text(r[1]) ?? "", by: Self.text(r[2]) ?? "",
                              at: Self.text(r[3]) ?? "", detail: Self.text(r[4]) ?? "")
            }
        }
    }

    /// The open decisions, ready to match findings.
    package func book() throws(DecisionError) -> DecisionBook { DecisionBook(try open()) }

    private static let columns = "id, scope, path, fingerprint, content_id, type, kind, reason, owner, review_by, by, at, closed_at, closed_by"

    private static func decode(_ r: [SQLiteValue]) -> StoredDecision {
        StoredDecision(id: int(r[0]), scope: DecisionScope(rawValue: text(r[1]) ?? "") ?? .finding, path: text(r[2]) ?? "",
                       fingerprint: text(r[3]), contentId: text(r[4]), type: text(r[5]),
                       kind: DecisionKind(rawValue: text(r[6]) ?? "") ?? .toRemediate, reason: text(r[7]) ?? "",
                       owner: text(r[8]), reviewBy: text(r[9]), by: text(r[10]) ?? "", at: text(r[11]) ?? "",
                       closedAt: text(r[12]), closedBy: text(r[13]))
    }

    private static func opt(_ s: String?) -> SQLiteValue { s.map(SQLiteValue.text) ?? .null }
    private static func text(_ v: SQLiteValue) -> String? { if case .text(let s) = v { return s }; return nil }
    private static func int(_ v: SQLiteValue) -> Int64 { if case .integer(let n) = v { return n }; return 0 }
}
