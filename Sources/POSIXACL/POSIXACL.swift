// A file's POSIX access control list, read through an open descriptor with libacl.
//
// Design decision: the ACL is read with `acl_get_fd` on the descriptor the scan already holds, not
// by path, so what is described is the file that was read, even if a name was swapped since. The
// wrapper returns plain values (each entry's tag, its user or group id, whether it grants read);
// the libacl objects are freed before it returns. It knows nothing of Trawl.
import CACL

#if canImport(Glibc)
import Glibc
#endif

public enum POSIXACL {
    /// One entry of an access ACL.
    public struct Entry: Sendable, Equatable {
        public enum Tag: Sendable, Equatable {
            /// The file's owner, its owning group, everyone else (the mode bits' three classes).
            case owner, owningGroup, other
            /// A named user or group, by id.
            case user(UInt32), group(UInt32)
            /// The most a named user, a named group or the owning group is granted.
            case mask
        }

        public var tag: Tag
        /// Whether the entry's permissions include read.
        public var read: Bool

        public init(tag: Tag, read: Bool) {
            self.tag = tag
            self.read = read
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The access ACL of the file open as `descriptor`: its entries in libacl's order. A file
    /// without an extended ACL gives the three entries its mode bits make.
    /// - Throws: `Failure` with the system's message (ENOTSUP where the file system keeps none is
    ///   not a failure: the mode bits are the whole answer, and nil is returned).
    public static func entries(descriptor: Int32) throws(Failure) -> [Entry]? {
        guard let acl = acl_get_fd(descriptor) else {
            if errno == ENOTSUP { return nil }
            throw Failure(description: "acl_get_fd: \(String(cString: strerror(errno)))")
        }
        defer { acl_free(UnsafeMutableRawPointer(acl)) }
        var entries: [Entry] = []
        var entry: acl_entry_t?
        var which = ACL_FIRST_ENTRY
        while acl_get_entry(acl, which, &entry) == 1, let current = entry {
            which = ACL_NEXT_ENTRY
            var tagType: acl_tag_t = 0
            var permissions: acl_permset_t?
            guard acl_get_tag_type(current, &tagType) == 0, acl_get_permset(current, &permissions) == 0, let permissions else {
                throw Failure(description: "acl entry: \(String(cString: strerror(errno)))")
            }
            let read = acl_get_perm(permissions, acl_perm_t(ACL_READ)) == 1
            let tag: Entry.Tag
            switch tagType {
            case acl_tag_t(ACL_USER_OBJ): tag = .owner
            case acl_tag_t(ACL_GROUP_OBJ): tag = .owningGroup
            case acl_tag_t(ACL_OTHER): tag = .other
            case acl_tag_t(ACL_MASK): tag = .mask
            case acl_tag_t(ACL_USER), acl_tag_t(ACL_GROUP):
                guard let qualifier = acl_get_qualifier(current) else {
                    throw Failure(description: "acl_get_qualifier: \(String(cString: strerror(errno)))")
                }
                let id = qualifier.load(as: UInt32.self)
                acl_free(qualifier)
                tag = tagType == acl_tag_t(ACL_USER) ? .user(id) : .group(id)
            default:
                continue
            }
            entries.append(Entry(tag: tag, read: read))
        }
        return entries
    }
}
