import Foundation
import Testing
import TrawlModel
@testable import TrawlExtract

let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Samples")

func bytes(_ relative: String) throws -> [UInt8] {
    Array(try Data(contentsOf: samples.appendingPathComponent(relative)))
}

func chunks(_ relative: String) throws -> [TextChunk] {
    let data = try bytes(relative)
    guard case .document(let format) = Sniffer.sniff(data, name: Array(relative.utf8)) else {
        Issue.record("\(relative) did not sniff as a document")
        return []
    }
    var out: [TextChunk] = []
    _ = try Extraction.extractText(data, format: format, limits: ExtractLimits()) { out.append($0) }
    return out
}

func text(_ c: [TextChunk]) -> String { c.map { String(decoding: $0.text, as: UTF8.self) }.joined(separator: "\n") }

@Suite struct Sniffing {
    @Test(arguments: [
        ("office/referral.docx", SniffedFormat.document(.docx)), ("office/learner-register.xlsx", .document(.xlsx)),
        ("office/induction.pptx", .document(.pptx)), ("opendocument/agreement.odt", .document(.odt)),
        ("opendocument/class-list.ods", .document(.ods)), ("opendocument/briefing.odp", .document(.odp)),
        ("archives/nested.zip", .container(.zip)), ("archives/hr-export.tar.gz", .container(.gzip)),
        ("archives/backup.tar.xz", .container(.xz)), ("archives/old-notes.txt.bz2", .container(.bzip2)),
        ("web/emergency-contacts.html", .document(.html)), ("data/learners.xml", .document(.xml)),
        ("other/pixel.png", .document(.png)), ("images/staff-photo.jpg", .document(.jpeg)), ("other/blob.bin", .document(.binary)),
        ("pdf/enrolment-confirmation.pdf", .document(.pdf)), ("rtf/reference.rtf", .document(.rtf)),
        ("email/enrolment.eml", .container(.email)), ("email/hr-inbox.mbox", .container(.mbox)), ("archives/bundle.7z", .container(.sevenZip)),
        ("legacy/referral.doc", .document(.doc)), ("legacy/learner-register.xls", .document(.xls)), ("legacy/induction.ppt", .document(.ppt)),
        ("text/empty.txt", .empty),
    ])
    func formatComesFromContent(_ path: String, _ format: SniffedFormat) throws {
        // The name given is meaningless: the bytes decide.
        #expect(Sniffer.sniff(try bytes(path), name: Array("renamed.bin".utf8)) == format)
    }
}

@Suite struct Documents {
    @Test func wordRunsSplitByFormattingAreJoined() throws {
        #expect(text(try chunks("office/referral.docx")).contains("National Insurance number is JR 54 32 10 B."))
    }

    @Test func wordTableRowsCarryTheirColumnHeaders() throws {
        let c = try chunks("office/referral.docx")
        let row = try #require(c.first { String(decoding: $0.text, as: UTF8.self).contains("Ethan Brooks") })
        #expect(row.cells.map(\.label) == ["Name", "Date of Birth", "Postcode"])
    }

    @Test func spreadsheetDateCellsReadAsDatesUnderTheirHeader() throws {
        let c = try chunks("office/learner-register.xlsx")
        let row = try #require(c.first { String(decoding: $0.text, as: UTF8.self).contains("Noah Patel") })
        let dob = try #require(row.cells.first { $0.label == "Date of Birth" })
        #expect(String(decoding: row.text[dob.range], as: UTF8.self) == "2005-03-12")
        #expect(dob.ref == "B2")
        #expect(row.part == "Learners")
    }

