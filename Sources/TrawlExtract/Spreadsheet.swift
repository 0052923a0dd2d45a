// SpreadsheetML (xlsx): shared strings, sheets in workbook order, dates, page headers and
// footers, cell comments and pivot caches.
//
// A cell holds an index into the shared-strings table, an inline string, or a number. A date is
// a number whose style has a date format: a "Date of Birth" column typed as dates would otherwise
// read as 30754. Such cells are rendered as ISO dates (yyyy-mm-dd) so that date patterns see them.
//
// A sheet's page headers and footers are read too, one line for each of their left, centre and
// right sections, their codes (fonts, page numbers) left out: a protective marking is often there
// and nowhere else.
//
// Comments (notes) live in parts of their own, tied to a sheet by its relationships; Excel writes
// the text of threaded comments there too. Each is read as a one-cell row at the cell it is on,
// in a part named after the sheet ("Learners comments").
//
// A pivot table keeps a copy of its source data, row by row, in a pivot cache: the data stays in
// the file when the sheet it came from is deleted and only the pivot's totals show. Each cached
// record is read as a row under its fields' names ("pivot cache 1").
import LibXML2
import TrawlModel

enum SpreadsheetExtractor {
    struct Sheet { var name: String; var path: String }

    /// A cell's type (its "t"), as far as reading it goes: an index into the shared strings, a
    /// number (which may be a date), or anything else (inline strings, booleans, errors,
    /// formulas' strings), whose value is its text.
    enum CellType {
        case shared, number, other

        init(_ t: UnsafeBufferPointer<UInt8>) {
            if t.count == 1 && t[0] == UInt8(ascii: "s") {
                self = .shared
            } else if t.count == 1 && t[0] == UInt8(ascii: "n") {
                self = .number
            } else {
                self = .other
            }
        }
    }

