// The .xlsx export for spreadsheet users (docs/export.md): a workbook with a sheet of files, one
// row per entry of the report, and a sheet of findings with the CSV export's columns. Written with
// libxlsxwriter (XlsxWriter); cells are text or numbers, never formulas, so a value that starts
// with "=" stays a value without the CSV's quote mark.
import Foundation
import TrawlModel
import XlsxWriter

package enum SpreadsheetExport {
    package static let fileColumns = [
        "path", "member", "level", "outcome", "format", "size", "findings", "types", "owner", "group", "mode", "readers",
        "exposed_to", "retention_due", "content_id", "name_encoding",
    ]
    static let numericFileColumns: Set<String> = ["size", "findings"]
    static let numericFindingColumns: Set<String> = ["line", "offset"]

    /// The .xlsx bytes of `report`: sheet "Files" and sheet "Findings" (a sheet past Excel's
    /// 1,048,576 rows goes on in "Files 2", "Findings 2"...).
    /// - Throws: `XlsxError` when the workbook cannot be written (its temporary folder, full disk).
    package static func xlsx(_ report: LoadedReport) throws -> [UInt8] {
        // libxlsxwriter writes to a file: made in a folder of this user's alone, read back, removed.
        let folder = try privateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/export.xlsx"
        let book = try Workbook(path: path, temporaryDirectory: folder)
        var files = try Table(book, "Files", fileColumns, numeric: numericFileColumns, widths: ["path": 60, "member": 30, "types": 24, "readers": 30])
        for f in report.files {
            let names = [f.path] + (f.members ?? [])
            let types = Array(Set(f.findings.map(\.type))).sorted().joined(separator: " ")
            try files.add([
                CSVExport.name(f.path), (f.members ?? []).map(CSVExport.name).joined(separator: "!/"), f.level.rawValue, f.outcome.rawValue,
                f.format ?? "", String(f.size), String(f.findings.count), types, f.permissions?.owner ?? "", f.permissions?.group ?? "",
                f.permissions?.mode ?? "", (f.permissions?.readers ?? []).joined(separator: " "), (f.exposedTo ?? []).joined(separator: " "),
                f.retention?.due ?? "", f.contentId ?? "", names.allSatisfy { $0.text != nil } ? "utf-8" : "escaped",
            ])
        }
        try files.finish()
        var findings = try Table(book, "Findings", CSVExport.columns, numeric: numericFindingColumns, widths: ["path": 60, "masked": 20, "fingerprint": 30])
        try CSVExport.forEachFinding(in: report) { (row: [String]) throws(XlsxError) in try findings.add(row) }
        try findings.finish()
        try book.close()
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportWriteError(message: "\(path): the workbook written cannot be read back")
        }
        return [UInt8](data)
    }

    private static func privateFolder() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/trawl-export-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ReportWriteError(message: "cannot make a temporary folder in \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// One table over as many sheets as it needs: a bold, frozen, filtered header row on each.
    struct Table {
        let book: Workbook
        let name: String
        let columns: [String]
        let numeric: [Bool]
        let widths: [String: Double]
        var sheet: Worksheet
        var sheets = 1
        var row = 0

        init(_ book: Workbook, _ name: String, _ columns: [String], numeric: Set<String>, widths: [String: Double]) throws(XlsxError) {
            self.book = book
            self.name = name
            self.columns = columns
            self.numeric = columns.map(numeric.contains)
            self.widths = widths
            sheet = try book.addSheet(name)
            try header()
        }

        mutating func header() throws(XlsxError) {
            for (i, c) in columns.enumerated() {
                try sheet.write(c, row: 0, column: i, bold: true)
                if let w = widths[c] { try sheet.setWidth(w, columns: i...i) }
            }
            sheet.freezeFirstRow()
            row = 1
        }

        mutating func add(_ cells: [String]) throws(XlsxError) {
            if row == Workbook.maxRows {
                try sheet.filter(rows: row, columns: columns.count)
                sheets += 1
                sheet = try book.addSheet("\(name) \(sheets)")
                try header()
            }
            for (i, cell) in cells.enumerated() where !cell.isEmpty {
                if numeric[i], let n = Int(cell) { try sheet.write(Double(n), row: row, column: i) } else { try sheet.write(cell, row: row, column: i) }
            }
            row += 1
        }

        func finish() throws(XlsxError) { try sheet.filter(rows: row, columns: columns.count) }
    }
}
