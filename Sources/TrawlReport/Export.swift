// CSV export for Excel users: one row per finding, columns documented in docs/export.md.
import Foundation
import TrawlModel

package enum CSVExport {
    package static let columns = [
        "path", "member", "file_level", "type", "pattern", "level", "confidence", "exempt", "decision", "decided_by",
        "decided_at", "masked", "fingerprint", "part", "line", "cell", "column", "offset", "evidence", "value",
    ]

    /// The CSV text (RFC 4180, CRLF line ends, a header row) of every finding in `report`.
    package static func csv(_ report: LoadedReport) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for f in report.files {
            for g in f.findings {
                let l = g.location
                let member: String = (f.members ?? []).map(\.display).joined(separator: "!/")
                let line: String = l.line.map { String($0) } ?? ""
                var row: [String] = [f.path.display, member, f.level.rawValue, g.type, g.pattern]
                row += [g.level?.rawValue ?? "", g.confidence.rawValue, g.exempt?.rawValue ?? ""]
                row += [g.decision?.decision.rawValue ?? "", g.decision?.by ?? "", g.decision?.at ?? ""]
                row += [g.masked, g.fingerprint, l.part ?? "", line, l.cell ?? "", l.column ?? "", String(l.offset)]
                row += [g.evidence.joined(separator: "; "), g.value ?? ""]
                out += row.map(field).joined(separator: ",") + "\r\n"
            }
        }
        return out
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
