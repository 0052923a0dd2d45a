// Where a report, a review page or an export is written: a file made its owner's alone under a
// temporary name and renamed into place, or a device or pipe written straight to.
//
// These outputs say where personal data is, so nothing is written through a symbolic link at the
// output's name (it would put the output wherever whoever planted it chose), nor to another
// user's named pipe (they would read it as it is written). A device (/dev/null, a terminal) and a
// pipe of the user's own are written straight to; standard output is "-".
import OwnerOnlyFiles

#if canImport(Glibc)
import Glibc
#endif

package enum OutputFile {
    /// Written straight to (a device or the user's own pipe): nothing to rename.
    case direct(fd: Int32)
    /// Written to `temporary`, mode 0600, and renamed to the output's name when complete.
    case temporary(fd: Int32, path: String)

    /// Opens the output at `path` for `what` ("report", "review"...: for messages).
    /// - Throws: `ReportWriteError` when `path` is a link, another user's pipe, or anything else
    ///   that is neither a file nor a device, or the temporary file cannot be made.
    package static func open(_ path: String, for what: String) throws(ReportWriteError) -> OutputFile {
        let existing: Existing?
        do { existing = try Existing.at(path) } catch { throw ReportWriteError(message: "\(error)") }
        if let existing, existing.kind != .regular {
            guard existing.kind == .characterDevice || (existing.kind == .fifo && existing.isOwnedByThisUser) else {
                throw ReportWriteError(message: existing.kind == .symbolicLink
                    ? "\(path): is a symbolic link; the \(what) is not written through a link (name the file itself, or '-' for standard output)"
                    : "\(path): is \(existing.kindName)\(existing.kind == .fifo ? " of another user" : ""), not a file the \(what) can be written to")
            }
            let fd = Glibc.open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw ReportWriteError(message: "\(path): cannot open for the \(what): \(String(cString: strerror(errno)))") }
            return .direct(fd: fd)
        }
        do {
            let (fd, temporary) = try OwnerOnlyFile.createTemporary(beside: path, tag: "partial")
            return .temporary(fd: fd, path: temporary)
        } catch {
            throw ReportWriteError(message: "\(path): cannot create the \(what): \(error.reason)")
        }
    }

    /// Writes all of `bytes` to `path` ("-": standard output) as `open` says, renamed into place
    /// when complete.
    package static func write(_ bytes: [UInt8], to path: String, for what: String) throws(ReportWriteError) {
        let output: OutputFile = path == "-" ? .direct(fd: StandardOutput.report) : try open(path, for: what)
        switch output {
        case .direct(let fd):
            defer { if path != "-" { close(fd) } }
            try writeAll(bytes, to: fd, path: path, for: what)
        case .temporary(let fd, let temporary):
            do {
                try OwnerOnlyFile.write(bytes, to: fd, path: temporary)
                close(fd)
                try OwnerOnlyFile.replace(path, with: temporary)
            } catch {
                close(fd)
                unlink(temporary)
                throw ReportWriteError(message: "\(error)")
            }
        }
    }

    /// Writes all of `bytes` to `fd`, the output at `path`, retrying interrupted writes.
    package static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String, for what: String) throws(ReportWriteError) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ReportWriteError(message: "\(path): cannot write the \(what): \(String(cString: strerror(errno)))") }
            written += n
        }
    }
}
