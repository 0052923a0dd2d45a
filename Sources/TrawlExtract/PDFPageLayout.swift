// A PDF page's lines, split into the cells its layout shows, and read as prose, form fields and
// tables.
//
// poppler gives a page's text in reading order, block by block, and a table's text goes wrong
// in two ways: texts drawn side by side on one line are joined with nothing between them
// ("EthnicityWhite - any other", "NI numberJR 48 27 61 C"), and a table of several rows is read
// column by column, every label first and then every answer, so no answer stands by its question.
// The box of each character puts them right: a gap wider than the line's height is a column, not
// a word space, and cells drawn level with one another are one row, whatever poppler's order.
//
// What the cells become:
// - a line of two cells is a label and its value, read as "Ethnicity: White - any other", as a
//   Word table's row of two cells is (a colon is added after a question too, none after a label
//   ending in one, nor after a first cell with a digit, which is a value, not a label);
// - a line of three or more cells without a digit, followed by lines of two or more cells, is a
//   table's header and its rows: each row is a table row whose cells the header labels by the
//   column each lies under, as a CSV's are;
// - any other line's cells are joined by tabs.
import Poppler
import TrawlModel

/// One cell of a page's line: its text and how far across the page it runs.
struct PDFCell {
    var text: [UInt8] = []
    var x1 = 0.0
    var x2 = 0.0
}

enum PDFPageLayout {
    /// Reads one page's text into `block` (prose) and, for its tables, row chunks handed to `emit`
    /// after the prose before them.
    static func read(text: String, boxes: [PDFBox], block: inout ProseBlock, cursor: inout PartCursor,
                     emit: (TextChunk) -> Void) {
        let lines = lines(text: text, boxes: boxes)
        var k = 0
        while k < lines.count {
            if let end = tableEnd(lines, header: k) {
                if let c = block.take(&cursor) { emit(c) }
                let header = lines[k]
                let labels = header.map { label(from: String(decoding: $0.text, as: UTF8.self)) }
                var row = RowBuilder()
                for cell in header { row.add(cell.text) }
                if let c = cursor.row(row) { emit(c) }
                for r in (k + 1)..<end {
                    row = RowBuilder()
                    for cell in lines[r] { row.add(cell.text, label: labels[column(of: cell, under: header)]) }
                    if let c = cursor.row(row) { emit(c) }
                }
                k = end
                continue
            }
            block.add(paragraph: prose(lines[k]))
            if block.isFull, let c = block.take(&cursor) { emit(c) }
            k += 1
        }
    }

    /// A run of characters poppler gives on one line with no column's gap in it, and where it lies.
    struct Fragment {
        var cell = PDFCell()
        var y1 = 0.0, y2 = 0.0
        var words: Int { cell.text.split(whereSeparator: isSpaceByte).count }
    }

    /// The page's lines, each split into cells. Cells drawn level with one another make one line,
    /// left to right, wherever poppler puts them: it reads a table column by column, as blocks
    /// ("Learner name", "Date of birth", then "Daniel Okafor", "22/07/1979"). A line is placed
    /// where poppler gives its first cell. Without boxes (`boxes` empty), each of poppler's lines
    /// is one cell.
    static func lines(text: String, boxes: [PDFBox]) -> [[PDFCell]] {
        let fragments = fragments(text: text, boxes: boxes)
        guard !boxes.isEmpty else { return fragments.map { [$0.cell] } }
        let row = rows(fragments)
        var lines: [[PDFCell]] = []
        var placed = [Bool](repeating: false, count: fragments.count)
        for i in fragments.indices where !placed[i] {
            let members = row[i]
            for j in members { placed[j] = true }
            lines.append(members.map { fragments[$0].cell })
        }
        return lines
    }

