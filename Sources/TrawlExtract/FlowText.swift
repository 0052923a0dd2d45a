// Word-processing and presentation XML (docx, pptx, odt, odp, and ods content): paragraphs and
// tables, whatever the vocabulary. One walker, configured by element names, serves all of them.
//
// Why one walker: the hard parts are the same everywhere. Text a format splits (Word runs, ODF
// spans) is joined per paragraph before matching, so "AB 12" + "34 56 C" still matches; a table
// row becomes one chunk whose cells are labelled by the first row's texts.
import LibXML2
import TrawlModel

struct FlowVocabulary {
    // Element names are literals, compared with each element's name in place (`XMLName`): lists,
    // not sets, since each holds one or two names, and a set hashed a string made of every name
    // up to four times per element.
    /// Elements that delimit a paragraph.
    var paragraph: [StaticString]
    /// Elements whose text is document text; nil means all text inside a paragraph.
    var textElements: [StaticString]?
    var tab: [StaticString]
    var lineBreak: [StaticString]
    /// ODF's <text:s text:c="3"/>: a run of spaces.
    var space: StaticString?
    var table: StaticString
    var row: StaticString
    var cell: StaticString
    /// Attribute that repeats a cell (ODF's number-columns-repeated).
    var repeatCells: String?
    /// Attribute on `table` naming it (ODF's table:name), used as the part for a spreadsheet.
    var tableName: String?

    static let wordprocessingML = FlowVocabulary(
        paragraph: ["p"], textElements: ["t", "delText"], tab: ["tab"], lineBreak: ["br", "cr"], space: nil,
        table: "tbl", row: "tr", cell: "tc", repeatCells: nil, tableName: nil)
    static let drawingML = FlowVocabulary(
        paragraph: ["p"], textElements: ["t"], tab: [], lineBreak: ["br"], space: nil,
        table: "tbl", row: "tr", cell: "tc", repeatCells: nil, tableName: nil)
    static let openDocument = FlowVocabulary(
        paragraph: ["p", "h"], textElements: nil, tab: ["tab"], lineBreak: ["line-break"], space: "s",
        table: "table", row: "table-row", cell: "table-cell", repeatCells: "table:number-columns-repeated",
        tableName: "table:name")
}

enum FlowExtractor {
    private struct TableState {
        var headers: [Int: String] = [:]
        /// The labels of the row being read while no header has been taken (`headerTaken`).
        var candidateHeaders: [Int: String] = [:]
        var headerTaken = false
        var rowIndex = 0
        var row = RowBuilder()
        var column = 0
        var cellText: [UInt8] = []
        var inCell = false
        var name: String?
    }

    /// Whether a document table's first row reads as a form's question and its answer rather
    /// than as column headers: two cells, the first a question or a label (it ends with "?" or
    /// ":", or runs past four words: "Do you have any medical condition we should know about?").
    static func isQuestionRow(_ row: RowBuilder) -> Bool {
        guard row.cells.count == 2 else { return false }
        let first = row.text[row.cells[0].range]
        guard let last = first.last else { return false }
        if last == UInt8(ascii: "?") || last == UInt8(ascii: ":") { return true }
        return first.split(whereSeparator: { $0 == 32 || $0 == 9 }).count > 4
    }

    /// Extracts paragraphs and table rows from one XML part: read by the plain reader where
    /// `reading` and the vocabulary allow it, else by libxml2 (`FlowReading`).
    /// - Parameter tablesAreParts: for spreadsheets, each named table is its own part.
    static func extract(_ xml: [UInt8], part: String, vocabulary v: FlowVocabulary, tablesAreParts: Bool = false,
                        reading: FlowReading = .libxml2, emit: (TextChunk) -> Void) throws {
        try reading.read(xml, part: part, vocabulary: v, tablesAreParts: tablesAreParts, emit: emit)
    }