    /// A note on a cell is read at that cell, in a part named after its sheet (Samples has one
    /// laid out as Excel lays it out, with a relative target; this is the absolute kind other
    /// writers use, and a comments part no sheet names).
    @Test func spreadsheetCommentsAreReadAtTheirCells() throws {
        let c = try chunks("office/staff-notes.xlsx")
        let note = try #require(c.first { $0.part == "Staff comments" })
        #expect(note.cells.map(\.ref) == ["A2"])
        #expect(String(decoding: note.text, as: UTF8.self).contains("NI number SN 48 27 36 B"))

        let comment = #"<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><commentList><comment ref="C4"><text><t>AB 12 34 56 C</t></text></comment></commentList></comments>"#
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="c" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="/xl/comments/comment1.xml"/></Relationships>"#
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: [
            "xl/worksheets/sheet1.xml": Array("<worksheet/>".utf8),
            "xl/worksheets/_rels/sheet1.xml.rels": Array(rels.utf8),
            "xl/comments/comment1.xml": Array(comment.utf8),
            "xl/comments9.xml": Array(comment.utf8),
        ]) { out.append($0) }
        #expect(out.map(\.part) == ["sheet1 comments", "comments"])
        #expect(out.allSatisfy { $0.cells.map(\.ref) == ["C4"] })
    }

    /// A workbook whose sheets all name one part reads that part once: a crafted workbook naming
    /// a large sheet thousands of times costs one reading of it.
    @Test func aSheetNamedManyTimesIsReadOnce() throws {
        let sheets = (1...500).map { #"<sheet name="S\#($0)" sheetId="\#($0)" r:id="rId1"/>"# }.joined()
        let workbook = #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
            + sheets + "</sheets></workbook>"
        let rels = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
        let sheet = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row></sheetData></worksheet>"#
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: [
            "xl/workbook.xml": Array(workbook.utf8), "xl/_rels/workbook.xml.rels": Array(rels.utf8),
            "xl/worksheets/sheet1.xml": Array(sheet.utf8),
        ]) { out.append($0) }
        #expect(out.map(\.part) == ["S1"])
    }

    /// A page header's sections are lines of their own, its codes left out; a marking found only
    /// there marks the file (office/budget.xlsx: the end-to-end test sees it Confidential).
    @Test(arguments: [
        (#"&L&"Arial,Bold"OFFICIAL-SENSITIVE&RPage &P of &N"#, ["OFFICIAL-SENSITIVE", "Page  of "]),
        ("&CTom && Jerry&K00FF00 x&14big", ["Tom & Jerry xbig"]),
        ("Plain &", ["Plain &"]),
        (#"&"unclosed"#, []),
    ])
    func headerAndFooterCodesAreLeftOut(_ header: String, _ lines: [String]) {
        #expect(SpreadsheetExtractor.headerFooterSections(Array(header.utf8)).map { String(decoding: $0, as: UTF8.self) } == lines)
    }

    @Test func aSheetsHeaderIsReadAsItsOwnPart() throws {
        let c = try chunks("office/budget.xlsx")
        let header = try #require(c.first { $0.part == "Budget header and footer" })
        #expect(String(decoding: header.text, as: UTF8.self).contains("OFFICIAL-SENSITIVE"))
    }

    /// A pivot cache's records are rows under the cache's field names, shared items resolved.
    @Test func pivotCacheRecordsAreReadAsRowsUnderTheirFields() throws {
        let c = try chunks("office/staff-summary.xlsx")
        let rows = c.filter { $0.part == "pivot cache 1" }
        #expect(rows.count == 2)
        let first = try #require(rows.first)
        #expect(first.cells.map(\.label) == ["Name", "NI Number", "Date of Birth", "Department"])
        #expect(String(decoding: first.text, as: UTF8.self).contains("KL 63 52 41 A"))
        #expect(String(decoding: first.text, as: UTF8.self).contains("1979-09-03"))
        #expect(String(decoding: rows[1].text, as: UTF8.self).hasSuffix("Maths"))

        // An index past the shared items, or none, names no value; nothing else is lost.
        let definition = #"<pivotCacheDefinition><cacheFields><cacheField name="Team"><sharedItems><s v="Red"/></sharedItems></cacheField><cacheField name="Email"><sharedItems/></cacheField></cacheFields></pivotCacheDefinition>"#
        let records = #"<pivotCacheRecords><r><x v="7"/><s v="a.b@gmail.com"/></r><r><x v="-1"/><s v="c@d.org"/><s v="extra"/></r></pivotCacheRecords>"#
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: ["xl/pivotCache/pivotCacheDefinition3.xml": Array(definition.utf8),
                                                 "xl/pivotCache/pivotCacheRecords3.xml": Array(records.utf8)]) { out.append($0) }
        #expect(out.map { String(decoding: $0.text, as: UTF8.self).split(separator: "\t").map(String.init) } == [["a.b@gmail.com"], ["c@d.org", "extra"]])
        #expect(out.map { $0.cells.map(\.label) } == [["Email"], ["Email", nil]])
        #expect(out.allSatisfy { $0.part == "pivot cache 3" })
    }

    @Test(arguments: [("../comments1.xml", "xl/worksheets/", "xl/comments1.xml"), ("/xl/c/c1.xml", "xl/worksheets/", "xl/c/c1.xml"),
                      ("./c.xml", "xl/", "xl/c.xml"), ("../../../c.xml", "xl/worksheets/", "c.xml")])
    func relationshipTargetsResolveToPartNames(target: String, folder: String, part: String) {
        #expect(SpreadsheetExtractor.resolve(target, from: folder) == part)
    }

    /// A cell's style index and a shared string's index are read from their bytes; they must read
    /// as `Int(String)` reads them.
    @Test(arguments: ["0", "7", "12", "007", "123456789", "1234567890", "+5", "-3", "", " 1", "1a", "x", "99999999999999999999"])
    func cellIndexesReadAsIntegers(_ text: String) {
        let read = Array(text.utf8).withUnsafeBufferPointer { SpreadsheetExtractor.decimal($0) }
        #expect(read == Int(text))
    }

    @Test func openDocumentSpansAndSpacesAreJoined() throws {
        #expect(text(try chunks("opendocument/agreement.odt")).contains("NI number: PR 13 57 91 B"))
    }

    /// An object embedded in an OpenDocument file keeps its own content in a folder of the
    /// package; it is read as a part named after the folder, its table rows under their headers.
    @Test func openDocumentEmbeddedObjectsAreRead() throws {
        let c = try chunks("opendocument/governors.odt")
        let row = try #require(c.first { $0.part == "Object 1" && String(decoding: $0.text, as: UTF8.self).contains("Aisha Rahman") })
        #expect(row.cells.map(\.label) == ["Governor", "Personal email"])
    }

    /// A filled-in PDF form's values are not in its pages' text; they are read as a row under
    /// their fields' names (the tooltip a person reads, or else the field's own name).
    @Test func pdfFormFieldsAreReadUnderTheirNames() throws {
        let c = try chunks("pdf/application-form.pdf")
        #expect(!c.contains { $0.part == "page 1" && String(decoding: $0.text, as: UTF8.self).contains("TW 31") })
        let form = try #require(c.first { $0.part == "page 1 form" })
        #expect(form.cells.map(\.label) == ["Full name", "National Insurance number", "Date of birth", "email"])
        #expect(String(decoding: form.text, as: UTF8.self).contains("TW 31 42 53 C"))
    }

    @Test func presentationSlidesArePartsInOrder() throws {
        let c = try chunks("office/induction.pptx")
        #expect(c.first?.part == "slide 1")
        #expect(c.last?.part == "slide 2")
    }

    @Test func encodingsAreDecodedToUTF8() throws {
        #expect(text(try chunks("text/reference-utf16.txt")).contains("Tomás O'Brien"))
        #expect(text(try chunks("text/trip-cp1252.txt")).contains("Café trip deposit £25 – paid by Zoë Clarke"))
    }

    @Test func htmlReadsScriptsApartAndKeepsTableHeaders() throws {
        let c = try chunks("web/emergency-contacts.html")
        #expect(!text(c.filter { $0.part != "script" }).contains("not text"))
        #expect(c.filter { $0.part == "script" }.map { String(decoding: $0.text, as: UTF8.self) } == ["var note = 'not text';"])
        #expect(!text(c).contains(".x{color:red}"))
        let row = try #require(c.first { String(decoding: $0.text, as: UTF8.self).contains("Jack Turner") })
        #expect(row.cells.map(\.label) == ["Pupil", "Date of birth", "Parent email", "Postcode"])
    }

    @Test func jsonFieldsAreLabelledByTheirKeys() throws {
        let c = try chunks("data/students.json")
        let record = try #require(c.first { String(decoding: $0.text, as: UTF8.self).contains("Grace Wilson") })
        #expect(record.cells.map(\.label).contains("dateOfBirth"))
    }

    @Test func xmlRecordsAreLabelledByElementNames() throws {
        let c = try chunks("data/learners.xml")
        let record = try #require(c.first { String(decoding: $0.text, as: UTF8.self).contains("Sofia Rossi") })
        #expect(record.cells.map(\.label) == ["id", "name", "birthDate", "nino", "enrolmentDate"])
    }

    @Test func plainTextBlocksGiveTheSameTextWhateverTheirSize() throws {
        let data = TextDecoding.toUTF8(try bytes("text/learner-note.txt")).text
        for size in [1, 7, 64, 1 << 20] {
            var out: [TextChunk] = []
            PlainTextExtractor.extract(data, blockSize: size) { out.append($0) }
            #expect(out.flatMap(\.text) == data)
            // Every block but the last ends at a line end, so no value is cut in two.
            #expect(out.dropLast().allSatisfy { $0.text.last == 10 })
            #expect(out.first?.firstLine == 1)
        }
    }

    /// A file's name is searched as its title: without its folder and extension, underscores
    /// read as spaces; a name of one word is not searched; a person's name counts where it opens
    /// the title or follows a dash or colon.
    @Test func aFileNameIsReadAsItsTitle() {
        func title(_ name: String) -> String? { Extraction.fileNameChunk(Array(name.utf8)).map { String(decoding: $0.text, as: UTF8.self) } }
        #expect(title("HR/References/Reference - Priya Nair - draft v3.docx") == "Reference - Priya Nair - draft v3")
        #expect(title("Case_notes_Ama_Jones.txt") == "Case notes Ama Jones")
        #expect(title("Reference - Mr J. Lim") == "Reference - Mr J. Lim")
        #expect(title("tree/d00/n000123.txt") == nil)
        #expect(title("IMG_1234.jpg") == nil)
        func counts(_ name: String, _ value: String) -> Bool {
            guard let chunk = Extraction.fileNameChunk(Array(name.utf8)),
                  let at = ByteSearch.first(Array(value.utf8), in: chunk.text) else { return false }
            let m = Match(typeId: "person.name", patternId: "person.name.subject", value: value, normalized: value.lowercased(),
                          confidence: .medium, evidence: [], exemption: nil, location: Location(offset: at.lowerBound), mask: .keepEnds)
            return Extraction.countsInFileName(m, in: chunk)
        }
        #expect(counts("Reference - Priya Nair - draft v3.docx", "Priya Nair"))
        #expect(counts("Megan Tully - review notes.txt", "Megan Tully"))
        #expect(counts("Referral: Kai Brooks.pdf", "Kai Brooks"))
        #expect(!counts("Notes on Jane Eyre.docx", "Jane Eyre"))
    }

    /// A Markdown pipe table in notes: each row a record its header labels; the lines around it
    /// prose, on their own line numbers. Pipes in prose make no table.
    @Test func pipeTablesInTextAreReadAsRows() throws {
        let text = Array(#"""
            # DSL weekly
            Present: GL, KB

            | Student | Year | Update |
            |---|:---:|---|
            | Lacey Ward | 10RW | Safety plan updated |
            | Kieran Doyle | 9PS | Early help \| YJS |

            Next meeting 13/03.
            """#.utf8)
        var out: [TextChunk] = []
        PlainTextExtractor.extract(text) { out.append($0) }
        let rows = out.filter { !$0.cells.isEmpty }
        #expect(rows.map { String(decoding: $0.text, as: UTF8.self) } == ["Lacey Ward\t10RW\tSafety plan updated", "Kieran Doyle\t9PS\tEarly help \\| YJS"])
        let labels: [String?] = try #require(rows.first).cells.map(\.label)
        #expect(labels == ["Student", "Year", "Update"])
        #expect(rows.map(\.firstLine) == [6, 7] as [Int?])
        let prose = out.filter { $0.cells.isEmpty }
        #expect(prose.map(\.firstLine) == [1, 8] as [Int?])
        let last = String(decoding: try #require(prose.last).text, as: UTF8.self)
        #expect(last.contains("Next meeting"))

        let pipes = Array("Options: A | B | C\nNo table here\n".utf8)
        var plain: [TextChunk] = []
        PlainTextExtractor.extract(pipes) { plain.append($0) }
        #expect(plain.count == 1 && plain.first?.text == pipes)
    }
}

@Suite struct Archives {
    func members(_ path: String) throws -> [(String, Result<[UInt8], ExtractError>)] {
        let data = try bytes(path)
        guard case .container(let format) = Sniffer.sniff(data, name: Array(path.utf8)) else { return [] }
        var out: [(String, Result<[UInt8], ExtractError>)] = []
        try Extraction.forEachMember(data, format: format, containerName: Array(path.utf8), limits: ExtractLimits(),
                                     budget: ExpansionBudget(limits: ExtractLimits(), outerSize: data.count)) {
            out.append((String(decoding: $0.name, as: UTF8.self), $0.content))
            return true
        }
        return out
    }

    @Test func zipMembersInOrder() throws {
        #expect(try members("archives/nested.zip").map(\.0) == ["inner.zip", "forms/enrolment.docx", "readme.txt"])
    }

    @Test func aSingleCompressedFileIsNamedAfterItsContainer() throws {
        #expect(try members("archives/call-log.txt.gz").map(\.0) == ["call-log.txt"])
    }

    @Test func encryptedMembersAreReportedAsEncrypted() throws {
        let m = try members("archives/locked.zip")
        guard case .failure(.encrypted) = m.first?.1 else { Issue.record("expected an encrypted member, got \(m)"); return }
    }

    @Test func aCorruptArchiveKeepsWhatWasReadAndThenFails() throws {
        var seen: [String] = []
        #expect(throws: ExtractError.self) {
            let data = try bytes("archives/corrupt.zip")
            try Extraction.forEachMember(data, format: .zip, containerName: [], limits: ExtractLimits(),
                                         budget: ExpansionBudget(limits: ExtractLimits(), outerSize: data.count)) {
                seen.append(String(decoding: $0.name, as: UTF8.self))
                return true
            }
        }
        #expect(seen == ["list.txt", "more.bin"])
    }

    @Test func membersLargerThanTheLimitAreNotRead() throws {
        var limits = ExtractLimits()
        limits.maxMemberSize = 10
        let data = try bytes("archives/nested.zip")
        var results: [Result<[UInt8], ExtractError>] = []
        try Extraction.forEachMember(data, format: .zip, containerName: [], limits: limits,
                                     budget: ExpansionBudget(limits: limits, outerSize: data.count)) { results.append($0.content); return true }
        #expect(results.allSatisfy { if case .failure(.tooLarge) = $0 { true } else { false } })
    }
}

/// Bytes a Python script writes to its standard output: archives Python's standard library makes
/// (tar with links and devices, gzip, xz and bzip2 streams), written the way the tools write them.
func python(_ script: String) throws -> [UInt8] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import sys, io, gzip, lzma, bz2, tarfile\n" + script]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try #require(p.terminationStatus == 0)
    return Array(data)
}

func allMembers(_ data: [UInt8], format: ContainerFormat, name: String) throws -> [(String, Result<[UInt8], ExtractError>)] {
    var out: [(String, Result<[UInt8], ExtractError>)] = []
    try Extraction.forEachMember(data, format: format, containerName: Array(name.utf8), limits: ExtractLimits(),
                                 budget: ExpansionBudget(limits: ExtractLimits(), outerSize: data.count)) {
        out.append((String(decoding: $0.name, as: UTF8.self), $0.content))
        return true
    }
    return out
}

/// Compressed streams and tar members that a multi-entry reader, or a reader of files alone,
/// passed over in silence.
@Suite struct ArchiveEdges {
    /// tar takes a block of NULs for the end of an archive: a compressed log that starts with
    /// 512 of them read as an empty tar, and the line after them was never searched.
    @Test(arguments: [("gzip.compress(d, mtime=0)", ContainerFormat.gzip, "log.gz"),
                      ("lzma.compress(d)", .xz, "log.xz"), ("bz2.compress(d)", .bzip2, "log.bz2")])
    func aStreamStartingWithNULsIsReadAsItsOneMember(compress: String, format: ContainerFormat, name: String) throws {
        let data = try python("d = bytes(512) + b'contact: nul.start@gmail.com\\n'\nsys.stdout.buffer.write(\(compress))")
        #expect(Sniffer.sniff(data, name: Array(name.utf8)) == .container(format))
        let m = try allMembers(data, format: format, name: name)
        #expect(m.map(\.0) == ["log"])
        guard case .success(let content)? = m.first?.1 else { Issue.record("no member read: \(m)"); return }
        #expect(content.count == 512 + 29)
        #expect(content.suffix(29).elementsEqual("contact: nul.start@gmail.com\n".utf8))
    }

    /// A real empty tar, compressed: nothing but NULs, so no member.
    @Test func anEmptyCompressedTarHasNoMembers() throws {
        let data = try python("sys.stdout.buffer.write(gzip.compress(bytes(10240), mtime=0))")
        #expect(try allMembers(data, format: .gzip, name: "empty.tar.gz").isEmpty)
    }

    /// Links and devices in a tar are listed as members with what they are, never followed.
    @Test func linksAndDevicesAreListedNotFollowed() throws {
        let data = try python("""
            b = io.BytesIO()
            with tarfile.open(fileobj=b, mode='w', format=tarfile.USTAR_FORMAT) as t:
                d = b'NI number AB 12 34 56 C\\n'
                i = tarfile.TarInfo('notes.txt'); i.size = len(d); t.addfile(i, io.BytesIO(d))
                i = tarfile.TarInfo('passwd'); i.type = tarfile.SYMTYPE; i.linkname = '/etc/passwd'; t.addfile(i)
                i = tarfile.TarInfo('copy.txt'); i.type = tarfile.LNKTYPE; i.linkname = 'notes.txt'; t.addfile(i)
                i = tarfile.TarInfo('null'); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3; t.addfile(i)
                i = tarfile.TarInfo('pipe'); i.type = tarfile.FIFOTYPE; t.addfile(i)
            sys.stdout.buffer.write(b.getvalue())
            """)
        let m = try allMembers(data, format: .tar, name: "links.tar")
        #expect(m.map(\.0) == ["notes.txt", "passwd", "copy.txt", "null", "pipe"])
        func issue(_ i: Int) -> ScanIssue? { if case .failure(let e) = m[i].1 { e.issue } else { nil } }
        guard m.count == 5 else { return }
        #expect(issue(0) == nil)
        #expect(issue(1) == ScanIssue(.symlink, "symbolic link in an archive, not followed (to /etc/passwd)"))
        #expect(issue(2) == ScanIssue(.specialFile, "hard link to notes.txt in an archive; its content is read as that member"))
        #expect(issue(3) == ScanIssue(.specialFile, "character device in an archive, not read"))
        #expect(issue(4) == ScanIssue(.specialFile, "named pipe (FIFO) in an archive, not read"))
    }
}

/// Binary data of no known format: its printable runs are searched, the rest is not.
@Suite struct PrintableText {
    func runs(_ data: [UInt8]) -> [TextChunk] {
        var out: [TextChunk] = []
        _ = try? Extraction.extractText(data, format: .binary, limits: ExtractLimits()) { out.append($0) }
        return out
    }

    /// A log padded with NULs (pre-allocated, or damaged by a crash) sniffs as binary; the line
    /// after the padding is read.
    @Test func textAfterARunOfNULsIsRead() throws {
        let data = Array("02:00:01 backup started\n".utf8) + [UInt8](repeating: 0, count: 65536)
            + Array("02:00:09 NI number AB 12 34 56 C for Zoë\n".utf8)
        #expect(Sniffer.sniff(data, name: Array("backup.log".utf8)) == .document(.binary))
        let chunks = runs(data)
        #expect(text(chunks) == "02:00:01 backup started\n02:00:09 NI number AB 12 34 56 C for Zoë")
        #expect(chunks.allSatisfy { $0.part == "printable text" })
    }

    /// UTF-16 strings in binary junk, little- and big-endian, at odd and even offsets: each is one
    /// run in its own part (not also a run of the other order one byte along).
    @Test(arguments: [(true, 1001), (true, 1000), (false, 1001), (false, 1000)])
    func utf16StringsInBinaryAreReadOnce(littleEndian: Bool, at offset: Int) throws {
        var data = [UInt8](repeating: 0xFF, count: 2048)
        for i in stride(from: 0, to: data.count, by: 7) { data[i] = UInt8(truncatingIfNeeded: i * 31) }
        let s = "Email: wide.string@gmail.com"
        let wide = s.utf16.flatMap { u in littleEndian ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)] }
        data.replaceSubrange(offset..<(offset + wide.count), with: wide)
        let chunks = runs(data).filter { $0.part != "printable text" }
        #expect(chunks.map { String(decoding: $0.text, as: UTF8.self) } == [s])
        #expect(chunks.first?.part == (littleEndian ? "printable text (UTF-16LE)" : "printable text (UTF-16BE)"))
    }

    /// Random bytes hold some 2,000 runs of 6 printable characters a MiB; few of them look put
    /// there (a NUL next to them, two blanks, 16 characters), and none is long.
    @Test func randomBytesGiveFewShortRuns() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lines = text(runs(data)).split(separator: "\n")
        #expect(lines.count < 100)
        #expect(lines.allSatisfy { $0.utf8.count < 40 })
    }

    /// A short run among other bytes is searched when it looks put there: next to a NUL, or
    /// with two blanks in it; not when it is only printable by chance.
    static let surroundings: [(before: UInt8, after: UInt8, searched: Bool)] = [(0x00, 0x9C, true), (0x9C, 0x00, true), (0x9C, 0x9C, false), (0x01, 0xFE, false)]

    @Test(arguments: surroundings)
    func aShortRunIsSearchedWhenItLooksPutThere(_ around: (before: UInt8, after: UInt8, searched: Bool)) {
        let (before, after, searched) = ([around.before], [around.after], around.searched)
        func surrounded(_ value: String) -> [UInt8] {
            var data: [UInt8] = [0x9C, 0x80]
            data += before
            data += Array(value.utf8)
            data += after
            data.append(0x81)
            return data
        }
        #expect(text(runs(surrounded("AB123456C"))) == (searched ? "AB123456C" : ""))
        #expect(text(runs(surrounded("NI: AB 12 34 56 C"))) == "NI: AB 12 34 56 C")
    }

    /// Programs, sound, video and fonts are named and not searched; other binary data is.
    static let openings: [(String, [UInt8], SniffedFormat)] = [
        ("MZ", [0x90, 0, 3, 0], .unsupported("windows executable")),
        ("\0\0\0\u{18}ftypmp42", [0, 0], .unsupported("iso media (mp4, mov, heic)")),
        ("RIFF", [0x24, 0, 0, 0, 0x57, 0x41, 0x56, 0x45], .unsupported("riff media (wav, avi, webp)")),
        ("SQLite format 3", [0, 0x10, 0, 1, 1], .document(.binary)),
        ("\0\0\0\0\0\0\0\0text", [], .document(.binary)),
    ]

    @Test(arguments: openings)
    func knownBinaryFormatsAreNotSearched(_ opening: (String, [UInt8], SniffedFormat)) {
        let data = Array(opening.0.utf8) + opening.1
        #expect(Sniffer.sniff(data, name: Array("x.dat".utf8)) == opening.2)
    }

    /// Runs shorter than the minimum are left out.
    @Test func shortRunsAreLeftOut() {
        let data: [UInt8] = Array("ab".utf8) + [0, 1, 2] + Array("abcde".utf8) + [0xFF] + Array("abcdef".utf8) + [0]
        #expect(text(runs(data)) == "abcdef")
    }
}

/// Text in markup that is not the document's content: comments, processing instructions,
/// entity values, scripts and the attributes people write into.
@Suite struct MarkupAsideText {
    func read(_ markup: String, _ format: DocumentFormat) throws -> [TextChunk] {
        var out: [TextChunk] = []
        _ = try Extraction.extractText(Array(markup.utf8), format: format, limits: ExtractLimits()) { out.append($0) }
        return out
    }
    func texts(_ chunks: [TextChunk], part: String?) -> [String] {
        chunks.filter { $0.part == part }.map { String(decoding: $0.text, as: UTF8.self) }
    }

    @Test func xmlCommentsInstructionsAndEntitiesAreRead() throws {
        let c = try read("""
            <?xml version="1.0"?>
            <!DOCTYPE staff [<!ENTITY contact "Ava Reid, AB 12 34 56 C"> <!ENTITY % p "param value text">]>
            <?audit reviewer="pi.person@gmail.com"?>
            <staff><!-- removed: Ben Cole, CE 12 34 56 D --><person><name>&contact;</name></person></staff>
            """, .xml)
        #expect(texts(c, part: "comments") == ["removed: Ben Cole, CE 12 34 56 D"])
        #expect(texts(c, part: "processing instructions") == [#"reviewer="pi.person@gmail.com""#])
        #expect(c.first { $0.part == "processing instructions" }?.cells.map(\.label) == ["audit"])
        #expect(texts(c, part: "entities") == ["Ava Reid, AB 12 34 56 C", "param value text"])
        #expect(c.first { $0.part == "entities" }?.cells.map(\.label) == ["contact"])
        // A reference reads as the entity's value, in the record where it stands.
        let record = try #require(c.first { $0.part == nil })
        #expect(String(decoding: record.text, as: UTF8.self) == "Ava Reid, AB 12 34 56 C")
        #expect(record.cells.map(\.label) == ["name"])
    }

    /// A reference gives the entity's value as declared: a reference inside it is not expanded.
    @Test func entityValuesAreNeverExpandedFurther() throws {
        let c = try read("""
            <!DOCTYPE r [<!ENTITY a "inner.person@gmail.com"><!ENTITY b "see &a; here">]><r><x>&b;</x></r>
            """, .xml)
        #expect(texts(c, part: nil) == ["see &a; here"])
    }

    /// References give no more text in all than the document's size (at least 1 MiB): a large
    /// value referred to many times is read where it is declared, and then only so far.
    @Test func entityValuesAtReferencesAreBounded() throws {
        let value = String(repeating: "x", count: 100_000)
        let xml = "<!DOCTYPE r [<!ENTITY big \"\(value)\">]><r>" + String(repeating: "<a>&big;</a>", count: 2_000) + "</r>"
        let total = try read(xml, .xml).reduce(0) { $0 + $1.text.count }
        #expect(total < 2 * (1 << 20) + 2 * xml.utf8.count)
        #expect(total > 1 << 20)
    }

    @Test func htmlCommentsScriptsAndWrittenAttributesAreRead() throws {
        let c = try read("""
            <html><head><meta name="author" content="meta.author@gmail.com">
            <script>var user = "script.user@gmail.com";</script><style>p { color: red }</style></head>
            <body><!-- old contact: comment.person@gmail.com -->
            <p>Hello <img src="a.png" alt="alt.person@gmail.com"> <span title="title.person@gmail.com">x</span></p>
            <form><input name="ni_number" value="AB 12 34 56 C" placeholder="e.g. AB 12 34 56 C"></form>
            <a href="mailto:hidden.link@gmail.com?subject=Hi">Email us</a> <a href="mailto:shown@gmail.com">shown@gmail.com</a>
            </body></html>
            """, .html)
        #expect(texts(c, part: "comments") == ["old contact: comment.person@gmail.com"])
        #expect(texts(c, part: "script") == [#"var user = "script.user@gmail.com";"#])
        #expect(!text(c).contains("color: red"))
        let attributes = c.filter { $0.part == "attributes" }
        #expect(attributes.map { String(decoding: $0.text, as: UTF8.self) }.joined(separator: "|")
                    .contains("meta.author@gmail.com"))
        #expect(attributes.flatMap { a in a.cells.map { String(decoding: a.text[$0.range], as: UTF8.self) } } == [
            "meta.author@gmail.com", "alt.person@gmail.com", "title.person@gmail.com", "AB 12 34 56 C", "e.g. AB 12 34 56 C",
            "hidden.link@gmail.com",
        ])
        #expect(attributes.flatMap { $0.cells.map(\.label) } == ["author", "alt", "title", "ni_number", "ni_number", "mailto"])
    }
}

@Suite struct HostileXML {
    @Test func externalEntitiesAreNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-xxe-\(UUID()).txt")
        try Data("leaked.secret@gmail.com".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY xxe SYSTEM "file://\(secret.path)">]>
            <r><note>before &xxe; after</note></r>
            """
        for format in [DocumentFormat.xml, .html] {
            var out: [TextChunk] = []
            _ = try? Extraction.extractText(Array(xml.utf8), format: format, limits: ExtractLimits()) { out.append($0) }
            #expect(!text(out).contains("leaked"), "\(format)")
        }
    }

    /// An XML document that breaks off keeps what was read: the records of the elements still
    /// open are searched too (Ben's, here, cut short by a broken tag), and the error is reported.
    @Test func aBrokenXMLDocumentKeepsWhatWasRead() throws {
        let xml = #"<staff><person><name>Ava</name><ni>AB 12 34 56 C</ni></person><person><name>Ben</name><ni>CE 12 34 56 D</ni><broken attr="x></person></staff>"#
        var out: [TextChunk] = []
        #expect {
            _ = try Extraction.extractText(Array(xml.utf8), format: .xml, limits: ExtractLimits()) { out.append($0) }
        } throws: { error in
            guard case ExtractError.corrupt = error else { return false }
            return true
        }
        #expect(text(out).contains("AB 12 34 56 C"))
        #expect(text(out).contains("CE 12 34 56 D"))
        #expect(out.contains { $0.cells.contains { $0.label == "ni" } })
    }

    /// libxml2's HTML parser halts at elements nested deeper than 256 or a text node over 10 MB,
    /// and keeps only what came before. That is read, and the rest is reported, not passed over.
    @Test(arguments: [
        "<div>" + String(repeating: "<div>", count: 300) + "NI number CE 12 34 56 D</div>",
        "<pre>" + String(repeating: "lorem ipsum ", count: 1_000_000) + "NI number CE 12 34 56 D</pre>",
    ])
    func anHTMLParserHaltIsReportedWithWhatWasRead(_ rest: String) throws {
        let html = "<html><body><p>NI number AB 12 34 56 C</p>" + rest + "<p>JG 10 37 59 A</p></body></html>"
        var out: [TextChunk] = []
        #expect {
            _ = try Extraction.extractText(Array(html.utf8), format: .html, limits: ExtractLimits()) { out.append($0) }
        } throws: { error in
            guard case ExtractError.limitExceeded(let message) = error else { return false }
            return message.hasPrefix("html: read only in part")
        }
        #expect(text(out).contains("NI number AB 12 34 56 C"))
        #expect(!text(out).contains("JG 10 37 59 A"))
    }

    @Test func ordinaryHTMLIsReadWhole() throws {
        let html = "<html><body><p>NI number AB 12 34 56 C<div><div><b>unclosed</i></div><p>JG 10 37 59 A</body>"
        var out: [TextChunk] = []
        _ = try Extraction.extractText(Array(html.utf8), format: .html, limits: ExtractLimits()) { out.append($0) }
        #expect(text(out).contains("JG 10 37 59 A"))
    }

    @Test func entityExpansionIsNotPerformed() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lollollollollollollollollollol\">\n"
        for i in 1...9 { xml += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1);", count: 10) + "\">\n" }
        xml += "]>\n<lolz>&lol9;</lolz>\n"
        var total = 0
        _ = try? Extraction.extractText(Array(xml.utf8), format: .xml, limits: ExtractLimits()) { total += $0.text.count }
        // Expanded, this would be 3 GB of text.
        #expect(total < 10_000)
    }
}

