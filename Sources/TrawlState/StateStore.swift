// Incremental state: what each file on disk looked like when it was last scanned, and the report
// lines it produced, so that a nightly run reads only what changed.
//
// Design decisions:
// - SQLite (WAL, synchronous NORMAL) in one file. Writes are batched (every 256 files or every
//   second) in transactions, so a run killed at any moment, kill -9 included, keeps every batch it
//   committed and the next run carries those files over instead of reading them again.
// - A file is unchanged when its size, mtime, ctime, inode and device are all unchanged, and its
//   stored result was made under the same rules (patterns, policy, fingerprint key, options): a
//   change of rules makes every stored result stale.
// - The stored result is opaque bytes (the report lines); this module knows nothing of the report.
//   It is sealed with a 64-bit check of its bytes and reused only if the check holds: SQLite keeps
//   no checksums of its own, and a result damaged on disk would otherwise be copied into every
//   report, as it stands, for as long as its file stays unchanged.
// - A state written by an older trawl (an earlier schema) is emptied and reused: none of its
//   results could be reused anyway, and a nightly run must not stop because trawl was upgraded.
// - One run at a time: `RunLock` holds an exclusive lock on STATE.lock for the whole run.
// - The files are their owner's alone and never opened through a link (`StateFile`).
// - Lookups do not queue behind one another: each worker reads through its own connection, inside
//   one read transaction for the whole run (a snapshot of what earlier runs stored; WAL lets the
//   batches of this run be written meanwhile), so a lookup waits for no other worker: it takes
//   only its own connection's lock, which no one else takes until the run is over, and no file
//   lock.
// - A worker reads the stored rows of a folder with one query when it meets the folder's first
//   file, and answers its other files from memory (`FolderRows`): one range of the key for a
//   folder costs far less than a lookup of the key for each of its files. The table is keyed by
//   the path alone (WITHOUT ROWID), so that a folder's rows are one run of the table's own
//   leaves, not an index's entries each followed by a descent of the table.
// - Files carried over are remembered in memory (their paths' hashes, `SeenPaths`), not
//   rewritten, so a rescan of an unchanged share writes almost nothing; rows of files under the
//   roots that the run did not see are deleted at the end.
import Foundation
import SQLite
import Synchronization
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// The identity of a file's content as cheap metadata: if none of these changed, neither did it.
package struct FileIdentity: Sendable, Equatable {
    package var size: Int
    package var mtime: Double
    package var ctime: Double
    package var inode: UInt64
    package var device: UInt64

    package init(size: Int, mtime: Double, ctime: Double, inode: UInt64, device: UInt64) {
        self.size = size
        self.mtime = mtime
        self.ctime = ctime
        self.inode = inode
        self.device = device
    }

    package init(_ ref: FileRef) {
        size = ref.size
        mtime = ref.mtime
        ctime = ref.ctime
        inode = ref.inode
        device = ref.device
    }
}

package struct StateError: Error, CustomStringConvertible, Sendable {
    package var message: String
    /// The database file is damaged (SQLite found it malformed, or not a database at all).
    package var isDamage = false
    package var description: String { message }

    package init(message: String, isDamage: Bool = false) {
        self.message = message
        self.isDamage = isDamage
    }
}

