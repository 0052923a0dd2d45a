// Masked values: what the report shows of a finding's value by default, its shape without its
// identifying characters.
import TrawlModel

package enum Masking {
    /// The value with its identifying characters replaced by "*". Separators stay, so the shape
    /// of the value remains readable.
    package static func mask(_ value: String, style: MaskStyle) -> String {
        // Nearly every value is ASCII: then a byte is a character and the work is done on bytes,
        // without breaking the text into grapheme clusters (the same result; a test compares).
        if let ascii = maskASCII(value, style: style) { return ascii }
        return maskCharacters(value, style: style)
    }

    /// `mask(_:style:)` written into a report line as a JSON string: an ASCII value masked on
    /// the stack and copied in, with no string made for it.
    static func write(_ value: String, style: MaskStyle, to j: inout JSONBytes) {
        if withMaskedASCII(value, style: style, { j.string($0, plain: false) }) == nil {
            j.string(maskCharacters(value, style: style))
        }
    }

    /// `mask` for an ASCII value, on its bytes; nil when the value is not ASCII.
    static func maskASCII(_ value: String, style: MaskStyle) -> String? {
        withMaskedASCII(value, style: style) { String(decoding: $0, as: UTF8.self) }
    }

    /// `body` given the bytes of `mask` for an ASCII value (valid only inside `body`); nil, and
    /// `body` not called, when the value is not ASCII.
    static func withMaskedASCII<R>(_ value: String, style: MaskStyle, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        var value = value
        return value.withUTF8 { source -> R? in
            guard source.allSatisfy({ $0 < 128 }) else { return nil }
            // Worked in a buffer on the stack (an email's masked local part may be one byte longer
            // than the value): no array per value.
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: source.count + 1) { buffer in
                var count = source.count
                if let base = source.baseAddress { buffer.baseAddress!.update(from: base, count: count) }
                func keepEnds(_ range: Range<Int>) {
                    let alphanumerics = range.reduce(0) { $0 + (buffer[$1].isASCIIAlphanumeric ? 1 : 0) }
                    let keepHead = alphanumerics > 6 ? 2 : 1, keepTail = alphanumerics > 6 ? 1 : 0
                    var seen = 0
                    for i in range where buffer[i].isASCIIAlphanumeric {
                        seen += 1
                        if !(seen <= keepHead || seen > alphanumerics - keepTail) { buffer[i] = 42 }
                    }
                }
                switch style {
                case .email:
                    guard let at = source.firstIndex(of: 64) else { keepEnds(0..<count); break }
                    // The first character of the local part, then one star for each other (at
                    // least one), then the domain as written.
                    let head = min(at, 1), stars = max(at - 1, 1)
                    let domain = count - at
                    if let base = source.baseAddress { (buffer.baseAddress! + head + stars).update(from: base + at, count: domain) }
                    for i in head..<(head + stars) { buffer[i] = 42 }
                    count = head + stars + domain
                case .date:
                    var i = 0
                    while i < count {
                        guard buffer[i].isASCIIAlphanumeric else { i += 1; continue }
                        var j = i
                        while j < count && buffer[j].isASCIIAlphanumeric { j += 1 }
                        let isYear = j - i == 4 && (i..<j).allSatisfy { buffer[$0] >= 48 && buffer[$0] <= 57 }
                        if !isYear { for k in i..<j { buffer[k] = 42 } }
                        i = j
                    }
                case .keepEnds:
                    keepEnds(0..<count)
                }
                return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
            }
        }
    }

    /// `mask` on characters, for any value.
    static func maskCharacters(_ value: String, style: MaskStyle) -> String {
        switch style {
        case .email:
            guard let at = value.firstIndex(of: "@") else { return keepEnds(value) }
            let local = value[..<at]
            return String(local.prefix(1)) + String(repeating: "*", count: max(local.count - 1, 1)) + value[at...]
        case .date:
            // Keep a four-digit year; mask every other digit and every letter (month names).
            var out = ""
            var run = ""
            func flush() {
                if run.count == 4 && run.allSatisfy(\.isNumber) { out += run } else { out += String(repeating: "*", count: run.count) }
                run = ""
            }
            for c in value {
                if c.isLetterOrDigit { run.append(c) } else { flush(); out.append(c) }
            }
            flush()
            return out
        case .keepEnds:
            return keepEnds(value)
        }
    }

    /// First two and last alphanumeric characters kept; short values keep only the first.
    static func keepEnds(_ value: String) -> String {
        let alnumCount = value.filter(\.isLetterOrDigit).count
        let keepHead = alnumCount > 6 ? 2 : 1
        let keepTail = alnumCount > 6 ? 1 : 0
        var seen = 0
        var out = ""
        for c in value {
            guard c.isLetterOrDigit else { out.append(c); continue }
            seen += 1
            out.append(seen <= keepHead || seen > alnumCount - keepTail ? c : "*")
        }
        return out
    }
}
