// `trawl diff` written as CSV and HTML, on reports planted here as text: every change planted shows
// as its row or table line, a moved file whose level changed is one row with both facts, and names
// that are markup or CSV syntax come out escaped.
import Foundation
import Testing
import TrawlReport

/// Monday: staff.csv (Internal, one email), plan.txt (Restricted, one NINO), old.txt (Public).
/// Tuesday: staff.csv moved to archive/staff-2025.csv and now Confidential with a NINO added; plan.txt
/// lost its NINO (Public); old.txt gone; a new file whose name is markup and CSV syntax.
private let monday = [
    PlantedFinding.file("/srv/share/hr/staff.csv", "c1", "Internal", [("email", "fp-e", "j***@x.uk")]),
    PlantedFinding.file("/srv/share/it/plan.txt", "c2", "Restricted", [("uk.nino", "fp-n", "AB******C")]),
    PlantedFinding.file("/srv/share/it/old.txt", "c3", "Public", []),
]
private let awkward = #"/srv/share/it/<b>odd</b>, \"name\".txt"#
private let tuesday = [
    PlantedFinding.file("/srv/share/archive/staff-2025.csv", "c1", "Confidential", [("email", "fp-e", "j***@x.uk"), ("uk.nino", "fp-m", "CD******E")]),
    PlantedFinding.file("/srv/share/it/plan.txt", "c2b", "Public", []),
    PlantedFinding.file(awkward, "c4", "Restricted", [("uk.nino", "fp-o", "EF******G")]),
]

enum PlantedFinding {
    static func file(_ path: String, _ content: String, _ level: String, _ findings: [(String, String, String)]) -> String {
        let f = findings.map { t, fp, masked in
            #"{"type":"\#(t)","pattern":"\#(t)","level":"\#(level)","confidence":"high","location":{"offset":0,"line":3},"masked":"\#(masked)","fingerprint":"\#(fp)","evidence":[]}"#
        }.joined(separator: ",")
        return #"{"type":"file","data":{"path":{"text":"\#(path)"},"size":10,"outcome":"scanned","level":"\#(level)","reasons":[],"findings":[\#(f)],"content_id":"\#(content)"}}"#
    }

    static func report(_ started: String, _ files: [String]) throws -> LoadedReport {
        let begin = #"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl","started":"\#(started)","roots":[{"text":"/srv/share"}],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#
        return try LoadedReport.load(data: Data(([begin] + files).joined(separator: "\n").utf8 + [10]), name: started)
    }
}

/// Splits RFC 4180 text into rows of fields (quoted fields may hold commas, quotes and line ends).
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" { if chars.first == "\"" { field.unicodeScalars.append(chars.removeFirst()) } else { quoted = false } }
            else { field.unicodeScalars.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(field); field = "" }
        else if c == "\r" { continue }
        else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
        else { field.unicodeScalars.append(c) }
    }
    return rows
}

@Suite struct DiffFormatsTests {
    func diff() throws -> ReportDiff {
        var d = try ReportDiff.compare(old: PlantedFinding.report("2026-12-07T01:00:00Z", monday), oldName: "monday.json",
                                       new: PlantedFinding.report("2026-12-08T01:00:00Z", tuesday), newName: "tuesday.json")
        d.decisionsBetween = [.init(at: "2026-12-07T09:30:00Z", by: "dpo", action: "decided", decisionId: 7, detail: "false_positive on folder /srv/share/it: <test>")]
        return d
    }

