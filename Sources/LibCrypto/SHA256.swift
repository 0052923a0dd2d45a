// SHA-256 over OpenSSL's libcrypto (which uses the CPU's SHA instructions where there are some).
//
// A value type: the state is a plain C struct, so copying a hasher copies its state without an
// allocation. HMAC with its key's pads absorbed once (TrawlReport's KeyedSHA256) copies two such
// states for every finding and every file, which is why this is not a heap-allocated EVP context.
import CLibCrypto

/// An incremental SHA-256.
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    public init() {
        SHA256_Init(&context)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest of everything fed so far. The hasher is spent (a copy taken before can go on).
    public consuming func finalize() -> SHA256Digest {
        var digest = SHA256Digest()
        withUnsafeMutableBytes(of: &digest.bytes) { out in
            _ = SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        return digest
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }
}

/// The 32 bytes of a SHA-256 digest, held inline.
public struct SHA256Digest: Sendable {
    @usableFromInline var bytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Inlinable, so that callers get it specialised: the generic version, called across modules,
    /// went through a reabstraction thunk for every fingerprint and content id.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: bytes, body)
    }
}
