// A small safe wrapper over libxml2's pull reader (xmlTextReader), for HTML and as the reference
// for XML. It knows nothing of Trawl.
//
// XML documents are read by `XMLStreamReader`, on libxml2's SAX2 parser, which gives the same
// nodes without building a tree; `readXML` here is what its tests compare it with.
//
// Safety decisions live here, not at call sites: no entity substitution (a billion-laughs file
// stays small; an external entity is never fetched or read), no DTD loading, no network, libxml2's
// default size limits on (no XML_PARSE_HUGE), and no error output on stderr (errors come back as
// values). HTML is parsed into a tree by the forgiving HTML parser and then walked with the same
// pull interface, so one extractor loop serves both.
internal import CXML2
#if canImport(Glibc)
import Glibc
#endif

/// A parse error from libxml2.
public struct XMLError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let line: Int
    public var description: String { line > 0 ? "line \(line): \(message)" : message }

    /// The options every XML parse runs with, whichever reader: no network, no error output, CDATA
    /// as text (and, by leaving them out, no entity substitution, no DTD loading, libxml2's limits).
    static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)

    /// The error libxml2 last recorded on this thread.
    static func last() -> XMLError {
        if let e = xmlGetLastError(), let m = e.pointee.message {
            var message = String(cString: m)
            while message.last == "\n" { message.removeLast() }
            return XMLError(message: message, line: Int(e.pointee.line))
        }
        return XMLError(message: "the document is not well-formed XML", line: 0)
    }
}

/// The kinds of node the reader stops on that callers care about.
public enum XMLNodeKind: Sendable {
    case element, endElement, text, whitespace, other
}

/// What a node of kind `.other` is. Its text (`appendValue`) is a comment's text, a processing
/// instruction's data, or an internal entity's value (`XMLStreamReader` only, for entities).
public enum XMLOtherKind: Sendable, Equatable {
    case comment, processingInstruction, entityReference, entityDeclaration, documentType, unknown
}

/// A document read one node at a time, as both readers give it: `XMLStreamReader` for XML,
/// `XMLPullReader` for HTML (and for XML as the reference the other is tested against).
public protocol XMLNodeReader: AnyObject {
    /// Advances to the next node. Returns false at the end of the document.
    func next() throws(XMLError) -> Bool
    var kind: XMLNodeKind { get }
    /// The local name of the current element (no prefix).
    var localName: String { get }
    /// The qualified name (prefix:local) of the current element.
    var qualifiedName: String { get }
    /// True for `<a/>`: no end-element node will follow.
    var isEmptyElement: Bool { get }
    /// Depth of the current node in the tree (the root element is 0).
    var depth: Int { get }
    /// Line of the current node in the input.
    var line: Int { get }
    /// Appends the text of the current node (UTF-8) to `out`.
    func appendValue(to out: inout [UInt8])
    /// What the current node of kind `.other` is.
    var otherKind: XMLOtherKind { get }
    /// A processing instruction's target or an entity's name; "" for other nodes.
    var otherName: String { get }
    /// The value of the attribute with this qualified name on the current element.
    func attribute(_ name: String) -> String?
    /// All attributes of the current element as (qualified name, value), in document order.
    func attributes() -> [(name: String, value: String)]
}

/// A forward-only reader over one XML or HTML document held in memory.
/// Use only inside `XMLPullReader.readXML` / `readHTML`.
public final class XMLPullReader: XMLNodeReader {
    private let reader: OpaquePointer
    private let document: xmlDocPtr?

    /// Why the HTML parser stopped before the end of its input, when it did: the tree holds only
    /// what came before. libxml2 halts, in recovery mode too, at a resource limit: elements
    /// nested deeper than 256, or a text node over 10 MB. Nil for XML.
    public let stoppedEarly: XMLError?

    private init(reader: OpaquePointer, document: xmlDocPtr?, stoppedEarly: XMLError? = nil) {
        self.reader = reader
        self.document = document
        self.stoppedEarly = stoppedEarly
    }

    deinit {
        xmlFreeTextReader(reader)
        if let document { xmlFreeDoc(document) }
    }

    private static let htmlOptions: Int32 = Int32(
        HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOIMPLIED.rawValue)

    /// Reads `bytes` as XML. The reader is valid only inside `body`.
    /// - Throws: `XMLError` when no reader can be made, and whatever `body` throws.
    public static func readXML<R>(_ bytes: UnsafeRawBufferPointer, _ body: (XMLPullReader) throws -> R) throws -> R {
        LibXML2Library.initialize()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        guard let r = xmlReaderForMemory(base, Int32(clamping: bytes.count), nil, nil, XMLError.parseOptions) else {
            throw XMLError(message: "libxml2 could not create a reader", line: 0)
        }
        return try body(XMLPullReader(reader: r, document: nil))
    }

