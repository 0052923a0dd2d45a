// A file of an SMB share open for reading, and who may read it from its Windows security
// descriptor: the SMB source's `SourceFile`.
import SMBClient
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

final class SMBShareFile: SourceFile {
    private let file: SMBFile
    private let connection: SMBConnection
    private let url: String
    private let listed: FileRef
    /// Reads of 1 MiB: libsmbclient splits them into the largest reads the server allows and
    /// keeps several in flight.
    private static let block = 1 << 20

    init(file: SMBFile, connection: SMBConnection, url: String, listed: FileRef) {
        self.file = file
        self.connection = connection
        self.url = url
        self.listed = listed
    }

    func readAll(expectedSize: Int, limit: Int) -> Result<[UInt8], ScanIssue> {
        do { try file.rewind() } catch { return .failure(SMBSource.issue(error)) }
        var out: [UInt8] = []
        out.reserveCapacity(min(max(expectedSize, 0), limit) + 1)
        let failure = readBlocks { block in
            out.append(contentsOf: block)
            return out.count <= limit
        }
        if let failure { return .failure(failure) }
        if out.count > limit { return .failure(ScanIssue(.tooLarge, "grew past the limit of \(limit) bytes while being read")) }
        return .success(out)
    }

    func readHead(count: Int) -> Result<[UInt8], ScanIssue> {
        do { try file.rewind() } catch { return .failure(SMBSource.issue(error)) }
        var out: [UInt8] = []
        let failure = readBlocks { block in
            out.append(contentsOf: block.prefix(count - out.count))
            return out.count < count
        }
        return failure.map { .failure($0) } ?? .success(out)
    }

    func stream(_ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        do { try file.rewind() } catch { return SMBSource.issue(error) }
        return readBlocks { block in
            body(block)
            return true
        }
    }

    /// Reads from the current offset to the end in blocks, while `body` returns true.
    private func readBlocks(_ body: (ArraySlice<UInt8>) -> Bool) -> ScanIssue? {
        var buffer = [UInt8](repeating: 0, count: SMBShareFile.block)
        while true {
            var failure: SMBError?
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                do throws(SMBError) { return try file.read(into: raw) } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { return SMBSource.issue(failure, doing: "read") }
            if n == 0 || !body(buffer[0..<n]) { return nil }
        }
    }

    func describe() -> (access: FileAccess?, modified: Double)? {
        (WindowsAccess.of(url, connection: connection), listed.mtime)
    }
}

