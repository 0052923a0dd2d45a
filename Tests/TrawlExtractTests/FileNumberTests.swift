// Numbers read from a file that no reader may trust: each test plants one that once trapped or
// asked for gigabytes (a date cell of NaN, an OLE2 chain that loops, a piece table that repeats
// its text) and checks the outcome: read as far as it can be, or reported as corrupt.
import Testing
import TrawlModel
@testable import TrawlExtract

/// Extracts `bytes` as `format`, returning the text or the error.
private func extracted(_ bytes: [UInt8], as format: DocumentFormat) -> Result<String, ExtractError> {
    var out: [TextChunk] = []
    do {
        _ = try Extraction.extractText(bytes, format: format, limits: ExtractLimits()) { out.append($0) }
    } catch {
        return .failure(error)
    }
    return .success(text(out))
}

private func corruptReason(_ result: Result<String, ExtractError>) -> String? {
    if case .failure(.corrupt(let reason)) = result { reason } else { nil }
}

@Suite struct DateSerials {
    @Test func serialsExcelShowsAreDates() {
        #expect(SpreadsheetExtractor.isoDate(fromSerial: 25569) == "1970-01-01")
        #expect(SpreadsheetExtractor.isoDate(fromSerial: 38423.75) == "2005-03-12")
        #expect(SpreadsheetExtractor.isoDate(fromSerial: 2_958_465) == "9999-12-31")
        #expect(SpreadsheetExtractor.isoDate(fromSerial: 2_958_465.99) == "9999-12-31")
    }

    @Test(arguments: [1e300, -1e300, .nan, .infinity, -.infinity, Double(Int.max), Double(Int.max).nextDown, -1, -0.5, 2_958_466])
    func numbersNoDateCanBeAreNotDates(_ serial: Double) {
        #expect(SpreadsheetExtractor.isoDate(fromSerial: serial) == nil)
    }

    static let hostile = ["1e300", "NaN", "inf", "-infinity", "9223372036854775807", "9223372036854774784", "-5"]

    @Test(arguments: hostile)
    func anXlsxDateCellOfNoDateKeepsItsNumber(_ value: String) throws {
        let styles = "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>"
        let sheet = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"><v>\(value)</v></c>"
            + "<c r=\"B1\" t=\"inlineStr\"><is><t>AB 12 34 56 C</t></is></c></row>"
            + "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>38423</v></c></row></sheetData></worksheet>"
        var out: [TextChunk] = []
        try SpreadsheetExtractor.extract(parts: ["xl/styles.xml": Array(styles.utf8), "xl/worksheets/sheet1.xml": Array(sheet.utf8)]) { out.append($0) }
        #expect(text(out).contains("\(value)\tAB 12 34 56 C"))
        #expect(text(out).contains("2005-03-12"))
    }

    /// Each value and how it reads: a whole number under 10^15 as an integer, the rest as Swift
    /// writes a Double.
    @Test(arguments: [(1e300, "1e+300"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"), (Double(Int.max), "9.223372036854776e+18"),
                      (Double(Int.max).nextDown, "9.223372036854775e+18"), (-5, "-5")])
    func anXlsDateCellOfNoDateKeepsItsNumber(_ value: Double, _ shown: String) throws {
        let workbook = TestBIFF.workbook([["Name", "Started", "NI number"], ["Ava Reid", value, "AB 12 34 56 C"], ["Noah Patel", 38423.0]])
        let result = extracted(TestCompoundFile([("Workbook", workbook)]).bytes, as: .xls)
        let t = try result.get()
        #expect(t.contains("AB 12 34 56 C"))
        #expect(t.contains("2005-03-12"))
        #expect(t.contains("Ava Reid\t\(shown)\tAB 12 34 56 C"))
    }
}

@Suite struct CompoundFileBounds {
    static let document = TestWord.document(String(repeating: "Referral. NI number AB 12 34 56 C.\r", count: 150))

    @Test func theTestWritersMakeAReadableDocument() throws {
        let t = try extracted(TestCompoundFile(Self.document).bytes, as: .doc).get()
        #expect(t.components(separatedBy: "AB 12 34 56 C").count == 151)
    }

    /// 12 KB whose DIFAT chain loops on itself, listing one sector as a FAT sector over and over:
    /// read as it says, it is 10 million FAT sectors (40 GB), and it is read while sniffing.
    static func difatLoop() -> [UInt8] {
        var header: [UInt8] = CompoundFile.signature + [UInt8](repeating: 0, count: 16)
        header += [0x3E, 0, 4, 0, 0xFE, 0xFF, 12, 0, 6, 0] + [UInt8](repeating: 0, count: 6)
        header += [0, 0x7FFF_FFFF, 1, 0, 4096, TestCompoundFile.end, 0, 0, 0x7FFF_FFFF].flatMap(TestCompoundFile.le32)
        header += (0..<109).flatMap { _ in TestCompoundFile.le32(TestCompoundFile.free) }
        header += [UInt8](repeating: 0, count: 4096 - header.count)
        let difat = (0..<1023).flatMap { _ in TestCompoundFile.le32(1) } + TestCompoundFile.le32(0)
        return header + difat + [UInt8](repeating: 0, count: 4096)
    }

