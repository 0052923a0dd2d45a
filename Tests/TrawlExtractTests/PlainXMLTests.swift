import Foundation
import LibXML2
import Testing
import TrawlModel
@testable import TrawlExtract

/// The plain reader (`PlainXMLReader`) reads the shared strings and sheets of nearly every
/// workbook; libxml2 (`XMLStreamReader`) reads the rest and is the reference. Where the plain
/// reader gives a node it must be libxml2's, and where it gives up (`Unsupported`) every node it
/// gave before must be libxml2's first nodes: the workbook reader then reads the part again with
/// libxml2 and hands on only the rows past those already handed on. Checked node for node and on
/// the workbooks' text, on Samples, the bench's workbooks and seeded mutations of both.
@Suite struct PlainXMLReading {
    struct Nodes {
        var nodes: [String] = []
        /// Each node's text (text and blank nodes only).
        var texts: [[UInt8]?] = []
        /// libxml2's error; for the plain reader, whether it gave up.
        var stopped: String?
    }

    /// Attributes looked up on every element.
    static let probes: [StaticString] = ["r", "t", "s", "ref", "spans", "space", "uid", "count", "uniqueCount", "a", "c", "u"]

    static func name(_ r: XMLStreamReader) -> String { r.localName }
    static func name(_ r: PlainXMLReader) -> String { String(decoding: r.name.bytes, as: UTF8.self) }

    static func collect<R: CellNodeReader>(_ r: R, name: (R) -> String, into out: inout Nodes) throws {
        while try r.next() {
            var node: String
            var nodeText: [UInt8]?
            switch r.kind {
            case .element:
                node = "<\(name(r))\(r.isEmptyElement ? "/" : "")"
                for probe in probes {
                    r.withAttribute(probe) { node += " \(probe)=\(String(decoding: $0, as: UTF8.self).debugDescription)" }
                }
            case .endElement:
                node = "</\(name(r))"
            case .text, .whitespace:
                var text: [UInt8] = []
                r.appendValue(to: &text)
                node = "\(r.kind == .text ? "text" : "blank") \(String(decoding: text, as: UTF8.self).debugDescription) \(text.count)"
                nodeText = text
            case .other:
                node = "other"
            }
            out.nodes.append(node)
            out.texts.append(nodeText)
        }
    }

    static func plainNodes(_ xml: [UInt8]) -> Nodes {
        var out = Nodes()
        do {
            try PlainXMLReader.read(xml) { r in try collect(r, name: name, into: &out) }
        } catch {
            out.stopped = "\(error)"
        }
        return out
    }

    static func libxml2Nodes(_ xml: [UInt8]) -> Nodes {
        var out = Nodes()
        do {
            try xml.withUnsafeBytes { raw in try XMLStreamReader.read(raw) { r in try collect(r, name: name, into: &out) } }
        } catch {
            out.stopped = "\(error)"
        }
        return out
    }

    /// The plain reader's nodes are libxml2's (all of them, where it read the whole document);
    /// returns whether it read the whole document. Where it gave up, its last node may be a text
    /// that libxml2's goes on from (libxml2 joins character data across what the plain reader
    /// leaves to it: a CDATA section, an entity's reference): rows are made at their end tags,
    /// which no such text reaches.
    @discardableResult
    static func expectSameNodes(_ xml: [UInt8], _ what: String) -> Bool {
        let plain = plainNodes(xml), reference = libxml2Nodes(xml)
        var compared = plain.nodes.count
        if plain.stopped == nil {
            #expect(reference.stopped == nil, "\(what): libxml2 stopped (\(reference.stopped ?? "")) where the plain reader did not")
            #expect(plain.nodes.count == reference.nodes.count, "\(what): node count")
        } else {
            #expect(plain.nodes.count <= reference.nodes.count, "\(what): the plain reader gave more nodes before it gave up")
            if let last = plain.texts.last, let text = last, plain.nodes.count <= reference.nodes.count {
                compared -= 1
                let continued = reference.texts[compared]
                #expect(continued.map { $0.starts(with: text) } == true, "\(what): plain \(plain.nodes[compared]), libxml2 \(reference.nodes[compared])")
            }
        }
        for (i, (a, b)) in zip(plain.nodes.prefix(compared), reference.nodes).enumerated() where a != b {
            Issue.record("\(what): node \(i): plain \(a), libxml2 \(b)")
            break
        }
        return plain.stopped == nil
    }