    /// The paragraphs and table rows of the part `r` reads.
    static func walk<R: FlowNodeReader>(_ r: R, part: String, vocabulary v: FlowVocabulary, tablesAreParts: Bool,
                                        emit: (TextChunk) -> Void) throws {
        var cursor = PartCursor(part: part)
        var tables: [TableState] = []
        var paragraph: [UInt8] = []
        var block = ProseBlock()
        var paragraphDepth = 0
        var textDepth = 0
        let maxRepeat = 64  // ODF can repeat an empty cell a million times; real data repeats little

        while try r.next() {
            switch r.kind {
            case .element:
                let name = r.name
                let empty = r.isEmptyElement
                if v.paragraph.contains(where: { $0 ~= name }) {
                    if !empty { paragraphDepth += 1 }
                } else if let t = v.textElements, t.contains(where: { $0 ~= name }) {
                    if !empty { textDepth += 1 }
                } else if v.tab.contains(where: { $0 ~= name }) {
                    paragraph.append(9)
                } else if v.lineBreak.contains(where: { $0 ~= name }) {
                    paragraph.append(10)
                } else if let space = v.space, space ~= name {
                    let count = Int(r.attribute("text:c") ?? "1") ?? 1
                    paragraph.append(contentsOf: repeatElement(32, count: min(max(count, 1), 64)))
                } else if v.table ~= name {
                    if let chunk = block.take(&cursor) { emit(chunk) }
                    var state = TableState()
                    state.name = v.tableName.flatMap { r.attribute($0) }
                    if tablesAreParts, let n = state.name { cursor = PartCursor(part: n) }
                    tables.append(state)
                    if empty { tables.removeLast() }
                } else if v.row ~= name, !tables.isEmpty {
                    tables[tables.count - 1].row.removeAll()
                    tables[tables.count - 1].column = 0
                } else if v.cell ~= name, !tables.isEmpty {
                    let repeats = v.repeatCells.flatMap { r.attribute($0) }.flatMap { Int($0) } ?? 1
                    if empty {
                        tables[tables.count - 1].column += min(max(repeats, 1), maxRepeat)
                    } else {
                        tables[tables.count - 1].inCell = true
                        // Emptied, its storage kept from cell to cell.
                        tables[tables.count - 1].cellText.removeAll(keepingCapacity: true)
                    }
                }
            case .endElement:
                let name = r.name
                if v.paragraph.contains(where: { $0 ~= name }) {
                    paragraphDepth = max(0, paragraphDepth - 1)
                    if paragraphDepth == 0 {
                        // The innermost table's state, taken out and moved back: read through
                        // the array, the whole state is copied, and a copy shares its buffers,
                        // so that every append would copy them.
                        var innermost = tables.popLast()
                        if innermost?.inCell == true {
                            if innermost?.cellText.isEmpty == false { innermost?.cellText.append(32) }
                            innermost?.cellText.append(contentsOf: paragraph)
                        } else {
                            block.add(paragraph: paragraph)
                            if block.isFull, let chunk = block.take(&cursor) { emit(chunk) }
                        }
                        if let t = innermost.take() { tables.append(consume t) }
                        paragraph.removeAll(keepingCapacity: true)
                    }
                } else if let t = v.textElements, t.contains(where: { $0 ~= name }) {
                    textDepth = max(0, textDepth - 1)
                } else if v.cell ~= name, !tables.isEmpty {
                    var t = tables.removeLast()
                    // A cell reference only where tables are sheets (ODF spreadsheets).
                    let ref = tablesAreParts ? "\(columnLetters(t.column))\(t.rowIndex + 1)" : nil
                    let header = t.headerTaken ? t.headers[t.column] : nil
                    if !t.headerTaken, let l = label(from: String(decoding: t.cellText, as: UTF8.self)) {
                        t.candidateHeaders[t.column] = l
                    }
                    t.row.add(t.cellText, ref: ref, label: header)
                    t.inCell = false
                    t.column += 1
                    tables.append(consume t)
                } else if v.row ~= name, !tables.isEmpty {
                    // Taken out and put back, as above: read in place, not copied.
                    var t = tables.removeLast()
                    // In a document (not a sheet), a row of two cells is a form's
                    // question and answer: read as "question: answer".
                    if !tablesAreParts { t.row.joinPairAsField() }
                    if let chunk = cursor.row(t.row) { emit(chunk) }
                    // A document's table takes its first row as its header; a sheet its first
                    // row of two or more filled cells, below its title lines (an OpenDocument
                    // sheet of one column has no header; an xlsx sheet's does, `Spreadsheet`).
                    if !t.headerTaken && !t.row.isEmpty && (!tablesAreParts || t.row.cells.count >= 2) {
                        // A form laid out as a table of questions and answers has no header: its
                        // first row is a question like the others, and its text would label the
                        // next rows' questions as answers.
                        // Nor has a table whose first row's only filled cell is the first of
                        // two: a question not yet answered ("Client" beside a blank cell).
                        let unanswered = t.column == 2 && t.row.cells.count == 1 && t.candidateHeaders.keys.elementsEqual([0])
                        t.headers = !tablesAreParts && (Self.isQuestionRow(t.row) || unanswered) ? [:] : t.candidateHeaders
                        t.headerTaken = true
                    }
                    t.candidateHeaders.removeAll()
                    if !t.row.isEmpty { t.rowIndex += 1 }
                    tables.append(t)
                } else if v.table ~= name, !tables.isEmpty {
                    tables.removeLast()
                }
            case .text, .whitespace:
                let inText = v.textElements == nil ? paragraphDepth > 0 : textDepth > 0
                if inText {
                    r.appendValue(to: &paragraph)
                }
            case .other:
                break
            }
        }
        // Text after the last paragraph end (malformed but readable) is not dropped.
        block.add(paragraph: paragraph)
        if let chunk = block.take(&cursor) { emit(chunk) }
    }
}
