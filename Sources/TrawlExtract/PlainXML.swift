// A reader of plain XML: the subset that worksheets and shared-strings tables are written in, read
// straight from the bytes, with libxml2 (`XMLStreamReader`) left to do everything else.
//
// Why: a worksheet is a long run of small elements (`<c r="B2" t="s"><v>7</v></c>`); libxml2's
// parser, its callbacks and the events they record take a quarter of reading a workbook, where
// the elements, attributes and text of plain XML need no more than a scan of the bytes.
//
// What plain XML is here: UTF-8 (an optional byte-order mark and an XML declaration saying version
// 1.0 and at most UTF-8 and standalone); elements whose names have no prefix (or, where the caller
// asks, a prefix bound in scope: `Prefixes`); attributes in
// quotes, whose values hold no reference, no tab, no line break; text whose references are the
// five predefined entities and character references; no carriage return anywhere; no comment,
// processing instruction, CDATA section or document type; nothing past the bounds below.
// Anything else throws `PlainXMLReader.Unsupported` at the node where it is met, and the caller
// reads the part again with libxml2 (`SpreadsheetExtractor`): where this reader gives a node, it
// is the node `XMLStreamReader` gives, kind, name, attributes and text (a differential test holds
// the two to that), but for a text right before what it leaves to libxml2 (a CDATA section, an
// entity's reference), which libxml2 goes on with in the same node. So every check libxml2 makes
// of what passes here is made here too: the characters XML allows (valid UTF-8, no control
// character but tab and line feed), the names, the nesting, one root, no attribute twice, no
// "]]>" in text.
import LibXML2

/// The name of the element `PlainXMLReader` is on, compared with names known in advance.
struct PlainName {
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always)
    static func ~= (literal: StaticString, name: PlainName) -> Bool {
        guard literal.utf8CodeUnitCount == name.bytes.count else { return false }
        let l = literal.utf8Start
        for i in 0..<name.bytes.count where l[i] != name.bytes[i] { return false }
        return true
    }
}

final class PlainXMLReader {
    /// The part holds what this reader leaves to libxml2 (or is not well-formed): read it again
    /// with `XMLStreamReader`.
    struct Unsupported: Error {}

    /// How element names with a prefix are read.
    enum Prefixes {
        /// Left to libxml2: an element whose name has a prefix is not plain XML.
        case unsupported
        /// As libxml2 reads a prefix bound to a namespace: the element's name is its local name
        /// (`w:p` is "p"). A prefix bound to none in scope (which libxml2 reads on, naming the
        /// element "w:p"), or a prefix declared for the xml or xmlns namespace's name (a
        /// declaration libxml2 drops), is left to libxml2.
        case resolved
    }

    // What this reader takes on: past these bounds (below any limit of libxml2's, such as 50,000
    // bytes of name) the part is libxml2's, with its limits.
    static let maxDepth = 128
    static let maxText = 1 << 20
    static let maxName = 256
    static let maxAttributes = 64

    private struct Attribute {
        var name: Range<Int>
        var value: Range<Int>
        var hasPrefix: Bool
    }

    // The state below is touched by one thread, the reader's user: unchecked exclusivity (the
    // dynamic checks of a class's fields cost more than the scan they guard).
    private let input: UnsafeBufferPointer<UInt8>
    private let resolvesPrefixes: Bool
    @exclusivity(unchecked) private var at = 0
    /// The prefixes declared in scope, with the depth of the element declaring each
    /// (`Prefixes.resolved` only).
    @exclusivity(unchecked) private var prefixes: [(prefix: Range<Int>, depth: Int)] = []
    /// The index in `prefixes` of the last prefix an element's name was found bound by.
    @exclusivity(unchecked) private var lastBinding = 0
    /// The names of the open elements.
    @exclusivity(unchecked) private var open: [Range<Int>] = []
    @exclusivity(unchecked) private var rootSeen = false