    /// The page's fragments in poppler's order: its lines, split where a column's gap or a step to
    /// another line comes between two characters.
    static func fragments(text: String, boxes: [PDFBox]) -> [Fragment] {
        var out: [Fragment] = []
        var current = Fragment()
        /// The box of the fragment's last character that is not a space.
        var lastInk: PDFBox?
        func end() {
            let trimmed = current.cell.text.trimmingWhitespace()
            if !trimmed.isEmpty {
                current.cell.text = Array(trimmed)
                out.append(current)
            }
            current = Fragment()
            lastInk = nil
        }
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if scalar == "\n" {
                end()
                continue
            }
            if i < boxes.count, !scalar.properties.isWhitespace {
                let box = boxes[i]
                if let last = lastInk, !isSameCell(last, box) { end() }
                if lastInk == nil {
                    current.cell.x1 = box.x1
                    current.y1 = box.y1
                    current.y2 = box.y2
                }
                current.cell.x2 = box.x2
                lastInk = box
            }
            UTF8.encode(scalar) { current.cell.text.append($0) }
        }
        end()
        return out
    }

    /// For each fragment, the fragments of its line left to right: those level with it when they
    /// read as a table's cells. Fragments level with one another that are each five words or more,
    /// the first not a question or a label, are the lines of prose set in columns (a newsletter's),
    /// and stay lines of their own.
    static func rows(_ fragments: [Fragment]) -> [[Int]] {
        var row = fragments.indices.map { [$0] }
        let byHeight = fragments.indices.sorted { middle(fragments[$0]) < middle(fragments[$1]) }
        var k = 0
        while k < byHeight.count {
            let anchor = fragments[byHeight[k]]
            var end = k + 1
            // Level with the anchor both ways: each one's middle within the other's height, so
            // that a watermark or a drop capital as tall as the page takes no line into its row.
            while end < byHeight.count, case let f = fragments[byHeight[end]],
                  middle(f) <= anchor.y2, f.y1 <= middle(anchor) { end += 1 }
            let members = byHeight[k..<end].sorted { fragments[$0].cell.x1 < fragments[$1].cell.x1 }
            k = end
            guard members.count > 1 else { continue }
            let first = fragments[members[0]].cell.text.last
            let asked = first == UInt8(ascii: ":") || first == UInt8(ascii: "?")
            if !asked && members.allSatisfy({ fragments[$0].words >= 5 }) { continue }
            for j in members { row[j] = members }
        }
        return row
    }

    private static func middle(_ f: Fragment) -> Double { (f.y1 + f.y2) / 2 }

    /// Whether `box` continues the cell whose last character is `last`: it lies level with it,
    /// begun no further on than the taller one's height (a word space is a quarter to a third of
    /// it, two thirds at most in justified text), and not before it.
    static func isSameCell(_ last: PDFBox, _ box: PDFBox) -> Bool {
        let height = max(last.y2 - last.y1, box.y2 - box.y1, 1)
        let level = box.y1 < last.y2 && last.y1 < box.y2
        let gap = box.x1 - last.x2
        return level && gap <= height && gap > -height
    }

    /// Where the table whose header is line `k` ends (the index after its last row), or nil
    /// when line `k` is no table's header: three cells or more, none with a digit, and a next
    /// line of two cells or more.
    static func tableEnd(_ lines: [[PDFCell]], header k: Int) -> Int? {
        let header = lines[k]
        guard header.count >= 3, !header.contains(where: { $0.text.contains(where: isDigit) }),
              k + 1 < lines.count, lines[k + 1].count >= 2 else { return nil }
        var end = k + 1
        while end < lines.count, lines[end].count >= 2 { end += 1 }
        return end
    }

    /// The index of the header cell `cell` lies under: the one its span overlaps most, or else
    /// the one whose middle is nearest its own (a short value right-aligned beside its header).
    static func column(of cell: PDFCell, under header: [PDFCell]) -> Int {
        func overlap(_ j: Int) -> Double { min(cell.x2, header[j].x2) - max(cell.x1, header[j].x1) }
        func distance(_ j: Int) -> Double { abs((cell.x1 + cell.x2) - (header[j].x1 + header[j].x2)) }
        if let j = header.indices.max(by: { overlap($0) < overlap($1) }), overlap(j) > 0 { return j }
        return header.indices.min(by: { distance($0) < distance($1) }) ?? 0
    }

    /// A line outside a table as prose: its cells joined as a label and its value, or by tabs.
    static func prose(_ cells: [PDFCell]) -> [UInt8] {
        guard cells.count > 1 else { return cells.first?.text ?? [] }
        if cells.count == 2, let last = cells[0].text.last {
            if last == UInt8(ascii: ":") { return cells[0].text + [32] + cells[1].text }
            if last == UInt8(ascii: "?") || !cells[0].text.contains(where: isDigit) {
                return cells[0].text + [58, 32] + cells[1].text
            }
        }
        var out: [UInt8] = []
        for (j, cell) in cells.enumerated() {
            if j > 0 { out.append(9) }
            out.append(contentsOf: cell.text)
        }
        return out
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
}