    /// A decimal integer, as `Int(String)` reads it; nil for anything else. Up to nine plain
    /// digits (a style index, a shared string's index) are read from the bytes, anything else
    /// through a string.
    static func decimal(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0 &- 48 < 10 }) else {
            return Int(String(decoding: text, as: UTF8.self))
        }
        return text.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// Which reader reads the shared strings and the sheets' cells.
    enum CellReading {
        /// `PlainXMLReader` where a part is plain XML, libxml2 for the rest.
        case plainWherePossible
        /// libxml2 alone: what the plain reader is checked against.
        case libxml2
    }

    /// - Parameter parts: the package's parts by name (only those the extractor needs).
    static func extract(parts: [String: [UInt8]], cellReading: CellReading = .plainWherePossible,
                        emit: (TextChunk) -> Void) throws {
        let shared = try sharedStrings(parts["xl/sharedStrings.xml"], cellReading)
        let dateStyles = try dateStyleIndexes(parts["xl/styles.xml"])
        var commentsRead: Set<String> = []
        // A part is read once, however many of the workbook's sheets name it: a crafted workbook
        // naming one large sheet thousands of times would otherwise be read as many times.
        var sheetsRead: Set<String> = []
        for sheet in try sheets(parts) where sheetsRead.insert(sheet.path).inserted {
            guard let xml = parts[sheet.path] else { continue }
            try extractSheet(xml, name: sheet.name, shared: shared, dateStyles: dateStyles, cellReading, emit: emit)
            for path in try commentParts(of: sheet, parts) where !commentsRead.contains(path) {
                guard let comments = parts[path] else { continue }
                try extractComments(comments, part: "\(sheet.name) comments", emit: emit)
                commentsRead.insert(path)
            }
        }
        // Comments no sheet claims are still read.
        for path in parts.keys.filter(isCommentPart).sorted() where !commentsRead.contains(path) {
            try extractComments(parts[path]!, part: "comments", emit: emit)
        }
        let definitions = parts.keys.compactMap { name in pivotCacheNumber(name, prefix: definitionPrefix).map { ($0, name) } }
        for (n, definition) in definitions.sorted(by: { $0.0 < $1.0 }) {
            guard let records = parts["\(recordsPrefix)\(n).xml"] else { continue }
            try extractPivotCache(definition: parts[definition]!, records: records, part: "pivot cache \(n)", emit: emit)
        }
    }

    private static let definitionPrefix = "xl/pivotCache/pivotCacheDefinition"
    private static let recordsPrefix = "xl/pivotCache/pivotCacheRecords"

    /// The number of a pivot cache's definition or records part ("xl/pivotCache/pivotCacheRecords2.xml"
    /// is records 2). Excel numbers a cache's two parts alike.
    private static func pivotCacheNumber(_ name: String, prefix: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(".xml") else { return nil }
        return Int(name.dropFirst(prefix.count).dropLast(4))
    }

    static func isPivotCachePart(_ name: String) -> Bool {
        name.hasPrefix("xl/pivotCache/pivotCache") && name.hasSuffix(".xml")
            && (pivotCacheNumber(name, prefix: definitionPrefix) != nil || pivotCacheNumber(name, prefix: recordsPrefix) != nil)
    }

    /// A cached value's text: a date (`d`) as its ISO date, the rest as written; nil for a
    /// missing value (`m`).
    private static func pivotValue(_ r: XMLStreamReader) -> String? {
        guard let v = r.attribute("v") else { return nil }
        return r.localName == "d" ? String(v.prefix(10)) : v
    }

    /// Each record of a pivot cache as a row labelled by its fields' names. A record holds each
    /// field's value in field order, inline or as an index (`x`) into the field's shared items.
    private static func extractPivotCache(definition: [UInt8], records: [UInt8], part: String, emit: (TextChunk) -> Void) throws {
        var fields: [(name: String?, items: [String?])] = []
        var inItems = false
        try XMLNodes.forEach(in: definition) { r throws in
            switch r.kind {
            case .element:
                switch r.localName {
                case "cacheField": fields.append((r.attribute("name").flatMap(label(from:)), []))
                case "sharedItems": inItems = !r.isEmptyElement
                case "s", "n", "d", "b", "e", "m":
                    if inItems, !fields.isEmpty { fields[fields.count - 1].items.append(pivotValue(r)) }
                default: break
                }
            case .endElement:
                if r.localName == "sharedItems" { inItems = false }
            default: break
            }
        }
        var cursor = PartCursor(part: part)
        var row = RowBuilder()
        var field = 0
        try XMLNodes.forEach(in: records) { r throws in
            switch r.kind {
            case .element:
                switch r.localName {
                case "r":
                    row.removeAll()
                    field = 0
                case "x", "s", "n", "d", "b", "e", "m":
                    defer { field += 1 }
                    let value: String?
                    if r.localName == "x" {
                        let items = field < fields.count ? fields[field].items : []
                        value = r.attribute("v").flatMap(Int.init).flatMap { $0 >= 0 && $0 < items.count ? items[$0] : nil }
                    } else {
                        value = pivotValue(r)
                    }
                    if let value { row.add(Array(value.utf8), label: field < fields.count ? fields[field].name : nil) }
                default: break
                }
            case .endElement:
                if r.localName == "r", let chunk = cursor.row(row) { emit(chunk) }
            default: break
            }
        }
    }

    static func isCommentPart(_ name: String) -> Bool {
        name.hasPrefix("xl/comments") && name.hasSuffix(".xml")
    }

    /// The comment parts a sheet's relationships name.
    private static func commentParts(of sheet: Sheet, _ parts: [String: [UInt8]]) throws -> [String] {
        let slash = sheet.path.lastIndex(of: "/").map { sheet.path[...$0] } ?? ""
        let file = sheet.path.dropFirst(slash.count)
        guard let rels = parts["\(slash)_rels/\(file).rels"] else { return [] }
        var found: [String] = []
        try XMLNodes.forEach(in: rels) { r throws in
            guard r.kind == .element && r.localName == "Relationship",
                  r.attribute("Type")?.hasSuffix("/comments") == true, let target = r.attribute("Target") else { return }
            found.append(resolve(target, from: String(slash)))
        }
        return found
    }

    /// A relationship's target as a part name: absolute ("/xl/comments1.xml") or relative to the
    /// folder of the part whose relationships name it ("../comments1.xml" from "xl/worksheets/").
    static func resolve(_ target: String, from folder: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var path = folder.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            if piece == ".." { if !path.isEmpty { path.removeLast() } } else if piece != "." { path.append(String(piece)) }
        }
        return path.joined(separator: "/")
    }

    /// Each comment as a one-cell row at its cell. The text is the comment's runs joined (Excel
    /// starts a note with its author's name, in a run of its own).
    private static func extractComments(_ xml: [UInt8], part: String, emit: (TextChunk) -> Void) throws {
        var cursor = PartCursor(part: part)
        var row = RowBuilder()
        var ref: String?
        var text: [UInt8] = []
        var inText = false
        try XMLNodes.forEach(in: xml) { r throws in
            switch r.kind {
            case .element:
                switch r.localName {
                case "comment":
                    ref = r.attribute("ref")
                    text.removeAll(keepingCapacity: true)
                case "t": inText = ref != nil && !r.isEmptyElement
                default: break
                }
            case .endElement:
                switch r.localName {
                case "t": inText = false
                case "comment":
                    row.removeAll()
                    row.add(text[...], ref: ref, label: nil)
                    if let chunk = cursor.row(row) { emit(chunk) }
                    ref = nil
                default: break
                }
            case .text, .whitespace:
                if inText { r.appendValue(to: &text) }
            case .other: break
            }
        }
    }

    /// A sheet's rows, read by the plain reader where it can; where the sheet holds what that
    /// reader leaves to libxml2, libxml2 reads it again from the start and the rows already
    /// handed on (the same rows: the two readers give the same nodes) are not handed on twice.
    private static func extractSheet(_ xml: [UInt8], name: String, shared: SharedStrings, dateStyles: Set<Int>,
                                     _ cellReading: CellReading, emit: (TextChunk) -> Void) throws {
        var emitted = 0
        if cellReading == .plainWherePossible {
            do {
                try PlainXMLReader.read(xml) { r in
                    try readSheet(r, name: name, shared: shared, dateStyles: dateStyles) { chunk in
                        emitted += 1
                        emit(chunk)
                    }
                }
                return
            } catch is PlainXMLReader.Unsupported {}
        }
        try xml.withUnsafeBytes { raw in
            try XMLStreamReader.read(raw) { r in
                try readSheet(r, name: name, shared: shared, dateStyles: dateStyles) { chunk in
                    if emitted > 0 { emitted -= 1 } else { emit(chunk) }
                }
            }
        }
    }

    private static func readSheet<R: CellNodeReader>(_ r: R, name: String, shared: SharedStrings, dateStyles: Set<Int>,
                                                     emit: (TextChunk) -> Void) throws {
        var cursor = PartCursor(part: name)
        // The header row's label of each column, by 0-based index. An array, not a dictionary:
        // every cell looks its column up. Only columns a sheet can have are kept (a cell without
        // a reference is placed by its position in the row, which could be anything).
        var headers: [String?] = []
        var headerRowSeen = false
        // The first one-cell row above the header: a title, or a one-column list's header.
        var singleCellTitle: (column: Int, label: String)?
        var row = RowBuilder()
        var type = CellType.number, style = 0
        var inValue = false
        // The row's cells as it is read: each cell's reference and text in one buffer kept for the
        // sheet, and where each lies in it. A buffer and a string per cell, and an array of them
        // per row, cost more than reading the cells.
        var rowBytes: [UInt8] = []
        var rowCells: [RowCell] = []
        var cellStart = 0, valueStart = 0
        // The page headers' and footers' text, and their lines as read.
        var inHeaderFooter = false
        var headerFooterText: [UInt8] = []
        var headerFooterLines: [[UInt8]] = []

        while try r.next() {
            switch r.kind {
            case .element:
                switch r.name {
                case "row":
                    rowBytes.removeAll(keepingCapacity: true)
                    rowCells.removeAll(keepingCapacity: true)
                case "c":
                    // Read in place: every cell has these.
                    type = .number
                    style = 0
                    cellStart = rowBytes.count
                    r.withAttribute("r") { rowBytes.append(contentsOf: $0) }
                    r.withAttribute("t") { type = CellType($0) }
                    r.withAttribute("s") { style = decimal($0) ?? 0 }
                    valueStart = rowBytes.count
                case "v", "t":
                    inValue = !r.isEmptyElement
                case "oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter":
                    inHeaderFooter = !r.isEmptyElement
                    headerFooterText.removeAll()
                default: break
                }
            case .text, .whitespace:
                if inValue { r.appendValue(to: &rowBytes) } else if inHeaderFooter { r.appendValue(to: &headerFooterText) }
            case .endElement:
                switch r.name {
                case "v", "t":
                    inValue = false
                case "oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter":
                    inHeaderFooter = false
                    headerFooterLines += headerFooterSections(headerFooterText)
                case "c":
                    // A shared string's index, or a date's serial number, gives way to the
                    // text it stands for.
                    if type == .shared, let index = rowBytes.withUnsafeBufferPointer({ decimal(UnsafeBufferPointer(rebasing: $0[valueStart...])) }),
                       index >= 0, index < shared.count {
                        rowBytes.replaceSubrange(valueStart..., with: shared[index])
                    } else if type == .number, dateStyles.contains(style),
                              let serial = Double(String(decoding: rowBytes[valueStart...], as: UTF8.self)),
                              let date = isoDate(fromSerial: serial) {
                        // A number that is no date keeps its text.
                        rowBytes.replaceSubrange(valueStart..., with: date.utf8)
                    }
                    let ref = cellStart..<valueStart
                    let column = columnIndex(ofRef: rowBytes[ref]) ?? rowCells.count
                    rowCells.append(RowCell(ref: ref, column: column, text: valueStart..<rowBytes.count))
                case "row":
                    row.removeAll()
                    // The header is the first row of two or more filled cells: a sheet's title,
                    // its period or its source line above the table fills one cell each. Until
                    // it comes, a row of one cell is a title, or the header of a one-column list
                    // for the one-cell rows below it in its column.
                    let filled = rowCells.count { !rowBytes[$0.text].trimmingWhitespace().isEmpty }
                    let isHeader = !headerRowSeen && filled >= 2
                    if !headerRowSeen && filled == 1, let cell = rowCells.first(where: { !rowBytes[$0.text].trimmingWhitespace().isEmpty }) {
                        if let title = singleCellTitle, title.column == cell.column {
                            row.add(rowBytes[cell.text], ref: String(decoding: rowBytes[cell.ref], as: UTF8.self), label: title.label)
                        } else {
                            row.add(rowBytes[cell.text], ref: String(decoding: rowBytes[cell.ref], as: UTF8.self))
                            singleCellTitle = label(from: String(decoding: rowBytes[cell.text], as: UTF8.self)).map { (cell.column, $0) }
                        }
                        if let chunk = cursor.row(row) { emit(chunk) }
                        break
                    }
                    for cell in rowCells {
                        let text = rowBytes[cell.text]
                        let header = !isHeader && cell.column < headers.count ? headers[cell.column] : nil
                        row.add(text, ref: String(decoding: rowBytes[cell.ref], as: UTF8.self), label: header)
                        if isHeader, cell.column < maxSheetColumns, let l = label(from: String(decoding: text, as: UTF8.self)) {
                            if cell.column >= headers.count {
                                headers.append(contentsOf: repeatElement(nil, count: cell.column + 1 - headers.count))
                            }
                            headers[cell.column] = l
                        }
                    }
                    if isHeader { headerRowSeen = true }
                    if let chunk = cursor.row(row) { emit(chunk) }
                default: break
                }
            case .other: break
            }
        }
        if !headerFooterLines.isEmpty {
            var block = ProseBlock()
            for line in headerFooterLines { block.add(paragraph: line) }
            var cursor = PartCursor(part: "\(name) header and footer")
            if let chunk = block.take(&cursor) { emit(chunk) }
        }
    }

    /// The text of a page header or footer, a line for each section (&L, &C, &R), without its
    /// codes: a font (&"Arial,Bold"), a size (&12), a colour (&KFF0000), a field (&P, &N, &D,
    /// &F...) or a style (&B, &U...); "&&" is an ampersand.
    static func headerFooterSections(_ text: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var i = 0
        while i < text.count {
            let b = text[i]
            guard b == UInt8(ascii: "&"), i + 1 < text.count else {
                lines[lines.count - 1].append(b)
                i += 1
                continue
            }
            let code = text[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "&"):
                lines[lines.count - 1].append(code)
            case UInt8(ascii: "L"), UInt8(ascii: "C"), UInt8(ascii: "R"):
                lines.append([])
            case UInt8(ascii: "\""):
                while i < text.count && text[i] != UInt8(ascii: "\"") { i += 1 }
                i += 1
            case UInt8(ascii: "K"):
                var n = 0
                while i < text.count, n < 6, isHexDigit(text[i]) || text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") { i += 1; n += 1 }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                while i < text.count && text[i] >= UInt8(ascii: "0") && text[i] <= UInt8(ascii: "9") { i += 1 }
            default:
                break
            }
        }
        return lines.filter { !$0.trimmingWhitespace().isEmpty }
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b | 32 >= 97 && b | 32 <= 102)
    }

    /// Where one cell of the row being read lies in the row's buffer.
    private struct RowCell {
        var ref: Range<Int>
        /// 0-based, from the reference; without one, the cell's place in the row.
        var column: Int
        var text: Range<Int>
    }

    /// The shared-strings table, read by the plain reader where it can, else by libxml2.
    private static func sharedStrings(_ xml: [UInt8]?, _ cellReading: CellReading) throws -> SharedStrings {
        guard let xml else { return SharedStrings() }
        if cellReading == .plainWherePossible, let table = try? PlainXMLReader.read(xml, readSharedStrings) { return table }
        return try xml.withUnsafeBytes { raw in try XMLStreamReader.read(raw, readSharedStrings) }
    }

    /// Each item of the table (`si`): its rich-text runs joined, its phonetic runs skipped. An
    /// item ends at its end tag: an empty `<si/>` is no item.
    private static func readSharedStrings<R: CellNodeReader>(_ r: R) throws -> SharedStrings {
        var table = SharedStrings()
        var inT = false, inPhonetic = false
        while try r.next() {
            switch r.kind {
            case .element:
                switch r.name {
                case "si": table.startItem()
                case "t": inT = !r.isEmptyElement
                case "rPh": inPhonetic = !r.isEmptyElement
                default: break
                }
            case .endElement:
                switch r.name {
                case "si": table.endItem()
                case "t": inT = false
                case "rPh": inPhonetic = false
                default: break
                }
            case .text, .whitespace:
                if inT && !inPhonetic { r.appendValue(to: &table.bytes) }
            case .other: break
            }
        }
        return table
    }

    /// The shared-strings table as one buffer of text and each item's place in it: a workbook's
    /// table holds tens of thousands of short strings, an allocation each as arrays of their own.
    struct SharedStrings {
        /// The items' text; past the last item's end, the text of the item being read.
        fileprivate(set) var bytes: [UInt8] = []
        private var items: [Range<Int>] = []
        /// Where the item being read starts, and where the text items hold ends.
        private var start = 0
        private var kept = 0

        var count: Int { items.count }

        subscript(index: Int) -> ArraySlice<UInt8> { bytes[items[index]] }

        /// An item starts: text read since the last item's end belongs to none and is dropped.
        mutating func startItem() {
            if bytes.count > kept { bytes.removeSubrange(kept...) }
            start = bytes.count
        }

        /// The item ends with the text read since its start (an item inside another, which no
        /// writer makes, is also part of the outer one's text).
        mutating func endItem() {
            items.append(start..<bytes.count)
            kept = bytes.count
        }
    }

    /// Sheets in workbook order, resolved to part names through the workbook's relationships.
    private static func sheets(_ parts: [String: [UInt8]]) throws -> [Sheet] {
        var targets: [String: String] = [:]
        if let rels = parts["xl/_rels/workbook.xml.rels"] {
            try XMLNodes.forEach(in: rels) { r throws in
                guard r.kind == .element && r.localName == "Relationship" else { return }
                if let id = r.attribute("Id"), let target = r.attribute("Target") {
                    targets[id] = resolve(target, from: "xl/")
                }
            }
        }
        var sheets: [Sheet] = []
        if let workbook = parts["xl/workbook.xml"] {
            try XMLNodes.forEach(in: workbook) { r throws in
                guard r.kind == .element && r.localName == "sheet" else { return }
                let name = r.attribute("name") ?? "Sheet\(sheets.count + 1)"
                if let id = r.attribute("r:id"), let path = targets[id] {
                    sheets.append(Sheet(name: name, path: path))
                }
            }
        }
        if sheets.isEmpty {
            // No usable workbook: read the worksheets in name order rather than nothing.
            sheets = parts.keys.filter { $0.hasPrefix("xl/worksheets/") && $0.hasSuffix(".xml") }.sorted()
                .map { Sheet(name: String($0.split(separator: "/").last!.dropLast(4)), path: $0) }
        }
        return sheets
    }

    /// Indexes into cellXfs whose number format is a date.
    private static func dateStyleIndexes(_ xml: [UInt8]?) throws -> Set<Int> {
        guard let xml else { return [] }
        var customDate: Set<Int> = []
        var result: Set<Int> = []
        var inCellXfs = false
        var index = 0
        try XMLNodes.forEach(in: xml) { r throws in
            if r.kind == .element {
                switch r.name {
                case "numFmt":
                    if let id = r.attribute("numFmtId").flatMap({ Int($0) }), isDateFormat(r.attribute("formatCode") ?? "") {
                        customDate.insert(id)
                    }
                case "cellXfs":
                    inCellXfs = !r.isEmptyElement
                case "xf" where inCellXfs:
                    let id = Int(r.attribute("numFmtId") ?? "0") ?? 0
                    if (14...22).contains(id) || (45...47).contains(id) || customDate.contains(id) { result.insert(index) }
                    index += 1
                default: break
                }
            } else if r.kind == .endElement && r.localName == "cellXfs" {
                inCellXfs = false
            }
        }
        return result
    }

    /// A format code is a date when, outside quotes and brackets, it has day/month/year letters.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false
        for c in code.lowercased() {
            if c == "\"" { inQuote.toggle(); continue }
            if inQuote { continue }
            if c == "[" { inBracket = true; continue }
            if c == "]" { inBracket = false; continue }
            if !inBracket && (c == "d" || c == "y" || c == "m") { return true }
        }
        return false
    }

    /// The last serial Excel shows as a date: 9999-12-31.
    static let lastDateSerial = 2_958_465.0

    /// Excel's 1900 date system: serial 1 is 1900-01-01, with its phantom 29 February 1900, so
    /// from serial 61 on, day 0 is 1899-12-30. Nil for a number Excel shows as no date (negative,
    /// past 9999-12-31, not finite): a cell's number comes from the file and may be anything.
    static func isoDate(fromSerial serial: Double) -> String? {
        // The range check comes first so that the conversion to Int below cannot trap; it is
        // false for NaN.
        guard serial >= 0, serial < lastDateSerial + 1 else { return nil }
        let days = Int(serial.rounded(.down))
        // 1970-01-01 is serial 25569.
        return CalendarDay(daysSinceEpoch: days - 25569).description
    }
}