    @Test func aLoopingDIFATIsCorruptWhileSniffingAndReading() throws {
        let bytes = Self.difatLoop()
        #expect(throws: CompoundFile.Damaged.self) { try CompoundFile(bytes) }
        #expect(Sniffer.sniff(bytes, name: Array("data.bin".utf8)) == .document(.ole2))
        #expect(corruptReason(extracted(bytes, as: .doc))?.contains("loops") == true)
    }

    @Test func aFATSectorListedTwiceIsCorrupt() throws {
        // Three FAT sectors' worth of file, the header listing sector 0 for each of them.
        var file = TestCompoundFile(Self.document + [("Padding", [UInt8](repeating: 1, count: 300 * 512))])
        let second = file.fatSectors.count > 1 ? 1 : 0
        try #require(second == 1)
        file.set32(at: 0x4C + 4, UInt32(file.fatSectors[0]))
        #expect(corruptReason(extracted(file.bytes, as: .doc))?.contains("listed twice") == true)
    }

    @Test func aLoopingDirectoryChainIsCorrupt() {
        var file = TestCompoundFile(Self.document)
        file.setFAT(file.directoryStart, UInt32(file.directoryStart))
        #expect(corruptReason(extracted(file.bytes, as: .doc)) == "compound file: the sector chain of the directory loops")
    }

    @Test func aLoopingStreamChainIsCorrupt() {
        var file = TestCompoundFile(Self.document)
        // WordDocument starts at sector 0: its second sector leads back to the first.
        file.setFAT(1, 0)
        #expect(corruptReason(extracted(file.bytes, as: .doc)) == "compound file: the sector chain of 'WordDocument' loops")
    }

    @Test func aChainOutOfTheFileIsCorrupt() {
        var file = TestCompoundFile(Self.document)
        file.setFAT(1, 0x00FF_FFFF)
        #expect(corruptReason(extracted(file.bytes, as: .doc)) == "compound file: the sector chain of 'WordDocument' leaves the file")
    }

    @Test func aStreamLongerThanTheFileIsCorrupt() {
        var file = TestCompoundFile(Self.document)
        file.set32(at: file.directoryEntry(1) + 120, 0xFFFF_FFF0)
        #expect(corruptReason(extracted(file.bytes, as: .doc))?.contains("'WordDocument' declares 4294967280 bytes") == true)
    }

    @Test func aMiniStreamLongerThanTheFileIsCorrupt() {
        var file = TestCompoundFile(Self.document)
        file.set32(at: file.directoryEntry(0) + 120, 0xFFFF_FFF0)
        #expect(corruptReason(extracted(file.bytes, as: .doc))?.contains("the mini stream declares") == true)
    }

    @Test func aLoopingMiniChainIsCorrupt() throws {
        // 1Table is small, so in the mini stream; its second mini sector leads back to its first.
        var file = TestCompoundFile(TestWord.document(String(repeating: "NI number AB 12 34 56 C.\r", count: 200),
                                                     pieces: (0..<20).map { ($0 * 10, $0 * 10 + 10, $0 * 10) }))
        let start = try #require(file.miniStarts[1])
        file.setMiniFAT(start + 1, UInt32(start))
        #expect(corruptReason(extracted(file.bytes, as: .doc)) == "compound file: the mini chain of '1Table' loops")
    }
}

@Suite struct CompoundFileTrees {
    /// 40 storages nested one in another, each named with 31 two-byte letters, and 100 streams
    /// in the deepest: 2.5 KB of path for each 128-byte entry.
    @Test func pathsFarLongerThanTheFileAreCorrupt() throws {
        let storages = 40, streams = 100
        var file = TestCompoundFile((0..<(storages + streams)).map { ("s\($0)", [UInt8]()) })
        for k in 1...storages {
            file.setEntry(k, name: String(repeating: "é", count: 31), type: 1, right: TestCompoundFile.free, child: UInt32(k + 1))
        }
        // The streams as a balanced tree under the deepest storage.
        func tree(_ range: Range<Int>) -> UInt32 {
            guard !range.isEmpty else { return TestCompoundFile.free }
            let mid = (range.lowerBound + range.upperBound) / 2
            file.setEntry(mid, left: tree(range.lowerBound..<mid), right: tree((mid + 1)..<range.upperBound))
            return UInt32(mid)
        }
        file.setEntry(storages, child: tree((storages + 1)..<(storages + streams + 1)))
        do {
            _ = try CompoundFile(file.bytes)
            Issue.record("a tree of paths 20 times the file was read")
        } catch {
            #expect(error.reason.hasPrefix("the storage tree's paths come to more than twice the file's"))
        }
    }

