import Foundation
import Testing
import TrawlModel
@testable import TrawlReport

@Suite struct Protection {
    @Test(arguments: [
        ("AB 12 34 56 C", MaskStyle.keepEnds, "AB ** ** ** C"),
        ("AB123456C", .keepEnds, "AB******C"),
        ("M1 1AE", .keepEnds, "M* ***"),
        ("jane.doe@gmail.com", .email, "j*******@gmail.com"),
        ("12/03/1984", .date, "**/**/1984"),
        ("12th March 1984", .date, "**** ***** 1984"),
    ])
    func valuesAreMasked(_ value: String, _ style: MaskStyle, _ masked: String) {
        #expect(Masking.mask(value, style: style) == masked)
    }

    @Test func fingerprintsAreKeyedAndStable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-key-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("k").path
        let a = try Keyring.loadOrCreate(at: path)
        let again = try Keyring.loadOrCreate(at: path)
        let other = try Keyring.loadOrCreate(at: dir.appendingPathComponent("k2").path)
        let fa = a.fingerprint(type: "uk.nino", normalized: "AB123456C")
        #expect(fa == again.fingerprint(type: "uk.nino", normalized: "AB123456C"))
        #expect(fa != other.fingerprint(type: "uk.nino", normalized: "AB123456C"))
        #expect(fa.hasPrefix("hmac-sha256:\(a.id):"))
        #expect(!fa.contains("AB123456C"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// Known answers, computed outside Trawl (Python's hmac and hashlib) for the key bytes 1...32:
    /// the key id, a fingerprint (HMAC-SHA256 of type, NUL, normalised value) and a content id
    /// (HMAC-SHA256 under "trawl-content" + key), the content fed in two pieces.
    @Test func fingerprintsAndContentIdsAreTheHMACsTheFormatDocuments() {
        let key = Keyring(bytes: Array(1...32))
        #expect(key.id == "7a462fb6ed67")
        #expect(key.fingerprint(type: "uk.nino", normalized: "AB123456C")
                == "hmac-sha256:7a462fb6ed67:67811869fe19f5da1dd84dc3a84883ec7830d93d883650cb331367f59cb52cb7")
        var hasher = key.contentHasher()
        hasher.update(Array("hel".utf8))
        hasher.update(Array("lo\n".utf8)[...])
        #expect(hasher.finalize() == "hmac-sha256:7a462fb6ed67:8c7898bad59b39565e8094017f7e52354d2187d470112690f5f7cc6968bc591b")
        // A second hasher from the same key starts afresh: the keyed state is copied, not shared.
        var other = key.contentHasher()
        other.update(Array("hello\n".utf8))
        #expect(other.finalize() == hasher.finalize())
    }

    /// The four-bytes-at-a-time hex of fingerprints: every byte value, in every position of the
    /// word, against the two digits a format string gives.
    @Test func hexDigitsOfEveryByteInEveryPlace() {
        for value in 0...255 {
            for place in 0..<4 {
                var bytes: [UInt8] = [0x5A, 0xA5, 0x0F, 0xF0]
                bytes[place] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                let digits = withUnsafeBytes(of: hexDigits(word)) { String(decoding: $0, as: UTF8.self) }
                #expect(digits == bytes.map { String(format: "%02x", $0) }.joined())
            }
        }
    }

    /// RFC 4231 test cases 1 and 6: a short key, and a key longer than SHA-256's block.
    @Test func keyedSHA256IsHMACSHA256() {
        func mac(_ key: [UInt8], _ data: String) -> String {
            var m = KeyedSHA256(key: key)
            Array(data.utf8).withUnsafeBytes { m.update($0) }
            return hex(m.finalize())
        }
        #expect(mac([UInt8](repeating: 0x0b, count: 20), "Hi There")
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(mac([UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First")
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func aShortKeyFileIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-short-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o600])
        #expect { try Keyring.loadOrCreate(at: path) } throws: { "\($0)".contains("holds 3 bytes; a key is 32 bytes") }
    }
}

@Suite struct JSONEscaping {
    /// The eight-bytes-at-a-time test for characters JSON escapes, against its definition.
    @Test func escapableBytesAreFoundAsDefined() {
        var rng = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0, 1, 31, 32, 33, 34, 35, 91, 92, 93, 127, 128, 160, 162, 220, 255, 97]
        for length in 0..<40 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : 97 }
                let expected = bytes.contains { $0 < 32 || $0 == 34 || $0 == 92 }
                bytes.withUnsafeBufferPointer { #expect(JSONBytes.needsEscaping($0) == expected, "\(bytes)") }
            }
        }
    }
}

