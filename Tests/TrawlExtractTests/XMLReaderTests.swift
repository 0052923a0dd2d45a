import Foundation
import LibArchive
import LibXML2
import Testing

/// The extractors read XML through `XMLStreamReader` (libxml2's SAX2 parser); libxml2's own text
/// reader (`XMLPullReader.readXML`) is the reference it must agree with, node for node: kind,
/// name, emptiness, depth, line, text and attributes.
@Suite struct XMLStreamReading {
    struct Node: Equatable, CustomStringConvertible {
        var kind: String
        var name = ""
        var empty = false
        var depth: Int
        var line = 0
        var text: [UInt8] = []
        var attributes: [String] = []
        var description: String {
            "\(kind) \(name)\(empty ? "/" : "") d\(depth) l\(line) \(String(decoding: text, as: UTF8.self).debugDescription) \(attributes)"
        }
    }

    /// Attribute names looked up one by one, besides those the element has.
    static let probes = ["r", "t", "xmlns", "xmlns:p", "p:c", "c", "q:t", "u", "a", "text:c", "table:name"]

    static func kindName(_ k: XMLNodeKind) -> String {
        switch k {
        case .element: "element"
        case .endElement: "end"
        case .text: "text"
        case .whitespace: "whitespace"
        case .other: "other"
        }
    }

    /// Every node of `xml` as `read` gives it, and the error that ended the reading, if any.
    static func nodes<Reader: XMLNodeReader>(_ xml: [UInt8], _ read: (UnsafeRawBufferPointer, (Reader) throws -> Void) throws -> Void)
        -> (nodes: [Node], error: String?) {
        var nodes: [Node] = []
        do {
            try xml.withUnsafeBytes { raw in
                try read(raw) { r in
                    while try r.next() {
                        // Entity declarations are nodes of the stream reader's alone.
                        if r.kind == .other && r.otherKind == .entityDeclaration { continue }
                        var n = Node(kind: kindName(r.kind), depth: r.depth)
                        switch r.kind {
                        case .element, .endElement:
                            n.name = r.localName
                            n.line = r.line
                            if r.kind == .element {
                                n.empty = r.isEmptyElement
                                n.attributes = r.attributes().map { "\($0.name)=\($0.value)" }
                                n.attributes += probes.map { "\($0)?\(r.attribute($0) ?? "-")" }
                            }
                        case .text, .whitespace:
                            r.appendValue(to: &n.text)
                        case .other:
                            n.name = "\(r.otherKind) \(r.otherName)"
                            // An entity reference's text is the stream reader's alone.
                            if r.otherKind != .entityReference { r.appendValue(to: &n.text) }
                        }
                        nodes.append(n)
                    }
                }
            }
        } catch {
            return (nodes, "\(error)")
        }
        return (nodes, nil)
    }

    static func textReaderNodes(_ xml: [UInt8]) -> (nodes: [Node], error: String?) {
        nodes(xml) { (raw, body: (XMLPullReader) throws -> Void) in try XMLPullReader.readXML(raw, body) }
    }

    static func streamReaderNodes(_ xml: [UInt8]) -> (nodes: [Node], error: String?) {
        nodes(xml) { (raw, body: (XMLStreamReader) throws -> Void) in try XMLStreamReader.read(raw, body) }
    }

    /// The same nodes; for a document that is not well-formed, the same error, after the text
    /// reader's nodes (the stream reader may give more of those before it).
    static func expectSameNodes(_ xml: [UInt8], _ what: String) {
        let reference = textReaderNodes(xml), stream = streamReaderNodes(xml)
        #expect(stream.error == reference.error, "\(what): error")
        if reference.error == nil {
            #expect(stream.nodes.count == reference.nodes.count, "\(what): node count")
        } else {
            #expect(stream.nodes.count >= reference.nodes.count, "\(what): node count")
        }
        for (i, (a, b)) in zip(reference.nodes, stream.nodes).enumerated() where a != b {
            Issue.record("\(what): node \(i): text reader \(a), stream reader \(b)")
            return
        }
    }

    static let cases: [(String, String)] = [
        ("namespaces, references, comments, PIs, CDATA, blanks", """
            <?xml version="1.0"?>
            <a xmlns="urn:x" xmlns:p="urn:p"><p:b p:c="1" c="2 &amp; 3 &#65; &lt;&#38;"/><e>text &amp; more<!--c-->after<?pi x?>tail</e>
              <f><![CDATA[cdata & <stuff>]]>x</f>
              <g>  </g><h xml:space="preserve">  </h><i></i><j/><k a="tab\tand\nnewline"/>
            </a>
            """),
        ("internal entities, in text and in attributes", """
            <!DOCTYPE r [<!ENTITY e "entity text"><!ENTITY f "<x>in f</x>"><!ENTITY g "&e; and &#38;amp;">]>
            <r a="&e;" u="x &g; y">before &e; after &f; &e;<y/>&g;</r>
            """),
        ("a prefix bound to no namespace", "<r><q:s q:t=\"1\" u=\"2\">x</q:s><q:v/></r>"),
        ("not well-formed", "<a><b>text</a>"),
        ("cut short", "<a><b>text</b><c>more"),
        ("empty", ""),
        ("no root", "<?xml version=\"1.0\"?>"),
        ("billion laughs, small", """
            <!DOCTYPE l [<!ENTITY l0 "ha "><!ENTITY l1 "&l0;&l0;&l0;"><!ENTITY l2 "&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;">]>
            <l>&l3;&l3;</l>
            """),
        ("external entity", "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><r><n>&x;</n></r>"),
    ]

