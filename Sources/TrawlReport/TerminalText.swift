// Names and messages as they are written to standard error, where a terminal or a log viewer
// reads them: every character that would be acted on rather than shown is written as an escape.
//
// A file name is anyone's to choose on a share that anyone can write to: one holding ESC can
// recolour or clear the terminal, rewrite the title or hide lines; one holding CR or LF can forge
// a log line of its own. So C0 controls and DEL are written as \xNN (\n, \r and \t by their
// names), C1 controls, the line and paragraph separators and the bidirectional formatting
// characters (which reorder what is shown) as \u{NNNN}, and bytes that are not UTF-8 as \xNN. A
// backslash is written as it is: escaping text twice changes nothing, and a name that holds the
// text "\x1b" reads the same as one that holds ESC, which is all a person needs (the report keeps
// every path exactly, see docs/report-format.md).

package enum TerminalText {
    /// `bytes` (a path, in whatever encoding it was written) as text safe to show.
    package static func escaping(bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var i = 0
        while i < bytes.count {
            if let (scalar, length) = scalar(in: bytes, at: i) {
                append(scalar, to: &out)
                i += length
            } else {
                out += "\\x" + hex(UInt32(bytes[i]), digits: 2)
                i += 1
            }
        }
        return out
    }

    /// `text` safe to show: the same escapes as for a path.
    package static func escaping(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return out
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        guard needsEscape(scalar) else {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar.value {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0..<0x20, 0x7F: out += "\\x" + hex(scalar.value, digits: 2)
        default: out += "\\u{" + hex(scalar.value, digits: 4) + "}"
        }
    }

    /// The scalar encoded at `i` and its length in bytes, or nil when the bytes there are not
    /// well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
    static func scalar(in b: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        let length: Int
        var value: UInt32
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0: length = 3; value = 0; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xED: length = 3; value = 0x0D; high = 0x9F
        case 0xF0: length = 4; value = 0; low = 0x90
        case 0xF1...0xF3: length = 4; value = UInt32(lead & 0x07)
        case 0xF4: length = 4; value = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= b.count, b[i + 1] >= low, b[i + 1] <= high else { return nil }
        for k in 1..<length {
            guard k == 1 || (b[i + k] >= 0x80 && b[i + k] <= 0xBF) else { return nil }
            value = value << 6 | UInt32(b[i + k] & 0x3F)
        }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
