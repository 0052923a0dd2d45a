// Generic XML and HTML.
//
// XML: an element's attributes and the texts of its child elements form one record, each value
// labelled with its attribute or element name, so <dateOfBirth> is context for the date inside it.
// HTML: block elements end a paragraph; table rows become row chunks with the first row's cells
// as headers; script and style are not text.
import LibXML2
import TrawlModel

enum XMLRecordExtractor {
    private struct Frame {
        var name: String
        var row = RowBuilder()
        var text: [UInt8] = []
        var line: Int
    }

    static func extract(_ xml: [UInt8], emit: (TextChunk) -> Void) throws {
        var cursor = PartCursor(part: nil)
        var stack: [Frame] = []

        func close(_ frame: Frame) {
            // The element's own text is a value in its parent's record, labelled by its name.
            if !frame.text.trimmingWhitespace().isEmpty {
                if stack.isEmpty {
                    var row = RowBuilder()
                    row.add(frame.text, label: frame.name)
                    if let chunk = cursor.row(row, line: frame.line) { emit(chunk) }
                } else {
                    stack[stack.count - 1].row.add(frame.text, label: frame.name)
                }
            }
            if let chunk = cursor.row(frame.row, line: frame.line) { emit(chunk) }
        }

        do {
            try xml.withUnsafeBytes { raw throws in
                try XMLStreamReader.read(raw) { r throws in
                    while try r.next() {
                        switch r.kind {
                        case .element:
                            var frame = Frame(name: r.localName, line: r.line)
                            for (name, value) in r.attributes() where !name.hasPrefix("xmlns") {
                                frame.row.add(Array(value.utf8), label: name)
                            }
                            if r.isEmptyElement { close(frame) } else { stack.append(frame) }
                        case .endElement:
                            if let frame = stack.popLast() { close(frame) }
                        case .text:
                            if !stack.isEmpty {
                                if !stack[stack.count - 1].text.isEmpty { stack[stack.count - 1].text.append(32) }
                                r.appendValue(to: &stack[stack.count - 1].text)
                            }
                        case .whitespace, .other:
                            break
                        }
                    }
                }
            }
        } catch {
            // What was read before the document broke off is searched, and the error reported:
            // the records of the elements still open, as far as they go.
            while let frame = stack.popLast() { close(frame) }
            throw error
        }
    }
}

enum HTMLExtractor {
    private static let blocks: Set<String> = [
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
        "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "form", "hr", "body", "title", "address", "main", "nav",
    ]
    private static let invisible: Set<String> = ["script", "style", "noscript", "template"]

    private struct TableState {
        var headers: [Int: String] = [:]
        var rowIndex = 0
        var row = RowBuilder()
        var column = 0
        var cell: [UInt8] = []
        var inCell = false
    }

    static func extract(_ html: [UInt8], emit: (TextChunk) -> Void) throws {
        var cursor = PartCursor(part: nil)
        var paragraph: [UInt8] = []
        var block = ProseBlock()
        var tables: [TableState] = []
        var hidden = 0

        // HTML paragraphs are separate records: each is followed by a blank line in the block.
        func flushParagraph() {
            block.add(paragraph: paragraph)
            block.addBlankLine()
            paragraph = []
            if block.isFull, let chunk = block.take(&cursor) { emit(chunk) }
        }
        func endCell() {
            guard var t = tables.last, t.inCell else { return }
            let header = t.rowIndex == 0 ? nil : t.headers[t.column]
            if t.rowIndex == 0, let l = label(from: String(decoding: t.cell, as: UTF8.self)) { t.headers[t.column] = l }
            t.row.add(t.cell, label: header)
            t.cell = []
            t.inCell = false
            t.column += 1
            tables[tables.count - 1] = t
        }
        func endRow() {
            endCell()
            guard let t = tables.last else { return }
            if let chunk = cursor.row(t.row) { emit(chunk) }
            if !t.row.isEmpty { tables[tables.count - 1].rowIndex += 1 }
            tables[tables.count - 1].row = RowBuilder()
            tables[tables.count - 1].column = 0
        }

        func open(_ name: String) {
            if invisible.contains(name) { hidden += 1; return }
            switch name {
            case "br":
                if let t = tables.last, t.inCell { tables[tables.count - 1].cell.append(32) } else { paragraph.append(10) }
            case "table":
                flushParagraph()
                if let chunk = block.take(&cursor) { emit(chunk) }
                tables.append(TableState())
            case "tr":
                if tables.last?.row.isEmpty == false || tables.last?.inCell == true { endRow() }
            case "td", "th":
                endCell()
                if !tables.isEmpty { tables[tables.count - 1].inCell = true }
            default:
                if blocks.contains(name) {
                    if let t = tables.last, t.inCell { tables[tables.count - 1].cell.append(32) } else { flushParagraph() }
                }
            }
        }
        func close(_ name: String) {
            if invisible.contains(name) { hidden = max(0, hidden - 1); return }
            switch name {
            case "table":
                endRow()
                if !tables.isEmpty { tables.removeLast() }
            case "tr": endRow()
            case "td", "th": endCell()
            default:
                if blocks.contains(name) && tables.last?.inCell != true { flushParagraph() }
            }
        }

        var stoppedEarly: XMLError?
        try html.withUnsafeBytes { raw throws in
            try XMLPullReader.readHTML(raw) { r throws in
                stoppedEarly = r.stoppedEarly
                while try r.next() {
                    switch r.kind {
                    case .element:
                        let name = r.localName.lowercased()
                        open(name)
                        if r.isEmptyElement { close(name) }
                    case .endElement:
                        close(r.localName.lowercased())
                    case .text, .whitespace:
                        guard hidden == 0 else { continue }
                        if let t = tables.last, t.inCell {
                            r.appendValue(to: &tables[tables.count - 1].cell)
                        } else {
                            r.appendValue(to: &paragraph)
                        }
                    case .other: break
                    }
                }
            }
        }
        while !tables.isEmpty { endRow(); tables.removeLast() }
        flushParagraph()
        if let chunk = block.take(&cursor) { emit(chunk) }
        // What was read is searched; the rest is reported, not passed over in silence.
        if let stoppedEarly {
            throw ExtractError.limitExceeded("html: read only in part: libxml2 stopped at \(stoppedEarly)")
        }
    }
}
