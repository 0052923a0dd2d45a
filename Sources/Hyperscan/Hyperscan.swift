// A small safe wrapper over Hyperscan's literal matcher: many byte strings found in one pass. It
// knows nothing of Trawl.
//
// Design, as for PCRE2: the compiled database is built once and shared read-only by every worker
// (`LiteralSet`, Sendable); the mutable part, Hyperscan's scratch space, belongs to one worker
// (`LiteralScanner`, not Sendable).
internal import CHyperscan

/// An error from Hyperscan, with its message where it gives one.
public struct HyperscanError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// A set of literals compiled into one Hyperscan database (block mode).
public final class LiteralSet {
    let database: OpaquePointer
    /// The literals, by id (their index).
    public let literals: [[UInt8]]

    /// The database is built for the baseline CPU (no optional feature), whatever this CPU has.
    /// Measured on two AMD EPYC machines with AVX-512, whole scans ran 15-30% faster with it than
    /// with the engines Hyperscan picks for AVX-512 or AVX2, though timing back-to-back scans of
    /// one sample sometimes favoured those (docs/performance.md). The literal pass is some 6% of a
    /// scan, so where the wider engines would be faster the loss is bounded; where they are
    /// slower, they slowed the code around them as well.
    /// - Parameter caseless: ASCII letters match either case.
    /// - Throws: `HyperscanError` when the database cannot be built (for example on a CPU that
    ///   Hyperscan does not support).
    public init(_ literals: [[UInt8]], caseless: Bool) throws(HyperscanError) {
        guard !literals.isEmpty, literals.allSatisfy({ !$0.isEmpty }) else {
            throw HyperscanError(message: "a literal set needs at least one literal and no empty one")
        }
        self.literals = literals
        // hs_compile_lit_multi takes C arrays of pointers, flags, ids and lengths.
        let buffers = literals.map { bytes -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            bytes.withUnsafeBytes { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            return p
        }
        defer { buffers.forEach { $0.deallocate() } }
        let expressions: [UnsafePointer<CChar>?] = buffers.map { UnsafePointer($0) }
        let flags = [UInt32](repeating: caseless ? UInt32(HS_FLAG_CASELESS) : 0, count: literals.count)
        let ids = (0..<literals.count).map { UInt32($0) }
        let lengths = literals.map(\.count)
        var db: OpaquePointer?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        var platform = hs_platform_info_t()
        guard hs_populate_platform(&platform) == HS_SUCCESS else { throw HyperscanError(message: "hs_populate_platform failed") }
        platform.cpu_features = 0
        platform.tune = UInt32(HS_TUNE_FAMILY_GENERIC)
        let rc = withUnsafePointer(to: &platform) { info in
            hs_compile_lit_multi(expressions, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK), info, &db, &error)
        }
        guard rc == HS_SUCCESS, let db else {
            let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "hs_compile_lit_multi failed (\(rc))"
            if let error { hs_free_compile_error(error) }
            throw HyperscanError(message: message)
        }
        database = db
    }

    deinit { hs_free_database(database) }
}

// SAFETY: Hyperscan documents a compiled database as read-only and usable from many threads at
// once, provided each has its own scratch space, which `LiteralScanner` owns and does not share.
extension LiteralSet: @unchecked Sendable {}

/// One worker's scanner for a `LiteralSet`. Not thread-safe by design.
public final class LiteralScanner {
    public let set: LiteralSet
    private let scratch: OpaquePointer

    public init(for set: LiteralSet) throws(HyperscanError) {
        self.set = set
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(set.database, &scratch) == HS_SUCCESS, let scratch else {
            throw HyperscanError(message: "Hyperscan could not allocate its scratch space")
        }
        self.scratch = scratch
    }

    deinit { hs_free_scratch(scratch) }

    /// Where `forEachOccurrence` gathers a pass's occurrences (end offsets), kept from one subject
    /// to the next: a table row's worth of them was an array each.
    private var gathered: [(literal: Int, end: Int)] = []

    /// Calls `body` with every occurrence of every literal in `subject`, overlapping ones
    /// included, as (literal index, start offset), in order of their end.
    public func forEachOccurrence(in subject: UnsafeRawBufferPointer, _ body: (_ literal: Int, _ start: Int) -> Void) throws(HyperscanError) {
        guard subject.count > 0 else { return }
        guard subject.count <= Int(UInt32.max) else { throw HyperscanError(message: "a subject over 4 GiB") }
        // Taken out of the scanner while the pass appends to it, and handed back after.
        var found: [(literal: Int, end: Int)] = []
        swap(&found, &gathered)
        defer {
            found.removeAll(keepingCapacity: found.capacity <= 1 << 16)
            swap(&found, &gathered)
        }
        let rc = withUnsafeMutablePointer(to: &found) { context in
            hs_scan(set.database, subject.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(subject.count), 0, scratch,
                    { id, _, to, _, context in
                        // `to` is the end offset; the start follows from the literal's length.
                        context!.assumingMemoryBound(to: [(literal: Int, end: Int)].self).pointee.append((Int(id), Int(to)))
                        return 0
                    }, context)
        }
        guard rc == HS_SUCCESS else { throw HyperscanError(message: "hs_scan failed (\(rc))") }
        for (literal, end) in found { body(literal, end - set.literals[literal].count) }
    }
}
