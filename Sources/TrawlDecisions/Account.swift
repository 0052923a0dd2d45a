// Who is deciding, on the command line: the account the command runs as (getpwuid), never an
// environment variable that may be unset or say anything.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

package enum Account {
    /// The login name of the effective user, or nil when the system has no entry for it.
    package static func current() -> String? {
        guard let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name else { return nil }
        let s = String(cString: name)
        return s.isEmpty ? nil : s
    }
}