    /// A workbook's text, read each way: the same chunks, the same error.
    static func expectSameText(_ parts: [String: [UInt8]], _ what: String) {
        func read(_ reading: SpreadsheetExtractor.CellReading) -> (chunks: [String], error: String?) {
            var chunks: [String] = []
            do {
                try SpreadsheetExtractor.extract(parts: parts, cellReading: reading) { c in
                    let cells = c.cells.map { "\($0.range) \($0.ref ?? "-") \($0.label ?? "-")" }
                    chunks.append("\(c.part ?? "-") \(c.offset) \(c.firstLine ?? -1) \(String(decoding: c.text, as: UTF8.self).debugDescription) \(cells)")
                }
            } catch {
                return (chunks, "\(error)")
            }
            return (chunks, nil)
        }
        let plain = read(.plainWherePossible), reference = read(.libxml2)
        #expect(plain.error == reference.error, "\(what): error")
        #expect(plain.chunks.count == reference.chunks.count, "\(what): chunk count")
        for (i, (a, b)) in zip(plain.chunks, reference.chunks).enumerated() where a != b {
            Issue.record("\(what): chunk \(i): plain \(a), libxml2 \(b)")
            break
        }
    }

    static func parts(of xlsx: [UInt8]) throws -> [String: [UInt8]] {
        try OfficePackage.read(xlsx, limits: ExtractLimits()) { $0.hasSuffix(".xml") || $0.hasSuffix(".rels") }
    }

    /// The parts the plain reader reads.
    static func isCellPart(_ name: String) -> Bool {
        name == "xl/sharedStrings.xml" || (name.hasPrefix("xl/worksheets/") && name.hasSuffix(".xml"))
    }

