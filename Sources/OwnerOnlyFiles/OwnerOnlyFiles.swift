// Files that only their owner can read, made where nobody else can redirect them. It knows nothing
// of Trawl.
//
// Design: a file is never created under its final name. It is created new under a temporary name
// beside it (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600, then fchmod to 0600 whatever the umask),
// written, and then renamed or linked into place. O_EXCL with O_NOFOLLOW means a name planted in
// advance (a symbolic link to another file, a file someone else can read) is never opened; rename
// replaces whatever is at the final name, a link included, and never follows it. What is already
// at a path is looked at with lstat, so a link is seen as a link.
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be made or used, as a sentence for people (the path first).
public struct FileProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// Why, without the path: the C library's text when the system refused.
    public let reason: String

    public init(_ description: String, reason: String? = nil) {
        self.description = description
        self.reason = reason ?? description
    }
}

/// What is at a path, as lstat sees it (a symbolic link is not followed).
public struct Existing: Sendable {
    public enum Kind: Sendable, Equatable {
        case regular, symbolicLink, directory, characterDevice, blockDevice, fifo, socket
    }

    public let kind: Kind
    /// Permission bits (0o777 and the set-id and sticky bits).
    public let permissions: UInt32
    public let owner: UInt32
    public let size: Int

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFLNK: kind = .symbolicLink
        case S_IFDIR: kind = .directory
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        case S_IFIFO: kind = .fifo
        default: kind = .socket
        }
        permissions = UInt32(st.st_mode & 0o7777)
        owner = st.st_uid
        size = Int(st.st_size)
    }

    /// What is at `path`, or nil when nothing is.
    /// - Throws: `FileProblem` when the path cannot be looked at (a folder without permission).
    public static func at(_ path: String) throws(FileProblem) -> Existing? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw FileProblem("\(path): \(errorText())")
        }
        return Existing(st)
    }

    /// What `fd` is open on, or nil (errno set) when it cannot be looked at.
    public static func of(descriptor fd: Int32) -> Existing? {
        var st = stat()
        return fstat(fd, &st) == 0 ? Existing(st) : nil
    }

    /// Whether the file is readable or writable by anyone but its owner.
    public var isOpenToOthers: Bool { permissions & 0o077 != 0 }

    /// Whether the process's own user owns it (nobody else can have made it).
    public var isOwnedByThisUser: Bool { owner == geteuid() }

    /// "a symbolic link", "a folder", "a named pipe"...: for messages.
    public var kindName: String {
        switch kind {
        case .regular: "a file"
        case .symbolicLink: "a symbolic link"
        case .directory: "a folder"
        case .characterDevice: "a device"
        case .blockDevice: "a block device"
        case .fifo: "a named pipe"
        case .socket: "a socket"
        }
    }
}

public enum OwnerOnlyFile {
    /// The flags every new file is created with: new, never through a link.
    static let createFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC

    /// Creates `path` new, mode 0600, and returns its descriptor (open for writing).
    /// - Throws: `FileProblem` when anything is already at `path` (a link included) or it cannot
    ///   be created.
    public static func create(_ path: String) throws(FileProblem) -> Int32 {
        let fd = open(path, createFlags, 0o600)
        guard fd >= 0 else {
            let text = errorText()
            throw FileProblem("\(path): cannot create: \(text)", reason: text)
        }
        // The umask may have taken the owner's bits too; the mode is exactly 0600 either way.
        guard fchmod(fd, 0o600) == 0 else {
            let text = errorText()
            close(fd)
            unlink(path)
            throw FileProblem("\(path): cannot set its mode to 0600: \(text)")
        }
        return fd
    }

    /// ".NAME.TAG-PID" in the folder of `path`: on the same file system, so it can be renamed into
    /// place, and named after the process that made it, so a later run can tell a left-over one.
    public static func temporaryName(beside path: String, tag: String) -> String {
        let (folder, name) = split(path)
        return folder + ".\(name).\(tag)-\(getpid())"
    }

    /// Creates `temporaryName(beside:tag:)` new, mode 0600. Anything already under that name was
    /// left by an earlier process with the same id (or planted): it is removed, never opened.
    public static func createTemporary(beside path: String, tag: String) throws(FileProblem) -> (fd: Int32, path: String) {
        let temporary = temporaryName(beside: path, tag: tag)
        var st = stat()
        if lstat(temporary, &st) == 0 { unlink(temporary) }
        return (try create(temporary), temporary)
    }

    /// Renames `temporary` to `path`, replacing whatever is there (a symbolic link is replaced
    /// itself; its target is untouched).
    public static func replace(_ path: String, with temporary: String) throws(FileProblem) {
        guard rename(temporary, path) == 0 else {
            let text = errorText()
            unlink(temporary)
            throw FileProblem("\(path): cannot move \(temporary) into place: \(text)")
        }
    }

    /// Moves `temporary` to `path` only if nothing is there: false, and `temporary` removed, when
    /// something is (another process made it first).
    public static func placeNew(_ path: String, from temporary: String) throws(FileProblem) -> Bool {
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            let linkError = errno
            if linkError == EEXIST { return false }
            // A file system without hard links (EPERM, as link(2) says): renamed, if there is still
            // nothing at `path`. Between the look and the rename another process could make one,
            // which would be replaced; no link is followed either way.
            var st = stat()
            if linkError == EPERM || linkError == EOPNOTSUPP, lstat(path, &st) != 0, errno == ENOENT {
                guard rename(temporary, path) == 0 else {
                    throw FileProblem("\(path): cannot move \(temporary) into place: \(errorText())", reason: errorText())
                }
                return true
            }
            let text = String(cString: strerror(linkError))
            throw FileProblem("\(path): cannot move \(temporary) into place: \(text)", reason: text)
        }
        return true
    }

    /// Writes all of `bytes` to `fd` and flushes them to disk.
    public static func write(_ bytes: [UInt8], to fd: Int32, path: String) throws(FileProblem) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileProblem("\(path): cannot write: \(errorText())")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw FileProblem("\(path): cannot write: \(errorText())") }
    }

    /// Takes group and other permissions away from the regular file at `path` (one made by an
    /// earlier version with a wider mode). Nothing there: nothing done.
    /// - Throws: `FileProblem` when `path` is a link or not a regular file, or its mode cannot be
    ///   changed (another user's file).
    public static func restrict(_ path: String) throws(FileProblem) {
        guard let existing = try Existing.at(path) else { return }
        guard existing.kind == .regular else { throw FileProblem("\(path): is \(existing.kindName), not a regular file") }
        guard existing.isOpenToOthers else { return }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileProblem("\(path): cannot open: \(errorText())") }
        defer { close(fd) }
        guard fchmod(fd, mode_t(existing.permissions & 0o700)) == 0 else {
            throw FileProblem("\(path): readable by others (mode \(String(existing.permissions, radix: 8))) and its mode cannot be changed: \(errorText())")
        }
    }

    /// The folder part of `path` with its slash ("" for a bare name), and the name.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }
}

/// The C library's text for the current errno.
func errorText() -> String { String(cString: strerror(errno)) }
