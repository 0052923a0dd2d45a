// Reading the files of the share: opened read-only, without following a link put in a file's place,
// without blocking on a FIFO, without touching the access time where the kernel lets us; read
// whole, by their head, or streamed in blocks. Every failure becomes a `ScanIssue` with a reason.
import Foundation
import TrawlCrawl
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// Reading whole files, read-only, without touching their access time where the kernel lets us.
enum FileReading {
    /// `directory`: the handle of the directory the walk listed it in, when kept (see `open`).
    /// `descriptor`: the file already open (read from its current offset; not closed here).
    static func readAll(_ path: [UInt8], in directory: DirectoryHandle? = nil, descriptor: Int32? = nil, expectedSize: Int,
                        limit: Int) -> Result<[UInt8], ScanIssue> {
        withDescriptor(path, in: directory, descriptor) { fd in readAll(fd, expectedSize: expectedSize, limit: limit) }
    }

    private static func readAll(_ fd: Int32, expectedSize: Int, limit: Int) -> Result<[UInt8], ScanIssue> {
        // One buffer of the size it was stat'ed at, and 4 KiB more: the read that shows the end
        // (or that the file grew since) lands in it. Read into the array's own storage, not
        // zero-filled first.
        var failure: ScanIssue?
        var grew = false
        var out = [UInt8](unsafeUninitializedCapacity: min(max(expectedSize, 0), limit) + 4096) { buffer, count in
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = issue(errno, "read")
                    break
                }
                if n == 0 { break }
                filled += n
                // A read of a regular file that returns less than asked has reached its end
                // (POSIX: fewer bytes remain, or a signal, which leaves the count short of the
                // size). At exactly the size it was stat'ed at, that is the whole file: the read
                // that would return 0 is not made (one system call of five per small file).
                if filled == expectedSize && n < buffer.count - (filled - n) { break }
            }
            grew = failure == nil && filled == buffer.count
            count = filled
        }
        if let failure { return .failure(failure) }
        // Made only when needed: an interpolated message is an allocation, and this runs per file.
        func tooLarge() -> ScanIssue { ScanIssue(.tooLarge, "grew past the limit of \(limit) bytes while being read") }
        // It grew past that room since it was stat'ed: read on in blocks, within the limit.
        while grew {
            if out.count > limit { return .failure(tooLarge()) }
            let n = withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 1) { block in
                let got = read(fd, block.baseAddress, block.count)
                if got > 0 { out.append(contentsOf: block[..<got]) }
                return got
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(issue(errno, "read"))
            }
            grew = n > 0
        }
        if out.count > limit { return .failure(tooLarge()) }
        return .success(out)
    }

    /// Opens read-only and without blocking (a FIFO put in a file's place would block the open;
    /// reading a regular file is the same either way). O_NOATIME (reading does not touch the
    /// access time) is allowed only to the file's owner or root; without it the open is retried
    /// plain.
    /// With `directory`, the file's name is opened in it, never through a symbolic link: one
    /// found there was put in the file's place since the walk listed it. Without, the whole
    /// path is opened, following links (a root given as a link, a link the walk followed); the
    /// caller then checks that it opened the file the walk stat'ed.
    static func open(_ path: [UInt8], in directory: DirectoryHandle? = nil) -> Result<Int32, ScanIssue> {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if let directory, let slash = path.lastIndex(of: 47), slash + 1 < path.count {
            let fd = withCString(path[(slash + 1)...]) { name in
                var fd = openat(directory.fd, name, flags | O_NOFOLLOW | noAccessTime)
                if fd < 0 && errno == EPERM { fd = openat(directory.fd, name, flags | O_NOFOLLOW) }
                return fd
            }
            if fd >= 0 { return .success(fd) }
            if errno == ELOOP { return .failure(ScanIssue(.changed, "replaced by a symbolic link after it was listed; not followed")) }
            return .failure(issue(errno, "open"))
        }
        let fd = withCString(path[...]) { cPath in
            var fd = Glibc.open(cPath, flags | noAccessTime)
            if fd < 0 && errno == EPERM { fd = Glibc.open(cPath, flags) }
            return fd
        }
        return fd >= 0 ? .success(fd) : .failure(issue(errno, "open"))
    }

    /// Whether the file changed size while it was read: `read` bytes where it had `opened.size`
    /// when opened (read to its end either way). A rewrite of the same size is not seen: that
    /// would take a second stat of every file.
    static func changedWhileRead(opened: FileRef, read: Int) -> ScanIssue? {
        guard read != opened.size else { return nil }
        return ScanIssue(.changed, "changed while it was read (\(opened.size) bytes when opened, \(read) read); what was read was searched")
    }

    /// Calls `body` with `descriptor`, or with the file opened (and closed after) when there is
    /// none: a file the scanner opened itself to stat it is read through the same descriptor.
    private static func withDescriptor<T>(_ path: [UInt8], in directory: DirectoryHandle?, _ descriptor: Int32?,
                                          _ body: (Int32) -> Result<T, ScanIssue>) -> Result<T, ScanIssue> {
        if let descriptor { return body(descriptor) }
        switch open(path, in: directory) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { close(fd) }
            return body(fd)
        }
    }

    /// Calls `body` with `bytes` NUL-terminated on the stack (no array per file).
    static func withCString<R>(_ bytes: ArraySlice<UInt8>, _ body: (UnsafePointer<CChar>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { c in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(c).copyMemory(from: $0) }
            c[bytes.count] = 0
            return body(c.baseAddress!)
        }
    }

    /// The first `count` bytes (fewer for a shorter file).
    /// With `descriptor`, read at offset 0 without moving the file's offset (`pread`).
    static func readHead(_ path: [UInt8], count: Int, in directory: DirectoryHandle? = nil, descriptor: Int32? = nil) -> Result<[UInt8], ScanIssue> {
        withDescriptor(path, in: directory, descriptor) { fd in readHead(fd, count: count) }
    }

    private static func readHead(_ fd: Int32, count: Int) -> Result<[UInt8], ScanIssue> {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            // Into the array's own storage: mutating a slice of it (out[filled...]) copied the
            // whole buffer on every read.
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
            if n < 0 { if errno == EINTR { continue }; return .failure(issue(errno, "read")) }
            if n == 0 { break }
            filled += n
        }
        out.removeSubrange(filled...)
        return .success(out)
    }

    /// Reads the file in blocks of 1 MiB, calling `body` with each; returns the error that stopped it.
    static func stream(_ path: [UInt8], in directory: DirectoryHandle? = nil, descriptor: Int32? = nil,
                       _ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        let result = withDescriptor(path, in: directory, descriptor) { fd -> Result<Void, ScanIssue> in
            stream(fd, body).map { .failure($0) } ?? .success(())
        }
        if case .failure(let issue) = result { return issue }
        return nil
    }

    private static func stream(_ fd: Int32, _ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return issue(errno, "read") }
            if n == 0 { return nil }
            body(buffer[0..<n])
        }
    }

    static func issue(_ code: Int32, _ doing: String) -> ScanIssue {
        let message = "\(doing): \(String(cString: strerror(code)))"
        return code == EACCES || code == EPERM ? ScanIssue(.permission, message) : ScanIssue(.unreadable, message)
    }
}

/// O_NOATIME (Linux, <fcntl.h> under _GNU_SOURCE, which Swift's Glibc module does not define).
private let noAccessTime: Int32 = 0o1000000

/// A file of a local folder open as `descriptor` (not closed here): the local source's
/// `SourceFile`.
struct LocalFile: SourceFile {
    let descriptor: Int32
    let path: [UInt8]

    func readAll(expectedSize: Int, limit: Int) -> Result<[UInt8], ScanIssue> {
        FileReading.readAll(path, descriptor: descriptor, expectedSize: expectedSize, limit: limit)
    }

    func readHead(count: Int) -> Result<[UInt8], ScanIssue> {
        FileReading.readHead(path, count: count, descriptor: descriptor)
    }

    func stream(_ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        FileReading.stream(path, descriptor: descriptor, body)
    }

    /// From one `fstat` of the open file: who may read it (mode bits and ACL) and its time.
    func describe() -> (access: FileAccess?, modified: Double)? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return (LocalAccess.of(descriptor: descriptor, status: status), Double(status.st_mtim.tv_sec))
    }
}
