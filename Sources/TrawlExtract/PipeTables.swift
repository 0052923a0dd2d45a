// Tables written in plain text with pipes, as Markdown (GitHub's tables), wikis and many notes
// write them: a header line, a line of dashes, then a line per row:
//
//   | Student | Year | Update |
//   |---|---|---|
//   | Lacey Ward | 10RW | Disclosed ... |
//
// Each row is read as a table row whose cells the header labels, as a CSV's are, so that a
// name under "Student" is a student's and the row is one record; the lines around the table
// stay prose.
import Foundation
import TrawlModel

enum PipeTables {
    /// Emits `block` (at `offset` in the text, its first line numbered `line`) as prose and table
    /// rows when it holds a pipe table; returns false, emitting nothing, when it holds none (the
    /// caller emits the block as it is). Text without a pipe (most text) costs one memchr.
    static func emit(_ block: [UInt8], offset: Int, line: Int, emit: (TextChunk) -> Void) -> Bool {
        guard mayHoldTable(block) else { return false }
        let lines = lineRanges(block)
        var k = 1, proseStart = 0, proseLine = line, any = false
        while k < lines.count {
            guard isSeparator(block[lines[k]]), block[lines[k - 1]].contains(124) else { k += 1; continue }
            let headers = cells(block[lines[k - 1]]).map { label(from: String(decoding: $0, as: UTF8.self)) }
            guard headers.count >= 2 else { k += 1; continue }
            any = true
            // The prose before the header line.
            let headerStart = lines[k - 1].lowerBound
            if headerStart > proseStart {
                emit(TextChunk(text: Array(block[proseStart..<headerStart]), firstLine: proseLine, offset: offset + proseStart))
            }
            var r = k + 1
            while r < lines.count, block[lines[r]].contains(124) {
                var row = RowBuilder()
                for (c, value) in cells(block[lines[r]]).enumerated() {
                    row.add(value, label: c < headers.count ? headers[c] : nil)
                }
                if !row.isEmpty {
                    emit(TextChunk(text: row.text, firstLine: line + r, offset: offset + lines[r].lowerBound, cells: row.cells))
                }
                r += 1
            }
            proseStart = r < lines.count ? lines[r].lowerBound : block.count
            proseLine = line + r
            k = r + 1
        }
        guard any else { return false }
        if proseStart < block.count {
            emit(TextChunk(text: Array(block[proseStart...]), firstLine: proseLine, offset: offset + proseStart))
        }
        return true
    }

    private static func mayHoldTable(_ block: [UInt8]) -> Bool {
        block.withUnsafeBytes { b in b.baseAddress.map { memchr($0, 124, b.count) != nil } ?? false }
    }

    /// Each line's bytes, without its newline (or carriage return).
    private static func lineRanges(_ block: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = [], start = 0
        for i in block.indices where block[i] == 10 {
            out.append(start..<(i > start && block[i - 1] == 13 ? i - 1 : i))
            start = i + 1
        }
        if start < block.count { out.append(start..<block.count) }
        return out
    }

    /// A line of dashes between pipes, colons saying the alignment: "|---|:--:|".
    private static func isSeparator(_ line: ArraySlice<UInt8>) -> Bool {
        var dashes = false, pipe = false
        for b in line {
            switch b {
            case 45: dashes = true
            case 124: pipe = true
            case 58, 32, 9: break
            default: return false
            }
        }
        return dashes && pipe
    }

    /// A row's cells: the text between its pipes, trimmed; the pipes that open and close the
    /// line make no cell, and "\|" is a pipe inside a cell.
    private static func cells(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = line.startIndex
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == 124 && (i == line.startIndex || line[i - 1] != 92) {
                out.append(line[start..<i])
                start = i + 1
            }
            i += 1
        }
        out.append(line[start..<line.endIndex])
        if let first = out.first, first.trimmingWhitespace().isEmpty { out.removeFirst() }
        if let last = out.last, last.trimmingWhitespace().isEmpty { out.removeLast() }
        return out.map { $0.trimmingWhitespace() }
    }
}
