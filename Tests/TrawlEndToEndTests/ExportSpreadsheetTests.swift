// `trawl export` for spreadsheets: a byte-order mark by default, names that are not UTF-8 kept
// exactly (escaped), and the report read from standard input.
import Foundation
import Testing
import TrawlReport

@Suite(.serialized) struct ExportForSpreadsheets {
    @Test func theCSVHasABOMKeepsNonUTF8NamesAndReadsStandardInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-export-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Samples/text holds "résumé.txt" named in Latin-1 (0xE9 for é): not UTF-8.
        let report = dir.appendingPathComponent("r.json").path
        let scan = try run(["scan", root.appendingPathComponent("Samples/text").path, "-o", report,
                            "--key-file", dir.appendingPathComponent("key").path, "--quiet"])
        #expect(scan.status <= 1)

        let out = dir.appendingPathComponent("f.csv").path
        #expect(try run(["export", report, "-o", out]).status == 0)
        let bytes = try #require(FileManager.default.contents(atPath: out))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark for Excel")
        let text = String(decoding: bytes, as: UTF8.self)
        let row = try #require(text.split(separator: "\r\n").first { $0.contains("sum") && $0.contains(".txt") })
        #expect(row.contains("/r\\xE9sum\\xE9.txt,"), "\(row)")
        #expect(row.hasSuffix(",escaped"))
        #expect(!text.contains("\u{FFFD}"), "no byte is replaced")
        #expect(CSVExport.name(PathText(Array("a\\b".utf8) + [0xFF])) == "a\\\\b\\xFF", "a backslash is doubled where bytes are escaped")

        #expect(try run(["export", report, "-o", out, "--no-bom"]).status == 0)
        #expect(FileManager.default.contents(atPath: out)?.first == UInt8(ascii: "p"))

        // The same report through standard input gives the same file.
        let p = Process()
        p.executableURL = try binary()
        p.arguments = ["export", "-", "-o", dir.appendingPathComponent("stdin.csv").path]
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: report))
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        _ = try run(["export", report, "-o", out])
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("stdin.csv").path) == FileManager.default.contents(atPath: out))
    }
}
