// The text of a Word 97-2003 document's main stream, as paragraphs and table rows.
//
// Word marks the text's structure with control characters: 0x0D ends a paragraph, 0x0C a page,
// 0x0B breaks a line; 0x13 instructions 0x14 result 0x15 is a field, whose instructions are
// dropped and result kept. A table is its cells' text, each cell ended by 0x07, and each row by
// one more 0x07 (the row's own mark): "Name␇Date of birth␇␇Ethan Brooks␇11/07/2007␇␇". Rows are
// read as a Word table's are in a docx (`FlowExtractor`): the first row labels the columns below
// it, unless it is a form's question and answer, and a row of two cells reads "question: answer".
// The row's own mark is told from an empty cell by the count of the first row's cells.
import TrawlModel

enum WordBinaryText {
    private struct Table {
        /// Cells per row, from the first row; 0 while it is read.
        var columns = 0
        var headers: [String?] = []
        var candidateHeaders: [String?] = []
        var row = RowBuilder()
        var cells = 0
    }

    static func emit(_ text: [UInt8], emit: (TextChunk) -> Void) {
        var cursor = PartCursor(part: "WordDocument")
        var block = ProseBlock()
        var line: [UInt8] = []
        var inInstruction: [Bool] = []
        var table: Table?
        /// The last mark read ended a cell: a 0x07 straight after it with no text may be the row's.
        var afterCellMark = false

        func endRow(_ t: inout Table) {
            // A table of two columns is a form's questions and answers (three with one left
            // empty is not).
            if t.columns <= 2 { t.row.joinPairAsField() }
            if let c = cursor.row(t.row) { emit(c) }
            if t.columns == 0 {
                t.columns = t.cells
                t.headers = FlowExtractor.isQuestionRow(t.row) ? [] : t.candidateHeaders
            }
            t.row.removeAll()
            t.cells = 0
        }

        for b in text {
            switch b {
            case 0x13: inInstruction.append(true); continue
            case 0x14: if !inInstruction.isEmpty { inInstruction[inInstruction.count - 1] = false }; continue
            case 0x15: if !inInstruction.isEmpty { inInstruction.removeLast() }; continue
            default: if inInstruction.last == true { continue }
            }
            switch b {
            case 0x07:
                if table == nil {
                    if let c = block.take(&cursor) { emit(c) }
                    table = Table()
                }
                let isRowMark = afterCellMark && line.isEmpty && table!.cells > 0
                    && (table!.columns == 0 || table!.cells >= table!.columns)
                if isRowMark {
                    endRow(&table!)
                    afterCellMark = false
                } else {
                    let column = table!.cells
                    if table!.columns == 0 {
                        table!.candidateHeaders.append(label(from: String(decoding: line, as: UTF8.self)))
                    }
                    let header = column < table!.headers.count ? table!.headers[column] : nil
                    table!.row.add(line, label: header)
                    table!.cells += 1
                    line = []
                    afterCellMark = true
                }
            case 0x0D, 0x0C:
                afterCellMark = false
                // Within a row, a paragraph of a cell; between rows, the first after the table.
                if let t = table {
                    if t.cells > 0 {
                        line.append(32)
                        continue
                    }
                    table = nil
                }
                block.add(paragraph: line)
                line = []
            case 0x0B: line.append(10); afterCellMark = false
            case 0x01, 0x08: break  // picture and drawn-object anchors
            default: line.append(b); afterCellMark = false
            }
        }
        if var t = table, t.cells > 0 { endRow(&t) }
        block.add(paragraph: line)
        if let c = block.take(&cursor) { emit(c) }
    }
}
