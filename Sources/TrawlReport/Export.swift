// CSV export for Excel users: one row per finding, columns documented in docs/export.md.
import Foundation
import TrawlModel

package enum CSVExport {
    package static let columns = [
        "path", "member", "file_level", "type", "pattern", "level", "confidence", "exempt", "decision", "decided_by",
        "decided_at", "masked", "fingerprint", "part", "line", "cell", "column", "offset", "evidence", "value", "name_encoding",
    ]

    /// The UTF-8 byte-order mark, by which Excel knows the file is UTF-8 (without it, Excel reads
    /// the file in the machine's code page and mangles every name that is not ASCII).
    package static let byteOrderMark = "\u{FEFF}"

    /// The CSV text (RFC 4180, CRLF line ends, a header row) of every finding in `report`,
    /// after a byte-order mark unless `byteOrderMark` is false.
    package static func csv(_ report: LoadedReport, byteOrderMark bom: Bool = true) -> String {
        var out = (bom ? byteOrderMark : "") + columns.joined(separator: ",") + "\r\n"
        forEachFinding(in: report) { row in out += row.map(field).joined(separator: ",") + "\r\n" }
        return out
    }

    /// Calls `body` with each finding of `report` as the cells of its row (`columns`), in the
    /// report's order: the one description of a finding's row for the CSV and the .xlsx export.
    package static func forEachFinding<E: Error>(in report: LoadedReport, _ body: ([String]) throws(E) -> Void) throws(E) {
        for f in report.files {
            let names = [f.path] + (f.members ?? [])
            let exact = names.allSatisfy { $0.text != nil }
            let path = name(f.path)
            let member: String = (f.members ?? []).map(name).joined(separator: "!/")
            for g in f.findings {
                let l = g.location
                let line: String = l.line.map { String($0) } ?? ""
                var row: [String] = [path, member, f.level.rawValue, g.type, g.pattern]
                row += [g.level?.rawValue ?? "", g.confidence.rawValue, g.exempt?.rawValue ?? ""]
                row += [g.decision?.decision.rawValue ?? "", g.decision?.by ?? "", g.decision?.at ?? ""]
                row += [g.masked, g.fingerprint, l.part ?? "", line, l.cell ?? "", l.column ?? "", String(l.offset)]
                row += [g.evidence.joined(separator: "; "), g.value ?? "", exact ? "utf-8" : "escaped"]
                try body(row)
            }
        }
    }

    /// A path or member name as a cell: its text when it is UTF-8; otherwise its bytes with each
    /// byte that is not part of a UTF-8 character as \xNN and each backslash as \\, so that the
    /// name can be turned back into its exact bytes (the row's `name_encoding` says "escaped").
    package static func name(_ p: PathText) -> String {
        if let text = p.text { return text }
        let bytes = p.raw
        var out = ""
        var i = 0
        while i < bytes.count {
            let length = utf8Length(bytes, at: i)
            if length > 0 {
                let s = String(decoding: bytes[i..<(i + length)], as: UTF8.self)
                out += s == "\\" ? "\\\\" : s
                i += length
            } else {
                out += "\\x" + String(bytes[i], radix: 16, uppercase: true).leftPadded(to: 2)
                i += 1
            }
        }
        return out
    }

    /// The length of the valid UTF-8 character at `i`, or 0.
    private static func utf8Length(_ b: [UInt8], at i: Int) -> Int {
        let first = b[i]
        let n: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: n = 2
        case 0xE0...0xEF: n = 3
        case 0xF0...0xF4: n = 4
        default: return 0
        }
        guard i + n <= b.count else { return 0 }
        return String(validating: b[i..<(i + n)], as: UTF8.self) == nil ? 0 : n
    }

    /// Quotes a field when it needs it; a leading =, +, - or @ is prefixed with ' so a
    /// spreadsheet never takes a value for a formula.
    package static func field(_ s: String) -> String {
        var v = s
        if let first = v.first, "=+-@".contains(first), Double(v) == nil { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
