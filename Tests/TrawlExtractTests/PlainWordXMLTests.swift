import Foundation
import LibXML2
import Testing
import TrawlModel
@testable import TrawlExtract

/// The plain reader with prefixes resolved (`PlainXMLReader.Prefixes.resolved`) reads the
/// WordprocessingML parts of nearly every Word file; libxml2 (`XMLStreamReader`) reads the rest
/// and is the reference. Where the plain reader gives a node it must be libxml2's (an element's
/// name its local name, where its prefix is bound), and where it gives up every node it gave
/// before must be libxml2's first nodes: `FlowReading` then reads the part again with libxml2
/// and hands on only the chunks past those already handed on. Checked node for node and on the
/// parts' text, on Samples' Word files, the bench's and seeded mutations of both.
@Suite struct PlainWordXMLReading {
    typealias Nodes = PlainXMLReading.Nodes

    static func plainNodes(_ xml: [UInt8]) -> Nodes {
        var out = Nodes()
        do {
            try PlainXMLReader.read(xml, prefixes: .resolved) { r in
                try PlainXMLReading.collect(r, name: PlainXMLReading.name, into: &out)
            }
        } catch {
            out.stopped = "\(error)"
        }
        return out
    }

    /// As `PlainXMLReading.expectSameNodes`, with prefixes resolved; returns whether the plain
    /// reader read the whole part.
    @discardableResult
    static func expectSameNodes(_ xml: [UInt8], _ what: String) -> Bool {
        let plain = plainNodes(xml), reference = PlainXMLReading.libxml2Nodes(xml)
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

    /// A part's text, read each way: the same chunks, the same error.
    static func expectSameText(_ xml: [UInt8], _ what: String) {
        func read(_ reading: FlowReading) -> (chunks: [String], error: String?) {
            var chunks: [String] = []
            do {
                try FlowExtractor.extract(xml, part: "word/document.xml", vocabulary: .wordprocessingML, reading: reading) { c in
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

    /// The parts `OfficeText.word` reads.
    static func wordParts(of docx: [UInt8]) throws -> [String: [UInt8]] {
        try OfficePackage.read(docx, limits: ExtractLimits()) { $0.hasPrefix("word/") && $0.hasSuffix(".xml") }
    }

    static let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

    static let cases: [(String, String)] = [
        ("a document", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:wpc="urn:wpc" \(w) xmlns:w14="urn:w14" xmlns:r="urn:r"><w:body>
            <w:p w:rsidR="00A1" w14:paraId="1A2B"><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Referral</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">Name: </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Jo &amp; Sam</w:t><w:tab/><w:t>AB 12</w:t><w:br/><w:t>34 56 C</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>NI number</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>QQ 12 34 56 C</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:sectPr/></w:body></w:document>
            """),
        ("a prefix declared on the element itself", "<w:document \(w)><w:p><w:r><w:t>x</w:t></w:r></w:p></w:document>"),
        ("a prefix declared below the root", "<a><w:p \(w)><w:t>x</w:t></w:p></a>"),
        ("a prefix bound to no namespace", "<w:document \(w)><w:p><x:r><w:t>x</w:t></x:r></w:p></w:document>"),
        ("a prefix out of scope after its element", "<a><w:p \(w)><w:t>x</w:t></w:p><w:p><w:t>y</w:t></w:p></a>"),
        ("a prefix out of scope after an empty element", "<a><w:br \(w)/><w:p/></a>"),
        ("a prefix declared again inside", "<w:a \(w)><w:b xmlns:w=\"urn:other\"><w:t>x</w:t></w:b><w:t>y</w:t></w:a>"),
        ("a prefix declared twice on one element", "<w:a \(w) \(w)><w:t>x</w:t></w:a>"),
        ("a prefix for the xml namespace's name", "<w:a xmlns:w=\"http://www.w3.org/XML/1998/namespace\"><w:t>x</w:t></w:a>"),
        ("a prefix for the xmlns namespace's name", "<w:a xmlns:w=\"http://www.w3.org/2000/xmlns/\"><w:t>x</w:t></w:a>"),
        ("an element with the prefix xml", "<a><xml:t>x</xml:t></a>"),
        ("an element with the prefix xmlns", "<a xmlns:x=\"urn:x\"><xmlns:x>t</xmlns:x></a>"),
        ("a namespace name that is not a URI", "<w:a xmlns:w=\"a b%zz[\"><w:t>x</w:t></w:a>"),
        ("a relative namespace name", "<w:a xmlns:w=\"main\"><w:t>x</w:t></w:a>"),
        ("a default namespace name that is not a URI", "<a xmlns=\"a b%zz[\"><w:t \(w)>x</w:t></a>"),
        ("an empty namespace for a prefix", "<w:a xmlns:w=\"\"><w:t>x</w:t></w:a>"),
        ("a default namespace", "<document xmlns=\"urn:w\" \(w)><p><w:t>x</w:t></p></document>"),
        ("two colons", "<w:a \(w)><w:t:u>x</w:t:u></w:a>"),
        ("a colon at the end", "<w:a \(w)><w:>x</w:></w:a>"),
        ("an end tag with another prefix", "<w:a \(w) xmlns:v=\"urn:v\"><w:t>x</v:t></w:a>"),
        ("an end tag without the prefix", "<w:a \(w)><w:t>x</t></w:a>"),
        ("an end tag with a prefix the start had not", "<w:a \(w)><t>x</w:t></w:a>"),
        ("a prefixed attribute bound to no namespace", "<w:a \(w)><w:t q:r=\"1\" r=\"2\">x</w:t></w:a>"),
        ("an attribute twice, by its prefix", "<w:a \(w) xmlns:v=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:t w:r=\"1\" v:r=\"2\">x</w:t></w:a>"),
        ("an attribute twice", "<w:a \(w)><w:t w:r=\"1\" w:r=\"2\">x</w:t></w:a>"),
        ("the declaration after its use on the element", "<w:a w:x=\"1\" \(w)><w:t>x</w:t></w:a>"),
        ("a reference in an attribute", "<w:a \(w)><w:t w:val=\"a&amp;b\">x</w:t></w:a>"),
        ("a comment", "<w:a \(w)><w:t>x</w:t><!-- c --><w:t>y</w:t></w:a>"),
        ("text split by a CDATA section", "<w:a \(w)><w:t>x <![CDATA[<y>]]> z</w:t></w:a>"),
        ("text after the last paragraph", "<w:a \(w)><w:p><w:t>x</w:t></w:p><w:t>tail</w:t></w:a>"),
        ("cut short", "<w:a \(w)><w:p><w:t>x</w:t></w:p><w:p><w:t>more"),
        ("deep", "<w:a \(w)>" + String(repeating: "<w:b>", count: 300) + String(repeating: "</w:b>", count: 300) + "</w:a>"),
    ]

    @Test func handWrittenDocuments() {
        for (what, xml) in Self.cases {
            Self.expectSameNodes(Array(xml.utf8), what)
            Self.expectSameText(Array(xml.utf8), what)
        }
        // The plain reader reads these itself.
        for what in ["a document", "a prefix declared on the element itself", "a prefix declared below the root",
                     "a prefix declared again inside", "a default namespace", "a prefixed attribute bound to no namespace",
                     "the declaration after its use on the element", "text after the last paragraph",
                     "a namespace name that is not a URI", "a relative namespace name",
                     "a default namespace name that is not a URI"] {
            let xml = Self.cases.first { $0.0 == what }!.1
            #expect(Self.expectSameNodes(Array(xml.utf8), what), "\(what): read by the plain reader")
        }
        // And leaves these to libxml2 (libxml2 reads them on, naming the element "x:r", "w:p").
        for what in ["a prefix bound to no namespace", "a prefix out of scope after its element",
                     "a prefix out of scope after an empty element", "an element with the prefix xml",
                     "a prefix for the xml namespace's name"] {
            let xml = Self.cases.first { $0.0 == what }!.1
            #expect(!Self.expectSameNodes(Array(xml.utf8), what), "\(what): left to libxml2")
        }
    }

    @Test func theWordFilesInSamples() throws {
        var plain = 0
        for name in ["referral", "staffing-review", "blank-template"] {
            for (part, xml) in try Self.wordParts(of: try bytes("office/\(name).docx")).sorted(by: { $0.key < $1.key }) {
                if Self.expectSameNodes(xml, "\(name): \(part)") { plain += 1 }
                Self.expectSameText(xml, "\(name): \(part)")
            }
        }
        #expect(plain >= 3, "the plain reader read the Samples' documents itself")
    }

    /// The bench's Word files (`scripts/bench-corpus.py`): paragraphs and a table each.
    @Test func theBenchWordFiles() throws {
        let documents = try Self.benchWordFiles(count: 12)
        try #require(documents.count == 12)
        for (name, parts) in documents {
            for (part, xml) in parts {
                #expect(Self.expectSameNodes(xml, "\(name): \(part)"), "\(name): \(part) read by the plain reader")
                Self.expectSameText(xml, "\(name): \(part)")
            }
        }
    }

    static func benchWordFiles(count: Int) throws -> [(String, [String: [UInt8]])] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-plainword-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = samples.deletingLastPathComponent().appendingPathComponent("scripts/bench-corpus.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, dir.path, "--text-mb", "0", "--docx", "\(count)", "--xlsx", "0"]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let folder = dir.appendingPathComponent("docx")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, try wordParts(of: Array(try Data(contentsOf: folder.appendingPathComponent(name)))))
        }
    }

    /// Seeded mutations of the Samples' and the bench's documents: tokens of the XML fuzz
    /// dictionary, of the plain reader's edges and of prefixes and their declarations put in at
    /// random places, stretches cut out or repeated, the end cut off. Node for node, and the
    /// part's text.
    @Test func mutatedParts() throws {
        var bases: [(String, [UInt8])] = []
        for name in ["referral", "staffing-review"] {
            if let xml = try Self.wordParts(of: try bytes("office/\(name).docx"))["word/document.xml"] { bases.append((name, xml)) }
        }
        for (name, parts) in try Self.benchWordFiles(count: 2) {
            if let xml = parts["word/document.xml"] { bases.append((name, xml)) }
        }
        try #require(bases.count == 4)
        let dictionary = try String(contentsOf: samples.deletingLastPathComponent().appendingPathComponent("Tests/Fuzz/dictionaries/xml.dict"),
                                    encoding: .utf8)
        var tokens: [[UInt8]] = dictionary.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("\""), line.hasSuffix("\""), line.count >= 2 else { return nil }
            return Array(line.dropFirst().dropLast().replacingOccurrences(of: "\\x22", with: "\"").utf8)
        }
        tokens += ["&amp;", "&#10;", "&#13;", "&#x1F600;", "&#0;", "&bogus;", "]]>", "\r\n", "\t", "\n", " ", "<", ">", "\"", "=", "/",
                   ":", "w:", "x:", "xml:", "xmlns:", " xmlns:w=\"urn:w\"", " xmlns:x=\"urn:x\"", " xmlns:w=\"\"", " xmlns=\"urn:d\"",
                   " xmlns:w=\"http://www.w3.org/XML/1998/namespace\"", "<w:p>", "</w:p>", "<w:t>", "</w:t>", "<x:t>", "</x:t>",
                   "<w:tab/>", "<w:br/>", "<w:tc>", "</w:tc>", "<w:tr>", "</w:tr>", " w:val=\"1\"", " xml:space=\"preserve\"",
                   "caf\u{E9}", "<?pi x?>", "<!-- c -->"].map { Array($0.utf8) }
        tokens += [[0x80], [0xC3], [0xED, 0xA0, 0x80], [0x01], [0x00]]
        var random = SplitMix(seed: 24)
        var plainWhole = 0, mutants = 0
        for (name, xml) in bases {
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
                if Self.expectSameNodes(m, "\(name), mutant \(round)") { plainWhole += 1 }
                Self.expectSameText(m, "\(name), mutant \(round)")
            }
        }
        #expect(plainWhole > 0 && plainWhole < mutants, "\(plainWhole) of \(mutants) read whole by the plain reader")
    }
}
