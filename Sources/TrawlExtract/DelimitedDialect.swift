// The layout of delimited text (CSV and its dialects), read from its first lines rather than
// its name: MIS and finance exports are semicolon-, tab- or pipe-delimited as often as
// comma-delimited, carry Excel's "sep=;" line or a title row above their header, and are named
// .txt or .dat as often as .csv.
import Glibc
import TrawlModel

package struct DelimitedDialect: Equatable, Sendable {
    /// The byte between fields: comma, semicolon, tab or pipe.
    package var delimiter: UInt8
    /// The 1-based row (among non-blank rows) that holds the column headers; the rows above it
    /// (a title, Excel's "sep=" line) are read without labels.
    package var headerRow: Int

    package init(delimiter: UInt8, headerRow: Int = 1) {
        self.delimiter = delimiter
        self.headerRow = headerRow
    }

    static let candidates: [UInt8] = [44, 59, 9, 124]  // , ; tab |
    /// Lines looked at, and bytes at most: enough to see a title, a header and rows below it,
    /// and little for a text file that is no table (this runs on every text file).
    static let sampleLines = 20
    static let sampleBytes = 4 << 10

    /// The dialect of `utf8`, or nil when it does not read as a table: at least a header and a
    /// row, and one delimiter splitting at least four in five of the sampled lines below the
    /// header into the same number (two or more) of fields. With `requireHeader` (a file whose
    /// name does not say it is delimited), the header must read as one: most of its fields are
    /// words, not numbers or dates (a log's first line is not a header).
    package static func sniff(_ utf8: ArraySlice<UInt8>, preferred: UInt8? = nil, requireHeader: Bool = false) -> DelimitedDialect? {
        var lines = sampleOfLines(utf8)
        var sepLine: UInt8?
        if let first = lines.first, first.count == 5, first.prefix(4).lowercased().elementsEqual("sep=".utf8) {
            sepLine = first.last
            lines.removeFirst()
        }
        guard lines.count >= 2 else { return nil }
        // Every line's fields for every candidate delimiter, in one pass over its bytes.
        let candidates = sepLine.map { [$0] } ?? Self.candidates
        let counts = lines.map { fieldCounts($0, delimiters: candidates) }
        // The best so far, by the share of lines below its header that fit, then the header
        // nearer the top (a delimiter that leaves the first lines out of its table explains less
        // of the file: commas inside "Hirst, Courtney" on every row of a tab export), then more
        // fields; `preferred` wins what is left of a tie.
        var best: (dialect: DelimitedDialect, share: Double, header: Int, fields: Int)?
        for (c, d) in candidates.enumerated() {
            let column = counts.map { $0[c] }
            // The header is the first line with the number of fields most lines have, but for a
            // title padded to the table's width (Excel writes "Payroll export;;;;;" above a
            // header it exports): a line with most of its fields empty.
            let modal = mostCommon(column.count > 1 ? column.dropFirst() : column[...])
            guard modal >= 2, let header = column.indices.first(where: { column[$0] == modal && !isPaddedTitle(lines[$0], delimiter: d) })
            else { continue }
            let below = column[(header + 1)...]
            guard !below.isEmpty else { continue }
            let share = Double(below.filter { $0 == modal }.count) / Double(below.count)
            guard share >= 0.8 else { continue }
            if requireHeader && !readsAsHeader(lines[header], delimiter: d) { continue }
            let dialect = DelimitedDialect(delimiter: d, headerRow: header + 1 + (sepLine == nil ? 0 : 1))
            if let b = best {
                let key = (share, -header, modal), bestKey = (b.share, -b.header, b.fields)
                guard key > bestKey || (key == bestKey && d == preferred) else { continue }
            }
            best = (dialect, share, header, modal)
        }
        return best?.dialect
    }

    /// The first non-blank lines of the sample, each without its line end.
    private static func sampleOfLines(_ utf8: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var rest = utf8.prefix(sampleBytes)
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        let first = rest.startIndex
        rest.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            while start < bytes.count && out.count < sampleLines {
                // Line ends found with memchr: a generic search for them, byte by byte, costs most
                // of sniffing a small text file.
                let end = memchr(base + start, 10, bytes.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
                // A last line cut by the sample's end is not counted.
                if end == bytes.count && rest.endIndex < utf8.endIndex { break }
                var line = rest[(first + start)..<(first + end)]
                if line.last == 13 { line = line.dropLast() }
                if !line.allSatisfy({ $0 == 32 || $0 == 9 }) { out.append(line) }
                start = end + 1
            }
        }
        return out
    }

    /// Fields on one line: delimiters outside double quotes, plus one.
    static func fieldCount(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> Int {
        fieldCounts(line, delimiters: [delimiter])[0]
    }

    /// Fields on one line for each delimiter, in one pass.
    static func fieldCounts(_ line: ArraySlice<UInt8>, delimiters: [UInt8]) -> [Int] {
        var counts = [Int](repeating: 1, count: delimiters.count)
        var quoted = false
        let usual = delimiters.allSatisfy { candidates.contains($0) }
        for b in line {
            if b == 34 { quoted.toggle(); continue }
            // Most bytes are none of the usual four: passed over at once, unless a "sep=" line
            // named another.
            if quoted || (b != 44 && b != 59 && b != 9 && b != 124 && (usual || !delimiters.contains(b))) { continue }
            for (k, d) in delimiters.enumerated() where d == b { counts[k] += 1 }
        }
        return counts
    }

    /// The most frequent value (the larger on a tie); counts are small, so a sort does.
    private static func mostCommon(_ counts: ArraySlice<Int>) -> Int {
        let sorted = counts.sorted()
        var best = 0, bestRun = 0, run = 0
        for (i, c) in sorted.enumerated() {
            run = i > 0 && sorted[i - 1] == c ? run + 1 : 1
            if run >= bestRun { best = c; bestRun = run }
        }
        return best
    }

    /// Fewer than half of the line's fields hold anything but spaces and quotes.
    private static func isPaddedTitle(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> Bool {
        let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
        let filled = fields.filter { f in f.contains { $0 != 32 && $0 != 34 && $0 != 9 } }
        return filled.count * 2 < fields.count
    }

    /// Most of the line's fields hold a letter and no digit: column names, not values.
    private static func readsAsHeader(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> Bool {
        let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
        let words = fields.filter { f in f.contains { ($0 | 32) >= 97 && ($0 | 32) <= 122 } && !f.contains { $0 >= 48 && $0 <= 57 } }
        return words.count * 2 > fields.count
    }
}

extension ArraySlice where Element == UInt8 {
    fileprivate func lowercased() -> [UInt8] { map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
}