    /// Reads `bytes` as HTML (forgiving parser, as browsers are). The reader is valid only inside
    /// `body`; its `stoppedEarly` says whether the parser read all of `bytes`.
    public static func readHTML<R>(_ bytes: UnsafeRawBufferPointer, _ body: (XMLPullReader) throws -> R) throws -> R {
        LibXML2Library.initialize()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        guard let context = htmlNewParserCtxt() else {
            throw XMLError(message: "libxml2 could not create an HTML parser", line: 0)
        }
        defer { htmlFreeParserCtxt(context) }
        guard let doc = htmlCtxtReadMemory(context, base, Int32(clamping: bytes.count), nil, "UTF-8", htmlOptions) else {
            throw XMLError(message: "the HTML parser returned no document", line: 0)
        }
        // In recovery mode an error leaves the SAX callbacks on; only a halt turns them off.
        var stopped: XMLError?
        if context.pointee.disableSAX != 0 {
            let e = context.pointee.lastError
            var message = e.message.map { String(cString: $0) } ?? "the HTML parser stopped"
            while message.last == "\n" { message.removeLast() }
            stopped = XMLError(message: message, line: Int(e.line))
        }
        guard let r = xmlReaderWalker(doc) else {
            xmlFreeDoc(doc)
            throw XMLError(message: "libxml2 could not create a reader", line: 0)
        }
        return try body(XMLPullReader(reader: r, document: doc, stoppedEarly: stopped))
    }

    /// Advances to the next node. Returns false at the end of the document.
    /// - Throws: `XMLError` when the document is not well-formed (XML only; HTML recovers).
    public func next() throws(XMLError) -> Bool {
        let rc = xmlTextReaderRead(reader)
        if rc == 1 { return true }
        if rc == 0 { return false }
        throw XMLError.last()
    }

    public var kind: XMLNodeKind {
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue): return .element
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue): return .endElement
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue): return .text
        case Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
            return .whitespace
        default: return .other
        }
    }

    public var otherKind: XMLOtherKind {
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_COMMENT.rawValue): return .comment
        case Int32(XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue): return .processingInstruction
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue): return .entityReference
        case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue): return .documentType
        default: return .unknown
        }
    }

    public var otherName: String {
        switch otherKind {
        case .processingInstruction, .entityReference: return localName
        default: return ""
        }
    }

    /// Local names already made into strings, with their bytes: a document repeats a few element
    /// names thousands of times ("row", "c", "v"), and making a string from C for each node was a
    /// large part of reading a sheet. Compared by content, so nothing depends on how long libxml2
    /// keeps its own copy.
    /// (Unchecked exclusivity: read and extended only here, by the one thread using the reader;
    /// the dynamic check cost more than the lookup.)
    @exclusivity(unchecked) private var knownNames: [(bytes: [CChar], name: String)] = []

    /// The local name of the current node (no prefix), "" when it has none.
    public var localName: String {
        guard let p = xmlTextReaderConstLocalName(reader) else { return "" }
        let c = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
        for known in knownNames where known.bytes[0] == c[0] && strcmp(known.bytes, c) == 0 { return known.name }
        let name = String(cString: p)
        if knownNames.count < 32 { knownNames.append((Array(UnsafeBufferPointer(start: c, count: strlen(c) + 1)), name)) }
        return name
    }

    /// The qualified name (prefix:local) of the current node.
    public var qualifiedName: String {
        guard let p = xmlTextReaderConstName(reader) else { return "" }
        return String(cString: p)
    }

    /// True for `<a/>`: no end-element node will follow.
    public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// Depth of the current node in the tree (the root element is 0).
    public var depth: Int { Int(xmlTextReaderDepth(reader)) }

    /// Line of the current node in the input, when libxml2 knows it.
    public var line: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return 0 }
        return Int(xmlGetLineNo(node))
    }

    /// Appends the text value of the current node (UTF-8) to `out`.
    public func appendValue(to out: inout [UInt8]) {
        guard let p = xmlTextReaderConstValue(reader) else { return }
        // One copy of the whole value, not an append per byte.
        out.append(contentsOf: UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
    }

    /// The value of the attribute with this qualified name on the current element.
    public func attribute(_ name: String) -> String? {
        // Read in place on the attribute node, then back to the element: no copy for libxml2 to
        // allocate and free, as xmlTextReaderGetAttribute makes.
        // withCString: a short name is made NUL-terminated on the stack, where passing the String
        // itself to C would allocate a copy.
        let found = name.withCString { xmlTextReaderMoveToAttribute(reader, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        guard found == 1 else { return nil }
        defer { xmlTextReaderMoveToElement(reader) }
        return xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
    }

    /// All attributes of the current element as (qualified name, value), in document order.
    public func attributes() -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        guard xmlTextReaderHasAttributes(reader) == 1 else { return out }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let name = xmlTextReaderConstName(reader).map { String(cString: $0) } ?? ""
            let value = xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? ""
            out.append((name, value))
        }
        xmlTextReaderMoveToElement(reader)
        return out
    }
}

/// libxml2's global state, which must be initialised once before threads use the library: made
/// lazily by two threads at once (two HTML parsers created together, each making a dictionary
/// seeded by the library's random generator), its recursive mutex can leave both waiting for
/// good, and the scan with them. Every entry point of this module calls `initialize()` first; a
/// Swift global is made once, whichever thread comes first, and the others wait for it.
public enum LibXML2Library {
    private static let initialized: Void = xmlInitParser()

    public static func initialize() { _ = initialized }
}