    @Test func handWrittenDocuments() {
        for (what, xml) in Self.cases { Self.expectSameNodes(Array(xml.utf8), what) }
    }

    @Test func utf16WithByteOrderMark() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><r a=\"é\">naïve £5</r>"
        var data: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { data += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        Self.expectSameNodes(data, "UTF-16")
    }

    /// Pieces of 64 KiB: texts, tags and attribute values cut across them.
    @Test func documentsLargerThanOnePiece() {
        var rows = "<sheet>"
        for i in 0..<6000 { rows += "<row r=\"\(i)\"><c r=\"A\(i)\" t=\"s\"><v>\(i * 7)</v></c><c r=\"B\(i)\"/>\n</row>" }
        Self.expectSameNodes(Array((rows + "</sheet>").utf8), "rows")
        let long = String(repeating: "lorem &amp; ipsum ", count: 20000)
        Self.expectSameNodes(Array("<a><b>\(long)</b><c>\(long)<!--x-->\(long)</c></a>".utf8), "long texts")
        Self.expectSameNodes(Array("<a><b>\(long)</b><c>\(long)".utf8), "long text cut short")
    }

    /// Names compared in place (`name`, as a switch does) and attributes read in place
    /// (`withAttribute`) must say what `localName` and `attribute(_:)` say.
    static let nameProbes: [StaticString] = ["a", "b", "c", "r", "s", "t", "v", "row", "sheetData", "q:s", "p", ""]
    static let attributeProbes: [StaticString] = ["r", "t", "s", "c", "u", "a"]

    /// Returns how many elements were checked, so that a document read as nothing is noticed.
    @discardableResult
    static func expectInPlaceReadsAgree(_ xml: [UInt8], _ what: String) -> Int {
        var elements = 0
        // A document that is not well-formed ends in an error: what was read before it counts.
        try? xml.withUnsafeBytes { raw in
            try XMLStreamReader.read(raw) { r in
                while try r.next() {
                    let local = r.kind == .element || r.kind == .endElement ? r.localName : ""
                    for probe in nameProbes where (r.name == probe) != (local == probe.description) {
                        Issue.record("\(what): '\(local)' compared with '\(probe)'")
                    }
                    guard r.kind == .element else { continue }
                    elements += 1
                    for probe in attributeProbes {
                        var inPlace: String?
                        let found = r.withAttribute(probe) { inPlace = String(decoding: $0, as: UTF8.self) }
                        #expect(found == (inPlace != nil) && inPlace == r.attribute(probe.description), "\(what): <\(local)> \(probe)")
                    }
                }
            }
        }
        return elements
    }

    @Test func namesAndAttributesReadInPlace() throws {
        for (what, xml) in Self.cases { Self.expectInPlaceReadsAgree(Array(xml.utf8), what) }
        let sheet = "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\" s=\"3\"><v>0</v></c><c r=\"B1\" t=\"\" s=\"\"/></row></sheetData>"
        #expect(Self.expectInPlaceReadsAgree(Array(sheet.utf8), "a sheet") == 5)
        var elements = 0
        let data = Array(try Data(contentsOf: samples.appendingPathComponent("office/learner-register.xlsx")))
        try data.withUnsafeBytes { raw in
            try ArchiveReader.read(raw, formats: .zip) { reader in
                while let entry = try reader.nextEntry() {
                    let name = String(decoding: entry.pathBytes, as: UTF8.self)
                    guard name.hasSuffix(".xml") else { continue }
                    elements += Self.expectInPlaceReadsAgree(try reader.readData(limit: 1 << 26).bytes, name)
                }
            }
        }
        #expect(elements > 50, "the workbook's parts were read")
    }

    /// Every XML file and every XML part of the Office and OpenDocument packages in Samples/.
    @Test func everyXMLDocumentInSamples() throws {
        var checked = 0
        let root = samples
        let packages = ["office/referral.docx", "office/learner-register.xlsx", "office/induction.pptx", "office/blank-template.docx",
                        "opendocument/agreement.odt", "opendocument/class-list.ods", "opendocument/briefing.odp"]
        for path in packages {
            let data = Array(try Data(contentsOf: root.appendingPathComponent(path)))
            try data.withUnsafeBytes { raw in
                try ArchiveReader.read(raw, formats: .zip) { reader in
                    while let entry = try reader.nextEntry() {
                        let name = String(decoding: entry.pathBytes, as: UTF8.self)
                        guard name.hasSuffix(".xml") || name.hasSuffix(".rels") else { continue }
                        Self.expectSameNodes(try reader.readData(limit: 1 << 26).bytes, "\(path): \(name)")
                        checked += 1
                    }
                }
            }
        }
        Self.expectSameNodes(Array(try Data(contentsOf: root.appendingPathComponent("data/learners.xml"))), "data/learners.xml")
        #expect(checked > 20)
    }
}
