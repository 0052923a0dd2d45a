// A forward-only reader over an XML document in memory, driven by libxml2's SAX2 parser. It knows
// nothing of Trawl.
//
// Why not xmlTextReader: the text reader builds a tree node for every element, attribute and text
// and frees it again once passed; in a sheet of 1,500 cells that was most of libxml2's time.
// Here the parser is fed 64 KiB at a time and its callbacks record what they see as flat events
// (names are libxml2's interned strings, attribute values and text are copied into one buffer),
// which `next()` then hands out one by one. Memory stays bounded by one piece's events.
//
// What callers see is what xmlTextReader showed them, node for node: adjacent character data is
// one text node (comments, processing instructions and entity references end it); a text of
// blanks alone is whitespace; `<a/>` is one empty element with no end; line numbers are libxml2's
// (capped at 65535, as without XML_PARSE_BIG_LINES); attribute values have their references
// resolved as the tree would. The differences: internal entity declarations are nodes here, and
// an entity reference has its value (below); a document that is not well-formed yields every
// node parsed before the error (the text reader, which parses ahead of what it hands out, can
// stop short of some; its nodes are always the first of these, a test checks), and `localName`
// of a node that is not an element is "".
//
// Safety is the text reader's: the same parser options (no entity substitution, no DTD loading,
// no network, libxml2's size limits, no error output). Declarations in the internal subset are
// still recorded by libxml2's own SAX2 callbacks, and an entity's content, which the parser reads
// once to check it, is built into the entity by them too (so a second reference is not parsed
// again): a billion-laughs document stays as small here as it was.
//
// Text outside elements is handed out too, on nodes of kind `.other` (`otherKind` says which):
// a comment's text, a processing instruction's data, an internal entity's value where it is
// declared, and at a reference to one, its value as declared: one level, never expanded further
// (a reference inside it stays "&name;"), and no more of it in all than the document's own size
// (at least 1 MiB), so a billion laughs cannot grow here either. External entities are never
// read: their content is not loaded, so they have none to give.
internal import CXML2
#if canImport(Glibc)
import Glibc
#endif

/// An element's name as libxml2 interned it (`XMLStreamReader.name`), compared with a name
/// known in advance byte for byte.
public struct XMLName {
    /// libxml2's xmlChar is an unsigned char; named here as bytes so that the comparisons can be
    /// inlined into the callers (a call per comparison cost more than the comparison).
    @usableFromInline let bytes: UnsafePointer<UInt8>?

    init(bytes: UnsafePointer<UInt8>?) { self.bytes = bytes }

    /// Whether the name is `literal`; a switch over names uses it (`case "row":`).
    @inlinable
    public static func ~= (literal: StaticString, name: XMLName) -> Bool { name == literal }

