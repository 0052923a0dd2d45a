// Helpers shared by the extractors: building prose and row chunks, tracking offsets, labels.
import TrawlModel

/// Builds one table row (or record) as a chunk: cell texts joined by tabs, each cell's span kept
/// with its reference and label, so a column header can serve as context for the values under it.
struct RowBuilder {
    private(set) var text: [UInt8] = []
    private(set) var cells: [Cell] = []

    var isEmpty: Bool { cells.isEmpty }

    /// Adds a cell; empty values are not added (they carry nothing and would shift nothing).
    mutating func add(_ value: [UInt8], ref: String? = nil, label: String? = nil) {
        add(value[...], ref: ref, label: label)
    }

    mutating func add(_ value: ArraySlice<UInt8>, ref: String? = nil, label: String? = nil) {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        // A row's worth at once, rather than growing through four or five sizes cell by cell.
        if cells.isEmpty {
            cells.reserveCapacity(16)
            text.reserveCapacity(256)
        }
        if !text.isEmpty { text.append(9) }
        let start = text.count
        text.append(contentsOf: trimmed)
        cells.append(Cell(range: start..<text.count, ref: ref, label: label))
    }

    /// A row of exactly two cells reads as "first: second" (the separator between them becomes a
    /// colon unless the first ends with one or with a question mark's colon already), the way a
    /// form's label and answer read; the cells and their ranges stay as they are.
    mutating func joinPairAsField() {
        guard cells.count == 2 else { return }
        let first = cells[0].range, separator = first.upperBound
        guard separator < text.count, text[separator] == 9, text[first.upperBound - 1] != 58 else { return }
        text[separator] = 58
    }

    /// Empties the row for the next, keeping its storage: a reader that hands each row on as a
    /// chunk and keeps no chunk past its handler gets its buffers back unshared, and a sheet's
    /// rows are then built without an allocation each.
    mutating func removeAll() {
        text.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
    }

    /// The row's cell texts, for use as headers of the rows below.
    var cellTexts: [(ref: String?, text: String)] {
        cells.map { ($0.ref, String(decoding: text[$0.range], as: UTF8.self)) }
    }
}

/// Consecutive paragraphs read as one block, the way plain text reads: each paragraph ends with a
/// newline and an empty paragraph makes a blank line, so a record written over several paragraphs
/// (a Word form: "Name: ...", "NI number: ...", "Medical conditions: ...") is one unit of context,
/// and a blank line still separates records. A block ends at a table, or when it grows large.
struct ProseBlock {
    private(set) var text: [UInt8] = []
    static let limit = 1 << 20

    var isFull: Bool { text.count >= ProseBlock.limit }

    mutating func add(paragraph: [UInt8]) {
        let trimmed = paragraph.trimmingWhitespace()
        if trimmed.isEmpty { addBlankLine(); return }
        text.append(contentsOf: trimmed)
        text.append(10)
    }

    mutating func addBlankLine() {
        if !text.isEmpty && !text.suffix(2).elementsEqual([10, 10]) { text.append(10) }
    }

    /// The block as a chunk (nil when empty), leaving the block empty.
    mutating func take(_ cursor: inout PartCursor) -> TextChunk? {
        defer { text = [] }
        return cursor.prose(text)
    }
}

/// Hands out chunk offsets within one part: each chunk starts after the previous one plus a separator.
struct PartCursor {
    let part: String?
    var offset = 0

    init(part: String?) { self.part = part }

    mutating func prose(_ text: [UInt8], line: Int? = nil) -> TextChunk? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        defer { offset += trimmed.count + 1 }
        return TextChunk(text: Array(trimmed), part: part, firstLine: line, offset: offset)
    }

    mutating func row(_ row: RowBuilder, line: Int? = nil) -> TextChunk? {
        guard !row.isEmpty else { return nil }
        defer { offset += row.text.count + 1 }
        return TextChunk(text: row.text, part: part, firstLine: line, offset: offset, cells: row.cells)
    }
}

/// A header label, kept short: a header is a hint, not content. Its words are joined by single
/// spaces.
func label(from text: String) -> String? {
    var text = text
    if let ascii = text.withUTF8({ asciiLabel($0) }) { return ascii.isEmpty ? nil : ascii }
    let t = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    guard !t.isEmpty else { return nil }
    return String(t.prefix(80))
}

/// `label` for ASCII text, on its bytes (every JSON key and table header passes here, and
/// splitting into characters cost some 9,000 instructions each); nil when the text is not ASCII.
/// ASCII whitespace is what Character.isWhitespace says of it: tab to carriage return, and space.
private func asciiLabel(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { out in
        var count = 0, pendingSpace = false
        for b in bytes {
            if b == 32 || (b >= 9 && b <= 13) {
                pendingSpace = count > 0
                continue
            }
            if pendingSpace {
                guard count < 80 else { break }
                out[count] = 32
                count += 1
                pendingSpace = false
            }
            guard count < 80 else { break }
            out[count] = b
            count += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: out[..<count]), as: UTF8.self)
    }
}

/// Spreadsheet column letters for a 0-based index: 0 → "A", 27 → "AB".
func columnLetters(_ index: Int) -> String {
    var n = index + 1
    var letters: [Character] = []
    while n > 0 {
        let r = (n - 1) % 26
        letters.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
        n = (n - 1) / 26
    }
    return String(letters)
}

/// The most columns a sheet can have: Excel's last column is XFD, the 16,384th; OpenDocument's
/// limit is the same or lower.
let maxSheetColumns = 16_384

/// 0-based column index of a cell reference such as "AB12"; nil if it has no letters, or if its
/// letters name a column past `maxSheetColumns`: no sheet has one, so the reference is not a
/// real one. (A hostile reference of fourteen letters overflowed a 64-bit index before.)
func columnIndex(ofRef ref: String) -> Int? { columnIndex(ofRef: ref.utf8) }

/// `columnIndex(ofRef:)` of a reference's bytes.
func columnIndex<Bytes: Sequence<UInt8>>(ofRef ref: Bytes) -> Int? {
    var n = 0
    var seen = false
    for u in ref {
        guard u >= 65 && u <= 90 else { break }
        n = n * 26 + Int(u - 64)
        guard n <= maxSheetColumns else { return nil }
        seen = true
    }
    return seen ? n - 1 : nil
}

extension Array where Element == UInt8 {
    func trimmingWhitespace() -> ArraySlice<UInt8> { self[...].trimmingWhitespace() }
}

extension ArraySlice where Element == UInt8 {
    func trimmingWhitespace() -> ArraySlice<UInt8> {
        var lo = startIndex, hi = endIndex
        while lo < hi && isSpaceByte(self[lo]) { lo += 1 }
        while hi > lo && isSpaceByte(self[hi - 1]) { hi -= 1 }
        return self[lo..<hi]
    }
}

@inline(__always) func isSpaceByte(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 12 }
