// The text of Office Open XML (Word, PowerPoint, Excel) and OpenDocument packages: which parts of
// the zip are read, in which order, and by which reader (`FlowExtractor` for running text,
// `SpreadsheetExtractor` for workbooks).
import LibArchive
import TrawlModel

enum OfficeText {
    static func word(_ bytes: [UInt8], limits: ExtractLimits, emit: (TextChunk) -> Void) throws {
        let parts = try OfficePackage.read(bytes, limits: limits) { name in
            name == "word/document.xml" || (name.hasPrefix("word/") && name.hasSuffix(".xml")
                && ["header", "footer", "footnotes", "endnotes", "comments"].contains { name.dropFirst(5).hasPrefix($0) })
        }
        guard parts["word/document.xml"] != nil else { throw ExtractError.corrupt("docx without word/document.xml") }
        for name in ["word/document.xml"] + parts.keys.filter({ $0 != "word/document.xml" }).sorted() {
            try FlowExtractor.extract(parts[name]!, part: name, vocabulary: .wordprocessingML, reading: .plainWherePossible,
                                      emit: emit)
        }
    }

    static func presentation(_ bytes: [UInt8], limits: ExtractLimits, emit: (TextChunk) -> Void) throws {
        let parts = try OfficePackage.read(bytes, limits: limits) { name in
            (name.hasPrefix("ppt/slides/slide") || name.hasPrefix("ppt/notesSlides/notesSlide")) && name.hasSuffix(".xml")
        }
        for name in parts.keys.sorted(by: OfficePackage.naturalOrder) {
            let file = name.split(separator: "/").last.map(String.init) ?? name
            let number = file.filter(\.isNumber)
            let part = name.contains("notesSlides") ? "notes \(number)" : "slide \(number)"
            try FlowExtractor.extract(parts[name]!, part: part, vocabulary: .drawingML, emit: emit)
        }
    }

    static func workbook(_ bytes: [UInt8], limits: ExtractLimits, emit: (TextChunk) -> Void) throws {
        let parts = try OfficePackage.read(bytes, limits: limits) { name in
            name == "xl/workbook.xml" || name == "xl/_rels/workbook.xml.rels" || name == "xl/sharedStrings.xml"
                || name == "xl/styles.xml" || (name.hasPrefix("xl/worksheets/") && name.hasSuffix(".xml"))
                || (name.hasPrefix("xl/worksheets/_rels/") && name.hasSuffix(".xml.rels"))
                || SpreadsheetExtractor.isCommentPart(name) || SpreadsheetExtractor.isPivotCachePart(name)
        }
        try SpreadsheetExtractor.extract(parts: parts, emit: emit)
    }

    static func openDocument(_ bytes: [UInt8], format: DocumentFormat, limits: ExtractLimits, emit: (TextChunk) -> Void) throws {
        let parts = try OfficePackage.read(bytes, limits: limits) {
            $0 == "content.xml" || $0 == "styles.xml" || isOpenDocumentObject($0)
        }
        guard let content = parts["content.xml"] else { throw ExtractError.corrupt("OpenDocument without content.xml") }
        try FlowExtractor.extract(content, part: "content.xml", vocabulary: .openDocument,
                                  tablesAreParts: format == .ods, emit: emit)
        if let styles = parts["styles.xml"] {
            // Headers and footers live in styles.xml.
            try FlowExtractor.extract(styles, part: "styles.xml", vocabulary: .openDocument, emit: emit)
        }
        // Embedded objects (a spreadsheet in a text, a chart's table) keep their own
        // content in a folder of the package: the part is named after the folder.
        for name in parts.keys.filter(isOpenDocumentObject).sorted() {
            try FlowExtractor.extract(parts[name]!, part: String(name.dropLast("/content.xml".count)),
                                      vocabulary: .openDocument, emit: emit)
        }
    }

    /// Whether a part of an OpenDocument package is an embedded object's content
    /// ("Object 1/content.xml").
    static func isOpenDocumentObject(_ part: String) -> Bool {
        part.hasSuffix("/content.xml") && !part.hasPrefix("META-INF/")
    }
}

/// An Office Open XML or OpenDocument package: a zip whose parts we read selectively.
enum OfficePackage {
    /// The parts whose names `wanted` accepts, each held whole. Together they are held at once,
    /// so they are charged to one `ExpansionBudget` as archive members are: a small package of
    /// many large, repetitive parts (a zip bomb of headers) stops at the file's limits of
    /// expansion, not at the machine's memory.
    static func read(_ bytes: [UInt8], limits: ExtractLimits, wanted: (String) -> Bool) throws(ExtractError) -> [String: [UInt8]] {
        var parts: [String: [UInt8]] = [:]
        let budget = ExpansionBudget(limits: limits, outerSize: bytes.count)
        do {
            try bytes.withUnsafeBytes { raw in
                // A package is a zip (the sniffer said so from its first bytes).
                try ArchiveReader.read(raw, formats: .zip) { reader in
                    while let entry = try reader.nextEntry() {
                        let name = String(decoding: entry.pathBytes, as: UTF8.self)
                        guard wanted(name) else { continue }
                        if entry.isEncrypted {
                            throw ExtractError.encrypted("part \(name) is encrypted")
                        }
                        let (data, truncated) = try reader.readData(limit: limits.maxMemberSize)
                        if truncated {
                            throw ExtractError.tooLarge("part \(name) expands past the limit of \(limits.maxMemberSize) bytes")
                        }
                        try budget.charge(data.count)
                        parts[name] = data
                    }
                }
            }
        } catch let error as ExtractError {
            throw error
        } catch let error as ArchiveError {
            let lowered = error.message.lowercased()
            if lowered.contains("encrypt") || lowered.contains("passphrase") { throw .encrypted(error.message) }
            throw .corrupt("package: \(error.message)")
        } catch {
            throw .corrupt("package: \(error)")
        }
        return parts
    }

    /// "slide2.xml" before "slide10.xml".
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let na = Int(a.filter(\.isNumber)) ?? 0, nb = Int(b.filter(\.isNumber)) ?? 0
        return (a.contains("notes") ? 1 : 0, na, a) < (b.contains("notes") ? 1 : 0, nb, b)
    }
}
