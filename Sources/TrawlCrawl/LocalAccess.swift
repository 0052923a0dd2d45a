// Who may read a local file: its owner, group and mode bits, and its POSIX access ACL (which holds
// what a folder's default ACL gave the file when it was made), with users and groups by name.
// This is the local source's `FileAccess`; an SMB source fills the same value from a security
// descriptor, and the policy decides who counts as broad.
import POSIXACL
import Synchronization
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package enum LocalAccess {
    /// Who may read the file open as `descriptor`, whose `fstat` is `status`. An ACL that cannot
    /// be read leaves the mode bits as the answer.
    package static func of(descriptor: Int32, status: stat) -> FileAccess {
        let mode = UInt32(status.st_mode) & 0o7777
        let owner = names.user(UInt32(status.st_uid)), group = names.group(UInt32(status.st_gid))
        var readers: Set<String> = []
        var byACL = false
        let entries = (try? POSIXACL.entries(descriptor: descriptor)) ?? nil
        let named = entries?.contains { if case .user = $0.tag { true } else if case .group = $0.tag { true } else { false } } ?? false
        if let entries, named {
            // The mask bounds what named users and groups and the owning group are granted.
            let mask = entries.first { $0.tag == .mask }?.read ?? true
            for entry in entries where entry.read {
                switch entry.tag {
                case .owner: readers.insert("user:" + owner)
                case .owningGroup: if mask { readers.insert("group:" + group) }
                case .other: readers.insert("other")
                case .user(let uid):
                    if mask { readers.insert("user:" + names.user(uid)); byACL = true }
                case .group(let gid):
                    if mask { readers.insert("group:" + names.group(gid)); byACL = true }
                case .mask: break
                }
            }
        } else {
            if mode & 0o400 != 0 { readers.insert("user:" + owner) }
            if mode & 0o040 != 0 { readers.insert("group:" + group) }
            if mode & 0o004 != 0 { readers.insert("other") }
        }
        let octal = String(mode, radix: 8)
        return FileAccess(owner: owner, group: group, mode: String(repeating: "0", count: max(0, 4 - octal.count)) + octal,
                          readers: readers.sorted(), acl: byACL)
    }

    /// Names of users and groups, looked up once each (the same few own most files of a share).
    private static let names = PrincipalNames()
}

/// User and group names by id, from the system's databases (passwd, group: files, LDAP, SSSD as
/// nsswitch says), cached; an id with no name is its number.
private final class PrincipalNames: Sendable {
    private let users = Mutex<[UInt32: String]>([:])
    private let groups = Mutex<[UInt32: String]>([:])

    func user(_ uid: UInt32) -> String {
        if let known = users.withLock({ cache -> String? in let name = cache[uid]; return name }) { return known }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let name = getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
            ? String(cString: entry.pw_name) : String(uid)
        users.withLock { $0[uid] = name }
        return name
    }

    func group(_ gid: UInt32) -> String {
        if let known = groups.withLock({ cache -> String? in let name = cache[gid]; return name }) { return known }
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let name = getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
            ? String(cString: entry.gr_name) : String(gid)
        groups.withLock { $0[gid] = name }
        return name
    }
}
