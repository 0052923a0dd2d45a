// Standard output when it carries a report ("-"): the report's own descriptor, with everything
// else that would print there sent to standard error.
//
// The C libraries a scan uses print some of their messages on standard output themselves
// (libsmbclient's "Encryption required ..." and its debug lines, for one), and a line of theirs in
// a report written there breaks every reader of it. So the first output named "-" takes a
// duplicate of standard output for itself and points descriptor 1 at standard error: the report
// is then the only thing on the real standard output, whoever else prints. (The program opens
// descriptors 0-2 on /dev/null at start where the caller closed them, so descriptor 1 is never a
// file of its own here.)
#if canImport(Glibc)
import Glibc
#endif

package enum StandardOutput {
    /// The descriptor that writes to the process's original standard output, claimed for the
    /// report on first use (descriptor 1 is standard error from then on).
    package static let report: Int32 = {
        let claimed = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        // Without a spare descriptor (a process at its limit of open files), the report shares
        // descriptor 1 as it is, and says so: a library's message could land in it.
        guard claimed >= 0 else {
            let warning = "trawl: the report keeps standard output to itself only with a spare file descriptor: none is left\n"
            _ = warning.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            return STDOUT_FILENO
        }
        _ = dup2(STDERR_FILENO, STDOUT_FILENO)
        return claimed
    }()
}
