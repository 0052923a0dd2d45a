// Standard output when it carries a report ("-"): the report's own descriptor, with everything
// else that would print there sent to standard error.
//
// The C libraries a scan uses print some of their messages on standard output themselves
// (libsmbclient's "Encryption required ..." and its debug lines, for one), and a line of theirs in
// a report written there breaks every reader of it. So the first output named "-" takes a
// duplicate of standard output for itself and points descriptor 1 at standard error: the report
// is then the only thing on the real standard output, whoever else prints.
#if canImport(Glibc)
import Glibc
#endif

package enum StandardOutput {
    /// The descriptor that writes to the process's original standard output, claimed for the
    /// report on first use (descriptor 1 is standard error from then on).
    package static let report: Int32 = {
        let claimed = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        // Without a spare descriptor, the report shares descriptor 1 as it is.
        guard claimed >= 0 else { return STDOUT_FILENO }
        _ = dup2(STDERR_FILENO, STDOUT_FILENO)
        return claimed
    }()
}