    @Test func theCSVHasARowForEveryChangeAndTheMovedFileWithBothFacts() throws {
        let text = try diff().csv()
        #expect(text.hasPrefix("\u{FEFF}change,path,moved_from,level,previous_level,"))
        let rows = parseCSV(String(text.dropFirst()))
        let header = rows[0]
        func col(_ r: [String], _ name: String) -> String { r[header.firstIndex(of: name)!] }
        let body = rows.dropFirst().map { r in Dictionary(uniqueKeysWithValues: header.map { ($0, col(r, $0)) }) }
        #expect(rows.allSatisfy { $0.count == header.count })

        let rose = try #require(body.first { $0["change"] == "level_rose" })
        #expect(rose["path"] == "/srv/share/archive/staff-2025.csv" && rose["moved_from"] == "/srv/share/hr/staff.csv")
        #expect(rose["previous_level"] == "Internal" && rose["level"] == "Confidential")
        let fell = try #require(body.first { $0["change"] == "level_fell" })
        #expect(fell["path"] == "/srv/share/it/plan.txt" && fell["moved_from"] == "" && fell["level"] == "Public")
        #expect(body.filter { $0["change"] == "moved" }.map { [$0["moved_from"]!, $0["path"]!] } == [["/srv/share/hr/staff.csv", "/srv/share/archive/staff-2025.csv"]])
        #expect(body.filter { $0["change"] == "file_gone" }.map { $0["path"]! } == ["/srv/share/it/old.txt"])
        #expect(body.filter { $0["change"] == "file_new" }.map { $0["path"]! } == [awkward.replacingOccurrences(of: "\\\"", with: "\"")])
        #expect(Set(body.filter { $0["change"] == "finding_added" }.map { $0["fingerprint"]! }) == ["fp-m", "fp-o"])
        #expect(body.filter { $0["change"] == "finding_resolved" }.map { $0["fingerprint"]! } == ["fp-n"])
        let decision = try #require(body.first { $0["change"] == "decision_decided" })
        #expect(decision["by"] == "dpo" && decision["at"] == "2026-12-07T09:30:00Z" && decision["detail"]?.hasPrefix("#7: ") == true)
        #expect(!(try diff().csv(byteOrderMark: false)).hasPrefix("\u{FEFF}"))
    }

    @Test func theHTMLPageListsEachChangeEscapedAndLoadsNothing() throws {
        let page = try diff().html()
        #expect(page.contains("<table id=\"level-changes\">"))
        #expect(page.contains("<td>/srv/share/archive/staff-2025.csv</td><td>Internal</td><td>Confidential</td><td>/srv/share/hr/staff.csv</td>"))
        #expect(page.contains("&lt;b&gt;odd&lt;/b&gt;, &quot;name&quot;.txt") && !page.contains("<b>odd"), "a name is text, never markup")
        #expect(page.contains("false_positive on folder /srv/share/it: &lt;test&gt;"))
        #expect(page.contains("Something rose."))
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("href="), "self-contained")
        // A diff without a decisions store says nothing of decisions; with one and none taken, it says so.
        var none = try diff()
        none.decisionsBetween = nil
        #expect(!none.html().contains("Decisions between"))
        none.decisionsBetween = []
        #expect(none.html().contains("<p id=\"decisions-between\">None.</p>"))
    }

    /// A section longer than the page's limit lists its first rows and says where the rest is;
    /// the totals, the JSON and the CSV keep every change. `limited(to:)` cuts every list and
    /// says so, the totals whole.
    @Test func longSectionsAreCutOnThePageNotInTheData() throws {
        let full = try diff()
        #expect(full.findingsResolved.count == 1 && full.filesNew.count == 1 && full.findingsAdded.count == 2)
        let page = full.html(rowsPerSection: 1)
        let added = try #require(page.range(of: "<table id=\"findings-added\">").map { page[$0.upperBound...] })
        #expect(added.components(separatedBy: "</table>").first?.components(separatedBy: "<tr>").count == 3,
                "the header and one row")
        #expect(page.contains("<h2>Findings added (2)</h2>"))
        #expect(page.contains("<p class=\"more\" id=\"findings-added-more\">The first 1 of 2;"))
        #expect(!page.contains("id=\"files-new-more\""), "a section within the limit says nothing more")
        #expect(full.csv().components(separatedBy: "finding_added").count == 3, "the CSV lists both")

        let limited = full.limited(to: 1)
        #expect(limited.findingsAdded.count == 1 && limited.totals.findingsAdded == 2 && limited.listsLimitedTo == 1)
        #expect(try limited.jsonText.contains("\"lists_limited_to\" : 1"))
        #expect(try !full.jsonText.contains("lists_limited_to"))
    }
}