    @inlinable
    public static func == (name: XMLName, literal: StaticString) -> Bool {
        name.equals(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Whether the name is these bytes (no name: whether they are none).
    @inlinable
    func equals(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes else { return s.isEmpty }
        // The interned name ends in a NUL, which no byte of `s` is: a shorter name differs at
        // its end, before anything past it is read.
        for i in 0..<s.count where p[i] != s[i] { return false }
        return p[s.count] == 0
    }
}

public final class XMLStreamReader: XMLNodeReader {
    private struct Event {
        var kind: XMLNodeKind
        var isEmpty = false
        var depth: Int32
        var line: Int32
        /// Element: its local name, interned by the parser (for an unbound prefix, "prefix:local").
        var name: UnsafePointer<xmlChar>? = nil
        var prefix: UnsafePointer<xmlChar>? = nil
        /// Element: its first attribute in `attributeStore`; text: its first byte in `bytes`.
        var first: Int = 0
        /// Element: its attributes (namespace declarations first); text: its length.
        var count: Int = 0
        /// Other: what it is, and how many of its bytes (from `first`) are its name (a processing
        /// instruction's target, an entity's name); its text follows them.
        var other: XMLOtherKind = .unknown
        var nameLength: Int = 0
    }

    private struct Attribute {
        /// Local name; for a namespace declaration, the prefix it declares (nil for `xmlns`).
        var name: UnsafePointer<xmlChar>?
        var prefix: UnsafePointer<xmlChar>?
        var isNamespace: Bool
        /// A prefix bound to no namespace: libxml2's tree names such an attribute "prefix:local"
        /// and looking it up by that name finds nothing.
        var isUnbound: Bool
        var value: Range<Int>
    }

    // The state below is touched by one thread, the reader's user, and by the parser's callbacks,
    // which run inside `parseMore` while it holds no access to it: unchecked exclusivity (the
    // dynamic checks cost more than the parsing they guarded).
    private let context: xmlParserCtxtPtr
    private let input: UnsafeRawBufferPointer
    @exclusivity(unchecked) private var fed = 0
    @exclusivity(unchecked) private var parsed = false
    @exclusivity(unchecked) private var failure: XMLError?

    @exclusivity(unchecked) private var events: [Event] = []
    @exclusivity(unchecked) private var attributeStore: [Attribute] = []
    /// Attribute values and texts of the events held.
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    /// The event `next()` last moved to.
    @exclusivity(unchecked) private var position = -1
    /// Elements open at the parser's point.
    @exclusivity(unchecked) private var openElements: Int32 = 0
    /// The last start was `<a/>`: its end is not an event of its own.
    @exclusivity(unchecked) private var startWasEmpty = false
    /// The line of each open element: its end node is the same node in libxml2's tree.
    @exclusivity(unchecked) private var openLines: [Int32] = []
    /// Bytes of entity values still to be handed out at references (see the opening comment).
    @exclusivity(unchecked) private var referenceBudget = 0

    /// How much of the document is handed to the parser at a time.
    private static let pieceSize = 64 * 1024

    /// libxml2's own SAX2 callbacks (declarations, entities, the document), with the element,
    /// text, comment, processing-instruction and reference callbacks replaced by this reader's.
    private static func handler() -> xmlSAXHandler {
        var h = xmlSAXHandler()
        xmlSAXVersion(&h, 2)
        h.startElementNs = onStartElement
        h.endElementNs = onEndElement
        h.characters = onCharacters
        h.ignorableWhitespace = onCharacters
        h.comment = onComment
        h.processingInstruction = onProcessingInstruction
        h.reference = onReference
        h.internalSubset = onInternalSubset
        h.entityDecl = onEntityDeclaration
        return h
    }

    private init(context: xmlParserCtxtPtr, input: UnsafeRawBufferPointer) {
        self.context = context
        self.input = input
    }

    deinit {
        context.pointee._private = nil
        if let doc = context.pointee.myDoc {
            context.pointee.myDoc = nil
            xmlFreeDoc(doc)
        }
        xmlFreeParserCtxt(context)
    }

    /// Reads `bytes` as XML. The reader is valid only inside `body`.
    /// - Throws: `XMLError` when no parser can be made, and whatever `body` throws.
    public static func read<R>(_ bytes: UnsafeRawBufferPointer, _ body: (XMLStreamReader) throws -> R) throws -> R {
        LibXML2Library.initialize()
        // The first four bytes go in with the parser's creation, for the encoding to be detected
        // from them, as xmlTextReader does.
        let head = min(4, bytes.count)
        var sax = handler()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        guard let ctxt = xmlCreatePushParserCtxt(&sax, nil, base, Int32(head), nil) else {
            throw XMLError(message: "libxml2 could not create a parser", line: 0)
        }
        xmlCtxtUseOptions(ctxt, XMLError.parseOptions)
        ctxt.pointee.linenumbers = 1
        ctxt.pointee.dictNames = 1
        let reader = XMLStreamReader(context: ctxt, input: bytes)
        reader.fed = head
        reader.referenceBudget = max(bytes.count, 1 << 20)
        // Room for a piece's worth at once (an element is rarely under eight bytes, an attribute
        // under sixteen): grown through every size on the way, the buffers were copied several
        // times for each document.
        let piece = min(bytes.count, pieceSize)
        reader.events.reserveCapacity(piece / 8)
        reader.attributeStore.reserveCapacity(piece / 16)
        reader.bytes.reserveCapacity(piece)
        return try withExtendedLifetime(reader) {
            ctxt.pointee._private = Unmanaged.passUnretained(reader).toOpaque()
            return try body(reader)
        }
    }

    /// Advances to the next node. Returns false at the end of the document.
    /// - Throws: `XMLError` when the document is not well-formed, after every node before the error.
    public func next() throws(XMLError) -> Bool {
        position += 1
        while position >= deliverable {
            if parsed {
                if let failure { throw failure }
                return false
            }
            parseMore()
        }
        return true
    }

    /// Events that can be handed out: all of them once the document is parsed; before that, not a
    /// text at the end, which the next piece may continue.
    private var deliverable: Int {
        if !parsed, let last = events.last, last.kind == .text { return events.count - 1 }
        return events.count
    }

    /// Drops the events handed out (keeping a text still open, at the start), then feeds the
    /// parser its next piece.
    private func parseMore() {
        let keep = events.count > position ? events[position...] : []
        if let open = keep.first {
            // The open text is the last thing held. It is moved to the start once; from then on it
            // is all that is held and stays where it is, so a long text costs one copy, not one
            // per piece.
            if open.first > 0 { bytes = Array(bytes[open.first..<(open.first + open.count)]) }
            events = [open]
            events[0].first = 0
        } else {
            events.removeAll(keepingCapacity: true)
            bytes.removeAll(keepingCapacity: true)
        }
        attributeStore.removeAll(keepingCapacity: true)
        position = 0
        let n = min(Self.pieceSize, input.count - fed)
        let last = fed + n == input.count
        let base = input.baseAddress.map { ($0 + fed).assumingMemoryBound(to: CChar.self) }
        let rc = xmlParseChunk(context, base, Int32(n), last ? 1 : 0)
        fed += n
        if rc != 0 || context.pointee.wellFormed == 0 {
            failure = XMLError.last()
            parsed = true
        } else if last {
            parsed = true
        }
    }

    private var current: Event { events[position] }

    public var kind: XMLNodeKind {
        let e = current
        if e.kind == .text && isBlank(bytes[e.first..<(e.first + e.count)]) { return .whitespace }
        return e.kind
    }

    /// libxml2's blank characters: a text of these alone is whitespace.
    private func isBlank(_ text: ArraySlice<UInt8>) -> Bool {
        text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Names already made into strings, by the parser's interned pointer: a document repeats a few
    /// element names thousands of times ("row", "c", "v").
    @exclusivity(unchecked) private var knownNames: [(pointer: UnsafePointer<xmlChar>, name: String)] = []

    /// The local name of the current element (no prefix); "" for other nodes.
    public var localName: String {
        let e = current
        guard e.kind == .element || e.kind == .endElement, let p = e.name else { return "" }
        for known in knownNames where known.pointer == p { return known.name }
        let name = String(cString: p)
        if knownNames.count < 32 { knownNames.append((p, name)) }
        return name
    }

    /// The local name of the current element as `localName` gives it, without making a string:
    /// for comparing with names known in advance (`switch r.name { case "row": ... }`), as a
    /// sheet does for every element. For other nodes it equals "" alone, as `localName` is "".
    /// Valid until the next `next()`.
    public var name: XMLName {
        let e = current
        guard e.kind == .element || e.kind == .endElement else { return XMLName(bytes: nil) }
        return XMLName(bytes: e.name)
    }

    /// The qualified name (prefix:local) of the current element; "" for other nodes.
    public var qualifiedName: String {
        let e = current
        guard let p = e.prefix else { return localName }
        return String(cString: p) + ":" + localName
    }

    /// True for `<a/>`: no end-element node will follow.
    public var isEmptyElement: Bool { current.isEmpty }

    /// Depth of the current node in the tree (the root element is 0).
    public var depth: Int { Int(current.depth) }

    /// Line of the current node in the input.
    public var line: Int { Int(current.line) }

    /// Appends the text of the current node (UTF-8) to `out`; nothing for an element. For a node
    /// of kind `.other`, the text `otherKind` describes.
    public func appendValue(to out: inout [UInt8]) {
        let e = current
        guard e.kind == .text || e.kind == .other, e.count > e.nameLength else { return }
        bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[(e.first + e.nameLength)..<(e.first + e.count)])) }
    }