/// Who may read a file, from its security descriptor as libsmbclient gives it: the descriptor
/// with security identifiers (`system.nt_sec_desc.*`) to decide what each principal is, and with
/// names (`...*+`, looked up by the server) to name it.
package enum WindowsAccess {
    static func of(_ url: String, connection: SMBConnection) -> FileAccess? {
        guard let numeric = try? connection.attribute(url, "system.nt_sec_desc.*") else { return nil }
        let named = (try? connection.attribute(url, "system.nt_sec_desc.*+")) ?? numeric
        return parse(numeric: numeric, named: named)
    }

    /// The descriptor's text is "REVISION:1,OWNER:sid,GROUP:sid,ACL:sid:type/flags/mask,..."; the
    /// named form has the same entries in the same order, with names for the identifiers.
    package static func parse(numeric: String, named: String) -> FileAccess {
        let sids = fields(numeric), names = fields(named)
        func name(_ key: String, at index: Int) -> String {
            index < names.count && names[index].key == key ? names[index].value : sids[index].value
        }
        var owner = "", group = ""
        var allowed: [String] = [], denied: Set<String> = []
        for (index, field) in sids.enumerated() {
            switch field.key {
            case "OWNER": owner = principal(sid: field.value, name: name("OWNER", at: index)).name
            case "GROUP": group = principal(sid: field.value, name: name("GROUP", at: index)).name
            case "ACL":
                guard let ace = ACE(field.value), ace.appliesToFile, ace.grantsRead else { continue }
                let namedACE = index < names.count ? ACE(names[index].value) : nil
                let reader = principal(sid: ace.trustee, name: namedACE?.trustee ?? ace.trustee).reader
                if ace.allowed { allowed.append(reader) } else { denied.insert(reader) }
            default: continue
            }
        }
        let readers = Set(allowed).subtracting(denied)
        return FileAccess(owner: owner, group: group, mode: nil, readers: readers.sorted(), acl: true)
    }

    private static func fields(_ text: String) -> [(key: String, value: String)] {
        text.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { part in
            guard let colon = part.firstIndex(of: ":") else { return nil }
            return (String(part[..<colon]), String(part[colon...].dropFirst()))
        }
    }

    /// A principal as a reader: "other" for Everyone; "user:" and "group:" where the identifier
    /// says which (Samba's Unix users and groups, well-known and built-in groups, a domain's
    /// standard groups); "account:" where only a directory lookup could tell.
    static func principal(sid: String, name: String) -> (name: String, reader: String) {
        // "Unix User\root" and "Unix Group\staff" are the server's local accounts: named as a
        // local scan names them, so one policy serves both.
        let short = name.hasPrefix("Unix User\\") || name.hasPrefix("Unix Group\\") ? String(name.split(separator: "\\").last ?? "") : name
        if sid == "S-1-1-0" { return (name, "other") }
        if sid.hasPrefix("S-1-22-1-") { return (short, "user:" + short) }
        if sid.hasPrefix("S-1-22-2-") { return (short, "group:" + short) }
        let parts = sid.split(separator: "-")
        // Well-known groups of NT AUTHORITY (Authenticated Users S-1-5-11, Interactive S-1-5-4...)
        // and BUILTIN (S-1-5-32-545 Users...).
        if parts.count <= 5 && sid.hasPrefix("S-1-5-") { return (name, "group:" + name) }
        if sid.hasPrefix("S-1-5-32-") { return (name, "group:" + name) }
        // A domain's relative ids 512 to 527 are its standard groups (Domain Admins, Domain
        // Users, Domain Guests, Domain Computers...).
        if sid.hasPrefix("S-1-5-21-"), let rid = parts.last.flatMap({ Int($0) }), (512...527).contains(rid) {
            return (name, "group:" + name)
        }
        return (name, "account:" + name)
    }

    /// One access control entry: "trustee:type/flags/mask", type and mask in decimal or hex,
    /// or in the named form's words (ALLOWED, DENIED; R, W, FULL...).
    struct ACE {
        var trustee: String
        var allowed: Bool
        var flags: UInt32
        var mask: UInt32

        init?(_ text: String) {
            guard let slash = text.firstIndex(of: "/"), let colon = text[..<slash].lastIndex(of: ":") else { return nil }
            trustee = String(text[..<colon])
            let rest = text[text.index(after: colon)...].split(separator: "/")
            guard rest.count == 3 else { return nil }
            let type = String(rest[0])
            allowed = type == "0" || type == "ALLOWED"
            guard allowed || type == "1" || type == "DENIED" else { return nil }
            flags = ACE.number(rest[1]) ?? 0
            if let mask = ACE.number(rest[2]) {
                self.mask = mask
            } else {
                // Named rights: R (read), FULL; anything else grants no read.
                self.mask = rest[2].contains("R") || rest[2] == "FULL" ? 1 : 0
            }
        }

        static func number(_ s: Substring) -> UInt32? {
            s.hasPrefix("0x") ? UInt32(s.dropFirst(2), radix: 16) : UInt32(s)
        }

        /// Not inherit-only (0x08): an entry only for what is made inside a folder does not
        /// apply to the file.
        var appliesToFile: Bool { flags & 0x08 == 0 }
        /// Read data (0x1), generic read (0x8000_0000) or generic all (0x1000_0000).
        var grantsRead: Bool { mask & 0x1 != 0 || mask & 0x8000_0000 != 0 || mask & 0x1000_0000 != 0 }
    }
}
