// The keyring: the per-site key that fingerprints and content ids are made under.
//
// A fingerprint is HMAC-SHA256 under a per-site key, never a bare hash: an unkeyed hash of an NI
// number is reversed by hashing all ~10^9 candidates. The key lives in a file Trawl creates with
// mode 0600; the report names only the key's id, so two reports can be compared (same id) without
// either revealing the key. A key file is trusted only as its owner's alone: never read through a
// link, and refused when group or others may read or write it.
import Foundation
import LibCrypto
import OwnerOnlyFiles
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// The site's key, and the keyed digests made under it: finding fingerprints and content ids.
package struct Keyring: Sendable {
    /// A short public id: the first 12 hex digits of SHA-256("trawl-key-id" + key).
    package let id: String

    /// HMAC keyed once: each fingerprint starts from a copy, instead of deriving the key's pads
    /// again for every finding.
    private let keyed: KeyedSHA256
    /// The same for content ids, under their own key ("trawl-content" + key): keyed once, not once
    /// per file (on a tree of small files, deriving the pads was a tenth of the hashing).
    private let contentKeyed: KeyedSHA256
    /// "hmac-sha256:KEYID:", the start of every fingerprint and content id, made once.
    private let tagPrefix: TagPrefix

    init(bytes: [UInt8]) {
        keyed = KeyedSHA256(key: bytes)
        contentKeyed = KeyedSHA256(key: Array("trawl-content".utf8) + bytes)
        let digest = SHA256.hash(Array("trawl-key-id".utf8) + bytes)
        id = String(hex(digest).prefix(12))
        tagPrefix = TagPrefix(Array("hmac-sha256:\(id):".utf8))
    }

    /// How many bytes a key file holds.
    package static let length = 32

    /// Reads the key at `path`, creating it (32 random bytes, mode 0600, folder 0700) if missing.
    /// A new key is written to a temporary name beside it and linked into place, so a key that
    /// another run made at the same moment is kept and used, never replaced.
    /// - Throws: `KeyError` when the key cannot be read or created, or the file at `path` is not one
    ///   to trust: a link, not a regular file, readable or writable by group or others, or not
    ///   `length` bytes long.
    package static func loadOrCreate(at path: String) throws(KeyError) -> Keyring {
        if let bytes = try load(path) { return Keyring(bytes: bytes) }
        // The folder by its last slash: NSString's deletingLastPathComponent traps on a bare name.
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch { throw KeyError(message: "\(dir): cannot create the key directory: \(error.localizedDescription)") }
        }
        var bytes = [UInt8](repeating: 0, count: length)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        do {
            let (fd, temporary) = try OwnerOnlyFile.createTemporary(beside: path, tag: "new")
            defer { close(fd) }
            do { try OwnerOnlyFile.write(bytes, to: fd, path: temporary) } catch { unlink(temporary); throw error }
            if try OwnerOnlyFile.placeNew(path, from: temporary) { return Keyring(bytes: bytes) }
        } catch {
            throw KeyError(message: "\(path): cannot create the key file: \((error as? FileProblem)?.reason ?? "\(error)")")
        }
        guard let made = try load(path) else { throw KeyError(message: "\(path): the key file went away as it was made") }
        return Keyring(bytes: made)
    }

    /// The bytes of the key file at `path`, or nil when there is none. Opened without following a
    /// link, and checked through its descriptor: what is checked is what is read.
    static func load(_ path: String) throws(KeyError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return nil
            case ELOOP: throw KeyError(message: "\(path): the key file is a symbolic link; the key is not read through a link (name the file itself)")
            default: throw KeyError(message: "\(path): cannot open the key file: \(String(cString: strerror(errno)))")
            }
        }
        defer { close(fd) }
        guard let found = Existing.of(descriptor: fd) else {
            throw KeyError(message: "\(path): cannot read the key file: \(String(cString: strerror(errno)))")
        }
        guard found.kind == .regular else { throw KeyError(message: "\(path): the key file is \(found.kindName), not a regular file") }
        guard !found.isOpenToOthers else {
            throw KeyError(message: "\(path): the key file is readable or writable by group or others (mode \(String(found.permissions, radix: 8))); it must be its owner's alone (chmod 600)")
        }
        guard found.size == length else {
            throw KeyError(message: "\(path): the key file holds \(found.size) bytes; a key is \(length) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        var got = 0
        while got < length {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, length - got) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw KeyError(message: "\(path): cannot read the key file: \(n < 0 ? String(cString: strerror(errno)) : "it is shorter than it was")") }
            got += n
        }
        return bytes
    }

    /// An incremental keyed digest of a file's content: "hmac-sha256:KEYID:HEX". Equal content gives
    /// the same id under the same key (a moved or copied file is recognised by `trawl diff`), and
    /// the id says nothing of the content without the key.
    package func contentHasher() -> ContentHasher { ContentHasher(keyed: contentKeyed, prefix: tagPrefix) }

    /// "hmac-sha256:KEYID:HEX" of the type and normalised value.
    package func fingerprint(type: String, normalized: String) -> String {
        ContentHasher.tagged(prefix: tagPrefix, fingerprintDigest(type: type, normalized: normalized))
    }

    /// `fingerprint(type:normalized:)` written into a report line as a JSON string, in place.
    func writeFingerprint(type: String, normalized: String, to j: inout JSONBytes) {
        ContentHasher.writeTagged(prefix: tagPrefix, fingerprintDigest(type: type, normalized: normalized), to: &j)
    }

    private func fingerprintDigest(type: String, normalized: String) -> SHA256Digest {
        var mac = keyed
        var type = type, normalized = normalized
        // The message (type, a zero byte, the value) gathered on the stack and absorbed in one
        // update: each update of a copied state has its own fixed cost.
        type.withUTF8 { t in
            normalized.withUTF8 { v in
                withUnsafeTemporaryAllocation(byteCount: t.count + 1 + v.count, alignment: 1) { message in
                    UnsafeMutableRawBufferPointer(rebasing: message[..<t.count]).copyMemory(from: UnsafeRawBufferPointer(t))
                    message[t.count] = 0
                    UnsafeMutableRawBufferPointer(rebasing: message[(t.count + 1)...]).copyMemory(from: UnsafeRawBufferPointer(v))
                    mac.update(UnsafeRawBufferPointer(message))
                }
            }
        }
        return mac.finalize()
    }
}

