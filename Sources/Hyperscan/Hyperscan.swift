// A small safe wrapper over Hyperscan's literal matcher: many byte strings found in one pass. It
// knows nothing of Trawl.
//
// Design, as for PCRE2: the compiled database is built once and shared read-only by every worker
// (`LiteralSet`, Sendable); the mutable part, Hyperscan's scratch space, belongs to one worker
// (`LiteralScanner`, not Sendable).
internal import CHyperscan
import Dispatch

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

    /// What a database is built for. Hyperscan picks its matching engines by the CPU features it
    /// is told of; the choice it makes for the host is not always the fastest on the host.
    public enum Target: Sendable {
        /// Every feature of this CPU (Hyperscan's default).
        case host
        /// No optional CPU feature: the engines every supported CPU runs.
        case baseline
    }

    /// - Parameter caseless: ASCII letters match either case.
    /// - Throws: `HyperscanError` when the database cannot be built (for example on a CPU that
    ///   Hyperscan does not support).
    public init(_ literals: [[UInt8]], caseless: Bool, target: Target = .host) throws(HyperscanError) {
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
        if target == .baseline {
            guard hs_populate_platform(&platform) == HS_SUCCESS else { throw HyperscanError(message: "hs_populate_platform failed") }
            platform.cpu_features = 0
            platform.tune = UInt32(HS_TUNE_FAMILY_GENERIC)
        }
        let rc = withUnsafePointer(to: &platform) { info in
            hs_compile_lit_multi(expressions, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK),
                                 target == .baseline ? info : nil, &db, &error)
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

extension LiteralSet {
    /// The literals built for the host and for the baseline, and whichever scans `sample` faster
    /// (best of a few scans each). On some CPUs the engines Hyperscan picks for the host are
    /// several times slower than the baseline's (seen: an AMD EPYC with AVX-512, 1.1 GB/s against
    /// 4.0 GB/s for the same 70 literals on prose). Both find exactly the same matches.
    /// - Throws: `HyperscanError` when neither can be built.
    public static func fastest(_ literals: [[UInt8]], caseless: Bool, sample: [UInt8]) throws(HyperscanError) -> LiteralSet {
        let host: LiteralSet
        do { host = try LiteralSet(literals, caseless: caseless, target: .host) } catch {
            return try LiteralSet(literals, caseless: caseless, target: .baseline)
        }
        guard let baseline = try? LiteralSet(literals, caseless: caseless, target: .baseline),
              let a = try? host.bestScanTime(sample), let b = try? baseline.bestScanTime(sample) else { return host }
        return b < a ? baseline : host
    }

    /// The shortest of three scans of `sample`, in nanoseconds.
    func bestScanTime(_ sample: [UInt8]) throws(HyperscanError) -> UInt64 {
        let scanner = try LiteralScanner(for: self)
        var best = UInt64.max
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = sample.withUnsafeBytes { b in Result { () throws(HyperscanError) in try scanner.occurrences(in: b) } }
            _ = try result.get()
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
        }
        return best
    }
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

    /// Every occurrence of every literal in `subject`, overlapping ones included, as (literal
    /// index, start offset), in order of their end.
    public func occurrences(in subject: UnsafeRawBufferPointer) throws(HyperscanError) -> [(literal: Int, start: Int)] {
        guard subject.count > 0 else { return [] }
        guard subject.count <= Int(UInt32.max) else { throw HyperscanError(message: "a subject over 4 GiB") }
        var found: [(literal: Int, start: Int)] = []
        let rc = withUnsafeMutablePointer(to: &found) { context in
            hs_scan(set.database, subject.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(subject.count), 0, scratch,
                    { id, _, to, _, context in
                        // `to` is the end offset; the start follows from the literal's length.
                        context!.assumingMemoryBound(to: [(literal: Int, start: Int)].self).pointee.append((Int(id), Int(to)))
                        return 0
                    }, context)
        }
        guard rc == HS_SUCCESS else { throw HyperscanError(message: "hs_scan failed (\(rc))") }
        for k in found.indices { found[k].start -= set.literals[found[k].literal].count }
        return found
    }
}
