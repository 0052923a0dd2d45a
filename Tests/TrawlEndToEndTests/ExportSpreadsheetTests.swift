// `trawl export` for spreadsheets: a byte-order mark by default, names that are not UTF-8 kept
// exactly (escaped), and the report read from standard input; the .xlsx workbook read back with
// openpyxl, cell by cell against the report.
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

    /// The cells of every sheet of an .xlsx file as openpyxl reads them: {sheet: [[cell]]}, an
    /// empty cell as null, numbers as numbers.
    func sheets(_ xlsx: String) throws -> [String: [[JSONCell]]] {
        let script = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
        print(json.dumps({ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, xlsx]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "openpyxl reads the workbook (scripts/setup --for-tests installs it)")
        return try JSONDecoder().decode([String: [[JSONCell]]].self, from: data)
    }

    @Test func theWorkbookHasASheetOfFilesAndOneOfFindingsThatMatchTheReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-xlsx-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.json").path
        #expect(try run(["scan", root.appendingPathComponent("Samples/text").path, "-o", report,
                         "--key-file", dir.appendingPathComponent("key").path, "--quiet"]).status <= 1)
        let xlsx = dir.appendingPathComponent("r.xlsx").path
        let export = try run(["export", report, "--format", "xlsx", "-o", xlsx])
        #expect(export.status == 0, "\(export.err)")
        let bytes = try #require(FileManager.default.contents(atPath: xlsx))
        #expect(Array(bytes.prefix(2)) == [0x50, 0x4B], "a zip, as every .xlsx is")

        let loaded = try LoadedReport.load(path: report)
        let book = try sheets(xlsx)
        #expect(Set(book.keys) == ["Files", "Findings"])
        let files = try #require(book["Files"]), findings = try #require(book["Findings"])
        func column(_ rows: [[JSONCell]], _ name: String) throws -> [JSONCell] {
            let i = try #require(rows[0].firstIndex(of: .text(name)), "column \(name)")
            return rows.dropFirst().map { $0[i] }
        }
        // One row per entry, in the report's order, with its level, its number of findings (a
        // number, not text) and, for a file with findings, its owner.
        #expect(files.count == loaded.files.count + 1)
        #expect(try column(files, "level") == loaded.files.map { .text($0.level.rawValue) })
        #expect(try column(files, "findings") == loaded.files.map { .number(Double($0.findings.count)) })
        #expect(try column(files, "owner") == loaded.files.map { $0.permissions.map { .text($0.owner) } ?? .empty })
        #expect(loaded.files.contains { $0.permissions != nil }, "the sample has files with findings, whose owner is named")
        let paths = try column(files, "path")
        #expect(paths.contains(.text(root.appendingPathComponent("Samples/text").path + "/r\\xE9sum\\xE9.txt")),
                "the Latin-1 name escaped as the CSV escapes it")
        // One row per finding, with its type, masked value, fingerprint and line.
        let all = loaded.files.flatMap(\.findings)
        #expect(findings.count == all.count + 1)
        #expect(try column(findings, "type") == all.map { .text($0.type) })
        #expect(try column(findings, "masked") == all.map { .text($0.masked) })
        #expect(try column(findings, "fingerprint") == all.map { .text($0.fingerprint) })
        #expect(try column(findings, "line") == all.map { $0.location.line.map { .number(Double($0)) } ?? .empty })
        #expect(try run(["export", report, "--format", "ods", "-o", xlsx]).status == 2)
    }
}

/// A cell as openpyxl gives it: text, a number, or nothing.
enum JSONCell: Decodable, Equatable {
    case text(String), number(Double), empty

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .empty } else if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
    }
}