@Suite struct MaskingPaths {
    @Test func theByteMaskingOfASCIIValuesIsTheCharacterMasking() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09@.-/ _+x7Q".utf8) + (32..<127).map { UInt8($0) }
        var values = ["", "@", "a@", "@b.com", "AB123456C", "12/03/1984", "12 March 1984", "1984-03-12", "ab", "x.y@gmail.com",
                      "07823 456789", "GB82 WEST 1234 5698 7654 32", "----", "2024"]
        for _ in 0..<2000 {
            values.append(String(decoding: (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
        }
        for value in values {
            for style in [MaskStyle.keepEnds, .email, .date] {
                #expect(Masking.maskASCII(value, style: style) == Masking.maskCharacters(value, style: style), "\(value) \(style)")
            }
        }
        #expect(Masking.maskASCII("Zoë", style: .keepEnds) == nil)
        #expect(Masking.mask("Zoë Smith", style: .keepEnds) == Masking.maskCharacters("Zoë Smith", style: .keepEnds))
    }
}

@Suite struct ReviewPageTests {
    @Test func findingsNotListedAreNamedOnThePage() {
        let begin = BeginRecord(schema: reportSchema, tool: "test", started: "now", roots: [], options: [:],
                                patterns: RuleSetIdentity(id: "p", name: "p"), policy: RuleSetIdentity(id: "q", name: "q"), keyId: "k")
        let file = FileRecord(path: PathText(Array("/share/alumni.csv".utf8)), members: nil, size: 10, format: "csv", outcome: .scanned,
                              issues: nil, level: .confidential, reasons: [], findings: [], memberCount: nil, markings: nil,
                              carriedOver: nil, contentId: nil, findingsOmitted: [OmittedFindings(type: "email", level: .restricted, count: 997)])
        let page = ReviewPage.html(LoadedReport(begin: begin, files: [file], summary: nil), title: "t")
        #expect(page.contains("not listed (Restricted): 997 × email"))
    }
}

@Suite struct WireFormat {
    @Test func pathsThatAreNotUTF8SurviveAsBytes() throws {
        let raw: [UInt8] = Array("r".utf8) + [0xE9] + Array("sum.txt".utf8)
        let p = PathText(raw)
        #expect(p.text == nil)
        let back = try JSONDecoder().decode(PathText.self, from: try JSONEncoder().encode(p))
        #expect(back.raw == raw)
        #expect(PathText(Array("plain.txt".utf8)).text == "plain.txt")
    }

    @Test func theByteEncoderWritesWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every control character, DEL, quotes, backslashes, slashes and text beyond ASCII.
        let tricky = String(decoding: (0..<32).map { UInt8($0) } + Array("\u{7F} \"q\" back\\slash a/b é ü 中文 😀 \u{2028}\u{2029} \u{FEFF}".utf8), as: UTF8.self)
        let finding = FindingRecord(
            type: "uk.nino", pattern: "uk.nino", level: .restricted, confidence: .high, exempt: .roleMailbox,
            location: Location(part: "word/document.xml" + tricky, line: 12, cell: "B7", column: "Date of Birth " + tricky, offset: 1_234_567),
            masked: "AB******C", fingerprint: "hmac-sha256:abc:def", value: tricky, evidence: ["keyword 'ni' before", tricky],
            decision: DecisionRecord(Decision(fingerprint: "f", path: "/p", decision: .acceptedRisk, by: "dpo", at: "2026-01-01", note: tricky)))
        var bare = finding
        bare.level = nil; bare.exempt = nil; bare.value = nil; bare.decision = nil; bare.evidence = []
        bare.location = Location(offset: 0)
        let full = FileRecord(
            path: PathText(Array("/share/r".utf8) + [0xE9] + Array("sum.txt".utf8)), members: [PathText(Array("inner.zip".utf8)), PathText(Array(tricky.utf8))],
            size: Int.max, format: "docx", outcome: .error, issues: [ScanIssue(.corrupt, tricky), ScanIssue(.tooLarge, "big")], level: .confidential,
            reasons: [LevelReason(rule: "types", level: .confidential, detail: tricky)], findings: [finding, bare], memberCount: 0,
            markings: ["marking.internal", tricky], carriedOver: true, contentId: "hmac-sha256:k:0",
            findingsOmitted: [OmittedFindings(type: "email", level: .restricted, count: 12_345), OmittedFindings(type: tricky, level: nil, count: 1)])
        var placed = full
        placed.belowRoot = BelowRoot(path: PathText(Array("r".utf8) + [0xE9] + Array("sum.txt".utf8)), root: 0)
        var placedText = full
        placedText.belowRoot = BelowRoot(path: PathText(Array(tricky.utf8)), root: 12)
        let empty = FileRecord(path: PathText(Array("/".utf8)), members: nil, size: 0, format: nil, outcome: .scanned, issues: nil,
                               level: .public, reasons: [], findings: [], memberCount: nil, markings: nil, carriedOver: nil, contentId: nil)
        for record in [full, placed, placedText, empty] {
            let reference = Array(try encoder.encode(ReportRecord.file(record))) + [10]
            #expect(record.reportLine() == reference, "\(String(decoding: record.reportLine(), as: UTF8.self))")
        }
    }

    @Test func theWriterWritesFindingsAsTheirRecordsWouldBe() throws {
        // The writer writes each finding straight into its line, masking the value and writing
        // its fingerprint in place; the line must be the one a record made of Masking.mask and
        // Keyring.fingerprint writes, whatever the value holds.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-report-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Keyring.loadOrCreate(at: dir.appendingPathComponent("key").path)
        let values: [(String, MaskStyle)] = [
            ("AB123456C", .keepEnds), ("jo.bloggs@example.org", .email), ("12/03/1984", .date), ("5 July 1964", .date),
            ("say \"hi\"\\ \u{1}", .keepEnds), ("zoë.brontë@exämple.org", .email), ("12 März 1984", .date), ("中文 123", .keepEnds), ("@", .email), ("", .keepEnds)]
        var findings: [Finding] = []
        for (i, (value, style)) in values.enumerated() {
            let match = Match(typeId: "t\(i)", patternId: "p\(i)", value: value, normalized: value.uppercased(), confidence: .medium,
                              evidence: i % 2 == 0 ? [] : ["keyword 'dob' before", value], exemption: i == 3 ? .roleMailbox : nil,
                              location: Location(part: i == 1 ? "xl/worksheets/sheet1.xml" : nil, line: i, cell: i == 2 ? "B7" : nil,
                                                 column: i == 2 ? "Date \"of\" Birth" : nil, offset: i * 100),
                              mask: style)
            findings.append(Finding(match: match, level: i == 3 ? nil : .restricted,
                                    decision: i == 4 ? Decision(fingerprint: "f", path: "/p", decision: .acceptedRisk, by: "dpo", at: "2026-01-01", note: value) : nil))
        }
        for showValues in [false, true] {
            let out = dir.appendingPathComponent("report-\(showValues).json").path
            let writer = try ReportWriter(path: out, key: key, showValues: showValues, findingsOnly: false)
            try writer.begin(BeginRecord(schema: reportSchema, tool: "test", started: "now", roots: [], options: [:],
                                         patterns: RuleSetIdentity(id: "p", name: "p"), policy: RuleSetIdentity(id: "q", name: "q"), keyId: key.id))
            let result = FileResult(path: Array("/share/a.txt".utf8), size: 10, outcome: .scanned, findings: findings, level: .restricted)
            let kept = try writer.write(result, isMember: false, worker: 0, keep: true)
            _ = try writer.finish(started: Date())
            let records = findings.map { f in
                FindingRecord(type: f.match.typeId, pattern: f.match.patternId, level: f.level, confidence: f.match.confidence,
                              exempt: f.match.exemption, location: f.match.location, masked: Masking.mask(f.match.value, style: f.match.mask),
                              fingerprint: key.fingerprint(type: f.match.typeId, normalized: f.match.normalized),
                              value: showValues ? f.match.value : nil, evidence: f.match.evidence, decision: f.decision.map(DecisionRecord.init))
            }
            let expected = FileRecord(path: PathText(result.path), members: nil, size: 10, format: nil, outcome: .scanned, issues: nil,
                                      level: .restricted, reasons: [], findings: records, memberCount: nil, markings: nil,
                                      contentId: nil).reportLine()
            let lines = try Data(contentsOf: URL(fileURLWithPath: out)).split(separator: 10, omittingEmptySubsequences: false)
            let line = try #require(lines.first { $0.starts(with: Data(#"{"data":{"#.utf8)) && $0.contains(Array("/share/a.txt".utf8)) })
            #expect(String(decoding: Array(line) + [10], as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            // What the state database keeps is the same line, marked as carried over.
            #expect(kept.reversed().starts(with: expected.dropFirst(#"{"data":{"#.utf8.count).reversed()))
            #expect(String(decoding: kept, as: UTF8.self).contains(#"{"data":{"carried_over":true,"findings":[{"#))
        }
    }

    @Test func theWriterRenamesIntoPlaceAndCountsEverything() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-report-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Keyring.loadOrCreate(at: dir.appendingPathComponent("key").path)
        let out = dir.appendingPathComponent("report.json").path
        let writer = try ReportWriter(path: out, key: key, showValues: false, findingsOnly: true)
        try writer.begin(BeginRecord(schema: reportSchema, tool: "test", started: "now", roots: [], options: [:],
                                     patterns: RuleSetIdentity(id: "p", name: "p"), policy: RuleSetIdentity(id: "q", name: "q"), keyId: key.id))
        // Until finish, nothing is under the output name.
        #expect(!FileManager.default.fileExists(atPath: out))
        let match = Match(typeId: "uk.nino", patternId: "uk.nino", value: "AB123456C", normalized: "AB123456C",
                          confidence: .high, evidence: [], location: Location(offset: 3))
        try writer.write(FileResult(path: Array("/a".utf8), size: 10, outcome: .scanned,
                                    findings: [Finding(match: match, level: .restricted)], level: .restricted), isMember: false, worker: 0, keep: true)
        try writer.write(FileResult(path: Array("/clean".utf8), size: 5, outcome: .scanned), isMember: false, worker: 0, keep: true)
        try writer.write(FileResult(path: Array("/bad".utf8), size: 0, outcome: .error, issues: [ScanIssue(.permission, "denied")]), isMember: false, worker: 0, keep: true)
        let summary = try writer.finish(started: Date())
        #expect(summary.exitStatus == 1)
        #expect(summary.files == { var c = OutcomeCounts(); c.total = 3; c.scanned = 2; c.failed = 1; return c }())
        #expect(summary.findingsByType == ["uk.nino": 1])
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let records = try ReportReader.records(from: data)
        // --findings-only: the clean file is counted but not listed; the error is listed.
        let files = records.compactMap { if case .file(let f) = $0 { f } else { nil } }
        #expect(files.map(\.path.display) == ["/a", "/bad"])
        #expect(files[0].findings.first?.value == nil)
        #expect(files[0].findings.first?.masked == "AB******C")
        #expect(!String(decoding: data, as: UTF8.self).contains("AB123456C"))
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }
}

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ([0x61, 0x1B, 0x5B, 0x32, 0x4A], #"a\x1b[2J"#),
        (Array("a\r\nb\tc".utf8), #"a\r\nb\tc"#),
        ([0x00, 0x07, 0x7F], #"\x00\x07\x7f"#),
        ([0xC2, 0x85, 0xC2, 0x9B], #"\u{0085}\u{009b}"#),  // C1 NEL and CSI
        (Array("x\u{202E}gpj.exe\u{2028}".utf8), #"x\u{202e}gpj.exe\u{2028}"#),
        ([0xFF, 0x41], #"\xffA"#),
        ([0xC0, 0x80], #"\xc0\x80"#),  // an overlong NUL
        ([0xED, 0xA0, 0x80], #"\xed\xa0\x80"#),  // a surrogate
        ([0xE2, 0x82], #"\xe2\x82"#),  // cut short
        ([0xF4, 0x90, 0x80, 0x80], #"\xf4\x90\x80\x80"#),  // past U+10FFFF
        (Array("résumé €5 😀 back\\slash".utf8), "résumé €5 😀 back\\slash"),
    ])
    func controlsAndBytesThatAreNotUTF8AreEscaped(bytes: [UInt8], shown: String) {
        #expect(TerminalText.escaping(bytes: bytes) == shown)
        // Escaping what was escaped changes nothing; text escapes as its bytes do.
        #expect(TerminalText.escaping(shown) == shown)
        if let text = String(validating: bytes, as: UTF8.self) { #expect(TerminalText.escaping(text) == shown) }
    }
}