/// Numbers in hostile documents: each is held to what its format allows, never left to overflow.
@Suite struct HostileNumbers {
    @Test(arguments: [("A1", 0), ("Z9", 25), ("AA1", 26), ("XFD1048576", 16383)])
    func cellReferencesNameTheirColumn(ref: String, column: Int) {
        #expect(columnIndex(ofRef: ref) == column)
    }

    /// Past Excel's last column (XFD) a reference names no column. Fourteen letters or more
    /// overflowed a 64-bit index and stopped the scan.
    @Test(arguments: ["XFE1", "ZZZZ1", String(repeating: "A", count: 20) + "1"])
    func referencesPastTheLastColumnNameNone(_ ref: String) {
        #expect(columnIndex(ofRef: ref) == nil)
    }

    @Test func aSheetWithAnImpossibleReferenceIsStillRead() throws {
        let impossible = String(repeating: "Q", count: 20) + "2"
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>NI number</t></is></c></row>
            <row r="2"><c r="\(impossible)" t="inlineStr"><is><t>Ava Reid</t></is></c><c r="B2" t="inlineStr"><is><t>AB 12 34 56 C</t></is></c></row>
            </sheetData></worksheet>
            """
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: ["xl/worksheets/sheet1.xml": Array(sheet.utf8)]) { out.append($0) }
        let row = try #require(out.first { String(decoding: $0.text, as: UTF8.self).contains("Ava Reid") })
        let nino = try #require(row.cells.first { $0.label == "NI number" })
        #expect(String(decoding: row.text[nino.range], as: UTF8.self) == "AB 12 34 56 C")
        // The cell without a real reference takes its place in the row, and that column's header.
        #expect(row.cells.first?.label == "Name")
    }

    /// A sheet's title and period lines, one cell each, above its header: the header is the first
    /// row of two or more cells, and labels the rows below it.
    @Test func aSheetsTitleRowsAreNotItsHeader() throws {
        func cell(_ ref: String, _ text: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let sheet = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1">\(cell("A1", "Sickness absence record 2024-25 (HR only)"))</row>
            <row r="2">\(cell("A2", "Period: 01/08/2024 - 28/02/2025"))</row>
            <row r="4">\(cell("A4", "Employee"))\(cell("B4", "Reason for absence"))</row>
            <row r="5">\(cell("A5", "Marcus Lyle"))\(cell("B5", "Migraine"))</row>
            </sheetData></worksheet>
            """
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: ["xl/worksheets/sheet1.xml": Array(sheet.utf8)]) { out.append($0) }
        let row = try #require(out.first { String(decoding: $0.text, as: UTF8.self).contains("Marcus Lyle") })
        #expect(row.cells.map(\.label) == ["Employee", "Reason for absence"])
        // A one-column list: its first cell heads the cells below it.
        let list = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1">\(cell("A1", "Student ID"))</row><row r="2">\(cell("A2", "24107462"))</row>
            </sheetData></worksheet>
            """
        out = []
        try SpreadsheetExtractor.extract(parts: ["xl/worksheets/sheet1.xml": Array(list.utf8)]) { out.append($0) }
        #expect(out.last?.cells.first?.label == "Student ID")
    }

    /// A Word form laid out as a table of questions and answers has no header row: the first
    /// question does not label the questions below it as its answers, answered or blank. A table
    /// whose first row is short column names keeps them as headers.
    @Test func aFormsQuestionRowIsNotAHeader() throws {
        func labels(_ rows: [(String, String)]) throws -> [[String?]] {
            let body = rows.map { "<w:tr><w:tc><w:p><w:r><w:t>\($0.0)</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>\($0.1)</w:t></w:r></w:p></w:tc></w:tr>" }
            let xml = "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl>"
                + body.joined() + "</w:tbl></w:body></w:document>"
            var out: [TextChunk] = []
            try FlowExtractor.extract(Array(xml.utf8), part: "word/document.xml", vocabulary: .wordprocessingML) { out.append($0) }
            return out.map { $0.cells.map(\.label) }
        }
        let form = try labels([("Do you have any medical condition we should know about in an emergency?", "None"),
                               ("Medication carried", "None"), ("Support or adjustments you would like", "None")])
        #expect(form.allSatisfy { $0.allSatisfy { $0 == nil } })
        let table = try labels([("Name", "Medical condition"), ("Jane Smith", "Asthma")])
        #expect(table.last == ["Name", "Medical condition"])
        // A template's unanswered questions: the first, beside a blank cell, heads nothing.
        let template = try labels([("Client", ""), ("DOB", ""), ("Lamplight ID", "")])
        #expect(template.count == 3 && template.allSatisfy { $0.allSatisfy { $0 == nil } })
    }

    /// An OpenDocument sheet's title line above its header, as an xlsx sheet's.
    @Test func anOpenDocumentSheetsTitleRowIsNotItsHeader() throws {
        func cell(_ text: String) -> String { "<table:table-cell><text:p>\(text)</text:p></table:table-cell>" }
        let xml = """
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">\
            <office:body><office:spreadsheet><table:table table:name="Absence">
            <table:table-row>\(cell("Sickness absence 2024-25"))</table:table-row>
            <table:table-row>\(cell("Employee"))\(cell("Reason for absence"))</table:table-row>
            <table:table-row>\(cell("Marcus Lyle"))\(cell("Migraine"))</table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>
            """
        var out: [TextChunk] = []
        try FlowExtractor.extract(Array(xml.utf8), part: "content.xml", vocabulary: .openDocument, tablesAreParts: true) { out.append($0) }
        let row = try #require(out.first { String(decoding: $0.text, as: UTF8.self).contains("Marcus Lyle") })
        #expect(row.cells.map(\.label) == ["Employee", "Reason for absence"])
    }

    /// RTF's parameters are 16- or 32-bit; \u takes a signed 16-bit one. Values past a scalar
    /// read as U+FFFD; a 23-digit parameter overflowed and stopped the scan.
    @Test func rtfParametersPastTheirRangeAreHeldNotTrapped() throws {
        let rtf = #"{\rtf1\ansi\uc1 \fs99999999999999999999999 \u-99999?\u99999999999?\u1114112?\u-4064?\u55357? NI number: AB 12 34 56 C\par}"#
        var out: [TextChunk] = []
        _ = try Extraction.extractText(Array(rtf.utf8), format: .rtf, limits: ExtractLimits()) { out.append($0) }
        #expect(text(out).contains("\u{FFFD}\u{FFFD}\u{FFFD}\u{F020}\u{FFFD} NI number: AB 12 34 56 C"))
    }
}

@Suite struct Streaming {
    /// Feeds `bytes` in pieces of `piece` bytes and returns the chunks.
    func stream(_ bytes: [UInt8], piece: Int, block: Int, overlap: Int) -> [TextChunk] {
        var s = TextStream(blockSize: block, overlap: overlap)
        var out: [TextChunk] = []
        var i = 0
        while i < bytes.count {
            s.feed(bytes[i..<min(bytes.count, i + piece)]) { out.append($0) }
            i += piece
        }
        s.finish { out.append($0) }
        return out
    }

    @Test(arguments: [1, 7, 100, 4096])
    func everyPositionIsSearchedExactlyOnceWithItsValueWhole(_ piece: Int) {
        // One long line with no newline: blocks are cut and overlap.
        let text = Array(String(repeating: "word ", count: 2000).utf8)
        let chunks = stream(text, piece: piece, block: 257, overlap: 32)
        for position in stride(from: 0, to: text.count - 20, by: 13) {
            // The chunk that owns a position (it starts there before the chunk's limit) holds the
            // 20 bytes that follow it too.
            let owners = chunks.filter { c in
                position >= c.offset && position - c.offset < (c.matchStartLimit ?? c.text.count)
            }
            #expect(owners.count == 1)
            if let c = owners.first { #expect(position + 20 <= c.offset + c.text.count) }
        }
        #expect(chunks.first?.firstLine == 1)
    }

    @Test func linesEndBlocksWhereThereAreLines() {
        let text = Array((1...500).map { "line \($0)\n" }.joined().utf8)
        let chunks = stream(text, piece: 64, block: 300, overlap: 32)
        #expect(chunks.allSatisfy { $0.matchStartLimit == nil })
        #expect(chunks.flatMap(\.text) == text)
        // firstLine of each block is the number of the line it starts with.
        for c in chunks {
            let first = String(decoding: c.text.prefix { $0 != 10 }, as: UTF8.self)
            #expect(first == "line \(c.firstLine ?? 0)")
        }
    }

    @Test func utf16SplitAnywhereDecodesAsAWhole() throws {
        let original = "Zoë’s NI number: AB 12 34 56 C 😀 end\n"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in original.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        for piece in [1, 2, 3, 5] {
            let chunks = stream(bytes, piece: piece, block: 1 << 20, overlap: 4096)
            #expect(String(decoding: chunks.flatMap(\.text), as: UTF8.self) == original)
        }
    }

    @Test func windows1252IsDecoded() {
        let bytes: [UInt8] = Array("Caf".utf8) + [0xE9, 0x20, 0x80, 0x35, 0x0A]
        let chunks = stream(bytes, piece: 2, block: 1 << 20, overlap: 4096)
        #expect(String(decoding: chunks.flatMap(\.text), as: UTF8.self) == "Café €5\n")
    }
}

@Suite struct Email {
    @Test func aMultipartMessageGivesHeadersBodiesAndAttachments() throws {
        let message = Mail.parse(try bytes("email/enrolment.eml"))
        #expect(message.headers.first { $0.name == "From" }?.value == "Renée Moss <renee.moss@outlook.com>")
        #expect(message.texts.count == 1, "one of the two alternatives: the plain text")
        #expect(message.texts.first.map { String(decoding: $0.text, as: UTF8.self) }?.contains("my mobile is 07823 456789.") == true)
        #expect(message.attachments.map { String(decoding: $0.name, as: UTF8.self) } == ["enrolment.csv"])
        #expect(message.attachments.first.map { String(decoding: $0.bytes, as: UTF8.self) }?.hasPrefix("Name,Date of Birth") == true)
    }

    @Test func anMboxSplitsIntoMessages() throws {
        let messages = Mail.mboxMessages(try bytes("email/hr-inbox.mbox"))
        #expect(messages.count == 2)
        #expect(Mail.parse(messages[1]).headers.first { $0.name == "Subject" }?.value == "Bank details")
    }

    @Test func encodedWordsAreDecoded() {
        let parsed = Mail.parse(message(["From: =?utf-8?Q?Ren=C3=A9e_Moss?= <r@x.com>", "To: =?ISO-8859-1?B?Wm/rIENsYXJrZQ==?=", "", "Hello"]))
        #expect(header(parsed, "from") == "Renée Moss <r@x.com>")
        #expect(header(parsed, "to") == "Zoë Clarke")
    }
}

@Suite struct LegacyBinaryOffice {
    @Test func wordPiecesAreJoinedAndTablesKeepTheirRows() throws {
        let t = text(try chunks("legacy/referral.doc"))
        #expect(t.contains("National Insurance number is JR 54 32 10 B."))
        #expect(t.contains("Ethan Brooks\t11/07/2007\tG2 1DY"))
    }

    @Test func excelDateCellsReadAsDatesUnderTheirHeader() throws {
        let row = try #require(try chunks("legacy/learner-register.xls").first { String(decoding: $0.text, as: UTF8.self).contains("Noah Patel") })
        let dob = try #require(row.cells.first { $0.label == "Date of Birth" })
        #expect(String(decoding: row.text[dob.range], as: UTF8.self) == "2005-03-12")
    }

    @Test func powerPointTextAtomsAreRead() throws {
        #expect(text(try chunks("legacy/induction.ppt")).contains("lucy.green@gmail.com"))
    }

    @Test func aDamagedCompoundFileIsCorruptNotACrash() throws {
        var data = try bytes("legacy/referral.doc")
        data.removeSubrange(2048...)
        var out: [TextChunk] = []
        #expect(throws: ExtractError.self) { _ = try Extraction.extractText(data, format: .doc, limits: ExtractLimits()) { out.append($0) } }
    }
}

@Suite struct LineCounting {
    @Test func newlinesAreCountedExactlyEightBytesAtATime() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1000] {
            for _ in 0..<50 {
                // Newlines, their neighbours in value (9, 11, 138 = 10 + 128) and anything else.
                let text = (0..<length).map { _ in [10, 9, 11, 138, 0, 255, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! }
                #expect(PlainTextExtractor.newlines(in: text) == text.filter { $0 == 10 }.count)
            }
        }
    }

    @Test func linesRunOnAcrossBlocks() {
        let text = Array((1...50).map { "line \($0) email person\($0)@example.org\n" }.joined().utf8)
        var firstLines: [Int] = []
        PlainTextExtractor.extract(text, blockSize: 100) { firstLines.append($0.firstLine ?? 0) }
        // Each block starts on the line after the last one of the block before.
        var expected: [Int] = []
        var line = 1
        var start = 0
        while start < text.count {
            expected.append(line)
            var end = min(text.count, start + 100)
            if end < text.count { while text[end - 1] != 10 { end -= 1 } }
            line += text[start..<end].filter { $0 == 10 }.count
            start = end
        }
        #expect(firstLines == expected && firstLines.count > 10)
    }
}

@Suite struct StreamedRows {
    /// A chunk as the tests compare it: its text, first line, offset and cells.
    func describe(_ c: TextChunk) -> String {
        "\(String(decoding: c.text, as: UTF8.self))|\(c.firstLine ?? 0)|\(c.offset)|" + c.cells.map { "\($0.range)\($0.ref ?? "")\($0.label ?? "")" }.joined(separator: ";")
    }

    @Test func rowsFedInBlocksAreTheRowsOfTheWholeFile() {
        // Quoted fields holding newlines, delimiters and doubled quotes; CRLF; blank rows.
        var csv = "Name,Date of Birth,Notes\r\n"
        for i in 0..<200 {
            switch i % 5 {
            case 0: csv += "Pupil \(i),\(10 + i % 18)/0\(1 + i % 9)/2008,\"line one\nline two, with a comma\"\n"
            case 1: csv += "\"Quoted \"\"name\"\" \(i)\",01/02/2007,plain\r\n"
            case 2: csv += "\n"
            case 3: csv += "Pupil \(i),,\"\"\n"
            default: csv += "Pupil \(i),03/04/2006,\"a\n\nb\"\n"
            }
        }
        let bytes = Array(csv.utf8)
        var whole: [String] = []
        DelimitedExtractor.extract(bytes, fallback: 44) { whole.append(describe($0)) }
        let dialect = DelimitedDialect.sniff(bytes[...], preferred: 44) ?? DelimitedDialect(delimiter: 44)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<30 {
            var reader = DelimitedReader(dialect)
            var streamed: [String] = []
            var at = 0
            while at < bytes.count {
                let size = Int.random(in: 1...64, using: &rng)
                reader.feed(Array(bytes[at..<min(bytes.count, at + size)])) { streamed.append(describe($0)) }
                at += size
            }
            reader.finish { streamed.append(describe($0)) }
            #expect(streamed == whole)
        }
        #expect(whole.count == 161)
    }
}

@Suite struct LargeJSON {
    @Test func parsingTwiceGivesWhatHoldingTheChunksGives() throws {
        func describe(_ c: TextChunk) -> String {
            "\(String(decoding: c.text, as: UTF8.self))|\(c.firstLine ?? 0)|\(c.offset)|" + c.cells.map { "\($0.range)\($0.ref ?? "")\($0.label ?? "")" }.joined(separator: ";")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var documents = try ["students.json", "applicants.json"].map { Array(try Data(contentsOf: root.appendingPathComponent("Samples/data/\($0)"))) }
        // Malformed half way: nothing of it may be emitted as records before the text fallback.
        documents.append(Array(#"[{"name": "Ann Lee", "email": "ann.lee@gmail.com"}, {"dob": "01/02/2003""#.utf8))
        for json in documents {
            var held: [String] = [], twice: [String] = []
            let heldIssues = Extraction.jsonText(json, heldBelow: .max) { held.append(describe($0)) }
            let twiceIssues = Extraction.jsonText(json, heldBelow: 0) { twice.append(describe($0)) }
            #expect(held == twice && !held.isEmpty)
            #expect(heldIssues.map(\.kind) == twiceIssues.map(\.kind))
        }
        #expect(Extraction.jsonText(documents[2], heldBelow: 0) { _ in }.map(\.kind) == [.malformed])
    }
}

/// The encoding sniffers stop early and skip ahead eight bytes at a time; these tests hold them to
/// the plain definitions, on text, UTF-16 in both orders and random bytes.
@Suite struct EncodingSniffing {
    /// The definition: 90% of pairs with a zero on one side and none on the other.
    func referenceUTF16(_ bytes: [UInt8]) -> Bool? {
        let n = min(bytes.count, 4096) & ~1
        guard n >= 8 else { return nil }
        var evenZero = 0, oddZero = 0
        for i in stride(from: 0, to: n, by: 2) {
            if bytes[i] == 0 { evenZero += 1 }
            if bytes[i + 1] == 0 { oddZero += 1 }
        }
        if oddZero * 10 >= n / 2 * 9 && evenZero == 0 { return true }
        if evenZero * 10 >= n / 2 * 9 && oddZero == 0 { return false }
        return nil
    }

    func referenceLooksLikeText(_ bytes: [UInt8]) -> Bool {
        let sample = Array(bytes.prefix(8192))
        if sample.starts(with: [0xFF, 0xFE]) || sample.starts(with: [0xFE, 0xFF]) { return true }
        if referenceUTF16(sample) != nil { return true }
        if sample.contains(0) { return false }
        let controls = sample.filter { $0 < 32 && ![9, 10, 12, 13].contains($0) }.count
        return controls * 100 <= sample.count
    }

    func samples() -> [[UInt8]] {
        var rng = SystemRandomNumberGenerator()
        var out: [[UInt8]] = []
        for length in [0, 7, 8, 9, 40, 200, 5000, 9000] {
            for _ in 0..<20 {
                let text = (0..<length).map { _ in [65, 32, 10, 9, 31, 0, 200, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! }
                out.append(text)
                // UTF-16 of mostly ASCII text, some characters outside Latin-1 (no zero byte),
                // in both byte orders.
                let units = (0..<(length / 2)).map { _ in Int.random(in: 0..<12, using: &rng) == 0 ? UInt16(0x20AC) : UInt16(97) }
                out.append(units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
                out.append(units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
            }
        }
        return out
    }

    @Test func utf16WithoutABOMIsDecidedAsDefined() {
        for bytes in samples() {
            #expect(TextDecoding.utf16WithoutBOM(bytes) == referenceUTF16(bytes), "\(bytes.prefix(16))")
        }
    }

    /// ASCII is skipped thirty-two and eight bytes at a time: characters of two, three and four
    /// bytes, and broken ones, at every offset around those blocks, decide as Swift's own
    /// validation does (the inputs hold no surrogate, overlong or out-of-range sequence, on
    /// which the check is more lenient).
    @Test func utf8IsValidatedAsSwiftDoes() {
        var rng = SystemRandomNumberGenerator()
        let characters: [[UInt8]] = [Array("é".utf8), Array("€".utf8), Array("😀".utf8)]
        let broken: [[UInt8]] = [[0x80], [0xBF], [0xC0, 0x80], [0xC1], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98]]
        for length in [0, 1, 7, 8, 9, 31, 32, 33, 40, 64, 100, 1000] {
            for _ in 0..<40 {
                var text = (0..<length).map { _ in UInt8.random(in: 32...126, using: &rng) }
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    let at = Int.random(in: 0...text.count, using: &rng)
                    text.insert(contentsOf: characters.randomElement(using: &rng)!, at: at)
                }
                if Bool.random(using: &rng) {
                    text.insert(contentsOf: broken.randomElement(using: &rng)!, at: Int.random(in: 0...text.count, using: &rng))
                }
                #expect(TextDecoding.isValidUTF8(text) == (String(validating: text, as: UTF8.self) != nil), "\(text)")
            }
        }
    }

    @Test func textIsToldFromBinaryAsDefined() {
        for bytes in samples() {
            #expect(TextDecoding.looksLikeText(bytes) == referenceLooksLikeText(bytes), "\(bytes.prefix(16))")
        }
    }
}

/// Header labels of ASCII text are made on bytes; they must be what the definition on characters
/// makes: words joined by single spaces, at most 80 characters.
@Suite struct HeaderLabels {
    static func byCharacters(_ text: String) -> String? {
        let t = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return t.isEmpty ? nil : String(t.prefix(80))
    }

    @Test func asciiLabelsAreTheCharacterLabels() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab Z9_-\t\r\n\u{0B}\u{0C}.".utf8)
        var texts = ["Date of Birth", "  NI  number ", "\r\n", "", String(repeating: "word ", count: 30), String(repeating: "x", count: 79) + " yz"]
        for _ in 0..<3000 {
            texts.append(String(decoding: (0..<Int.random(in: 0...120, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
        }
        for t in texts { #expect(label(from: t) == Self.byCharacters(t), "\(t.debugDescription)") }
        #expect(label(from: "Prénom  de l'élève") == "Prénom de l'élève")
    }
}

/// Exports as MIS and finance systems write them: the dialect comes from the lines, not the name.
@Suite struct DelimitedDialects {
    func dialect(_ text: String, requireHeader: Bool = false) -> DelimitedDialect? {
        DelimitedDialect.sniff(Array(text.utf8)[...], requireHeader: requireHeader)
    }

    @Test func semicolonTabAndPipeExportsAreTables() {
        #expect(dialect("ULN;Surname;D.O.B\n9276308686;Hart;03/03/2007\n1234567890;Bose;04/04/2006\n") == DelimitedDialect(delimiter: 59))
        #expect(dialect("ULN\tSurname\tD.O.B\n9276308686\tHart\t03/03/2007\n") == DelimitedDialect(delimiter: 9))
        #expect(dialect("ULN|Surname|D.O.B\n9276308686|Hart|03/03/2007\n1|2|3\n") == DelimitedDialect(delimiter: 124))
        // A comma inside quotes does not split a field.
        #expect(dialect("Name,Address\n\"Hart, Amy\",\"1 High St, Leicester\"\n\"Bose, Ravi\",\"2 Low St, Derby\"\n") == DelimitedDialect(delimiter: 44))
    }

    @Test func excelsSepLineAndATitleRowAreAboveTheHeader() {
        #expect(dialect("sep=;\nULN;Surname\n9276308686;Hart\n") == DelimitedDialect(delimiter: 59, headerRow: 2))
        #expect(dialect("Learner export 2025/26\nULN;Surname;Postcode\n9276308686;Hart;LE8 0HW\n1234567890;Bose;NG4 4LJ\n")
                == DelimitedDialect(delimiter: 59, headerRow: 2))
        // With a byte-order mark.
        #expect(dialect("\u{FEFF}ULN,Surname\n9276308686,Hart\n") == DelimitedDialect(delimiter: 44))
    }

    /// Excel pads a title row to the table's width when it saves a sheet as CSV: the title has
    /// the header's number of fields, most of them empty, and is not the header.
    @Test func aTitlePaddedToTheTablesWidthIsNotTheHeader() {
        let payroll = "Airedale Vale College - Payroll Export - Period 07 (October 2024);;;;;\n"
            + "Emp No;Surname;NI Number;Gross Pay;Sort Code;Account No\n"
            + "004100;EDWARDS;YL580798D;3625.99;86-36-15;25334076\n004107;MARSDEN;AZ549413C;3164.10;74-16-53;88753667\n"
        #expect(dialect(payroll) == DelimitedDialect(delimiter: 59, headerRow: 2))
        let quoted = "\"Learners on roll, 1 October\",,,\nStudent ID,Surname,Forename,Date of Birth\n24270295,Green,Megan,26/07/2008\n"
        #expect(dialect(quoted) == DelimitedDialect(delimiter: 44, headerRow: 2))
        // A header with one or two blank column names is still the header.
        #expect(dialect("Name;;Date of birth;Postcode\nHart;x;03/03/2007;LE8 0HW\nBose;y;04/04/2006;NG4 4LJ\n")
                == DelimitedDialect(delimiter: 59))
    }

    /// A tab export whose name column reads "Surname, Forename" has a comma on every data row:
    /// the tab, which makes the first line the header, is the delimiter, not the comma, which
    /// would leave the header out of its table.
    @Test func theDelimiterThatKeepsTheFirstLineInTheTableWins() {
        let caseload = "Coach\tLearner\tULN\tDOB\nJoe Brannigan\tHirst, Courtney\t5391044420\t13/07/1982\n"
            + "Nadia Iqbal\tMahmood, Emily\t8799476907\t29/03/2003\n"
        #expect(DelimitedDialect.sniff(Array(caseload.utf8)[...], preferred: 44) == DelimitedDialect(delimiter: 9))
    }

    /// Excel's "Unicode Text" export: UTF-16 with a byte-order mark and tabs, named .txt.
    @Test func aUTF16TabExportNamedTxtIsReadAsATable() {
        let text = "Coach\tLearner\tULN\tDOB\r\nJoe Brannigan\tHirst, Courtney\t5391044420\t13/07/1982\r\n"
            + "Nadia Iqbal\tMahmood, Emily\t8799476907\t29/03/2003\r\n"
        let utf16: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(Sniffer.sniff(utf16, name: Array("Caseload by coach.txt".utf8)) == .document(.csv))
    }

    @Test func proseAndLogsAreNotTablesUnlessTheirNameSaysSo() {
        let log = "2025-10-01 08:00:01 | user=jsmith | ip=10.0.4.17\n2025-10-01 08:00:09 | user=abose | ip=10.0.4.18\n"
        #expect(dialect(log, requireHeader: true) == nil)
        let prose = "Dear Amy, thank you for your letter.\nWe will reply, as promised, soon.\nRegards, the team\n"
        #expect(dialect(prose, requireHeader: true) == nil)
        #expect(dialect("just one line, with a comma\n") == nil)
    }

    /// A .txt export with a title row: its header labels the values below it.
    @Test func aTxtExportIsReadAsATableUnderItsHeader() throws {
        let text = "Learner export 2025/26\nULN;Surname;Date of birth\n9276308686;Hart;03/03/2007\n"
        #expect(Sniffer.sniff(Array(text.utf8), name: Array("export.txt".utf8)) == .document(.csv))
        var chunks: [TextChunk] = []
        _ = try Extraction.extractText(Array(text.utf8), format: .csv, limits: ExtractLimits()) { chunks.append($0) }
        let last = try #require(chunks.last)
        #expect(last.cells.map(\.label) == ["ULN", "Surname", "Date of birth"])
    }
}

/// A form's question and answer in a table of two columns read as "question: answer", so that a
/// labelled field is found in them; a sheet's rows and wider tables keep their cells apart.
@Suite struct FormTables {
    func text(_ bytes: [UInt8], _ format: DocumentFormat) throws -> String {
        var out: [TextChunk] = []
        _ = try Extraction.extractText(bytes, format: format, limits: ExtractLimits()) { out.append($0) }
        return out.map { String(decoding: $0.text, as: UTF8.self) }.joined(separator: "\n")
    }

    @Test func anRTFRowOfTwoCellsReadsAsAField() throws {
        let rtf = #"{\rtf1\ansi \trowd\cellx2400\cellx4800\intbl Ethnicity\cell\intbl Chinese\cell\row "#
            + #"\trowd\cellx1\cellx2\cellx3\intbl Name\cell\intbl Course\cell\intbl Year\cell\row}"#
        let read = try text(Array(rtf.utf8), .rtf)
        #expect(read.contains("Ethnicity:Chinese"), "\(read)")
        #expect(read.contains("Name\tCourse\tYear"), "\(read)")
    }

    @Test func aWordFormTableRowOfTwoCellsReadsAsAField() throws {
        func cell(_ t: String) -> String { "<w:tc><w:p><w:r><w:t>\(t)</w:t></w:r></w:p></w:tc>" }
        let xml = #"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl>"#
            + "<w:tr>\(cell("Surname"))\(cell("Kaur"))</w:tr><w:tr>\(cell("Religion or belief (optional)"))\(cell("Sikh"))</w:tr>"
            + "<w:tr>\(cell("Name"))\(cell("Course"))\(cell("Year"))</w:tr></w:tbl></w:body></w:document>"
        var out: [TextChunk] = []
        try FlowExtractor.extract(Array(xml.utf8), part: "word/document.xml", vocabulary: .wordprocessingML) { out.append($0) }
        let rows = out.map { String(decoding: $0.text, as: UTF8.self) }
        #expect(rows.contains("Religion or belief (optional):Sikh"), "\(rows)")
        #expect(rows.contains("Name\tCourse\tYear"), "\(rows)")
        // The cells keep their ranges.
        let answer = try #require(out.first { String(decoding: $0.text, as: UTF8.self).hasSuffix("Sikh") })
        #expect(answer.cells.map { String(decoding: answer.text[$0.range], as: UTF8.self) } == ["Religion or belief (optional)", "Sikh"])
    }
}