    /// What the current node of kind `.other` is; `.unknown` for other kinds.
    public var otherKind: XMLOtherKind { current.kind == .other ? current.other : .unknown }

    /// The name on the current node of kind `.other`: a processing instruction's target, an
    /// entity's name; "" otherwise.
    public var otherName: String {
        let e = current
        guard e.kind == .other, e.nameLength > 0 else { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[e.first..<(e.first + e.nameLength)]), as: UTF8.self) }
    }

    /// The value of the attribute with this qualified name on the current element.
    public func attribute(_ name: String) -> String? {
        let e = current
        guard e.kind == .element, e.count > 0 else { return nil }
        var query = name
        return query.withUTF8 { q -> String? in
            // Most lookups name an attribute without a prefix ("r", "t", "s" on every cell).
            if !q.contains(58), !q.elementsEqual(Self.xmlnsName) {
                return unprefixedAttribute(q, of: e).map(value)
            }
            // As xmlTextReaderMoveToAttribute: "xmlns" and "xmlns:p" name namespace declarations;
            // "p:local" an attribute in the namespace bound to p; "local" one without a prefix.
            let colon = q.firstIndex(of: 58).flatMap { $0 > 0 && $0 < q.count - 1 ? $0 : nil }
            let prefix = colon.map { UnsafeBufferPointer(rebasing: q[..<$0]) }
            let local = colon.map { UnsafeBufferPointer(rebasing: q[($0 + 1)...]) } ?? q
            let xmlns = Self.xmlnsName
            for a in attributeStore[e.first..<(e.first + e.count)] {
                let matches: Bool
                if let prefix {
                    if prefix.elementsEqual(xmlns) {
                        matches = a.isNamespace && a.name != nil && Self.equal(a.name, local)
                    } else {
                        matches = !a.isNamespace && !a.isUnbound && a.prefix != nil && Self.equal(a.prefix, prefix) && Self.equal(a.name, local)
                    }
                } else if local.elementsEqual(xmlns) {
                    matches = a.isNamespace && a.name == nil
                } else {
                    matches = !a.isNamespace && !a.isUnbound && a.prefix == nil && Self.equal(a.name, local)
                }
                if matches { return value(a) }
            }
            return nil
        }
    }

    /// Reads in place, with `body`, the value of the attribute with this name and no prefix on
    /// the current element (valid only inside `body`); returns false, without calling it, when
    /// there is none. What `attribute(_:)` finds for such a name, without making a string of it:
    /// for the attributes a document repeats on every element (a cell's "r", "t" and "s").
    /// Not generic, so that it is not called unspecialized from another module.
    @discardableResult
    public func withAttribute(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        let e = current
        guard e.kind == .element, e.count > 0 else { return false }
        let q = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        precondition(!q.contains(58) && !(q.count == 5 && q.elementsEqual(Self.xmlnsName)), "withAttribute takes a name with no prefix")
        guard let a = unprefixedAttribute(q, of: e) else { return false }
        // Handed over as a copy on the stack (such values are a few bytes): `body` given the
        // reader's own buffer could change it, so the buffer was retained around every call.
        let range = a.value
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: range.count) { copy in
            bytes.withUnsafeBufferPointer { _ = copy.initialize(fromContentsOf: $0[range]) }
            body(UnsafeBufferPointer(copy))
        }
        return true
    }

    /// The attribute of element `e` with local name `q` and no prefix (not a namespace
    /// declaration, not one with an unbound prefix).
    private func unprefixedAttribute(_ q: UnsafeBufferPointer<UInt8>, of e: Event) -> Attribute? {
        for i in e.first..<(e.first + e.count) {
            let a = attributeStore[i]
            if !a.isNamespace && !a.isUnbound && a.prefix == nil && Self.equal(a.name, q) { return a }
        }
        return nil
    }

    private func value(_ a: Attribute) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[a.value]), as: UTF8.self) }
    }

    /// All attributes of the current element as (qualified name, value), namespace declarations
    /// first, each in document order.
    public func attributes() -> [(name: String, value: String)] {
        let e = current
        guard e.kind == .element else { return [] }
        return attributeStore[e.first..<(e.first + e.count)].map { a in
            let local = a.name.map { String(cString: $0) }
            let name: String
            if a.isNamespace {
                name = local.map { "xmlns:" + $0 } ?? "xmlns"
            } else if let p = a.prefix {
                name = String(cString: p) + ":" + (local ?? "")
            } else {
                name = local ?? ""
            }
            return (name, value(a))
        }
    }

    private static let xmlnsName = Array("xmlns".utf8)
    private static let xmlName = Array("xml".utf8)

    private static func equal(_ p: UnsafePointer<xmlChar>?, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        p != nil && XMLName(bytes: p).equals(s)
    }

    // MARK: The parser's side

    /// Calls `body` with the reader that owns this parser context and returns true, or returns
    /// false for a context libxml2 made for itself (checking an entity's content), whose
    /// callbacks go to libxml2's own SAX2 functions.
    ///
    /// SAFETY: a reader's callbacks run only inside its own call to libxml2 (`parseMore`), so the
    /// reader is alive throughout and no reference need be taken: a retain and a release for
    /// every element, start and end, and every run of text were a tenth of reading a sheet.
    @inline(__always)
    fileprivate static func withOwner(of ctx: UnsafeMutableRawPointer?, _ body: (XMLStreamReader) -> Void) -> Bool {
        guard let ctx else { return false }
        let ctxt = ctx.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let p = ctxt.pointee._private else { return false }
        return Unmanaged<XMLStreamReader>.fromOpaque(p)._withUnsafeGuaranteedRef { reader in
            guard reader.context == ctxt else { return false }
            body(reader)
            return true
        }
    }

    /// libxml2's line for a node made now (as xmlSAX2StartElementNs and xmlSAX2Characters do).
    private var parserLine: Int32 {
        guard let input = context.pointee.input else { return 0 }
        return Int32(min(input.pointee.line, 65535))
    }

    fileprivate func startElement(_ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                                  _ uri: UnsafePointer<xmlChar>?, namespaces: Int32,
                                  _ namespaceList: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributes: Int32,
                                  defaulted: Int32, _ attributeList: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        var event = Event(kind: .element, depth: openElements, line: parserLine)
        (event.name, event.prefix) = Self.elementName(localname, prefix, uri, dict: context.pointee.dict)
        event.first = attributeStore.count
        if let namespaceList {
            for i in 0..<Int(namespaces) {
                let p = namespaceList[2 * i], href = namespaceList[2 * i + 1]
                // xmlNewNs drops a declaration of the predefined xml prefix.
                if let p, Self.xmlName.withUnsafeBufferPointer({ Self.equal(p, $0) }) { continue }
                let start = bytes.count
                if let href { bytes.append(contentsOf: UnsafeBufferPointer(start: href, count: strlen(href))) }
                attributeStore.append(Attribute(name: p, prefix: nil, isNamespace: true, isUnbound: false, value: start..<bytes.count))
            }
        }
        if let attributeList {
            // Attributes defaulted from the DTD are left out, as without XML_PARSE_DTDATTR.
            for i in 0..<max(0, Int(attributes) - Int(defaulted)) {
                let local = attributeList[5 * i], p = attributeList[5 * i + 1], ns = attributeList[5 * i + 2]
                guard let value = attributeList[5 * i + 3], let end = attributeList[5 * i + 4] else { continue }
                let start = bytes.count
                appendAttributeValue(value, end)
                attributeStore.append(Attribute(name: local, prefix: p, isNamespace: false, isUnbound: p != nil && ns == nil,
                                                value: start..<bytes.count))
            }
        }
        event.count = attributeStore.count - event.first
        // As xmlTextReader marks an empty element: the start tag ends in "/>".
        if let cur = context.pointee.input?.pointee.cur, cur[0] == 0x2F, cur[1] == 0x3E {
            event.isEmpty = true
            startWasEmpty = true
        } else {
            startWasEmpty = false
            openElements += 1
            openLines.append(event.line)
        }
        events.append(event)
    }

    /// An attribute value as libxml2's tree would give it. The parser passes a value with no
    /// reference in it as it stands; one with references has its character references resolved,
    /// "&" written as "&#38;" and entity references left in, to be resolved by the tree.
    private func appendAttributeValue(_ value: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) {
        let raw = UnsafeBufferPointer(start: value, count: end - value)
        guard raw.contains(0x26) else {  // "&"
            bytes.append(contentsOf: raw)
            return
        }
        // libxml2 holds a value to XML_MAX_TEXT_LENGTH (10 MB), far below Int32.max.
        guard let list = xmlStringLenGetNodeList(context.pointee.myDoc, value, Int32(clamping: raw.count)) else { return }
        if let text = xmlNodeListGetString(context.pointee.myDoc, list, 1) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: strlen(text)))
            trawl_xmlFree(text)
        }
        xmlFreeNodeList(list)
    }

    /// An element's name as libxml2's tree holds it: with a prefix bound to no namespace, the
    /// whole "prefix:local" is its name.
    private static func elementName(_ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                                    _ uri: UnsafePointer<xmlChar>?, dict: xmlDictPtr?)
        -> (UnsafePointer<xmlChar>?, UnsafePointer<xmlChar>?) {
        if let prefix, uri == nil, let full = xmlDictQLookup(dict, prefix, localname) { return (full, nil) }
        return (localname, prefix)
    }

    fileprivate func endElement(_ localname: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                                _ uri: UnsafePointer<xmlChar>?) {
        if startWasEmpty {
            startWasEmpty = false
            return
        }
        openElements = max(0, openElements - 1)
        var event = Event(kind: .endElement, depth: openElements, line: openLines.popLast() ?? parserLine)
        (event.name, event.prefix) = Self.elementName(localname, prefix, uri, dict: context.pointee.dict)
        events.append(event)
    }

    fileprivate func characters(_ text: UnsafePointer<xmlChar>?, _ count: Int32) {
        startWasEmpty = false
        guard let text, count > 0 else { return }
        // Character data next to character data is one text node, as xmlSAX2Characters joins it.
        if let last = events.last, last.kind == .text, last.first + last.count == bytes.count {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: Int(count)))
            events[events.count - 1].count += Int(count)
            return
        }
        let start = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: Int(count)))
        events.append(Event(kind: .text, depth: openElements, line: parserLine, first: start, count: Int(count)))
    }

    /// A document type declaration, a comment, a processing instruction, an entity reference or
    /// declaration: a node of its own, which ends the text before it, with its name and text.
    fileprivate func other(_ kind: XMLOtherKind, name: UnsafePointer<xmlChar>? = nil, text: UnsafePointer<xmlChar>? = nil,
                           textLimit: Int = .max) {
        startWasEmpty = false
        var event = Event(kind: .other, depth: openElements, line: parserLine, first: bytes.count)
        event.other = kind
        if let name { bytes.append(contentsOf: UnsafeBufferPointer(start: name, count: strlen(name))) }
        event.nameLength = bytes.count - event.first
        if let text { bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: min(strlen(text), textLimit))) }
        event.count = bytes.count - event.first
        events.append(event)
    }

    /// A reference to an entity: with an internal entity's value as declared, while the budget
    /// for such values lasts; with none for any other (an external entity is never read).
    fileprivate func reference(_ name: UnsafePointer<xmlChar>?) {
        var value: UnsafePointer<xmlChar>?
        if let name, let doc = context.pointee.myDoc, let entity = xmlGetDocEntity(doc, name),
           entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY, let content = entity.pointee.content, referenceBudget > 0 {
            value = UnsafePointer(content)
        }
        let before = bytes.count
        other(.entityReference, name: name, text: value, textLimit: referenceBudget)
        if value != nil { referenceBudget -= bytes.count - before - events[events.count - 1].nameLength }
    }
}

