// Walks the roots and hands every file to a visitor, in parallel.
//
// Design (ripgrep's parallel walker, minus work stealing): a fixed number of workers share one
// LIFO stack of work (directories to list, files to visit) under a lock. A worker that lists a
// directory pushes its children; a worker that pops a file visits it itself, so crawling and
// scanning are one pool with natural back-pressure and depth-first memory use. Termination: the
// stack is empty and no worker is busy. Everything is read-only: directories are listed, files are
// stat'ed; nothing is opened for writing.
import Foundation
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// What the walker decides about one path.
package enum CrawlItem: Sendable {
    /// A regular file to scan, with its directory's handle when the walk kept it open (the file
    /// is then opened relative to it).
    case file(FileRef, directory: DirectoryHandle?)
    /// A file its directory lists as regular, not stat'ed by the walk (`CrawlOptions.statFiles`
    /// off): the consumer opens it and stats it through the descriptor (`FileRef.init(path:status:)`),
    /// checking that it is still a regular file and within `maxFileSize`.
    case listedFile(path: [UInt8], directory: DirectoryHandle?)
    /// A file of a share that is not a local folder (an SMB share), stat'ed by its listing: the
    /// consumer opens it through `source`.
    case remoteFile(FileRef, source: any RemoteSource)
    /// A path deliberately not scanned (excluded, too large, symlink, special file), with why.
    case skipped(path: [UInt8], size: Int, issue: ScanIssue)
    /// A path that could not be read (permission, vanished, I/O error).
    case failed(path: [UInt8], issue: ScanIssue)
}

/// Options for the walk. Built once, immutable.
package struct CrawlOptions: Sendable {
    /// Only files matching one of these globs are scanned (empty: all). A glob without "/" matches
    /// the file name; one with "/" matches the path relative to its root.
    package var include: [String] = []
    /// Files and directories matching one of these globs are skipped (directories are not entered).
    package var exclude: [String] = []
    /// Files larger than this are skipped as too large.
    package var maxFileSize: Int = 256 * 1024 * 1024
    /// Follow symbolic links (never to a target outside the roots, never around a loop).
    package var followSymlinks: Bool = false
    /// Stat every file as it is listed (what an incremental scan compares, without opening the
    /// file). Off, a file the directory says is regular is handed on as `listedFile`: opened
    /// anyway, it is stat'ed through its descriptor, and its name is looked up once, not twice.
    package var statFiles: Bool = true

    package init() {}
}

