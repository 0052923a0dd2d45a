// The layout of delimited text (CSV and its dialects), read from its first lines rather than
// its name: MIS and finance exports are semicolon-, tab- or pipe-delimited as often as
// comma-delimited, carry Excel's "sep=;" line or a title row above their header, and are named
// .txt or .dat as often as .csv.
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
    /// Lines looked at, and bytes at most.
    static let sampleLines = 40
    static let sampleBytes = 16 << 10

    /// The dialect of `utf8`, or nil when it does not read as a table: at least a header and a
    /// row, and one delimiter splitting at least four in five of the sampled lines below the
    /// header into the same number (two or more) of fields. With `requireHeader` (a file whose
    /// name does not say it is delimited), the header must read as one: most of its fields are
    /// words, not numbers or dates (a log's first line is not a header). `preferred` wins a tie.
    package static func sniff(_ utf8: ArraySlice<UInt8>, preferred: UInt8? = nil, requireHeader: Bool = false) -> DelimitedDialect? {
        var lines = sampleOfLines(utf8)
        var sepLine: UInt8?
        if let first = lines.first, first.count == 5, first.prefix(4).lowercased().elementsEqual("sep=".utf8) {
            sepLine = first.last
            lines.removeFirst()
        }
        guard lines.count >= 2 else { return nil }
        var best: (dialect: DelimitedDialect, share: Double)?
        for d in sepLine.map({ [$0] }) ?? candidates {
            let counts = lines.map { fieldCount($0, delimiter: d) }
            // The header is the first line with the number of fields most lines have.
            let modal = mostCommon(counts.dropFirst().isEmpty ? counts[...] : counts.dropFirst())
            guard modal >= 2, let header = counts.firstIndex(of: modal) else { continue }
            let below = counts[(header + 1)...]
            guard !below.isEmpty else { continue }
            let share = Double(below.filter { $0 == modal }.count) / Double(below.count)
            guard share >= 0.8 else { continue }
            if requireHeader && !readsAsHeader(lines[header], delimiter: d) { continue }
            let dialect = DelimitedDialect(delimiter: d, headerRow: header + 1 + (sepLine == nil ? 0 : 1))
            if best == nil || share > best!.share || (share == best!.share && d == preferred) { best = (dialect, share) }
        }
        return best?.dialect
    }

    /// The first non-blank lines of the sample, each without its line end.
    private static func sampleOfLines(_ utf8: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = utf8.startIndex
        var rest = utf8.prefix(sampleBytes)
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3); start = rest.startIndex }
        while start < rest.endIndex && out.count < sampleLines {
            let end = rest[start...].firstIndex(of: 10) ?? rest.endIndex
            // A last line cut by the sample's end is not counted.
            if end == rest.endIndex && rest.endIndex < utf8.endIndex { break }
            var line = rest[start..<end]
            if line.last == 13 { line = line.dropLast() }
            if !line.allSatisfy({ $0 == 32 || $0 == 9 }) { out.append(line) }
            start = end + 1
        }
        return out
    }

    /// Fields on one line: delimiters outside double quotes, plus one.
    static func fieldCount(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> Int {
        var count = 1, quoted = false
        for b in line {
            if b == 34 { quoted.toggle() } else if b == delimiter && !quoted { count += 1 }
        }
        return count
    }

    private static func mostCommon(_ counts: ArraySlice<Int>) -> Int {
        var tally: [Int: Int] = [:]
        for c in counts { tally[c, default: 0] += 1 }
        return tally.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key ?? 0
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
