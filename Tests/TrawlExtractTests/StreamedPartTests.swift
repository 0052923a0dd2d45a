import Foundation
import Testing
import TrawlModel
@testable import TrawlExtract

/// A part of an Office package too large to hold is read by libxml2 as it inflates
/// (`OfficePart.streamed`). Read with every part streamed (nothing held: a limit of 0 bytes), a
/// package gives the chunks, in the same order, that it gives with its parts held, and the same
/// error where it has one.
@Suite struct StreamedParts {
    static func text(_ bytes: [UInt8], _ format: DocumentFormat, _ limits: ExtractLimits) -> (chunks: [String], error: String?) {
        var chunks: [String] = []
        do {
            _ = try Extraction.extractText(bytes, format: format, limits: limits) { c in
                let cells = c.cells.map { "\($0.range) \($0.ref ?? "-") \($0.label ?? "-")" }
                chunks.append("\(c.part ?? "-") \(c.offset) \(c.firstLine ?? -1) \(String(decoding: c.text, as: UTF8.self).debugDescription) \(cells)")
            }
        } catch {
            return (chunks, "\(error)")
        }
        return (chunks, nil)
    }

    static var streamingAll: ExtractLimits {
        var limits = ExtractLimits()
        limits.maxMemberSize = 0
        return limits
    }

    static func expectSameText(_ bytes: [UInt8], _ format: DocumentFormat, _ what: String) {
        let held = text(bytes, format, ExtractLimits()), streamed = text(bytes, format, streamingAll)
        #expect(streamed.error == held.error, "\(what): error")
        #expect(streamed.chunks.count == held.chunks.count, "\(what): chunk count")
        for (i, (a, b)) in zip(streamed.chunks, held.chunks).enumerated() where a != b {
            Issue.record("\(what): chunk \(i): streamed \(a), held \(b)")
            break
        }
    }

    static let samplesFiles: [(String, DocumentFormat)] = [
        ("office/referral.docx", .docx), ("office/staffing-review.docx", .docx), ("office/blank-template.docx", .docx),
        ("office/induction.pptx", .pptx), ("office/staff-summary.xlsx", .xlsx), ("office/learner-register.xlsx", .xlsx),
        ("office/budget.xlsx", .xlsx), ("office/staff-notes.xlsx", .xlsx), ("opendocument/class-list.ods", .ods),
        ("opendocument/agreement.odt", .odt), ("opendocument/briefing.odp", .odp), ("opendocument/governors.odt", .odt),
    ]

    @Test func theSamplesOfficeFiles() throws {
        for (path, format) in Self.samplesFiles {
            let data = try bytes(path)
            #expect(!Self.text(data, format, ExtractLimits()).chunks.isEmpty, "\(path) has text")
            Self.expectSameText(data, format, path)
        }
    }

    /// The bench's generated Word files and workbooks (`scripts/bench-corpus.py`), by folder and
    /// name.
    static func benchFiles(docx: Int, xlsx: Int) throws -> [(String, DocumentFormat, [UInt8])] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-streamed-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = samples.deletingLastPathComponent().appendingPathComponent("scripts/bench-corpus.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, dir.path, "--text-mb", "0", "--docx", "\(docx)", "--xlsx", "\(xlsx)"]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        var files: [(String, DocumentFormat, [UInt8])] = []
        for (folder, format) in [("docx", DocumentFormat.docx), ("xlsx", .xlsx)] {
            let url = dir.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() {
                files.append(("\(folder)/\(name)", format, Array(try Data(contentsOf: url.appendingPathComponent(name)))))
            }
        }
        return files
    }

    @Test func theBenchFiles() throws {
        let files = try Self.benchFiles(docx: 4, xlsx: 4)
        #expect(files.count == 8)
        for (name, format, data) in files { Self.expectSameText(data, format, name) }
    }

    /// A workbook of the bench: one sheet of 108 KB of XML, deflated.
    static func benchWorkbook() throws -> [UInt8] {
        try #require(try benchFiles(docx: 0, xlsx: 1).first).2
    }

    /// A sheet whose deflated bytes cannot be inflated: streamed, the reason is the package's (as
    /// when it is held), not the parser's at the point where its input stopped.
    @Test func aDamagedPartIsSaidDamaged() throws {
        var data = try Self.benchWorkbook()
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        // The sheet's local header: its name, then (after any extra field) its deflated bytes.
        func isSheetHeader(_ i: Int) -> Bool {
            guard data[i] == 0x50, data[i + 1] == 0x4B, data[i + 2] == 3, data[i + 3] == 4 else { return false }
            return Array(data[(i + 30)..<(i + 30 + name.count)]) == name
        }
        let found: Int? = (0..<(data.count - 30 - name.count)).first(where: isSheetHeader)
        let header = try #require(found)
        func field(_ at: Int, _ count: Int) -> Int {
            var v = 0
            for k in (0..<count).reversed() { v = v << 8 | Int(data[header + at + k]) }
            return v
        }
        let nameLength = field(26, 2), extraLength = field(28, 2), compressed = field(18, 4)
        let start = header + 30 + nameLength + extraLength
        try #require(compressed > 0)
        // The first block's header says a block type deflate reserves: nothing can be inflated.
        data[start] = 0b111
        let held = Self.text(data, .xlsx, ExtractLimits()), streamed = Self.text(data, .xlsx, Self.streamingAll)
        #expect(held.error?.contains("package") == true, "held: \(held.error ?? "no error"), \(held.chunks.count) chunks; streamed: \(streamed.error ?? "no error")")
        #expect(streamed.error == held.error)
    }

    /// A streamed part inflates to at most the file's limit of expansion.
    @Test func aStreamedPartStopsAtItsLimit() throws {
        var limits = Self.streamingAll
        limits.maxTotalExpansion = 2_000
        let result = Self.text(try Self.benchWorkbook(), .xlsx, limits)
        let error = try #require(result.error)
        #expect(error.contains("expands past the limit of 2000 bytes"), "\(error)")
    }
}