package struct KeyError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

/// "hmac-sha256:KEYID:", held inline: a hasher or key copied between workers then touches no
/// shared reference count (an array here was retained and released for every file, by every
/// worker, on one shared object).
struct TagPrefix: Sendable {
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private let count: Int

    init(_ bytes: [UInt8]) {
        precondition(bytes.count <= MemoryLayout.size(ofValue: storage), "a key id of 12 hex digits")
        count = bytes.count
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: storage) { body(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)) }
    }
}

/// Keyed digest of content fed in pieces; see `Keyring.contentHasher()`.
package struct ContentHasher {
    private var mac: KeyedSHA256
    private let prefix: TagPrefix

    init(keyed: KeyedSHA256, prefix: TagPrefix) {
        mac = keyed
        self.prefix = prefix
    }

    package mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { mac.update($0) } }
    package mutating func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { mac.update($0) } }

    package func finalize() -> String { Self.tagged(prefix: prefix, mac.finalize()) }

    /// `tagged(prefix:_:)` written into a report line as a JSON string, in place (it holds
    /// nothing to escape).
    static func writeTagged(prefix: TagPrefix, _ digest: SHA256Digest, to j: inout JSONBytes) {
        prefix.withBytes { head in
            j.bytes(head.count + MemoryLayout<SHA256Digest>.size * 2 + 2) { out in
                out[0] = 34
                _ = UnsafeMutableBufferPointer(rebasing: out[1...]).initialize(from: head)
                let end = digest.withUnsafeBytes { writeHex($0, into: out, at: 1 + head.count) }
                out[end] = 34
            }
        }
    }

    /// "hmac-sha256:KEYID:HEX" (`prefix` is up to the hex), written into one string: this is made
    /// for every entry and every finding.
    static func tagged(prefix: TagPrefix, _ digest: SHA256Digest) -> String {
        prefix.withBytes { head in
            String(unsafeUninitializedCapacity: head.count + MemoryLayout<SHA256Digest>.size * 2) { out in
                _ = out.initialize(from: head)
                return digest.withUnsafeBytes { writeHex($0, into: out, at: head.count) }
            }
        }
    }
}

/// HMAC-SHA256 (RFC 2104) with its key's pads absorbed once: a copy of the two SHA-256 states
/// (plain structs) starts every message. The known-answer tests in the report tests check the
/// result against RFC 4231 and Python's hmac.
struct KeyedSHA256: Sendable {
    private var inner = SHA256()
    private var outer = SHA256()

    init(key: [UInt8]) {
        var block = key.count > 64 ? SHA256.hash(key).withUnsafeBytes { Array($0) } : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5C })
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bytes) }

    /// HMAC = SHA256(key ^ opad || SHA256(key ^ ipad || message)).
    func finalize() -> SHA256Digest {
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update($0) }
        return outer.finalize()
    }
}
