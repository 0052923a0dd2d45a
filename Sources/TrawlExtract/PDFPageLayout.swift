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
// - two lines or more of two cells are a form's table of questions and answers: each a row read
//   "Ethnicity:White - any other", as a Word table's row of two cells is; a label alone below
//   such a row is a question left unanswered, a row of its own. A lone line of two cells is a
//   label and its value in prose ("Ethnicity: White - any other": a colon is added after a
//   question too, none after a label ending in one, nor after a first cell with a digit, which
//   is a value, not a label);
// - a cell's text wrapped onto the lines below it, within its column, is joined to it;
// - a line of three or more cells without a digit, followed by lines of two or more cells, is a
//   table's header and its rows: each row is a table row whose cells the header labels by the
//   column each lies under, as a CSV's are;
// - any other line's cells are joined by tabs.
import Poppler
import TrawlModel

/// One cell of a page's line, or a run of characters poppler gives on one line with no column's
/// gap in it: its text and where it lies on the page.
struct PDFCell {
    var text: [UInt8] = []
    var x1 = 0.0, x2 = 0.0
    var y1 = 0.0, y2 = 0.0

    var words: Int { text.split(whereSeparator: isSpaceByte).count }
    var height: Double { y2 - y1 }
}

enum PDFPageLayout {
    /// How many lines back a wrapped cell's row is looked for: a form's table of a page's rows.
    static let rowsBack = 256

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
            if let end = formEnd(lines, first: k) {
                if let c = block.take(&cursor) { emit(c) }
                for r in k..<end {
                    var row = RowBuilder()
                    for cell in lines[r] { row.add(cell.text) }
                    row.joinPairAsField()
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

    /// Where the form's table that starts at line `k` ends (the index after its last row), or
    /// nil when none starts there: two lines or more of two cells, a question or a label and its
    /// answer, read as a Word form's rows are, each its own row. A label alone straight below a
    /// row and under its first column is a question left unanswered ("Ethnicity", then
    /// "Religion or belief | Prefer not to say"): a row of its own, so the next question is not
    /// taken for its answer.
    static func formEnd(_ lines: [[PDFCell]], first k: Int) -> Int? {
        guard lines[k].count == 2 else { return nil }
        var end = k, pairs = 0
        while end < lines.count {
            let line = lines[end]
            if line.count == 2 {
                pairs += 1
            } else if line.count == 1, end > k, isUnanswered(line[0], below: lines[end - 1], in: lines[k]) {
                // A row of its own.
            } else {
                break
            }
            end += 1
        }
        return pairs >= 2 ? end : nil
    }

    /// Whether `cell`, alone on its line, is a label with no answer: straight below `above`,
    /// starting where the form's first column does and ending before its second.
    static func isUnanswered(_ cell: PDFCell, below above: [PDFCell], in form: [PDFCell]) -> Bool {
        guard let bottom = above.map(\.y2).max() else { return false }
        let height = max(cell.height, 1)
        return abs(cell.x1 - form[0].x1) < height / 2 && cell.x2 < form[1].x1 && cell.y1 - bottom < height
    }

    /// The page's lines, each split into cells. Cells drawn level with one another make one line,
    /// left to right, wherever poppler puts them: it reads a table column by column, as blocks
    /// ("Learner name", "Date of birth", then "Daniel Okafor", "22/07/1979"). A line is placed
    /// where poppler gives its first cell. Without boxes (`boxes` empty), each of poppler's lines
    /// is one cell.
    static func lines(text: String, boxes: [PDFBox]) -> [[PDFCell]] {
        let fragments = fragments(text: text, boxes: boxes)
        guard !boxes.isEmpty else { return fragments.map { [$0] } }
        let row = rows(fragments)
        var lines: [[PDFCell]] = []
        var placed = [Bool](repeating: false, count: fragments.count)
        for i in fragments.indices where !placed[i] {
            let members = row[i]
            for j in members { placed[j] = true }
            let line = members.map { fragments[$0] }
            // The row it continues is straight above it, wherever poppler put that row (a
            // wrapped answer comes after every label of its table), and among the last
            // `rowsBack` lines: a page of thousands of scraps of text (a chart's labels) costs no
            // more than that a line.
            var joined: (row: Int, cells: [PDFCell])?
            for r in lines.indices.reversed().prefix(Self.rowsBack) {
                if let cells = continuing(lines[r], with: line) {
                    joined = (r, cells)
                    break
                }
            }
            if let joined {
                lines[joined.row] = joined.cells
            } else {
                lines.append(line)
            }
        }
        return lines
    }

    /// The page's fragments in poppler's order: its lines, split where a column's gap or a step to
    /// another line comes between two characters.
    static func fragments(text: String, boxes: [PDFBox]) -> [PDFCell] {
        var out: [PDFCell] = []
        var current = PDFCell()
        /// The box of the fragment's last character that is not a space.
        var lastInk: PDFBox?
        func end() {
            let trimmed = current.text.trimmingWhitespace()
            if !trimmed.isEmpty {
                current.text = Array(trimmed)
                out.append(current)
            }
            current = PDFCell()
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
                    current.x1 = box.x1
                    current.y1 = box.y1
                    current.y2 = box.y2
                }
                current.x2 = box.x2
                lastInk = box
            }
            UTF8.encode(scalar) { current.text.append($0) }
        }
        end()
        return out
    }

