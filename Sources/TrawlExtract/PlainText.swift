// Plain text, CSV and TSV: the formats with no markup.
import TrawlModel

enum PlainTextExtractor {
    /// Chunks are blocks of whole lines of at most `blockSize` bytes (a longer line is its own
    /// chunk), so an identifier never straddles two chunks while memory per chunk stays bounded.
    static let blockSize = 1 << 20

    static func extract(_ utf8: [UInt8], blockSize: Int = blockSize, emit: (TextChunk) -> Void) {
        var start = 0
        var line = 1
        let n = utf8.count
        while start < n {
            var end = min(n, start + blockSize)
            if end < n {
                // Back up to the last newline in the block; a line longer than the block is kept
                // whole, up to its own newline.
                var k = end
                while k > start && utf8[k - 1] != 10 { k -= 1 }
                if k > start {
                    end = k
                } else {
                    while end < n && utf8[end - 1] != 10 { end += 1 }
                }
            }
            // A file that is one block is passed as it is, not copied.
            let block = start == 0 && end == n ? utf8 : Array(utf8[start..<end])
            if !PipeTables.emit(block, offset: start, line: line, emit: emit) {
                emit(TextChunk(text: block, part: nil, firstLine: line, offset: start))
            }
            // The next block's first line; after the last block there is none to number.
            if end < n { line += newlines(in: block) }
            start = end
        }
    }

    /// The number of newline bytes, eight bytes at a time: a byte of `x ^ 0x0A...` is zero where
    /// `x` holds a newline, and the exact zero-byte test of the Bit Twiddling Hacks sets the top
    /// bit of each zero byte and of no other.
    static func newlines(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { b in
            var count = 0, i = 0
            let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            while i + 8 <= b.count {
                let x = b.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                let zero = ~(((x & low7) &+ low7) | x | low7)
                count += zero.nonzeroBitCount
                i += 8
            }
            while i < b.count { if b[i] == 10 { count += 1 }; i += 1 }
            return count
        }
    }
}

/// CSV (RFC 4180 quoting) and TSV. The first row is taken as the header row: its cells label the
/// cells below them.
enum DelimitedExtractor {
    /// Reads `utf8` as a table in the dialect its first lines show, or in the one its name
    /// promised (`fallback`: comma for .csv, tab for .tsv) when they show none.
    static func extract(_ utf8: [UInt8], fallback: UInt8, emit: (TextChunk) -> Void) {
        let dialect = DelimitedDialect.sniff(utf8[...], preferred: fallback) ?? DelimitedDialect(delimiter: fallback)
        var reader = DelimitedReader(dialect)
        _ = reader.parseRows(utf8, from: 0, final: true, emit: emit)
    }
}

/// CSV or TSV read row by row, whole or as a stream of blocks (`feed`, then `finish`): a file too
/// large to hold is read in blocks, and only the row in progress is kept between them.
package struct DelimitedReader {
    private let delimiter: UInt8
    /// The row holding the column headers; rows above it are read without labels.
    private let headerRow: Int
    private var cursor = PartCursor(part: nil)
    private var headers: [String?] = []
    private var rowIndex = 0
    private var line = 1
    /// The start of a row whose end has not been fed yet.
    private var pending: [UInt8] = []
    /// A row still open after this many bytes (a quote never closed) is taken as it stands.
    static let maxRow = 8 << 20

    package init(_ dialect: DelimitedDialect) {
        delimiter = dialect.delimiter
        headerRow = dialect.headerRow
    }

    /// Reads every row that `bytes` completes; keeps the rest for the next call.
    package mutating func feed(_ bytes: [UInt8], emit: (TextChunk) -> Void) {
        let buffer = pending.isEmpty ? bytes : pending + bytes
        var consumed = parseRows(buffer, from: 0, final: false, emit: emit)
        if buffer.count - consumed > Self.maxRow {
            // One row longer than any real one (a quote that never closes): read as it stands.
            consumed = parseRows(buffer, from: consumed, final: true, emit: emit)
        }
        pending = Array(buffer[consumed...])
    }

    /// Reads what is left.
    package mutating func finish(emit: (TextChunk) -> Void) {
        _ = parseRows(pending, from: 0, final: true, emit: emit)
        pending = []
    }

    /// Parses rows of `utf8` from `start`; stops before a row that does not end in it unless
    /// `final`. Returns where the unparsed rest begins.
    mutating func parseRows(_ utf8: [UInt8], from start: Int, final: Bool, emit: (TextChunk) -> Void) -> Int {
        var i = start
        let n = utf8.count
        while i < n {
            let rowStart = i
            var rowLines = 0
            var fields: [[UInt8]] = []
            var field: [UInt8] = []
            var inQuotes = false
            var rowDone = false
            while i < n && !rowDone {
                let b = utf8[i]
                if inQuotes {
                    if b == 34 {
                        if i + 1 < n && utf8[i + 1] == 34 { field.append(34); i += 1 } else { inQuotes = false }
                    } else {
                        if b == 10 { rowLines += 1 }
                        field.append(b)
                    }
                } else if b == 34 && field.isEmpty {
                    inQuotes = true
                } else if b == delimiter {
                    fields.append(field)
                    field = []
                } else if b == 10 {
                    rowLines += 1
                    rowDone = true
                } else if b != 13 {
                    field.append(b)
                }
                i += 1
            }
            // A row cut by the end of a block (or a quote "" split by it) waits for the next one.
            if !rowDone && !final { return rowStart }
            let rowLine = line
            line += rowLines
            fields.append(field)
            if fields.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            rowIndex += 1
            var row = RowBuilder()
            for (col, value) in fields.enumerated() {
                let header = col < headers.count ? headers[col] : nil
                row.add(value, ref: "\(columnLetters(col))\(rowIndex)", label: rowIndex <= headerRow ? nil : header)
            }
            if rowIndex == headerRow {
                headers = fields.map { label(from: String(decoding: $0, as: UTF8.self)) }
            }
            if let chunk = cursor.row(row, line: rowLine) { emit(chunk) }
        }
        return n
    }
}
