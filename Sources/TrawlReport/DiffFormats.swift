// A comparison of two reports written for people and for an auditor to keep: text for a terminal,
// JSON (docs/diff.schema.json), CSV with one row per change (docs/diff.md) and a self-contained
// HTML page. All four are written from the one `ReportDiff` that `trawl diff` and `trawl serve`
// compute; nothing here reads a report.
import Foundation

package enum DiffFormat: String, CaseIterable, Sendable {
    case text, json, csv, html
}

extension ReportDiff {
    /// The diff in `format`; CSV starts with a byte-order mark unless `byteOrderMark` is false.
    package func written(as format: DiffFormat, byteOrderMark: Bool = true) throws -> String {
        switch format {
        case .text: return text
        case .json: return try jsonText
        case .csv: return csv(byteOrderMark: byteOrderMark)
        case .html: return html()
        }
    }

    /// Sorted keys, indented: the same comparison gives the same bytes.
    package var jsonText: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        }
    }

    // MARK: Text

    /// A readable summary for a terminal.
    package var text: String {
        var out = "trawl diff: \(old.report) (\(old.started)) → \(new.report) (\(new.started))\n"
        let t = totals
        out += "findings: \(t.findingsAdded) added, \(t.findingsResolved) resolved, \(t.findingsUnchanged) unchanged\n"
        out += "files: \(t.filesNew) new, \(t.filesGone) gone, \(t.filesMoved) moved, \(t.filesCopied) copied; "
        out += "levels: \(t.levelsRose) rose, \(t.levelsFell) fell; exposed: \(t.becameExposed) became, \(t.noLongerExposed) no longer; "
        out += "newly overdue: \(t.newlyOverdue)\n"
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out += "\n\(title):\n"
            for l in lines.prefix(200) { out += "  \(l)\n" }
            if lines.count > 200 { out += "  ... and \(lines.count - 200) more (use --json)\n" }
        }
        func change(_ c: LevelChange) -> String {
            "\(c.path): \(c.from.rawValue) → \(c.to.rawValue)" + (c.movedFrom.map { " (moved from \($0))" } ?? "")
        }
        section("levels rose", levelChanges.filter { $0.to > $0.from }.map(change))
        section("levels fell", levelChanges.filter { $0.to < $0.from }.map(change))
        section("became exposed", exposureChanges.filter { $0.from.isEmpty }.map { "\($0.path) (\($0.level.rawValue)): readable by \($0.to.joined(separator: ", "))" })
        section("no longer exposed", exposureChanges.filter { $0.to.isEmpty }.map { "\($0.path): no longer readable by \($0.from.joined(separator: ", "))" })
        section("exposed to others", exposureChanges.filter { !$0.from.isEmpty && !$0.to.isEmpty }.map { "\($0.path): \($0.from.joined(separator: ", ")) → \($0.to.joined(separator: ", "))" })
        section("newly overdue (retention)", newlyOverdue.map { "\($0.path): \($0.rule), due \($0.due)" })
        section("new files", filesNew.map { "\($0.path) (\($0.level.rawValue))" })
        section("files gone", filesGone.map { "\($0.path) (\($0.level.rawValue))" })
        section("moved", moved.map { "\($0.from) → \($0.to)" })
        section("copied", copied.map { "\($0.from) → \($0.to)" })
        section("findings added", findingsAdded.map { "\($0.path): \($0.type) \($0.masked)\($0.level == nil ? " (not counted)" : "")" })
        section("findings resolved", findingsResolved.map { "\($0.path): \($0.type) \($0.masked)" })
        section("decisions between the runs", (decisionsBetween ?? []).map { "\($0.at) \($0.by) \($0.action) #\($0.decisionId): \($0.detail)" })
        out += rose ? "\nsomething rose.\n" : "\nnothing rose.\n"
        return out
    }

    // MARK: CSV

    package static let csvColumns = [
        "change", "path", "moved_from", "level", "previous_level", "type", "masked", "fingerprint", "line", "readers",
        "previous_readers", "decision", "at", "by", "detail",
    ]

    /// One change per row, the `change` column naming its kind (docs/diff.md): each level change
    /// (with `moved_from` for a file that also moved), exposure change, newly overdue file, new,
    /// gone, moved and copied file, added and resolved finding, and each decision taken between
    /// the two runs. CRLF line ends and the quoting of `trawl export`.
    package func csv(byteOrderMark: Bool = true) -> String {
        var out = (byteOrderMark ? CSVExport.byteOrderMark : "") + Self.csvColumns.joined(separator: ",") + "\r\n"
        func row(_ change: String, _ values: [String: String]) {
            out += Self.csvColumns.map { $0 == "change" ? change : CSVExport.field(values[$0] ?? "") }.joined(separator: ",") + "\r\n"
        }
        for c in levelChanges {
            row(c.to > c.from ? "level_rose" : "level_fell",
                ["path": c.path, "moved_from": c.movedFrom ?? "", "level": c.to.rawValue, "previous_level": c.from.rawValue])
        }
        for e in exposureChanges {
            let kind = e.from.isEmpty ? "became_exposed" : e.to.isEmpty ? "no_longer_exposed" : "exposed_to_others"
            row(kind, ["path": e.path, "level": e.level.rawValue, "readers": e.to.joined(separator: " "),
                       "previous_readers": e.from.joined(separator: " ")])
        }
        for o in newlyOverdue { row("newly_overdue", ["path": o.path, "detail": "\(o.rule), due \(o.due)"]) }
        for f in filesNew { row("file_new", ["path": f.path, "level": f.level.rawValue]) }
        for f in filesGone { row("file_gone", ["path": f.path, "previous_level": f.level.rawValue]) }
        for m in moved { row("moved", ["path": m.to, "moved_from": m.from, "level": m.level.rawValue]) }
        for m in copied { row("copied", ["path": m.to, "detail": "copy of \(m.from)", "level": m.level.rawValue]) }
        func finding(_ change: String, _ g: ChangedFinding) {
            row(change, ["path": g.path, "level": g.level?.rawValue ?? "", "type": g.type, "masked": g.masked,
                         "fingerprint": g.fingerprint, "line": g.location.line.map { String($0) } ?? "",
                         "decision": g.decision?.decision.rawValue ?? ""])
        }
        for g in findingsAdded { finding("finding_added", g) }
        for g in findingsResolved { finding("finding_resolved", g) }
        for d in decisionsBetween ?? [] {
            row("decision_" + d.action, ["at": d.at, "by": d.by, "detail": "#\(d.decisionId): \(d.detail)"])
        }
        return out
    }

    // MARK: HTML

    /// The most rows a section of the page lists: a page of two unrelated 200,000-file reports
    /// would otherwise be some 100 MB, more than a browser opens usefully. The JSON and the CSV
    /// list every change.
    package static let pageRowsPerSection = 5_000

    /// A page that loads nothing from elsewhere and runs no script: the two runs, the totals, and
    /// a table for each kind of change (its first `rowsPerSection` rows), every name escaped.
    package func html(rowsPerSection: Int = ReportDiff.pageRowsPerSection) -> String {
        let t = totals
        var out = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>Trawl diff: \(Self.escape(old.report)) → \(Self.escape(new.report))</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:16px;color:#1b1b1b}
        table{border-collapse:collapse;margin:6px 0 16px} th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#eef0f2} h2{font-size:16px;margin:18px 0 4px} .rose{color:#8b1a1a;font-weight:600} .fell{color:#0b5a0b}
        .verdict{font-size:15px;font-weight:600}
        </style></head><body>
        <h1>Trawl diff</h1>
        <table id="sides"><tr><th></th><th>Report</th><th>Scan started</th><th>Key</th></tr>
        <tr><th>Older</th><td>\(Self.escape(old.report))</td><td>\(Self.escape(old.started))</td><td>\(Self.escape(old.keyId))</td></tr>
        <tr><th>Newer</th><td>\(Self.escape(new.report))</td><td>\(Self.escape(new.started))</td><td>\(Self.escape(new.keyId))</td></tr></table>
        <p class="verdict" id="verdict">\(rose ? "Something rose." : "Nothing rose.")</p>
        <table id="totals"><tr><th>Findings added</th><th>resolved</th><th>unchanged</th><th>Levels rose</th><th>fell</th>
        <th>Files new</th><th>gone</th><th>moved</th><th>copied</th><th>Became exposed</th><th>no longer</th><th>Newly overdue</th></tr>
        <tr><td>\(t.findingsAdded)</td><td>\(t.findingsResolved)</td><td>\(t.findingsUnchanged)</td><td>\(t.levelsRose)</td><td>\(t.levelsFell)</td>
        <td>\(t.filesNew)</td><td>\(t.filesGone)</td><td>\(t.filesMoved)</td><td>\(t.filesCopied)</td><td>\(t.becameExposed)</td>
        <td>\(t.noLongerExposed)</td><td>\(t.newlyOverdue)</td></tr></table>

        """
        func section(_ id: String, _ title: String, _ head: [String], _ rows: [[String]], classes: [String?] = []) {
            guard !rows.isEmpty else { return }
            out += "<h2>\(Self.escape(title)) (\(rows.count))</h2>\n"
            // Said above the table, where a reader of a long section sees it.
            if rows.count > rowsPerSection {
                out += "<p class=\"more\" id=\"\(id)-more\">The first \(rowsPerSection) of \(rows.count); the CSV and JSON diffs "
                    + "(<code>trawl diff --format csv</code> or <code>json</code>) list every one.</p>\n"
            }
            out += "<table id=\"\(id)\"><tr>" + head.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>\n"
            for (i, r) in rows.prefix(rowsPerSection).enumerated() {
                let c = i < classes.count ? classes[i].map { " class=\"\($0)\"" } ?? "" : ""
                out += "<tr\(c)>" + r.map { "<td>\(Self.escape($0))</td>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        section("level-changes", "Levels changed", ["File", "Was", "Is", "Moved from"],
                levelChanges.map { [$0.path, $0.from.rawValue, $0.to.rawValue, $0.movedFrom ?? ""] },
                classes: levelChanges.map { $0.to > $0.from ? "rose" : "fell" })
        section("exposure-changes", "Who may read them changed", ["File", "Level", "Broad readers before", "Broad readers now"],
                exposureChanges.map { [$0.path, $0.level.rawValue, $0.from.joined(separator: ", "), $0.to.joined(separator: ", ")] })
        section("newly-overdue", "Newly overdue (retention)", ["File", "Rule", "Due"], newlyOverdue.map { [$0.path, $0.rule, $0.due] })
        section("files-new", "New files", ["File", "Level"], filesNew.map { [$0.path, $0.level.rawValue] })
        section("files-gone", "Files gone", ["File", "Level"], filesGone.map { [$0.path, $0.level.rawValue] })
        section("moved", "Moved", ["From", "To", "Level"], moved.map { [$0.from, $0.to, $0.level.rawValue] })
        section("copied", "Copied", ["From", "To", "Level"], copied.map { [$0.from, $0.to, $0.level.rawValue] })
        func findings(_ list: [ChangedFinding]) -> [[String]] {
            list.map { [$0.path, $0.type, $0.masked, $0.level?.rawValue ?? "not counted", $0.location.line.map { "line \($0)" } ?? "offset \($0.location.offset)",
                        $0.decision.map { $0.decision.rawValue + " by " + $0.by } ?? ""] }
        }
        section("findings-added", "Findings added", ["File", "Type", "Value (masked)", "Level", "Where", "Decision"], findings(findingsAdded))
        section("findings-resolved", "Findings resolved", ["File", "Type", "Value (masked)", "Level", "Where", "Decision"], findings(findingsResolved))
        if let decisionsBetween {
            out += decisionsBetween.isEmpty ? "<h2>Decisions between the two runs</h2>\n<p id=\"decisions-between\">None.</p>\n" : ""
            section("decisions-between", "Decisions between the two runs", ["When", "Who", "What", "Decision", "Detail"],
                    decisionsBetween.map { [$0.at, $0.by, $0.action, "#\($0.decisionId)", $0.detail] })
        }
        out += "</body></html>\n"
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
