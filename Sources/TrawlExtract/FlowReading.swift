// Which reader reads a part of running text for `FlowExtractor`: the plain reader
// (`PlainXMLReader`, prefixes resolved) for the WordprocessingML parts of a Word file, libxml2
// (`XMLStreamReader`) for the rest, and for a part again, from its start, where the plain reader
// meets what it leaves to libxml2.
//
// Why: a Word document is a long run of small elements (`<w:r><w:t>text</w:t></w:r>`); read by
// libxml2's parser, its callbacks and the events they record, its parts cost over twice what they
// cost read from the bytes (docs/performance.md). The chunks a part's nodes make are made by one
// walker from either reader (`FlowExtractor.walk`); where libxml2 reads a part again, the chunks
// the plain reader's nodes made (libxml2's first nodes, so the same chunks) are not handed on
// twice.
import LibXML2
import TrawlModel

/// What the walker of running text reads of a node, from either reader.
protocol FlowNodeReader: CellNodeReader {
    /// The value of the attribute with this qualified name on the current element (OpenDocument's
    /// `text:c`, `table:name`), for the vocabularies that look attributes up.
    func attribute(_ name: String) -> String?
}

extension XMLStreamReader: FlowNodeReader {}

extension PlainXMLReader: FlowNodeReader {
    /// Not read: the plain reader reads only vocabularies that look up no attribute
    /// (`FlowVocabulary.looksUpAttributes`, checked by `FlowReading.read`).
    func attribute(_ name: String) -> String? {
        preconditionFailure("the plain reader reads no vocabulary that looks attributes up")
    }
}

extension FlowVocabulary {
    /// Whether the walker asks a part's elements for attributes in this vocabulary.
    var looksUpAttributes: Bool { space != nil || repeatCells != nil || tableName != nil }
}

/// Which reader reads a part of running text.
enum FlowReading {
    /// `PlainXMLReader` where the part is plain XML (prefixes bound in scope allowed), libxml2
    /// for the rest.
    case plainWherePossible
    /// libxml2 alone (and what the plain reader is checked against).
    case libxml2

    /// Reads the paragraphs and table rows of `xml` (`FlowExtractor.walk`).
    /// - Throws: `XMLError` when the part is not well-formed (after the chunks of the nodes
    ///   before the error).
    func read(_ xml: [UInt8], part: String, vocabulary: FlowVocabulary, tablesAreParts: Bool,
              emit: (TextChunk) -> Void) throws {
        var emitted = 0
        if self == .plainWherePossible && !vocabulary.looksUpAttributes {
            do {
                try PlainXMLReader.read(xml, prefixes: .resolved) { r in
                    try FlowExtractor.walk(r, part: part, vocabulary: vocabulary, tablesAreParts: tablesAreParts) { chunk in
                        emitted += 1
                        emit(chunk)
                    }
                }
                return
            } catch is PlainXMLReader.Unsupported {}
        }
        try xml.withUnsafeBytes { raw in
            try XMLStreamReader.read(raw) { r in
                try FlowExtractor.walk(r, part: part, vocabulary: vocabulary, tablesAreParts: tablesAreParts) { chunk in
                    if emitted > 0 { emitted -= 1 } else { emit(chunk) }
                }
            }
        }
    }
}