// The callbacks, as C function pointers (no captures): each finds its reader through the parser
// context, or hands the event to libxml2's own SAX2 function for a context that is not a reader's.

private let onStartElement: startElementNsSAX2Func = { ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.startElement(localname, prefix, uri, namespaces: nbNamespaces, namespaces, attributes: nbAttributes,
                            defaulted: nbDefaulted, attributes)
    }
    if !handled {
        xmlSAX2StartElementNs(ctx, localname, prefix, uri, nbNamespaces, namespaces, nbAttributes, nbDefaulted, attributes)
    }
}

private let onEndElement: endElementNsSAX2Func = { ctx, localname, prefix, uri in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.endElement(localname, prefix, uri)
    }
    if !handled {
        xmlSAX2EndElementNs(ctx, localname, prefix, uri)
    }
}

private let onCharacters: charactersSAXFunc = { ctx, text, count in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.characters(text, count)
    }
    if !handled {
        xmlSAX2Characters(ctx, text, count)
    }
}

private let onComment: commentSAXFunc = { ctx, value in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.other(.comment, text: value)
    }
    if !handled {
        xmlSAX2Comment(ctx, value)
    }
}

private let onProcessingInstruction: processingInstructionSAXFunc = { ctx, target, data in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.other(.processingInstruction, name: target, text: data)
    }
    if !handled {
        xmlSAX2ProcessingInstruction(ctx, target, data)
    }
}

private let onReference: referenceSAXFunc = { ctx, name in
    let handled = XMLStreamReader.withOwner(of: ctx) { reader in
        reader.reference(name)
    }
    if !handled {
        xmlSAX2Reference(ctx, name)
    }
}

/// The document type declaration: recorded by libxml2 (its entities are declared in it), and a
/// node of its own.
private let onInternalSubset: internalSubsetSAXFunc = { ctx, name, externalID, systemID in
    xmlSAX2InternalSubset(ctx, name, externalID, systemID)
    _ = XMLStreamReader.withOwner(of: ctx) { $0.other(.documentType) }
}

/// An entity declaration: recorded by libxml2, and for an internal entity (general or
/// parameter) a node of its own with its value as declared. An external one has no value here.
private let onEntityDeclaration: entityDeclSAXFunc = { ctx, name, type, publicID, systemID, content in
    xmlSAX2EntityDecl(ctx, name, type, publicID, systemID, content)
    guard type == Int32(XML_INTERNAL_GENERAL_ENTITY.rawValue) || type == Int32(XML_INTERNAL_PARAMETER_ENTITY.rawValue),
          let content else { return }
    _ = XMLStreamReader.withOwner(of: ctx) { $0.other(.entityDeclaration, name: name, text: content) }
}