    static let cases: [(String, String)] = [
        ("a sheet", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="urn:main" xmlns:r="urn:r" xmlns:x14ac="urn:x14ac"><sheetData>
            <row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>30754</v></c></row>
            <row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;&#10;&#13; </t></is></c></row>
            <row r="3"/><row r='4'><c r='A4' t='str'><v>caf\u{E9} \u{1F600} \u{FFFD}</v></c></row>
            </sheetData><headerFooter><oddHeader>&amp;L&amp;"Arial,Bold"Confidential&amp;RPage &amp;P</oddHeader></headerFooter></worksheet>
            """),
        ("shared strings", """
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="urn:main" count="4" uniqueCount="4"><si><t>Name</t></si><si/><si><r><t>Date of </t></r><r><t>Birth</t></r><rPh><t>x</t></rPh></si>
            <si><t>  </t></si><si><si><t>inner</t></si>after</si></sst>
            """),
        ("no declaration, a byte-order mark", "\u{FEFF}<a><b>text</b></a>"),
        ("white space around the root", "\n <a> <b/> </a>\n"),
        ("a reference to a blank", "<a><b>&#32;&#9;</b><c>&#13;</c></a>"),
        ("an attribute with a prefix bound to no namespace", "<a><c q:r=\"1\" r=\"A1\"/></a>"),
        ("an attribute twice", "<a><c r=\"A1\" r=\"B1\"/></a>"),
        ("an attribute twice, by its prefix", "<a xmlns:p=\"urn:p\" xmlns:q=\"urn:p\"><c p:r=\"A1\" q:r=\"B1\"/></a>"),
        ("a tab in an attribute", "<a><c r=\"A\t1\"/></a>"),
        ("a reference in an attribute", "<a><c r=\"A&amp;1\"/></a>"),
        ("an element with a prefix", "<x:a xmlns:x=\"urn:x\"><x:b>t</x:b></x:a>"),
        ("a carriage return", "<a><b>one\r\ntwo</b></a>"),
        ("a control character", "<a><b>one\u{1}two</b></a>"),
        ("a control character by reference", "<a><b>one&#1;two</b></a>"),
        ("]]> in text", "<a><b>one]]>two</b></a>"),
        ("an unknown entity", "<a><b>&nbsp;</b></a>"),
        ("a comment", "<a><b>x</b><!-- c --><b>y</b></a>"),
        ("CDATA", "<a><b><![CDATA[x<y]]></b></a>"),
        ("a document type", "<!DOCTYPE a><a/>"),
        ("another encoding declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\u{E9}</a>"),
        ("version 1.1", "<?xml version=\"1.1\"?><a/>"),
        ("a mismatched end", "<a><b>text</c></a>"),
        ("cut short", "<a><b>text</b><c>more"),
        ("two roots", "<a/><b/>"),
        ("text after the root", "<a/>x"),
        ("empty", ""),
        ("no root", "<?xml version=\"1.0\"?>"),
        ("a name starting with a digit", "<a><1b/></a>"),
        ("no space between attributes", "<a><c r=\"1\"t=\"2\"/></a>"),
        ("xmlns:xml", "<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"><b/></a>"),
        ("an empty namespace for a prefix", "<a xmlns:p=\"\"><b/></a>"),
        ("the default namespace undeclared", "<a xmlns=\"urn:a\"><b xmlns=\"\">t</b></a>"),
        ("deep", String(repeating: "<a>", count: 300) + String(repeating: "</a>", count: 300)),
    ]

    @Test func handWrittenDocuments() {
        for (what, xml) in Self.cases { Self.expectSameNodes(Array(xml.utf8), what) }
        // Bytes that are not UTF-8, and characters XML does not allow.
        for (what, bad) in [("a lone continuation byte", [0x80]), ("a cut sequence", [0xC3]), ("an overlong form", [0xC0, 0x80]),
                            ("a surrogate", [0xED, 0xA0, 0x80]), ("U+FFFE", [0xEF, 0xBF, 0xBE]), ("past U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
                            ("a NUL", [0x00])] as [(String, [UInt8])] {
            Self.expectSameNodes(Array("<a><b>x".utf8) + bad + Array("y</b><c r=\"".utf8) + bad + Array("\"/></a>".utf8), what)
        }
        // The plain reader reads the plain ones itself.
        #expect(Self.expectSameNodes(Array(Self.cases[0].1.utf8), "a sheet"))
        #expect(Self.expectSameNodes(Array(Self.cases[1].1.utf8), "shared strings"))
    }

    @Test func theWorkbooksInSamples() throws {
        var plain = 0
        for name in ["staff-summary", "learner-register", "budget", "staff-notes"] {
            let parts = try Self.parts(of: try bytes("office/\(name).xlsx"))
            for (part, xml) in parts.sorted(by: { $0.key < $1.key }) where Self.isCellPart(part) {
                if Self.expectSameNodes(xml, "\(name): \(part)") { plain += 1 }
            }
            Self.expectSameText(parts, name)
        }
        #expect(plain >= 5, "the plain reader read the Samples' sheets and shared strings itself")
    }

    /// Every other XML part in Samples' Office and OpenDocument files: most are left to libxml2
    /// (names with prefixes), at whatever node that is met.
    @Test func everyXMLPartInSamples() throws {
        for path in ["office/referral.docx", "office/induction.pptx", "office/blank-template.docx",
                     "opendocument/agreement.odt", "opendocument/class-list.ods", "opendocument/briefing.odp"] {
            for (part, xml) in try Self.parts(of: try bytes(path)) { Self.expectSameNodes(xml, "\(path): \(part)") }
        }
        Self.expectSameNodes(try bytes("data/learners.xml"), "data/learners.xml")
    }

    /// The bench's workbooks (`scripts/bench-corpus.py`): inline strings, every cell a row's.
    @Test func theBenchWorkbooks() throws {
        let workbooks = try Self.benchWorkbooks(count: 12)
        try #require(workbooks.count == 12)
        for (name, parts) in workbooks {
            for (part, xml) in parts where Self.isCellPart(part) {
                #expect(Self.expectSameNodes(xml, "\(name): \(part)"), "\(name): \(part) read by the plain reader")
            }
            Self.expectSameText(parts, name)
        }
    }

    static func benchWorkbooks(count: Int) throws -> [(String, [String: [UInt8]])] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-plainxml-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = samples.deletingLastPathComponent().appendingPathComponent("scripts/bench-corpus.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, dir.path, "--text-mb", "0", "--docx", "0", "--xlsx", "\(count)"]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let folder = dir.appendingPathComponent("xlsx")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, try parts(of: Array(try Data(contentsOf: folder.appendingPathComponent(name)))))
        }
    }

    /// Seeded mutations of the Samples' and the bench's sheets and shared strings: tokens of the
    /// XML fuzz dictionary and of the plain reader's edges put in at random places, stretches cut
    /// out or repeated, the end cut off. Node for node, and the workbook's text.
    @Test func mutatedParts() throws {
        var bases: [(String, [String: [UInt8]])] = []
        for name in ["learner-register", "budget"] {
            bases.append((name, try Self.parts(of: try bytes("office/\(name).xlsx"))))
        }
        bases += try Self.benchWorkbooks(count: 2)
        let dictionary = try String(contentsOf: samples.deletingLastPathComponent().appendingPathComponent("Tests/Fuzz/dictionaries/xml.dict"),
                                    encoding: .utf8)
        var tokens: [[UInt8]] = dictionary.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("\""), line.hasSuffix("\""), line.count >= 2 else { return nil }
            return Array(line.dropFirst().dropLast().replacingOccurrences(of: "\\x22", with: "\"").utf8)
        }
        tokens += ["&amp;", "&#10;", "&#13;", "&#x1F600;", "&#0;", "&#xD800;", "&bogus;", "]]>", "\r\n", "\r", "\t", "\n", " ", "<", ">",
                   "\"", "'", "=", "/", "&", "<x:c>", " p:q=\"1\"", " r=\"Z9\"", " t=\"s\"", "<v>1</v>", "<t>", "</t>", "</c>", "<c>", "</row>",
                   "<row>", "<si>", "</si>", "<rPh>", "caf\u{E9}", "\u{FEFF}", "<?pi x?>", "<!-- c -->"].map { Array($0.utf8) }
        tokens += [[0x80], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0x01], [0x00]]
        var random = SplitMix(seed: 32)
        var plainWhole = 0, mutants = 0
        for (name, parts) in bases {
            for (part, xml) in parts.sorted(by: { $0.key < $1.key }) where Self.isCellPart(part) && !xml.isEmpty {
                for round in 0..<100 {
                    var m = xml
                    for _ in 0...random.below(2) {
                        let at = random.below(m.count + 1)
                        switch random.below(5) {
                        case 0, 1: m.insert(contentsOf: tokens[random.below(tokens.count)], at: at)
                        case 2: m.removeSubrange(at..<min(m.count, at + 1 + random.below(16)))
                        case 3: m.insert(contentsOf: m[at..<min(m.count, at + 1 + random.below(64))], at: at)
                        default: if round % 6 == 0 { m.removeSubrange(at...) }
                        }
                    }
                    mutants += 1
                    if Self.expectSameNodes(m, "\(name): \(part), mutant \(round)") { plainWhole += 1 }
                    var mutated = parts
                    mutated[part] = m
                    Self.expectSameText(mutated, "\(name): \(part), mutant \(round)")
                }
            }
        }
        // Most mutants are left to libxml2 at some node; some stay plain XML throughout.
        #expect(plainWhole > 0 && plainWhole < mutants, "\(plainWhole) of \(mutants) read whole by the plain reader")
    }
}

extension PlainXMLReading {
    /// Small documents of random tokens (tags, attributes, references, characters XML forbids,
    /// what the plain reader leaves to libxml2), most inside one root: node for node.
    @Test func randomDocuments() {
        let tokens: [[UInt8]] = ["<a>", "</a>", "<b>", "</b>", "<c/>", "<c r=\"A1\" t='s'>", "</c>", "<v>", "</v>", "<t xml:space=\"preserve\">",
                                 "</t>", "<a q:r=\"1\">", "<a r=\"1\" r=\"2\">", "<a\tr = \"x\" >", "<a r=\"x\ty\">", "<a r=\"&amp;\">",
                                 "<x:a xmlns:x=\"u\">", "</x:a>", "<a xmlns=\"urn:a\">", "<a xmlns:p=\"\">", "text", "12", " ", "\t", "\n",
                                 "\r", "&amp;", "&lt;", "&#65;", "&#x1F600;", "&#0;", "&#13;", "&#32;", "&bad;", "&", "]]>", "]]", "]", ">",
                                 "<", "\"", "'", "=", "/", "\u{E9}", "\u{FFFD}", "<!--x-->", "<?p x?>", "<![CDATA[y]]>", "<!DOCTYPE a>",
                                 "<?xml version=\"1.0\"?>", "\u{FEFF}"].map { Array($0.utf8) }
            + [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBE], [0x01], [0x00], [0x7F]]
        var random = SplitMix(seed: 5)
        var plainWhole = 0
        let count = 3000
        for n in 0..<count {
            var doc: [UInt8] = random.below(8) == 0 ? [] : Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>".utf8)
            let wrapped = random.below(6) != 0
            if wrapped { doc += Array("<r>".utf8) }
            for _ in 0..<(1 + random.below(12)) { doc += tokens[random.below(tokens.count)] }
            if wrapped { doc += Array("</r>".utf8) }
            if Self.expectSameNodes(doc, "document \(n): \(String(decoding: doc, as: UTF8.self).debugDescription)") { plainWhole += 1 }
        }
        #expect(plainWhole > 0 && plainWhole < count, "\(plainWhole) of \(count) read whole by the plain reader")
    }

    /// Random well-nested documents: elements with random attributes and texts of plain and
    /// edge tokens, sometimes one character XML forbids. Node for node.
    @Test func randomNestedDocuments() {
        let names = ["a", "row", "c", "v", "t", "is", "si", "r", "rPh", "b-c", "_d.e"]
        let attributes = [" r=\"A1\"", " t='s'", " s=\"3\"", " x14ac:dyDescent=\"0.25\"", " xml:space=\"preserve\"",
                          " xmlns=\"urn:main\"", " xmlns:x=\"urn:x\"", " q:r=\"1\"", " r = \"B2\" ", " spans=\"1:5\"",
                          " u=\"caf\u{E9} \u{1F600}\"", " v=\"a>b\"", " w='say \"hi\"'"]
        let texts: [[UInt8]] = ["Ava Reid", "AB 12 34 56 C", "  ", "\n", "\t", "&amp;", "&lt;&gt;", "&quot;&apos;", "&#65;", "&#x42;",
                                "&#10;", "&#13;", "&#32;", "\u{E9}", "\u{1F600}", "\u{FFFD}", "]", "]]", ">", "'\"", "x]]y"].map { Array($0.utf8) }
        let rare: [[UInt8]] = ["]]>", "\r", "&nbsp;", "&#0;", "<!--c-->", "<![CDATA[z]]>"].map { Array($0.utf8) } + [[0xC3], [0x01], [0xEF, 0xBF, 0xBF]]
        var random = SplitMix(seed: 11)
        func element(_ depth: Int, into doc: inout [UInt8]) {
            let name = names[random.below(names.count)]
            doc += Array("<\(name)".utf8)
            for _ in 0..<random.below(3) { doc += Array(attributes[random.below(attributes.count)].utf8) }
            if depth > 3 || random.below(4) == 0 {
                doc += Array("/>".utf8)
                return
            }
            doc += Array(">".utf8)
            for _ in 0..<random.below(4) {
                switch random.below(3) {
                case 0: element(depth + 1, into: &doc)
                default: doc += random.below(40) == 0 ? rare[random.below(rare.count)] : texts[random.below(texts.count)]
                }
            }
            doc += Array("</\(name)>".utf8)
        }
        var plainWhole = 0
        let count = 3000
        for n in 0..<count {
            var doc: [UInt8] = random.below(3) == 0 ? [] : Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n".utf8)
            element(0, into: &doc)
            if Self.expectSameNodes(doc, "document \(n): \(String(decoding: doc, as: UTF8.self).debugDescription)") { plainWhole += 1 }
        }
        #expect(plainWhole > count / 2, "\(plainWhole) of \(count) read whole by the plain reader")
    }
}

/// A seeded generator (SplitMix64): the same mutants on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}