    /// 20 attachments whose data streams all point at the same 8 KB of sectors: what is read
    /// comes to no more than the file.
    @Test func attachmentsThatShareSectorsAreReadOnce() throws {
        let n = 20
        let data = [UInt8](repeating: 0x41, count: 8192)
        var streams: [(name: String, data: [UInt8])] = (0..<n).map { ("__attach_version1.0_#000000\($0 < 10 ? "0" : "")\($0)", []) }
        streams += [("__substg1.0_37010102", data)] + (1..<n).map { _ in ("__substg1.0_37010102", []) }
        var file = TestCompoundFile(streams)
        let shared = file.entryStart(n + 1)
        for k in 0..<n {
            file.setEntry(k + 1, type: 1, right: k + 1 < n ? UInt32(k + 2) : TestCompoundFile.free, child: UInt32(n + 1 + k))
            file.setEntry(n + 1 + k, right: TestCompoundFile.free, start: shared.start, size: shared.size)
        }
        let cfb = try CompoundFile(file.bytes)
        let read = LegacyOffice.attachments(cfb)
        #expect(read.count == 1)
        #expect(read.reduce(0) { $0 + $1.bytes.count } <= file.bytes.count)
    }
}

@Suite struct WordPieceTables {
    @Test func piecesThatEachClaimTheWholeTextAreCorrupt() {
        // 200 pieces, each the whole 64 KB text again: 12 MB of text from a 70 KB file.
        let text = "NI number AB 12 34 56 C.\r" + String(repeating: "x", count: 65_536)
        let n = text.utf8.count
        let file = TestCompoundFile(TestWord.document(text, pieces: (0..<200).map { ($0 * n, ($0 + 1) * n, 0) }))
        #expect(corruptReason(extracted(file.bytes, as: .doc))?.contains("piece table declares more text") == true)
    }

    @Test func piecesThatGoBackAreCorrupt() {
        let text = "NI number AB 12 34 56 C.\r" + String(repeating: "x", count: 1000)
        let n = text.utf8.count
        let file = TestCompoundFile(TestWord.document(text, pieces: (0..<200).map { $0 % 2 == 0 ? (0, n, 0) : (n, 0, 0) }))
        #expect(corruptReason(extracted(file.bytes, as: .doc)) == "doc: the piece table's character positions go backwards")
    }

    @Test func piecesInOrderAreJoined() throws {
        let text = "First piece. Second piece with NI number AB 12 34 56 C.\r"
        let file = TestCompoundFile(TestWord.document(text, pieces: [(0, 13, 0), (13, text.utf8.count, 13)]))
        #expect(try extracted(file.bytes, as: .doc).get() == "First piece. Second piece with NI number AB 12 34 56 C.")
    }
}

@Suite struct OffsetsAndCountsFromTheFile {
    /// A TIFF whose GPS directory ends, cut off, inside its last entry (the latitude's N/S
    /// reference, whose value lies at an offset the file no longer holds).
    @Test func aGPSReferenceCutOffBeforeItsOffsetIsLeftOut() {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        func rationals(_ values: [Int]) -> [UInt8] { values.flatMap { u32($0) + u32(1) } }
        var tiff: [UInt8] = [0x49, 0x49, 42, 0] + u32(8)
        tiff += u16(1) + u16(0x8825) + u16(4) + u32(1) + u32(74) + u32(0)  // IFD 0: the GPS directory at 74
        tiff += rationals([51, 30, 0]) + rationals([0, 7, 0])              // latitude at 26, longitude at 50
        tiff += u16(3) + u16(2) + u16(5) + u32(3) + u32(26) + u16(4) + u16(5) + u32(3) + u32(50)
        tiff += u16(1) + u16(2) + u32(8)                                   // cut off before its offset
        let fields = ImageMetadata.fields(tiff, format: .tiff)
        #expect(fields.first { $0.0 == "GPSPosition" }?.1 == "51.500000, 0.116667")
    }

    /// A shared string whose extended data declares 4 GB: the rest of the table is passed over
    /// at once, not a byte at a time (four billion steps).
    @Test func aSharedStringsHugeExtensionIsPassedOverAtOnce() {
        let sst: [UInt8] = TestCompoundFile.le32(2) + TestCompoundFile.le32(2)
            + [1, 0, 0x04] + TestCompoundFile.le32(0xFFFF_FFFF) + Array("A".utf8)   // cch 1, flags: ext data
            + [1, 0, 0] + Array("B".utf8)
        let start = ContinuousClock.now
        let strings = LegacyOffice.sharedStrings([sst, Array(repeating: 0, count: 100)])
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(strings == ["A"])
    }
}
