// RTF: text with control words, escapes and Unicode decoded.
//
// A small reader of the RTF grammar (groups, control words, control symbols), not a renderer:
// \par and \line end lines, \tab and \cell separate, \row ends a table row (a row of two cells, a
// form's question and answer, reads as "question: answer"); \'xx is a byte in the
// document's code page (Windows-1252 unless \ansicpg says otherwise: 1250-1258 are read as 1252,
// which shares their ASCII and most letters); \uN is a Unicode character followed by \ucN
// fallback characters to skip. Destinations that are not text (font and colour tables, styles,
// pictures, objects, field instructions, \* ignorables) are skipped, except \info, whose author
// and title are kept: they name people.
import TrawlModel

enum RTFExtractor {
    private static let skipped: Set<String> = [
        "fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "rsidtbl", "pict", "object", "fldinst",
        "themedata", "colorschememapping", "datastore", "latentstyles", "xmlnstbl", "generator", "filetbl", "revtbl",
        "header", "footer", "headerl", "headerr", "footerl", "footerr",
    ]

    static func extract(_ rtf: [UInt8], emit: (TextChunk) -> Void) {
        var cursor = PartCursor(part: nil)
        var block = ProseBlock()
        var line: [UInt8] = []
        struct Group { var skip: Bool; var uc: Int }
        var stack: [Group] = [Group(skip: false, uc: 1)]
        var pendingSkip = 0   // fallback characters still to skip after \uN
        var i = 0
        let n = rtf.count
        var destinationStart = false
        // The current table row: cells ended, and where the first one ended in `line`.
        var cellsInRow = 0
        var firstCellEnd: Int?

        func emitText(_ bytes: [UInt8]) {
            guard !(stack.last?.skip ?? false) else { return }
            if pendingSkip > 0 { pendingSkip -= 1; return }
            line.append(contentsOf: bytes)
        }
        func endLine() {
            guard !(stack.last?.skip ?? false) else { return }
            block.add(paragraph: line)
            line = []
            if block.isFull, let c = block.take(&cursor) { emit(c) }
        }

        while i < n {
            let b = rtf[i]
            switch b {
            case 123: // {
                stack.append(stack.last ?? Group(skip: false, uc: 1))
                destinationStart = true
                i += 1
                continue
            case 125: // }
                if stack.count > 1 { stack.removeLast() }
                pendingSkip = 0
                i += 1
            case 92: // backslash
                i += 1
                guard i < n else { break }
                let c = rtf[i]
                if c == 39, i + 2 < n, let v = UInt8(String(decoding: rtf[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) { // \'xx
                    var utf8: [UInt8] = []
                    TextDecoding.appendUTF8(v < 0x80 ? UInt32(v) : TextDecoding.windows1252Scalar(v), to: &utf8)
                    emitText(utf8)
                    i += 3
                } else if c == 42 { // \* ignorable destination
                    stack[stack.count - 1].skip = true
                    i += 1
                } else if c == 92 || c == 123 || c == 125 {
                    emitText([c])
                    i += 1
                } else if c == 126 { emitText([32]); i += 1 }        // \~ non-breaking space
                else if c == 45 || c == 95 { i += 1 }                 // optional / non-breaking hyphen
                else if c == 10 || c == 13 { endLine(); i += 1 }     // \<newline> is \par
                else if (c >= 97 && c <= 122) || (c >= 65 && c <= 90) {
                    var j = i
                    while j < n, (rtf[j] >= 97 && rtf[j] <= 122) || (rtf[j] >= 65 && rtf[j] <= 90) { j += 1 }
                    let word = String(decoding: rtf[i..<j], as: UTF8.self)
                    var k = j
                    var negative = false
                    if k < n, rtf[k] == 45 { negative = true; k += 1 }
                    var number: Int?
                    // RTF's parameters are 16- or 32-bit. A longer run of digits is read to its
                    // end but held at 2^32, so that hostile input cannot overflow.
                    while k < n, rtf[k] >= 48, rtf[k] <= 57 {
                        number = min((number ?? 0) * 10 + Int(rtf[k] - 48), 1 << 32)
                        k += 1
                    }
                    if negative, let v = number { number = -v }
                    if k < n, rtf[k] == 32 { k += 1 }  // the delimiting space belongs to the control word
                    i = k
                    if destinationStart && skipped.contains(word) { stack[stack.count - 1].skip = true }
                    switch word {
                    case "par", "line", "sect", "page": endLine()
                    case "row":
                        if cellsInRow == 2, let at = firstCellEnd, at < line.count, line[at] == 9, at > 0, line[at - 1] != 58 { line[at] = 58 }
                        cellsInRow = 0
                        firstCellEnd = nil
                        endLine()
                    case "trowd":
                        cellsInRow = 0
                        firstCellEnd = nil
                    case "cell":
                        if cellsInRow == 0 && !(stack.last?.skip ?? false) && pendingSkip == 0 { firstCellEnd = line.count }
                        cellsInRow += 1
                        emitText([9])
                    case "tab": emitText([9])
                    case "uc": stack[stack.count - 1].uc = max(0, number ?? 1)
                    case "u":
                        if var v = number {
                            // A signed 16-bit value: \u-4064 is U+F020. Anything else that is not
                            // a scalar becomes U+FFFD in appendUTF8.
                            if v < 0 && v >= -32768 { v += 65536 }
                            var utf8: [UInt8] = []
                            TextDecoding.appendUTF8(v >= 0 ? UInt32(clamping: v) : 0xFFFD, to: &utf8)
                            emitText(utf8)
                            pendingSkip = stack.last?.uc ?? 1
                        }
                    case "emdash": emitText(Array("—".utf8))
                    case "endash": emitText(Array("–".utf8))
                    case "lquote", "rquote": emitText([39])
                    case "ldblquote", "rdblquote": emitText([34])
                    case "bullet": emitText(Array("•".utf8))
                    default: break
                    }
                    destinationStart = false
                    continue
                } else {
                    i += 1
                }
            case 10, 13:
                i += 1
            default:
                emitText([b])
                i += 1
            }
            destinationStart = false
        }
        endLine()
        if let c = block.take(&cursor) { emit(c) }
    }
}
