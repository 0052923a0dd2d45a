// Generic XML and HTML.
//
// XML: an element's attributes and the texts of its child elements form one record, each value
// labelled with its attribute or element name, so <dateOfBirth> is context for the date inside it.
// Comments, processing instructions and internal entity values are read in parts of their own
// ("comments", "processing instructions", "entities"); a reference to an internal entity reads
// as its value, declared, in the text around it (never expanded further; see XMLStreamReader).
// HTML: block elements end a paragraph; table rows become row chunks with the first row's cells
// as headers. Scripts, comments and the attributes people write values into (title, alt, value,
// placeholder, aria-label, a meta's content, a mailto: link's address) are read in parts of their
// own ("script", "comments", "attributes"); style is not text.
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
        var asides = MarkupAsides()

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
            try XMLNodes.forEach(in: xml) { r throws in
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
                case .other where r.otherKind == .entityReference:
                    // The entity's value stands where it is referred to, as text.
                    if !stack.isEmpty { r.appendValue(to: &stack[stack.count - 1].text) }
                case .other:
                    asides.read(r, emit: emit)
                case .whitespace:
                    break
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

/// Comments, processing instructions and entity declarations: text a person wrote into a
/// document that is not its content, each read as a chunk of its own part when it comes.
struct MarkupAsides {
    private var comments = PartCursor(part: "comments")
    private var instructions = PartCursor(part: "processing instructions")
    private var entities = PartCursor(part: "entities")

    mutating func read(_ r: some XMLNodeReader, emit: (TextChunk) -> Void) {
        var text: [UInt8] = []
        switch r.otherKind {
        case .comment:
            r.appendValue(to: &text)
            if let c = comments.prose(text, line: r.line) { emit(c) }
        case .processingInstruction:
            r.appendValue(to: &text)
            var row = RowBuilder()
            row.add(text, label: label(from: r.otherName))
            if let c = instructions.row(row, line: r.line) { emit(c) }
        case .entityDeclaration:
            r.appendValue(to: &text)
            var row = RowBuilder()
            row.add(text, label: label(from: r.otherName))
            if let c = entities.row(row, line: r.line) { emit(c) }
        case .entityReference, .documentType, .unknown:
            break
        }
    }
}

enum HTMLExtractor {
    private static let blocks: Set<String> = [
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
        "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "form", "hr", "body", "title", "address", "main", "nav",
    ]
    /// Not text: a style sheet. A script's text is read in a part of its own.
    private static let invisible: Set<String> = ["style"]
    /// Attributes whose values a person writes (or a page fills in from a record).
    private static let writtenAttributes: Set<String> = ["title", "alt", "placeholder", "aria-label", "value", "label"]

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
        var asides = MarkupAsides()
        var scripts = PartCursor(part: "script")
        var script: [UInt8]?
        var attributeCursor = PartCursor(part: "attributes")
        /// A mailto: link's address and the link's text so far: the address is read on its own
        /// only when the text does not already show it.
        var mailto: (address: [UInt8], text: [UInt8])?

        /// The values of an element's written attributes, as one row: labelled by the element's
        /// name or id when it has one (an input's "ni_number"), else by the attribute.
        func readAttributes(_ element: String, _ r: XMLPullReader) {
            let attributes = r.attributes()
            guard !attributes.isEmpty else { return }
            var row = RowBuilder()
            let owner = attributes.first { $0.name.lowercased() == "name" || $0.name.lowercased() == "id" }?.value
            for (name, value) in attributes {
                let attribute = name.lowercased()
                if writtenAttributes.contains(attribute) {
                    row.add(Array(value.utf8), label: label(from: owner ?? attribute))
                } else if attribute == "content" && element == "meta" {
                    let what = attributes.first { ["name", "property", "itemprop", "http-equiv"].contains($0.name.lowercased()) }?.value
                    row.add(Array(value.utf8), label: label(from: what ?? attribute))
                } else if attribute == "href" && element == "a" && value.lowercased().hasPrefix("mailto:") {
                    let address = value.dropFirst("mailto:".count).prefix { $0 != "?" }
                    mailto = (Array(address.utf8), [])
                }
            }
            if let c = attributeCursor.row(row, line: r.line) { emit(c) }
        }
        func endLink() {
            guard let link = mailto else { return }
            mailto = nil
            let shown = String(decoding: link.text, as: UTF8.self).lowercased()
            guard !shown.contains(String(decoding: link.address, as: UTF8.self).lowercased()) else { return }
            var row = RowBuilder()
            row.add(link.address, label: "mailto")
            if let c = attributeCursor.row(row) { emit(c) }
        }

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
            case "script":
                script = script ?? []
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
            case "script":
                if let text = script, let c = scripts.prose(text) { emit(c) }
                script = nil
            case "a":
                endLink()
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
                        readAttributes(name, r)
                        if r.isEmptyElement { close(name) }
                    case .endElement:
                        close(r.localName.lowercased())
                    case .text, .whitespace:
                        guard hidden == 0 else { continue }
                        if script != nil {
                            r.appendValue(to: &script!)
                        } else if let t = tables.last, t.inCell {
                            r.appendValue(to: &tables[tables.count - 1].cell)
                        } else {
                            r.appendValue(to: &paragraph)
                        }
                        if mailto != nil { r.appendValue(to: &mailto!.text) }
                    case .other:
                        asides.read(r, emit: emit)
                    }
                }
            }
        }
        while !tables.isEmpty { endRow(); tables.removeLast() }
        endLink()
        flushParagraph()
        if let chunk = block.take(&cursor) { emit(chunk) }
        // What was read is searched; the rest is reported, not passed over in silence.
        if let stoppedEarly {
            throw ExtractError.limitExceeded("html: read only in part: libxml2 stopped at \(stoppedEarly)")
        }
    }
}
