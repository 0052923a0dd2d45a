// Finding a byte string in bytes: memchr for one of its bytes, memcmp for the whole. The C
// library's vectorised loops are far faster than comparing slices element by element, and the
// GNU memmem is not visible to Swift.
#if canImport(Glibc)
import Glibc
#endif

package enum ByteSearch {
    /// Calls `found` with the start of each occurrence of `needle` in `haystack` (overlapping ones
    /// included), in order, while it returns true. `pivot` is the index of the needle byte that
    /// memchr looks for: the needle's rarest byte makes the fewest false starts.
    package static func forEach(_ needle: [UInt8], in haystack: [UInt8], pivot: Int = 0, _ found: (Int) -> Bool) {
        haystack.withUnsafeBytes { forEach(needle, in: $0, pivot: pivot, found) }
    }

    /// `forEach` over bytes in memory (a part of an array, without a copy of it).
    package static func forEach(_ needle: [UInt8], in h: UnsafeRawBufferPointer, pivot: Int = 0, _ found: (Int) -> Bool) {
        guard !needle.isEmpty, needle.indices.contains(pivot), h.count >= needle.count, let base = h.baseAddress else { return }
        needle.withUnsafeBytes { n in
            var offset = pivot
            let last = h.count - n.count + pivot  // the pivot's last possible position
            while offset <= last, let hit = memchr(base + offset, Int32(needle[pivot]), last - offset + 1) {
                let at = base.distance(to: UnsafeRawPointer(hit)) - pivot
                if memcmp(base + at, n.baseAddress!, n.count) == 0, !found(at) { return }
                offset = at + pivot + 1
            }
        }
    }

    /// The first occurrence of `needle` in `haystack`.
    package static func first(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        var result: Range<Int>?
        forEach(needle, in: haystack) { at in
            result = at..<(at + needle.count)
            return false
        }
        return result
    }
}