/// A parallel, read-only walk of one or more roots.
package final class Walker: Sendable {
    private let roots: [[UInt8]]
    private let options: CrawlOptions
    private let jobs: Int
    /// Canonical (realpath) forms of the roots: a followed link must resolve inside one of them.
    private let canonicalRoots: [[UInt8]]

    package init(roots: [String], options: CrawlOptions, jobs: Int) {
        self.roots = roots.map { Array($0.utf8) }
        self.options = options
        self.jobs = max(1, jobs)
        self.canonicalRoots = roots.map { Array((Walker.realPath($0) ?? $0).utf8) }
    }

    /// Walks every root and calls `visit` for each item, from `jobs` threads at once. The worker
    /// index (0..<jobs) passed with each item lets callers keep per-thread scratch without locks.
    /// Returns when every item has been visited.
    package func run(_ visit: @escaping @Sendable (_ item: CrawlItem, _ worker: Int) -> Void) {
        let queue = WorkQueue<Work>()
        for (index, root) in roots.enumerated() {
            queue.push(Work(path: root, rootIndex: index, relativeStart: root.count))
        }
        queue.run(jobs: jobs) { work, worker in process(work, worker: worker, queue: queue, visit: visit) }
    }

    private func process(_ work: Work, worker: Int, queue: WorkQueue<Work>, visit: @Sendable (CrawlItem, Int) -> Void) {
        let (path, rootIndex, relative) = (work.path, work.rootIndex, work.path[work.relativeStart...])
        let isRoot = relative.isEmpty
        // A file listed as regular goes on unstat'ed, unless a glob leaves it out: its entry then
        // gives its size, and it is stat'ed below as any other path.
        if work.listedRegular && globSkip(path: path, size: 0, relative: relative) == nil {
            visit(.listedFile(path: path, directory: work.directory), worker)
            return
        }
        var st = stat()
        if let known = work.status {
            st = known
        } else if Walker.withCPath(path, { lstat($0, &st) }) != 0 {
            visit(.failed(path: path, issue: Walker.issue(errno: errno, doing: "stat")), worker)
            return
        }
        let name = isRoot ? path[...] : relative
        var type = st.st_mode & S_IFMT
        // Reached through a symbolic link (a root, or one followed): opened by its path, which
        // follows the link; everything else is opened by its name in its directory, never
        // through a link.
        var viaLink = false
        if type == S_IFLNK {
            // Roots given on the command line are followed (the user named them); links below are not,
            // unless asked, and then only to targets inside the roots.
            guard isRoot || options.followSymlinks else {
                visit(.skipped(path: path, size: 0, issue: ScanIssue(.symlink, "symbolic link not followed")), worker)
                return
            }
            let pathString = String(decoding: path, as: UTF8.self)
            guard let target = Walker.realPath(pathString), stat(target, &st) == 0 else {
                visit(.skipped(path: path, size: 0, issue: ScanIssue(.symlink, "symbolic link to a missing target or a loop")), worker)
                return
            }
            if !isRoot && !isInsideRoots(Array(target.utf8)) {
                visit(.skipped(path: path, size: 0, issue: ScanIssue(.symlink, "symbolic link points outside the roots")), worker)
                return
            }
            type = st.st_mode & S_IFMT
            if type == S_IFDIR && !queue.enterDirectoryOnce(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) {
                visit(.skipped(path: path, size: 0, issue: ScanIssue(.symlink, "symbolic link loop: directory already visited")), worker)
                return
            }
            viaLink = true
        } else if type == S_IFDIR {
            // Directories reached without a link can still be reached again through a followed link.
            if options.followSymlinks { _ = queue.enterDirectoryOnce(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) }
        }

        if type == S_IFDIR {
            if !isRoot && matches(options.exclude, relative: relative) { return }
            listDirectory(path, in: viaLink ? nil : work.directory, listed: st, rootIndex: rootIndex, relativeStart: work.relativeStart,
                          worker: worker, queue: queue, visit: visit)
            return
        }
        if let skip = Walker.specialSkip(path: path, mode: type) {
            visit(skip, worker)
            return
        }
        let size = Int(st.st_size)
        if !isRoot, let skip = globSkip(path: path, size: size, relative: name) {
            visit(skip, worker)
            return
        }
        if let skip = Walker.sizeSkip(path: path, size: size, limit: options.maxFileSize) {
            visit(skip, worker)
            return
        }
        visit(.file(FileRef(path: path, status: st), directory: viaLink ? nil : work.directory), worker)
    }

    /// The entry for a file the include and exclude globs leave out, if they do.
    private func globSkip(path: [UInt8], size: Int, relative: ArraySlice<UInt8>) -> CrawlItem? {
        Walker.globSkip(path: path, size: size, relative: relative, options: options)
    }

    /// The entry for a file that `options`' include and exclude globs leave out, if they do.
    static func globSkip(path: [UInt8], size: Int, relative: ArraySlice<UInt8>, options: CrawlOptions) -> CrawlItem? {
        if matches(options.exclude, relative: relative) {
            return .skipped(path: path, size: size, issue: ScanIssue(.excluded, "excluded by a glob"))
        }
        if !options.include.isEmpty && !matches(options.include, relative: relative) {
            return .skipped(path: path, size: size, issue: ScanIssue(.excluded, "not matched by an include glob"))
        }
        return nil
    }

    /// The entry for a file over the size limit, if it is.
    package static func sizeSkip(path: [UInt8], size: Int, limit: Int) -> CrawlItem? {
        size > limit ? .skipped(path: path, size: size, issue: ScanIssue(.tooLarge, "\(size) bytes is over the limit of \(limit)")) : nil
    }

    /// The entry for a path that is not a regular file, if it is not.
    package static func specialSkip(path: [UInt8], mode: mode_t) -> CrawlItem? {
        let type = mode & S_IFMT
        return type == S_IFREG ? nil : .skipped(path: path, size: 0, issue: ScanIssue(.specialFile, "not a regular file (\(Walker.typeName(type)))"))
    }

    /// Lists a directory, opened by its name in `parent` (the directory it was listed in) without
    /// following a link, or by its path when there is no parent to open it in (a root, a followed
    /// link, past the open handles' limit); either way it must be the directory `listed` says
    /// (device and inode), so that one swapped for a link or another folder since it was listed
    /// is not entered.
    private func listDirectory(_ path: [UInt8], in parent: DirectoryHandle?, listed: stat, rootIndex: Int, relativeStart: Int,
                               worker: Int, queue: WorkQueue<Work>, visit: @Sendable (CrawlItem, Int) -> Void) {
        let fd: Int32
        switch Walker.openDirectory(path, in: parent) {
        case .success(let opened): fd = opened
        case .failure(let issue):
            visit(issue.kind == .changed ? .skipped(path: path, size: 0, issue: issue) : .failed(path: path, issue: issue), worker)
            return
        }
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_dev == listed.st_dev, opened.st_ino == listed.st_ino else {
            close(fd)
            visit(.skipped(path: path, size: 0, issue: ScanIssue(.changed, "replaced by another folder after it was listed; not read")), worker)
            return
        }
        guard let dir = fdopendir(fd) else {
            let code = errno
            close(fd)
            visit(.failed(path: path, issue: Walker.issue(errno: code, doing: "list directory")), worker)
            return
        }
        defer { closedir(dir) }
        // Kept open for the files listed here (directories below are opened on their own).
        let handle = DirectoryHandle.duplicate(fd)
        var children: [Work] = []
        // Below a root, a path's part relative to its root starts where the root's children start.
        let isRoot = relativeStart >= path.count
        while let entry = readdir(dir) {
            // The child's path made in one buffer, its name copied from the entry (no array per name).
            var childPath: [UInt8] = []
            childPath.reserveCapacity(path.count + 257)
            childPath += path
            if path.last != 47 { childPath.append(47) }
            let nameStart = childPath.count
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = raw.bindMemory(to: UInt8.self)
                childPath.append(contentsOf: UnsafeBufferPointer(rebasing: name[..<(name.firstIndex(of: 0) ?? name.count)]))
            }
            let nameLength = childPath.count - nameStart
            if nameLength == 1 && childPath[nameStart] == 46 { continue }  // "."
            if nameLength == 2 && childPath[nameStart] == 46 && childPath[nameStart + 1] == 46 { continue }  // ".."
            let relative = isRoot ? nameStart : relativeStart
            // Unstat'ed only when it will be opened by its name here, never through a link.
            if !options.statFiles && handle != nil && entry.pointee.d_type == UInt8(DT_REG) {
                children.append(Work(path: childPath, rootIndex: rootIndex, relativeStart: relative, directory: handle, listedRegular: true))
                continue
            }
            // Stat relative to the open directory, by the entry's own NUL-terminated name: no walk
            // of the whole path in the kernel.
            var st = stat()
            let statted = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                fstatat(fd, raw.baseAddress!.assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW)
            }
            children.append(Work(path: childPath, rootIndex: rootIndex, relativeStart: relative,
                                 status: statted == 0 ? st : nil, directory: handle))
        }
        // Pushed in reverse so that the LIFO stack pops them in directory order (stable progress).
        queue.push(moving: &children)
    }

    private func matches(_ globs: [String], relative: ArraySlice<UInt8>) -> Bool {
        Walker.matches(globs, relative: relative)
    }

    /// Whether a path (relative to its root) matches one of `globs` (see `CrawlOptions.include`).
    static func matches(_ globs: [String], relative: ArraySlice<UInt8>) -> Bool {
        if globs.isEmpty { return false }
        let rel = String(decoding: relative, as: UTF8.self)
        let base = rel.split(separator: "/").last.map(String.init) ?? rel
        for glob in globs {
            let subject = glob.contains("/") ? rel : base
            if fnmatch(glob, subject, 0) == 0 { return true }
        }
        return false
    }

    private func isInsideRoots(_ target: [UInt8]) -> Bool {
        canonicalRoots.contains { root in
            target == root || (target.starts(with: root) && (root.last == 47 || target[root.count] == 47))
        }
    }

    /// Calls `body` with `path` as a NUL-terminated C string (one copy, no per-byte conversion).
    static func withCPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var bytes = path
        bytes.append(0)
        return bytes.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }

    /// O_NOATIME (Linux, <fcntl.h> under _GNU_SOURCE, which Swift's Glibc module does not define).
    static let noAccessTime: Int32 = 0o1000000

    /// Opens a directory for listing (without touching its access time where allowed): by its
    /// last name in `parent`, not through a symbolic link, or by its whole path without one.
    static func openDirectory(_ path: [UInt8], in parent: DirectoryHandle?) -> Result<Int32, ScanIssue> {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        var fd: Int32
        if let parent, let slash = path.lastIndex(of: 47), slash + 1 < path.count {
            let name = Array(path[(slash + 1)...])
            fd = withCPath(name) { openat(parent.fd, $0, flags | O_NOFOLLOW | noAccessTime) }
            if fd < 0 && errno == EPERM { fd = withCPath(name) { openat(parent.fd, $0, flags | O_NOFOLLOW) } }
            if fd < 0 && (errno == ELOOP || errno == ENOTDIR) {
                return .failure(ScanIssue(.changed, "a folder when listed, replaced by a symbolic link or a file before it was opened; not followed"))
            }
        } else {
            fd = withCPath(path) { open($0, flags | noAccessTime) }
            if fd < 0 && errno == EPERM { fd = withCPath(path) { open($0, flags) } }
        }
        return fd >= 0 ? .success(fd) : .failure(issue(errno: errno, doing: "list directory"))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func issue(errno code: Int32, doing: String) -> ScanIssue {
        let message = "\(doing): \(String(cString: strerror(code)))"
        switch code {
        case EACCES, EPERM: return ScanIssue(.permission, message)
        default: return ScanIssue(.unreadable, message)
        }
    }

    package static func typeName(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFDIR: "folder"
        default: "special file"
        }
    }
}

/// A path to lstat and then list or visit; `path[relativeStart...]` is the path below its root
/// (empty for a root).
private struct Work: Sendable {
    var path: [UInt8]
    var rootIndex: Int
    var relativeStart: Int
    /// The lstat result, when the directory listing already has it.
    var status: stat? = nil
    /// The directory it was listed in, when that is kept open.
    var directory: DirectoryHandle? = nil
    /// Listed as a regular file and, by `CrawlOptions.statFiles`, not stat'ed.
    var listedRegular = false
}

extension FileRef {
    /// The file at `path` as `lstat`, `fstatat` or `fstat` described it.
    package init(path: [UInt8], status st: stat) {
        self.init(path: path, size: Int(st.st_size),
                  mtime: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9,
                  ctime: Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9,
                  inode: UInt64(st.st_ino), device: UInt64(st.st_dev), mode: UInt32(st.st_mode))
    }
}