    // The current node.
    @exclusivity(unchecked) private(set) var kind: XMLNodeKind = .other
    @exclusivity(unchecked) private var nameRange = 0..<0
    @exclusivity(unchecked) private(set) var isEmptyElement = false
    /// The element's attributes: the first `attributeCount` of these (the storage is kept from
    /// element to element).
    @exclusivity(unchecked) private var attributes: [Attribute] = []
    @exclusivity(unchecked) private var attributeCount = 0
    /// `ByteClass` of every byte value.
    private let classes = PlainXMLReader.byteClasses.classes
    /// The text of a text node: a stretch of the input, or, when it held references, `decoded`.
    @exclusivity(unchecked) private var textRange = 0..<0
    @exclusivity(unchecked) private var textIsDecoded = false
    @exclusivity(unchecked) private var decoded: [UInt8] = []

    private init(_ input: UnsafeBufferPointer<UInt8>, _ prefixes: Prefixes) {
        self.input = input
        resolvesPrefixes = prefixes == .resolved
        attributes.reserveCapacity(8)
        open.reserveCapacity(8)
    }

    /// Reads `xml`; the reader is valid only inside `body`.
    /// - Throws: `Unsupported` (see the file's opening comment), or what `body` throws.
    static func read<R>(_ xml: [UInt8], prefixes: Prefixes = .unsupported, _ body: (PlainXMLReader) throws -> R) throws -> R {
        try xml.withUnsafeBufferPointer { input in
            // An empty part is not well-formed: libxml2 says so.
            guard !input.isEmpty else { throw Unsupported() }
            let reader = PlainXMLReader(input, prefixes)
            try reader.readProlog()
            return try body(reader)
        }
    }

    /// The element's name; valid until the next `next()`.
    var name: PlainName {
        PlainName(bytes: UnsafeBufferPointer(rebasing: input[nameRange]))
    }

