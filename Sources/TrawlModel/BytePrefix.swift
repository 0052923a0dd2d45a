// Whether bytes begin with other bytes, compared with memcmp: `Sequence.starts(with:)` steps
// through both sequences' iterators, some 15 instructions a byte, on paths compared per file.
#if canImport(Glibc)
import Glibc
#endif

extension Array where Element == UInt8 {
    /// Whether these bytes begin with `prefix`.
    @inline(__always)
    package func starts(withBytes prefix: [UInt8]) -> Bool {
        prefix.withUnsafeBytes { self.starts(withBytes: $0) }
    }

    /// Whether these bytes begin with `prefix`.
    @inline(__always)
    package func starts(withBytes prefix: UnsafeRawBufferPointer) -> Bool {
        guard prefix.count <= count else { return false }
        guard prefix.count > 0 else { return true }
        return withUnsafeBytes { memcmp($0.baseAddress!, prefix.baseAddress!, prefix.count) == 0 }
    }
}

extension ArraySlice where Element == UInt8 {
    /// Whether these bytes begin with `prefix`.
    @inline(__always)
    package func starts(withBytes prefix: [UInt8]) -> Bool {
        guard prefix.count <= count else { return false }
        guard !prefix.isEmpty else { return true }
        return withUnsafeBytes { a in prefix.withUnsafeBytes { memcmp(a.baseAddress!, $0.baseAddress!, prefix.count) == 0 } }
    }
}
