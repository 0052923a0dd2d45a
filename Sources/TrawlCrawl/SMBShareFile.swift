// A file of an SMB share open for reading, and who may read it from its Windows security
// descriptor: the SMB source's `SourceFile`.
import SMBClient
import Synchronization
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
        // One buffer of the listed size and 4 KiB more, read into directly. A read that returns
        // less than asked, at exactly the listed size, is the end: the read that would return 0
        // (a round trip to the server) is not made.
        var failure: SMBError?
        var filled = 0
        var out = [UInt8](unsafeUninitializedCapacity: min(max(expectedSize, 0), limit) + 4096) { buffer, count in
            while filled < buffer.count {
                let room = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[filled...]))
                let n: Int
                do throws(SMBError) { n = try file.read(into: room) } catch {
                    failure = error
                    break
                }
                if n == 0 { break }
                filled += n
                if filled == expectedSize && n < room.count { break }
            }
            count = filled
        }
        if let failure { return .failure(SMBSource.issue(failure, doing: "read")) }
        // Grown past the room since it was listed: read on in blocks, within the limit.
        if filled == out.count && out.count > expectedSize {
            if let failure = readBlocks({ block in
                out.append(contentsOf: block)
                return out.count <= limit
            }) { return .failure(failure) }
        }
        if out.count > limit { return .failure(ScanIssue(.tooLarge, "grew past the limit of \(limit) bytes while being read")) }
        return .success(out)
    }

    func readHead(count: Int) -> Result<[UInt8], ScanIssue> {
        do { try file.rewind() } catch { return .failure(SMBSource.issue(error)) }
        var out: [UInt8] = []
        let failure = readBlocks(blockSize: count) { block in
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
    private func readBlocks(blockSize: Int = SMBShareFile.block, _ body: (ArraySlice<UInt8>) -> Bool) -> ScanIssue? {
        var buffer = [UInt8](repeating: 0, count: max(1, blockSize))
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
/// with security identifiers (`system.nt_sec_desc.*`) to decide what each principal is, and the
/// server's names for them (`...*+`, which makes the server look every one up), fetched only for
/// a descriptor naming an identifier not seen before on that server: a share's files mostly name
/// the same few principals.
package enum WindowsAccess {
    /// Names by server and identifier ("fs01|S-1-5-21-...-513").
    private static let names = Mutex<[String: String]>([:])

    static func of(_ url: String, connection: SMBConnection) -> FileAccess? {
        guard let numeric = try? connection.attribute(url, "system.nt_sec_desc.*") else { return nil }
        let server = url.dropFirst("smb://".count).prefix { $0 != "/" }
        let sids = identifiers(numeric)
        var known = names.withLock { cache -> [String: String] in
            var found: [String: String] = [:]
            for sid in sids { if let name = cache[server + "|" + sid] { found[sid] = name } }
            return found
        }
        if known.count < sids.count, let named = try? connection.attribute(url, "system.nt_sec_desc.*+") {
            known = pairs(numeric: numeric, named: named)
            let learned = known
            names.withLock { cache in for (sid, name) in learned { cache[server + "|" + sid] = name } }
        }
        return parse(numeric: numeric, names: known)
    }

    /// The descriptor's text is "REVISION:1,OWNER:sid,GROUP:sid,ACL:sid:type/flags/mask,..."; the
    /// named form has the same entries in the same order, with names for the identifiers.
    package static func parse(numeric: String, named: String) -> FileAccess {
        parse(numeric: numeric, names: pairs(numeric: numeric, named: named))
    }

    /// `names`: the server's name for each identifier it could name.
    static func parse(numeric: String, names: [String: String]) -> FileAccess {
        func principal(_ sid: String) -> (name: String, reader: String) { WindowsAccess.principal(sid: sid, name: names[sid] ?? sid) }
        var owner = "", group = ""
        var allowed: [String] = [], denied: Set<String> = []
        for field in fields(numeric) {
            switch field.key {
            case "OWNER": owner = principal(field.value).name
            case "GROUP": group = principal(field.value).name
            case "ACL":
                guard let ace = ACE(field.value), ace.appliesToFile, ace.grantsRead else { continue }
                let reader = principal(ace.trustee).reader
                if ace.allowed { allowed.append(reader) } else { denied.insert(reader) }
            default: continue
            }
        }
        let readers = Set(allowed).subtracting(denied)
        return FileAccess(owner: owner, group: group, mode: nil, readers: readers.sorted(), acl: true)
    }

    /// Every identifier the descriptor names (owner, group, each entry's trustee).
    static func identifiers(_ numeric: String) -> Set<String> {
        Set(fields(numeric).compactMap { field in
            switch field.key {
            case "OWNER", "GROUP": field.value
            case "ACL": ACE(field.value)?.trustee
            default: nil
            }
        })
    }

    /// Each identifier with its name, from the two forms of one descriptor, entry by entry.
    static func pairs(numeric: String, named: String) -> [String: String] {
        var out: [String: String] = [:]
        for (sid, name) in zip(fields(numeric), fields(named)) where sid.key == name.key {
            switch sid.key {
            case "OWNER", "GROUP": out[sid.value] = name.value
            case "ACL":
                if let a = ACE(sid.value), let b = ACE(name.value) { out[a.trustee] = b.trustee }
            default: continue
            }
        }
        return out
    }

    /// The "KEY:value" fields of a descriptor's text. A field ends at a "," or a line end that
    /// the next field's key (capital letters and a ":") follows, so that a name holding a ","
    /// ("COLLEGE\Smith, Jane") stays in its field and the two forms keep the same entries.
    private static func fields(_ text: String) -> [(key: String, value: String)] {
        let bytes = Array(text.utf8)
        func startsField(_ i: Int) -> Bool {
            var j = i
            while j < bytes.count, (65...90).contains(bytes[j]) { j += 1 }
            return j > i && j < bytes.count && bytes[j] == 58
        }
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        for i in bytes.indices where (bytes[i] == 44 || bytes[i] == 10) && startsField(i + 1) {
            parts.append(bytes[start..<i])
            start = i + 1
        }
        parts.append(bytes[start...])
        return parts.compactMap { part in
            guard let colon = part.firstIndex(of: 58) else { return nil }
            return (String(decoding: part[..<colon], as: UTF8.self), String(decoding: part[(colon + 1)...], as: UTF8.self))
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

        /// Read from the right: the last two "/" and the ":" before them end the trustee,
        /// whose name may hold any of them.
        init?(_ text: String) {
            guard let maskSlash = text.lastIndex(of: "/"), let flagsSlash = text[..<maskSlash].lastIndex(of: "/"),
                  let colon = text[..<flagsSlash].lastIndex(of: ":") else { return nil }
            trustee = String(text[..<colon])
            let rest = [text[text.index(after: colon)..<flagsSlash], text[text.index(after: flagsSlash)..<maskSlash],
                        text[text.index(after: maskSlash)...]]
            guard !trustee.isEmpty, !rest[2].isEmpty else { return nil }
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