    /// Appends the text of the current text node to `out`; nothing for an element.
    func appendValue(to out: inout [UInt8]) {
        guard kind == .text || kind == .whitespace else { return }
        if textIsDecoded {
            out.append(contentsOf: decoded)
        } else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[textRange]))
        }
    }

    /// Reads in place, with `body`, the value of the attribute with this name and no prefix on the
    /// current element; returns false, without calling it, when there is none.
    @discardableResult
    func withAttribute(_ name: StaticString, _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard kind == .element else { return false }
        for i in 0..<attributeCount {
            let a = attributes[i]
            if !a.hasPrefix && same(a.name, name) {
                body(UnsafeBufferPointer(rebasing: input[a.value]))
                return true
            }
        }
        return false
    }

    // MARK: Reading

    /// Whether two stretches of the input hold the same bytes (names of a few bytes, compared
    /// in place).
    @inline(__always) private func same(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        let p = input.baseAddress!
        for i in 0..<a.count where p[a.lowerBound + i] != p[b.lowerBound + i] { return false }
        return true
    }

    /// Whether a stretch of the input is `literal` (false where it runs past the end).
    @inline(__always) private func same(_ a: Range<Int>, _ literal: StaticString) -> Bool {
        guard a.count == literal.utf8CodeUnitCount, a.upperBound <= input.count else { return false }
        let p = input.baseAddress!, l = literal.utf8Start
        for i in 0..<a.count where p[a.lowerBound + i] != l[i] { return false }
        return true
    }

    /// XML's white space, less the carriage return (which libxml2 turns into a line feed).
    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 }

    /// What a byte is to the scans of text and attribute values.
    enum ByteClass: UInt8 {
        /// Printable ASCII but the space, quotes, "<", "&" and "]".
        case plain
        case space
        /// Tab and line feed: blank in text, made a space by libxml2 in an attribute value.
        case blank
        case quote
        /// "<", "&", "]", control characters (the carriage return among them), and every byte
        /// of 0x80 and over.
        case other
    }

    /// A table made once and never written after.
    /// SAFETY: immutable from its making on, so shared by every thread.
    private struct ByteTable: @unchecked Sendable { let classes: UnsafePointer<UInt8> }

    private static let byteClasses = ByteTable(classes: {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 {
            let c: ByteClass
            switch b {
            case 0x20: c = .space
            case 0x09, 0x0A: c = .blank
            case 0x22, 0x27: c = .quote
            case 0x3C, 0x26, 0x5D: c = .other
            case 0x21..<0x80: c = .plain
            default: c = .other
            }
            table[b] = c.rawValue
        }
        return UnsafePointer(table)
    }())

    /// A byte-order mark, then an XML declaration of version 1.0, UTF-8 and standalone, if any.
    private func readProlog() throws {
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { at = 3 }
        guard startsWith("<?xml", at: at), at + 5 < input.count, Self.isSpace(input[at + 5]) else { return }
        at += 5
        skipSpace()
        try expectPseudoAttribute("version", oneOf: ["1.0"])
        var spaced = skipSpace()
        if spaced && startsWith("encoding", at: at) {
            try expectPseudoAttribute("encoding", oneOf: ["UTF-8", "utf-8"])
            spaced = skipSpace()
        }
        if spaced && startsWith("standalone", at: at) {
            try expectPseudoAttribute("standalone", oneOf: ["yes", "no"])
            skipSpace()
        }
        guard startsWith("?>", at: at) else { throw Unsupported() }
        at += 2
    }

    private func expectPseudoAttribute(_ name: String, oneOf values: [String]) throws {
        guard startsWith(name, at: at) else { throw Unsupported() }
        at += name.utf8.count
        skipSpace()
        guard at < input.count, input[at] == UInt8(ascii: "=") else { throw Unsupported() }
        at += 1
        skipSpace()
        guard at < input.count, input[at] == UInt8(ascii: "\"") || input[at] == UInt8(ascii: "'") else { throw Unsupported() }
        let quote = input[at]
        for value in values where startsWith(value, at: at + 1) {
            let end = at + 1 + value.utf8.count
            if end < input.count && input[end] == quote {
                at = end + 1
                return
            }
        }
        throw Unsupported()
    }

    private func startsWith(_ s: String, at i: Int) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard i + u.count <= input.count else { return false }
            for k in 0..<u.count where input[i + k] != u[k] { return false }
            return true
        }
    }

    @discardableResult
    private func skipSpace() -> Bool {
        let start = at
        while at < input.count && Self.isSpace(input[at]) { at += 1 }
        return at > start
    }

    /// Advances to the next node. Returns false at the end of the document.
    /// - Throws: `Unsupported` at anything this reader leaves to libxml2, or anything not
    ///   well-formed.
    func next() throws -> Bool {
        if open.isEmpty {
            // Outside the root: white space, then the root's start, or the end.
            skipSpace()
            if at == input.count {
                guard rootSeen else { throw Unsupported() }
                kind = .other
                return false
            }
            guard !rootSeen, input[at] == UInt8(ascii: "<") else { throw Unsupported() }
            try startTag()
            rootSeen = true
            return true
        }
        guard at < input.count else { throw Unsupported() }
        if input[at] != UInt8(ascii: "<") {
            try text()
            return true
        }
        guard at + 1 < input.count else { throw Unsupported() }
        if input[at + 1] == UInt8(ascii: "/") {
            try endTag()
        } else {
            try startTag()
        }
        return true
    }

    /// A name of ASCII letters, digits, "_", "-", "." (not first) and, where `prefixed` is
    /// allowed, one ":" between two such names; the index past it.
    private func scanName(allowingPrefix: Bool) throws -> (end: Int, hasPrefix: Bool) {
        var i = at
        var colon = -1
        guard i < input.count, Self.isNameStart(input[i]) else { throw Unsupported() }
        i += 1
        while i < input.count {
            let b = input[i]
            if Self.isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E {
                i += 1
            } else if b == 0x3A && allowingPrefix && colon < 0 {
                colon = i
                i += 1
                guard i < input.count, Self.isNameStart(input[i]) else { throw Unsupported() }
            } else {
                break
            }
        }
        guard i - at <= Self.maxName else { throw Unsupported() }
        return (i, colon >= 0)
    }

    @inline(__always) private static func isNameStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F
    }

    private func startTag() throws {
        at += 1
        let (nameEnd, hasPrefix) = try scanName(allowingPrefix: resolvesPrefixes)
        let qualifiedName = at..<nameEnd
        at = nameEnd
        attributeCount = 0
        while true {
            let spaced = skipSpace()
            guard at < input.count else { throw Unsupported() }
            let b = input[at]
            if b == UInt8(ascii: ">") {
                at += 1
                isEmptyElement = false
                break
            }
            if b == UInt8(ascii: "/") {
                guard at + 1 < input.count, input[at + 1] == UInt8(ascii: ">") else { throw Unsupported() }
                at += 2
                isEmptyElement = true
                break
            }
            guard spaced, attributeCount < Self.maxAttributes else { throw Unsupported() }
            try attribute()
        }
        nameRange = hasPrefix ? try localName(bound: qualifiedName) : qualifiedName
        if !isEmptyElement {
            guard open.count < Self.maxDepth else { throw Unsupported() }
            open.append(qualifiedName)
        } else if !prefixes.isEmpty {
            endScope()
        }
        kind = .element
    }

    /// One attribute, `name="value"`: its value as written must be its value (no reference, no
    /// white space libxml2 would turn into a space), and no attribute is there twice.
    private func attribute() throws {
        let (nameEnd, hasPrefix) = try scanName(allowingPrefix: true)
        let name = at..<nameEnd
        let declaresNamespace = same(name, "xmlns") || (hasPrefix && same(name.lowerBound..<(name.lowerBound + 6), "xmlns:"))
        let prefix = declaresNamespace && hasPrefix ? (name.lowerBound + 6)..<name.upperBound : name
        if declaresNamespace && hasPrefix {
            // The rules libxml2 checks of a prefix's declaration (not "xml", not "xmlns") are
            // left to it.
            guard !same(prefix, "xml"), !same(prefix, "xmlns") else { throw Unsupported() }
        }
        at = nameEnd
        skipSpace()
        guard at < input.count, input[at] == UInt8(ascii: "=") else { throw Unsupported() }
        at += 1
        skipSpace()
        guard at < input.count, input[at] == UInt8(ascii: "\"") || input[at] == UInt8(ascii: "'") else { throw Unsupported() }
        let quote = input[at]
        at += 1
        let start = at
        let n = input.count
        while true {
            guard at < n else { throw Unsupported() }
            let b = input[at]
            let c = classes[Int(b)]
            if c <= ByteClass.space.rawValue {
                at += 1
            } else if c == ByteClass.quote.rawValue {
                if b == quote { break }
                at += 1
            } else if b >= 0x80 {
                at = try Self.validCharacter(input, at)
            } else {
                // A reference, a "<", a control character, or white space libxml2 normalises
                // to a space.
                throw Unsupported()
            }
        }
        let value = start..<at
        at += 1
        // An empty namespace name is left to libxml2 too.
        if (declaresNamespace && value.isEmpty) || value.count > Self.maxText { throw Unsupported() }
        for i in 0..<attributeCount where same(attributes[i].name, name) { throw Unsupported() }
        if resolvesPrefixes && declaresNamespace && hasPrefix {
            // libxml2 drops a declaration of these names, leaving the prefix unbound.
            guard !same(value, "http://www.w3.org/XML/1998/namespace"), !same(value, "http://www.w3.org/2000/xmlns/") else {
                throw Unsupported()
            }
            prefixes.append((prefix, open.count))
        }
        let a = Attribute(name: name, value: value, hasPrefix: hasPrefix)
        if attributeCount < attributes.count { attributes[attributeCount] = a } else { attributes.append(a) }
        attributeCount += 1
    }

    private func endTag() throws {
        at += 2
        // Nearly every end tag is `</name>`: compared in place with the open element's name.
        if let expected = open.last, at + expected.count < input.count, input[at + expected.count] == UInt8(ascii: ">"),
           same(at..<(at + expected.count), expected) {
            nameRange = resolvesPrefixes ? localPart(expected) : expected
            at += expected.count + 1
            open.removeLast()
            if !prefixes.isEmpty { endScope() }
            kind = .endElement
            isEmptyElement = false
            return
        }
        let (nameEnd, hasPrefix) = try scanName(allowingPrefix: resolvesPrefixes)
        guard let expected = open.last, same(at..<nameEnd, expected) else { throw Unsupported() }
        // The start tag's prefix was found bound.
        nameRange = hasPrefix ? localPart(expected) : expected
        at = nameEnd
        skipSpace()
        guard at < input.count, input[at] == UInt8(ascii: ">") else { throw Unsupported() }
        at += 1
        open.removeLast()
        if !prefixes.isEmpty { endScope() }
        kind = .endElement
        isEmptyElement = false
    }

    // MARK: Prefixes

    /// The local part of a name: past its prefix's ":", where it has one.
    private func localPart(_ name: Range<Int>) -> Range<Int> {
        for i in name where input[i] == UInt8(ascii: ":") { return (i + 1)..<name.upperBound }
        return name
    }

    /// The local part of an element's name whose prefix is bound in scope.
    /// - Throws: `Unsupported` for a prefix bound to nothing (among them "xml" and "xmlns").
    private func localName(bound name: Range<Int>) throws -> Range<Int> {
        let local = localPart(name)
        let prefix = name.lowerBound..<(local.lowerBound - 1)
        // Nearly every element of a document has the prefix the one before it had.
        if lastBinding < prefixes.count && same(prefixes[lastBinding].prefix, prefix) { return local }
        var i = prefixes.count
        while i > 0 {
            i -= 1
            if same(prefixes[i].prefix, prefix) {
                lastBinding = i
                return local
            }
        }
        throw Unsupported()
    }

    /// The element at depth `open.count` has ended: the prefixes it declared go out of scope.
    private func endScope() {
        while let last = prefixes.last, last.depth >= open.count { prefixes.removeLast() }
    }

    /// Character data up to the next "<": checked as libxml2 checks it, and with its references
    /// resolved.
    private func text() throws {
        let start = at
        var blank = true
        textIsDecoded = false
        // Where the stretch of the input not yet copied to `decoded` starts, once there is one.
        var copiedTo = start
        let n = input.count
        while at < n {
            let b = input[at]
            let c = classes[Int(b)]
            if c <= ByteClass.quote.rawValue {
                // Printable ASCII but "<", "&" and "]", or blank.
                blank = blank && (c == ByteClass.space.rawValue || c == ByteClass.blank.rawValue)
                at += 1
            } else if b >= 0x20 && b < 0x80 {
                if b == UInt8(ascii: "<") { break }
                if b == UInt8(ascii: "&") {
                    if !textIsDecoded {
                        decoded.removeAll(keepingCapacity: true)
                        textIsDecoded = true
                    }
                    decoded.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedTo..<at]))
                    let before = decoded.count
                    try reference()
                    // Blank as libxml2's blanks are, a carriage return among them.
                    for c in decoded[before...] where !Self.isSpace(c) && c != 0x0D { blank = false }
                    copiedTo = at
                    continue
                }
                if b == UInt8(ascii: "]") && at + 2 < n && input[at + 1] == UInt8(ascii: "]") && input[at + 2] == UInt8(ascii: ">") {
                    throw Unsupported()
                }
                blank = false
                at += 1
            } else if b >= 0x80 {
                blank = false
                at = try Self.validCharacter(input, at)
            } else {
                // A carriage return (libxml2 makes a line feed of it), or a control character
                // XML does not allow.
                throw Unsupported()
            }
        }
        guard at < n, at - start <= Self.maxText else { throw Unsupported() }
        if textIsDecoded {
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: input[copiedTo..<at]))
        } else {
            textRange = start..<at
        }
        kind = blank ? .whitespace : .text
    }

    /// A reference at `at` ("&amp;", "&#10;", "&#x41;"), its character appended to `decoded`.
    private func reference() throws {
        let n = input.count
        var end = at + 1
        while end < n && end - at < 12 && input[end] != UInt8(ascii: ";") { end += 1 }
        guard end < n, input[end] == UInt8(ascii: ";") else { throw Unsupported() }
        let body = input[(at + 1)..<end]
        if body.first == UInt8(ascii: "#") {
            var value: UInt32 = 0
            let hex = body.count > 1 && body[body.startIndex + 1] == UInt8(ascii: "x")
            let digits = body.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty else { throw Unsupported() }
            for d in digits {
                let v: UInt32
                switch d {
                case 0x30...0x39: v = UInt32(d - 0x30)
                case 0x61...0x66 where hex: v = UInt32(d - 0x61 + 10)
                case 0x41...0x46 where hex: v = UInt32(d - 0x41 + 10)
                default: throw Unsupported()
                }
                value = value * (hex ? 16 : 10) + v
                guard value <= 0x10FFFF else { throw Unsupported() }
            }
            // A character XML allows, as libxml2 checks a reference to one.
            guard value == 0x09 || value == 0x0A || value == 0x0D || (value >= 0x20 && value <= 0xD7FF)
                || (value >= 0xE000 && value <= 0xFFFD) || value >= 0x10000, let scalar = Unicode.Scalar(value) else {
                throw Unsupported()
            }
            decoded.append(contentsOf: String(Character(scalar)).utf8)
        } else {
            let c: UInt8
            if body.elementsEqual("lt".utf8) { c = UInt8(ascii: "<") }
            else if body.elementsEqual("gt".utf8) { c = UInt8(ascii: ">") }
            else if body.elementsEqual("amp".utf8) { c = UInt8(ascii: "&") }
            else if body.elementsEqual("quot".utf8) { c = UInt8(ascii: "\"") }
            else if body.elementsEqual("apos".utf8) { c = UInt8(ascii: "'") }
            else { throw Unsupported() }
            decoded.append(c)
        }
        at = end + 1
    }

    /// The index past the character of two to four bytes at `i`, when it is well-formed UTF-8
    /// (no overlong form, no surrogate, nothing past U+10FFFF) and a character XML allows (not
    /// U+FFFE or U+FFFF).
    private static func validCharacter(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) throws -> Int {
        let b0 = s[i]
        @inline(__always) func continuation(_ k: Int) throws -> UInt32 {
            guard k < s.count, s[k] & 0xC0 == 0x80 else { throw Unsupported() }
            return UInt32(s[k] & 0x3F)
        }
        switch b0 {
        case 0xC2...0xDF:
            _ = try continuation(i + 1)
            return i + 2
        case 0xE0...0xEF:
            let v = (UInt32(b0 & 0x0F) << 12) | (try continuation(i + 1) << 6) | (try continuation(i + 2))
            guard v >= 0x800, !(0xD800...0xDFFF).contains(v), v != 0xFFFE, v != 0xFFFF else { throw Unsupported() }
            return i + 3
        case 0xF0...0xF4:
            let v = (UInt32(b0 & 0x07) << 18) | (try continuation(i + 1) << 12) | (try continuation(i + 2) << 6)
                | (try continuation(i + 3))
            guard v >= 0x10000, v <= 0x10FFFF else { throw Unsupported() }
            return i + 4
        default:
            throw Unsupported()
        }
    }
}
