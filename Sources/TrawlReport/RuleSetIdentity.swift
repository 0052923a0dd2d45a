// Identities of rule sets (patterns, policy, decisions) and lower-case hex of digests.
import LibCrypto
import TrawlModel

extension RuleSetIdentity {
    /// "sha256:HEX" over the files' names and bytes, in the order given (callers sort by name).
    package static func of(files: [(name: String, bytes: [UInt8])], name: String, count: Int? = nil) -> RuleSetIdentity {
        var hasher = SHA256()
        for f in files {
            hasher.update(Array(f.name.utf8) + [0])
            hasher.update(Array(String(f.bytes.count).utf8) + [0])
            hasher.update(f.bytes)
        }
        return RuleSetIdentity(id: "sha256:" + hex(hasher.finalize()), name: name, count: count)
    }
}

/// Lower-case hex of a digest's bytes, written straight into the string's storage (a formatter
/// per byte, or a byte array grown and then copied into a String, costs more than the digest).
func hex(_ digest: SHA256Digest) -> String {
    digest.withUnsafeBytes { bytes in
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in writeHex(bytes, into: out, at: 0) }
    }
}

/// Writes `bytes` as lower-case hex into `out` from `at`; returns where the hex ends. Four bytes
/// at a time (`hexDigits`): this runs for every fingerprint and content id.
func writeHex(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
    precondition(out.count - start >= bytes.count * 2)
    let target = UnsafeMutableRawPointer(out.baseAddress! + start)
    var i = 0
    while i + 4 <= bytes.count {
        target.storeBytes(of: hexDigits(bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)), toByteOffset: i * 2, as: UInt64.self)
        i += 4
    }
    let digits: StaticString = "0123456789abcdef"
    while i < bytes.count {
        out[start + 2 * i] = digits.utf8Start[Int(bytes[i] >> 4)]
        out[start + 2 * i + 1] = digits.utf8Start[Int(bytes[i] & 15)]
        i += 1
    }
    return start + bytes.count * 2
}

/// The eight hex digits of four bytes, in memory order (little-endian: the first byte's high
/// nibble in the lowest byte). Each byte is spread to sixteen bits, its nibbles split into two
/// bytes, and every nibble turned into its digit at once: "0" + n, and 39 more for a-f (n + 6
/// reaches 16 exactly when n is 10 or more). No byte carries into the next.
@inline(__always)
func hexDigits(_ word: UInt32) -> UInt64 {
    var x = UInt64(UInt32(littleEndian: word))
    x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
    x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
    let nibbles = (x >> 4) & 0x000F_000F_000F_000F | (x & 0x000F_000F_000F_000F) << 8
    let letters = ((nibbles &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
    return (nibbles &+ 0x3030_3030_3030_3030 &+ letters &* 39).littleEndian
}