    /// For each fragment, the fragments of its line left to right: those level with it when they
    /// read as a table's cells. Lines of prose set in columns (a newsletter's) stay lines of their
    /// own: three lines or more in a row, down the page, whose fragments are each five words or
    /// more, the first not a question or a label. A form's long question beside a long answer
    /// is one such line among short ones, and stays a row.
    static func rows(_ fragments: [PDFCell]) -> [[Int]] {
        var row = fragments.indices.map { [$0] }
        let byHeight = fragments.indices.sorted { middle(fragments[$0]) < middle(fragments[$1]) }
        // The groups of fragments level with one another, down the page, and whether each reads
        // as two lines of prose side by side.
        var groups: [(members: [Int], prose: Bool)] = []
        var k = 0
        while k < byHeight.count {
            let anchor = fragments[byHeight[k]]
            var end = k + 1
            // Level with the anchor both ways: each one's middle within the other's height, so
            // that a watermark or a drop capital as tall as the page takes no line into its row.
            while end < byHeight.count, case let f = fragments[byHeight[end]],
                  middle(f) <= anchor.y2, f.y1 <= middle(anchor) { end += 1 }
            let members = byHeight[k..<end].sorted { fragments[$0].x1 < fragments[$1].x1 }
            k = end
            let first = fragments[members[0]].text.last
            let asked = first == UInt8(ascii: ":") || first == UInt8(ascii: "?")
            groups.append((members, members.count > 1 && !asked && members.allSatisfy { fragments[$0].words >= 5 }))
        }
        var g = 0
        while g < groups.count {
            var run = g
            while run < groups.count && groups[run].prose { run += 1 }
            let columns = run - g >= 3
            for h in g..<max(run, g + 1) where groups[h].members.count > 1 && !columns {
                for j in groups[h].members { row[j] = groups[h].members }
            }
            g = max(run, g + 1)
        }
        return row
    }

    private static func middle(_ f: PDFCell) -> Double { (f.y1 + f.y2) / 2 }

    /// `row` with `line` joined into its cells, when `line` is the wrapped rest of them: straight
    /// below it (less than a line's height between), each cell lying within one of the row's
    /// columns (not opening the first with a capital), and fewer cells than the row ("Do you
    /// have any unspent criminal | No", then "convictions?") or as many, the first going on in
    /// lower case ("Medical conditions we should know | [ ] Asthma [ ] Diabetes", then "about
    /// (tick all that apply) | Heart condition"). Nil otherwise.
    static func continuing(_ row: [PDFCell], with line: [PDFCell]) -> [PDFCell]? {
        guard row.count >= 2, !line.isEmpty, line.count <= row.count else { return nil }
        let goesOn = line.count == row.count && line[0].text.first.map { $0 &- 97 < 26 } == true
        guard line.count < row.count || goesOn else { return nil }
        var bottom = -Double.infinity, height = 0.0, top = Double.infinity
        for cell in row {
            bottom = max(bottom, cell.y2)
            height = max(height, cell.height)
        }
        for cell in line { top = min(top, cell.y1) }
        guard top > bottom - height / 2, top - bottom < height else { return nil }
        var joined = row
        for cell in line {
            // The column the cell starts in, and it must end before the next one starts. In the
            // first column a capital letter starts a row's label ("Ethnicity", left unanswered;
            // a register's next name), not a label's wrapped rest.
            guard let j = row.indices.last(where: { row[$0].x1 <= cell.x1 + height / 2 }),
                  j + 1 == row.count || cell.x2 < row[j + 1].x1,
                  j > 0 || !(cell.text.first.map { $0 &- 65 < 26 } ?? false) else { return nil }
            joined[j].text += [32] + cell.text
            joined[j].x2 = max(joined[j].x2, cell.x2)
            joined[j].y2 = max(joined[j].y2, cell.y2)
        }
        return joined
    }

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
