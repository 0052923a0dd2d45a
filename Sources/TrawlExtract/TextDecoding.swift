// Turning bytes into UTF-8. Trawl searches UTF-8 bytes; everything else is converted once, here.
//
// Decision order: a byte-order mark wins (UTF-8, UTF-16 LE/BE); then valid UTF-8; then UTF-16
// without a BOM when every other byte is zero (exported reports do this); otherwise Windows-1252,
// the encoding of most legacy UK office text, which maps every byte to some character.

#if canImport(Glibc)
import Glibc
#endif

package enum TextEncoding: String, Sendable {
    case utf8 = "utf-8", utf16LE = "utf-16le", utf16BE = "utf-16be", windows1252 = "windows-1252"
}

package enum TextDecoding {
    /// Returns the text as UTF-8 and the encoding it was found in.
    package static func toUTF8(_ bytes: [UInt8]) -> (text: [UInt8], encoding: TextEncoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return (Array(bytes.dropFirst(3)), .utf8) }
        if bytes.starts(with: [0xFF, 0xFE]) { return (utf16(bytes.dropFirst(2), littleEndian: true), .utf16LE) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (utf16(bytes.dropFirst(2), littleEndian: false), .utf16BE) }
        if isValidUTF8(bytes) { return (bytes, .utf8) }
        if let le = utf16WithoutBOM(bytes) { return (utf16(bytes[...], littleEndian: le), le ? .utf16LE : .utf16BE) }
        return (windows1252(bytes), .windows1252)
    }

    /// True when the first bytes of a file are UTF-8 (with or without its BOM), not UTF-16: a
    /// character cut by the end of `head` does not count against it.
    package static func startsAsUTF8(_ head: [UInt8]) -> Bool {
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || utf16WithoutBOM(head) != nil { return false }
        var end = head.count
        // Back up over a character the head may have cut: continuation bytes, then their lead.
        var back = 0
        while end > 0, back < 3, head[end - 1] & 0xC0 == 0x80 { end -= 1; back += 1 }
        if end > 0, head[end - 1] >= 0xC0 { end -= 1 }
        return isValidUTF8(Array(head[..<end]))
    }

    /// True when the bytes are text in some encoding we read: no NUL bytes outside UTF-16, and few
    /// control characters. Looks at the first 8 KiB.
    package static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { all in
            let sample = UnsafeRawBufferPointer(rebasing: all.prefix(8192))
            if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) { return true }
            // A NUL byte (found with memchr) makes it UTF-16 without a BOM or not text; without
            // one it cannot be UTF-16, and the control characters decide.
            if let base = sample.baseAddress, memchr(base, 0, sample.count) != nil { return utf16WithoutBOM(sample) != nil }
            var controls = 0
            var i = 0
            let n = sample.count
            func controlBits(_ at: Int) -> UInt64 {
                let x = sample.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                return (x &- 0x2020_2020_2020_2020) & ~x & 0x8080_8080_8080_8080
            }
            while i < n {
                // Thirty-two, then eight bytes at a time while none is below 32 (most text):
                // "hasless(x, 32)" of the Bit Twiddling Hacks.
                if i + 32 <= n && controlBits(i) | controlBits(i + 8) | controlBits(i + 16) | controlBits(i + 24) == 0 {
                    i += 32
                    continue
                }
                if i + 8 <= n && controlBits(i) == 0 { i += 8; continue }
                let b = sample[i]
                if b < 32 && b != 9 && b != 10 && b != 13 && b != 12 { controls += 1 }
                i += 1
            }
            return controls * 100 <= n
        }
    }

    /// The first `count` bytes after any BOM and leading whitespace, ASCII only (others dropped),
    /// lower-cased: what a text format's opening tag or bracket is told by.
    package static func leadingASCII(_ bytes: [UInt8], count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var started = false
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count && out.count < count {
            let b = bytes[i]
            i += 1
            if !started && (b == 32 || b == 9 || b == 10 || b == 13) { continue }
            if out.isEmpty { out.reserveCapacity(count) }
            started = true
            if b < 128 && b != 0 { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
        }
        return out
    }

    package static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { bytes in
            var i = 0
            let n = bytes.count
            func word(_ at: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
            let high: UInt64 = 0x8080_8080_8080_8080
            while i < n {
                // ASCII thirty-two bytes at a time, then eight: most text is ASCII for long stretches.
                if i + 32 <= n, (word(i) | word(i + 8) | word(i + 16) | word(i + 24)) & high == 0 {
                    i += 32
                    continue
                }
                if i + 8 <= n, word(i) & high == 0 {
                    i += 8
                    continue
                }
                let b = bytes[i]
                if b < 0x80 { i += 1; continue }
                let len: Int
                if b & 0xE0 == 0xC0 { len = 2; if b < 0xC2 { return false } }
                else if b & 0xF0 == 0xE0 { len = 3 }
                else if b & 0xF8 == 0xF0 { len = 4; if b > 0xF4 { return false } }
                else { return false }
                if i + len > n { return false }
                for k in 1..<len where bytes[i + k] & 0xC0 != 0x80 { return false }
                i += len
            }
            return true
        }
    }

    /// UTF-16 without a BOM shows as a zero in every other byte of ASCII text. Returns true for
    /// little-endian, false for big-endian, nil when the bytes do not look like UTF-16.
    static func utf16WithoutBOM(_ bytes: [UInt8]) -> Bool? {
        bytes.withUnsafeBytes { utf16WithoutBOM($0) }
    }

    static func utf16WithoutBOM(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        let n = min(bytes.count, 4096) & ~1
        guard n >= 8 else { return nil }
        let pairs = n / 2
        var evenZero = 0, oddZero = 0
        for i in stride(from: 0, to: n, by: 2) {
            if bytes[i] == 0 { evenZero += 1 }
            if bytes[i + 1] == 0 { oddZero += 1 }
            // Decided early, with the same answer: zeros on both sides, or too many pairs without
            // a zero on either side for 90% to remain reachable (ordinary text stops here soon).
            let seen = i / 2 + 1
            if evenZero > 0 && oddZero > 0 { return nil }
            if (seen - oddZero) * 10 > pairs && (seen - evenZero) * 10 > pairs { return nil }
        }
        if oddZero * 10 >= pairs * 9 && evenZero == 0 { return true }
        if evenZero * 10 >= pairs * 9 && oddZero == 0 { return false }
        return nil
    }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        // Unpaired surrogates become U+FFFD rather than failing the file.
        for scalar in String(decoding: units, as: UTF16.self).utf8 { out.append(scalar) }
        return out
    }

    /// Windows-1252's 0x80...0x9F block; the rest of the high half is Latin-1.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// The Unicode scalar of one Windows-1252 byte.
    static func windows1252Scalar(_ b: UInt8) -> UInt32 {
        b < 0x80 ? UInt32(b) : (b < 0xA0 ? cp1252High[Int(b) - 0x80] : UInt32(b))
    }

    static func windows1252(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            let scalar = b < 0xA0 ? cp1252High[Int(b) - 0x80] : UInt32(b)
            appendUTF8(scalar, to: &out)
        }
        return out
    }

    /// Appends `scalar` as UTF-8; a value that is not a Unicode scalar (a surrogate, or past
    /// U+10FFFF, as hostile escapes can ask for) is appended as U+FFFD.
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        let scalar = scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) ? 0xFFFD : scalar
        switch scalar {
        case ..<0x80: out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case ..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
