// The state database's files on disk: the database, its journals and its lock, made and kept its
// owner's alone, and never opened through a link.
//
// The state holds report lines, raw values among them after a `--show-values` run, so it is
// created mode 0600 before SQLite first opens it (new, under a temporary name, linked into place),
// and SQLite gives each journal it creates (-wal, -shm, -journal) the database's own mode. A
// state or journal left with a wider mode by an earlier version is narrowed to the owner's bits.
// A link at any of these names is refused before SQLite opens anything, with a message that names
// it; SQLite itself opens the database with SQLITE_OPEN_NOFOLLOW and will not open a journal
// through a link either (SQLITE_CANTOPEN, seen with SQLite 3.40), should one appear in between.
//
// A damaged database is moved aside under a dated name, never deleted: it may be wanted to learn
// what damaged it, and nothing in it is needed to make a complete report.
import Foundation
import OwnerOnlyFiles

#if canImport(Glibc)
import Glibc
#endif

enum StateFile {
    /// The files SQLite keeps beside the database, by suffix.
    static let journalSuffixes = ["-wal", "-shm", "-journal"]

    /// Checks the database at `path` and its journals, narrows their modes, and creates the
    /// database (empty, mode 0600) if there is none.
    /// - Throws: `StateError` when one of them is a link or not a regular file, or cannot be made
    ///   its owner's alone.
    static func prepare(_ path: String) throws(StateError) {
        do {
            for name in [path] + journalSuffixes.map({ path + $0 }) {
                guard let existing = try Existing.at(name) else { continue }
                guard existing.kind == .regular else { throw refusal(name, existing) }
                try OwnerOnlyFile.restrict(name)
            }
            if try Existing.at(path) == nil {
                let (fd, temporary) = try OwnerOnlyFile.createTemporary(beside: path, tag: "new")
                close(fd)
                // false: another process made the state in between; it is checked when opened.
                _ = try OwnerOnlyFile.placeNew(path, from: temporary)
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(message: "\(error)")
        }
    }

    /// Moves the damaged database at `path` aside, with its write-ahead log, to
    /// "PATH.damaged-YYYYMMDDTHHMMSSZ" (the time given, in UTC; "-2", "-3"... when that is taken),
    /// and removes its shared-memory index (SQLite makes it again from the log). Returns the new
    /// name. Call with every connection to it closed.
    /// - Throws: `StateError` when the file cannot be moved.
    static func moveAside(_ path: String, at time: Date) throws(StateError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = path + ".damaged-" + formatter.string(from: time)
        var aside = base
        var n = 1
        while (try? Existing.at(aside)) != nil || (try? Existing.at(aside + "-wal")) != nil {
            n += 1
            aside = base + "-\(n)"
        }
        guard rename(path, aside) == 0 else {
            throw StateError(message: "\(path): the state database is damaged and cannot be moved aside: \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-journal"] where (try? Existing.at(path + suffix)) != nil {
            rename(path + suffix, aside + suffix)
        }
        unlink(path + "-shm")
        return aside
    }

    static func refusal(_ path: String, _ existing: Existing) -> StateError {
        StateError(message: existing.kind == .symbolicLink
            ? "\(path): is a symbolic link; the state is not opened through a link (name the file itself)"
            : "\(path): is \(existing.kindName), not a state database")
    }
}