package final class StateStore: Sendable {
    private let path: String
    /// A stable 64-bit hash (FNV-1a) of the rules identity: compared per file without a string.
    private let rules: Int64
    /// One read connection per worker, each behind a lock that only its worker (and `finish`)
    /// takes: lookups never wait on one another.
    private let readers: [Reader]
    /// The write connection and what this run records, behind one lock.
    private let writer: Mutex<Writer>
    /// Set when the state was written by an older trawl and has been emptied.
    package let resetFrom: String?

    /// One worker's read connection, inside a read transaction for the whole run.
    private final class Reader: Sendable {
        let state: Mutex<ReaderState>

        /// Bytes of the state that the readers map into memory, and bytes of pages they cache
        /// beyond that, all of them together: each connection maps and caches on its own, so one
        /// reader's share is these over the readers' count, and the run's memory stays the same
        /// whatever `--jobs` is.
        static let mapBytes = 64 << 20
        static let cacheBytes = 16 << 20

        /// A read connection to the state at `path`, one of `of` readers.
        init(path: String, of readers: Int) throws(SQLiteError) {
            let db = try Database(path: path)
            // Pages through a memory map rather than a read system call each; 64 MiB of map is as
            // fast as 1 GiB on a 2.5 GB state, and a large state does not show as a resident set
            // of its own size (1.3 GB with a 1 GiB map, 190 MB with this one). Every page a
            // connection touches in its map counts in the process's resident set, even when
            // another connection has the same page mapped.
            let share = max(1, readers)
            try db.execute("PRAGMA query_only=ON; PRAGMA mmap_size=\(Self.mapBytes / share); "
                + "PRAGMA cache_size=-\(Self.cacheBytes / share / 1024); BEGIN;")
            state = Mutex(ReaderState(db: db, fileQuery: try db.prepare(FolderRows.fileQuery),
                                      folderQuery: try db.prepare(FolderRows.folderQuery)))
        }
    }

    private struct ReaderState {
        /// Nil once `finish` has let go of the connection (a damaged file is moved aside).
        var db: Database?
        var fileQuery: Statement?
        var folderQuery: Statement?
        /// The stored rows of the folders this reader's worker is in.
        var rows = FolderRows()
        /// Hashes of the paths this reader carried over.
        var seen = SeenPaths()
        var carried = 0
        var damaged = 0
        /// What SQLite said when it found the file damaged; from then on this reader looks up
        /// nothing, and its worker reads every file.
        var damage: String?
    }

    /// The write connection and everything the run records.
    private struct Writer {
        /// Nil once `finish` has let go of the connection.
        var db: Database?
        var upsert: Statement?
        let run: Int64
        /// Hashes of the paths this run saw (carried over or stored).
        var seen = SeenPaths()
        var pending: [(path: [UInt8], identity: FileIdentity, result: [UInt8])] = []
        var lastCommit = Date()
        /// What SQLite said when the writer found the file damaged; nothing is stored from then on.
        var damage: String?
        var carried = 0
        var stored = 0
        var damaged = 0
        var movedAside: MovedAside?
    }

    /// Files carried over and files stored in this run.
    package var carried: Int { writer.withLock { $0.carried } }
    package var stored: Int { writer.withLock { $0.stored } }
    /// Stored results whose check failed (their files were read again), known after `finish`.
    package var damaged: Int { writer.withLock { $0.damaged } }
    /// Set when the database file was found damaged and moved aside: by `init` (a new state is
    /// used for this run) or by `finish` (the next run starts a new one).
    package var movedAside: MovedAside? {
        // Copied into a local before it is returned: returned straight from the closure's
        // parameter (`{ $0.movedAside }`), the value came back with its strings already released
        // (Swift 6.3; the scan logged them empty).
        writer.withLock { w -> MovedAside? in
            let aside = w.movedAside
            return aside
        }
    }

    /// A damaged state file kept under another name.
    package struct MovedAside: Sendable {
        /// Where the damaged file is now.
        package var path: String
        /// What showed the damage, in SQLite's words.
        package var reason: String
        /// Found while the run went on (by `finish`), rather than when the state was opened.
        package var whileRunning: Bool
    }

    /// The bytes of a page of a new state. A folder's rows are read as one range of the table's
    /// key (`FolderRows`), so fewer, larger pages mean fewer pages fetched, and a row of a file's
    /// report lines (most under 2 KB) fits in its page without an overflow page.
    static let pageSize = 16384

    /// The schema this trawl writes. Any other `trawl.state/N` was written by another version.
    static let schema = "trawl.state/4"

    /// Opens (creating if needed) the state database. One that is damaged (its structure fails
    /// SQLite's quick check, or it is not a database at all) is moved aside (`movedAside`) and a new
    /// one is started in its place.
    /// - Parameter rules: identity of everything that shapes a file's result; stored results made
    ///   under other rules are never reused.
    /// - Parameter readers: how many workers will look files up at once (one connection each).
    /// - Parameter now: when the run started, for the name a damaged file is moved aside to.
    /// - Throws: `StateError` when the database cannot be opened or is not Trawl's.
    package init(path: String, readers: Int = 1, rules: String, now: Date = Date()) throws(StateError) {
        self.path = path
        var h: UInt64 = 0xcbf29ce484222325
        for b in rules.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        self.rules = Int64(bitPattern: h)
        try StateFile.prepare(path)
        var movedAside: MovedAside?
        let opened: Connections
        do {
            opened = try Self.open(path: path, readers: readers)
        } catch where error.isDamage {
            movedAside = MovedAside(path: try StateFile.moveAside(path, at: now), reason: error.message, whileRunning: false)
            try StateFile.prepare(path)
            opened = try Self.open(path: path, readers: readers)
        }
        resetFrom = opened.resetFrom
        self.readers = opened.readers
        var writer = Writer(db: opened.db, upsert: opened.upsert, run: opened.run)
        writer.movedAside = movedAside
        self.writer = Mutex(writer)
    }

    /// Every connection to the database, as opened.
    private struct Connections {
        let db: Database
        let readers: [Reader]
        let upsert: Statement
        let run: Int64
        let resetFrom: String?
    }

    /// Opens every connection to the database at `path`, checking first that it is undamaged and
    /// Trawl's.
    /// - Throws: `StateError`, with `isDamage` when SQLite finds the file damaged.
    private static func open(path: String, readers: Int) throws(StateError) -> Connections {
        do {
            let db = try Database(path: path)
            // The structure of every page, quickly (not whether the indexes agree with the table);
            // damage found later is handled where it is met. The check reads every page twice
            // (the pages' structure, then each row's header): through a memory map as large as a
            // reader's, not a read system call for each page, and let go of before the readers
            // map the state themselves.
            try db.execute("PRAGMA mmap_size=\(Reader.mapBytes)")
            let check = try db.prepare("PRAGMA quick_check").run().compactMap { row -> String? in
                if case .text(let line) = row.first { line } else { nil }
            }
            try db.execute("PRAGMA mmap_size=0")
            guard check == ["ok"] else {
                // One line for the log: the first problems found, not the heading SQLite puts first.
                let problems = check.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
                let more = problems.count > 2 ? "; \(problems.count - 2) more" : ""
                throw StateError(message: "quick_check: " + problems.prefix(2).joined(separator: "; ") + more, isDamage: true)
            }
            // Nothing is written to a database that is not ours: an empty file is a new state.
            let tables = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").run()
                .compactMap { row -> String? in if case .text(let name) = row.first { name } else { nil } }
            var resetFrom: String?
            if !tables.isEmpty {
                let found = tables.contains("meta")
                    ? try db.prepare("SELECT value FROM meta WHERE key = 'schema'").run().first?.first : nil
                switch found {
                case .text(Self.schema):
                    break
                case .text(let older) where older.hasPrefix("trawl.state/"):
                    try db.execute("BEGIN IMMEDIATE; DROP TABLE IF EXISTS files; DELETE FROM meta; COMMIT;")
                    // Emptied, the file is rewritten with this version's page size (which a file
                    // in WAL mode cannot change) and its free pages given back.
                    try db.execute("PRAGMA journal_mode=DELETE; PRAGMA page_size=\(Self.pageSize); VACUUM;")
                    resetFrom = older
                default:
                    throw StateError(message: "\(path): not a Trawl state database")
                }
            }
            try db.execute("""
                PRAGMA page_size=\(Self.pageSize);
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                PRAGMA wal_autocheckpoint=0;
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS files(
                    path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL, ctime REAL NOT NULL,
                    inode INTEGER NOT NULL, device INTEGER NOT NULL, rules INTEGER NOT NULL, result BLOB NOT NULL,
                    run INTEGER NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '\(Self.schema)');
                """)
            // The run counter lives in meta: MAX(run) reads the whole table, so it is asked only of
            // a state that has no counter. (Asked in one query with the counter, as an argument
            // of COALESCE, the aggregate reads every row whatever the counter holds.)
            let counter = try db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_run'").run()
            let last = counter.isEmpty ? try db.prepare("SELECT MAX(run) FROM files").run() : counter
            let run: Int64
            if case .integer(let n) = last.first?.first { run = n + 1 } else { run = 1 }
            try db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('last_run', ?)").run([.text(String(run))])
            let readers = try (0..<max(1, readers)).map { _ throws(SQLiteError) in try Reader(path: path, of: max(1, readers)) }
            let upsert = try db.prepare("""
                INSERT INTO files(path, size, mtime, ctime, inode, device, rules, result, run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, ctime = excluded.ctime,
                  inode = excluded.inode, device = excluded.device, rules = excluded.rules, result = excluded.result, run = excluded.run
                """)
            return Connections(db: db, readers: readers, upsert: upsert, run: run, resetFrom: resetFrom)
        } catch let error as StateError {
            throw error
        } catch let error as SQLiteError {
            throw StateError(message: error.isDamage ? error.message : "\(path): cannot use the state database: \(error)", isDamage: error.isDamage)
        } catch {
            throw StateError(message: "\(path): cannot use the state database: \(error)")
        }
    }

    /// The stored result for a file whose identity and rules are unchanged, or nil. `worker`
    /// (below the `readers` given at init) picks the connection; each worker uses its own.
    package func unchangedResult(path: [UInt8], identity: FileIdentity, worker: Int = 0) -> [UInt8]? {
        let hash = Self.hash(path)
        return readers[worker % readers.count].state.withLock { reader -> [UInt8]? in
            guard reader.damage == nil, let fileQuery = reader.fileQuery, let folderQuery = reader.folderQuery else { return nil }
            let found: StoredRow?
            do throws(SQLiteError) {
                found = try reader.rows.row(for: path, hash: hash, folderQuery: folderQuery, fileQuery: fileQuery)
            } catch {
                if error.isDamage { reader.damage = error.message }
                return nil
            }
            guard let found, found.identity == identity, found.rules == rules else { return nil }
            guard let result = found.result else {
                reader.damaged += 1
                return nil
            }
            reader.carried += 1
            reader.seen.insert(hash)
            return result
        }
    }

    /// Records a file's result, to be committed with the next batch.
    package func store(path: [UInt8], identity: FileIdentity, result: [UInt8]) {
        writer.withLock { w in
            guard w.damage == nil else { return }
            w.pending.append((path, identity, result))
            w.seen.insert(Self.hash(path))
            w.stored += 1
            commitIfDue(&w)
        }
    }

    /// The report that the last run with this state wrote, as `remember(report:)` kept it.
    package func lastReport() -> String? {
        writer.withLock { w in
            guard let rows = try? w.db?.prepare("SELECT value FROM meta WHERE key = 'last_report'").run(),
                  case .text(let path)? = rows.first?.first else { return nil }
            return path
        }
    }

    /// Keeps the path of the report this run wrote, so that the next run can say what is new
    /// since. Call after `finish`; a state moved aside keeps nothing.
    package func remember(report: String) {
        writer.withLock { w in
            _ = try? w.db?.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('last_report', ?)").run([.text(report)])
        }
    }

    /// Commits what is pending and forgets files under `roots` that this run did not see (deleted
    /// or moved away since). Call once, at the end of a complete run, after the workers are done.
    /// When the file was found damaged during the run, every connection is closed and the file
    /// moved aside instead (`movedAside`): the next run starts a new state.
    package func finish(roots: [[UInt8]]) throws(StateError) {
        try writer.withLock { w throws(StateError) in
            guard w.db != nil else { return }
            for reader in readers {
                reader.state.withLock { r in
                    // The longer list takes in the shorter: on an unchanged night the writer saw
                    // nothing and a worker saw every file, whose list is then taken as it is.
                    w.seen.take(&r.seen)
                    r.rows = FolderRows()
                    w.carried += r.carried
                    w.damaged += r.damaged
                    if w.damage == nil { w.damage = r.damage }
                    try? r.db?.execute("COMMIT")  // end the read snapshot, so the checkpoint can finish
                }
            }
            if w.damage == nil {
                do throws(SQLiteError) {
                    try forgetUnseen(roots: roots, in: &w)
                } catch where error.isDamage {
                    w.damage = error.message
                } catch {
                    throw StateError(message: "cannot update the state database: \(error)")
                }
            }
            guard let damage = w.damage else { return }
            // Every connection is let go of, so that the file can be moved aside.
            for reader in readers {
                reader.state.withLock { r in
                    r.fileQuery = nil
                    r.folderQuery = nil
                    r.db = nil
                }
            }
            w.upsert = nil
            w.db = nil
            w.movedAside = MovedAside(path: try StateFile.moveAside(path, at: Date()), reason: damage, whileRunning: true)
        }
    }

    private func forgetUnseen(roots: [[UInt8]], in w: inout Writer) throws(SQLiteError) {
        guard let db = w.db else { return }
        try commit(&w)
        w.seen.settle()
        let seen = w.seen
        // Forget files under the roots that this run did not see: deleted or moved away. A root
        // is its own path (a root that is a file) and the paths below it, one range of the
        // primary key (blobs compare as bytes): from "root/" up to "root0", '0' being the byte
        // after '/'. The two are asked apart: asked as one condition with OR, SQLite gathers
        // every row it finds into a set to drop repeats, which doubled the count's time.
        let below = "path >= ? AND path < ?"
        let counts = [try db.prepare("SELECT COUNT(*) FROM files WHERE path = ?"),
                      try db.prepare("SELECT COUNT(*) FROM files WHERE \(below)")]
        let lists = [try db.prepare("SELECT path FROM files WHERE path = ?"),
                     try db.prepare("SELECT path FROM files WHERE \(below)")]
        let delete = try db.prepare("DELETE FROM files WHERE path = ?")
        func ranges(_ root: [UInt8]) -> [[SQLiteValue]] {
            let prefix = root.last == 47 ? root : root + [47]
            return [[.blob(root)], [.blob(prefix), .blob(prefix.dropLast() + [48])]]
        }
        var gone: [[UInt8]] = []
        var stored = 0
        for root in roots {
            for (count, range) in zip(counts, ranges(root)) {
                if case .integer(let n) = try count.run(range).first?.first { stored += Int(n) }
            }
        }
        // Every stored file under the roots was seen (the common nightly case): nothing to list.
        if stored > seen.count {
            for root in roots {
                for (list, range) in zip(lists, ranges(root)) {
                    for row in try list.run(range) {
                        if case .blob(let path) = row.first, !seen.contains(Self.hash(path)) { gone.append(path) }
                    }
                }
            }
        }
        if !gone.isEmpty {
            try db.execute("BEGIN IMMEDIATE")
            for path in gone { try delete.run([.blob(path)]) }
            try db.execute("COMMIT")
        }
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE);")
    }

    /// A hash of a path's bytes in one call (hashing an array element by element is slow).
    static func hash(_ path: [UInt8]) -> Int {
        path.withUnsafeBytes { hash($0) }
    }

    static func hash(_ path: UnsafeRawBufferPointer) -> Int {
        var h = Hasher()
        h.combine(bytes: path)
        return h.finalize()
    }

    private func commitIfDue(_ w: inout Writer) {
        if w.pending.count >= 256 || (!w.pending.isEmpty && Date().timeIntervalSince(w.lastCommit) >= 1) {
            // A failed batch is retried with the next one; the scan itself goes on. In a damaged
            // file, nothing more is stored.
            do { try commit(&w) } catch where error.isDamage {
                w.damage = error.message
                w.pending.removeAll()
            } catch {}
        }
    }

    private func commit(_ w: inout Writer) throws(SQLiteError) {
        guard !w.pending.isEmpty, let db = w.db, let upsert = w.upsert else { return }
        try db.execute("BEGIN IMMEDIATE")
        do {
            for p in w.pending {
                try upsert.run([
                    .blob(p.path), .integer(Int64(p.identity.size)), .real(p.identity.mtime), .real(p.identity.ctime),
                    .integer(Int64(bitPattern: p.identity.inode)), .integer(Int64(bitPattern: p.identity.device)),
                    .integer(rules), .blob(Seal.close(p.result)), .integer(w.run),
                ])
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        w.pending.removeAll(keepingCapacity: true)
        w.lastCommit = Date()
    }
}

/// A stored result with a check of its bytes before them: eight bytes, little-endian.
enum Seal {
    static func close(_ result: [UInt8]) -> [UInt8] {
        var check = result.withUnsafeBytes { Self.check($0) }.littleEndian
        return withUnsafeBytes(of: &check) { Array($0) } + result
    }

    /// The result, or nil when the check does not hold (or there is none).
    static func open(_ sealed: UnsafeRawBufferPointer) -> [UInt8]? {
        holds(sealed) ? Array(UnsafeRawBufferPointer(rebasing: sealed[8...])) : nil
    }

    /// Whether the check holds (false when there is none).
    static func holds(_ sealed: UnsafeRawBufferPointer) -> Bool {
        guard sealed.count >= 8 else { return false }
        return UInt64(littleEndian: sealed.loadUnaligned(as: UInt64.self)) == check(UnsafeRawBufferPointer(rebasing: sealed[8...]))
    }

    static func open(_ sealed: [UInt8]) -> [UInt8]? {
        sealed.withUnsafeBytes { open($0) }
    }

    /// A 64-bit check for damage, not for an adversary, eight bytes a step. Each step (xor a
    /// word, multiply by an odd constant, rotate) is a bijection of the state, and so is the
    /// finish: a change to any one word always changes the check, and more changes go unseen
    /// with a chance of about 2^-64.
    static func check(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian) &* 0xFF51_AFD7_ED55_8CCD
            h = h << 29 | h >> 35
            i += 8
        }
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        return h ^ h >> 33
    }
}

/// An exclusive lock held for a whole run, so two runs over the same state never overlap.
package final class RunLock: Sendable {
    private let fd: Int32

    /// Takes the lock on `path`, or throws at once if another process holds it.
    package init(path: String) throws(StateError) {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == ELOOP { throw StateError(message: "\(path): is a symbolic link; the lock is not taken through a link") }
            throw StateError(message: "\(path): cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StateError(message: "another trawl run is using this state (\(path) is locked); not starting")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
