// The auditor's and the DPO's commands on real reports made from Samples/: diff, export, triage
// decisions carried into the next scan, and the review page loaded in a real headless browser.
import Foundation
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport

/// Runs the binary; returns status, standard output and standard error.
func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = try binary()
    p.arguments = args
    p.currentDirectoryURL = root
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The page at `path` as headless Chromium has it once its script has run (`--dump-dom`).
func renderedDOM(of path: String) throws -> String {
    let browser = Process()
    browser.executableURL = URL(fileURLWithPath: try #require(chromium, "no chromium"))
    browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + path]
    let out = Pipe()
    browser.standardOutput = out
    browser.standardError = FileHandle.nullDevice
    try browser.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    browser.waitUntilExit()
    return dom
}

@Suite(.serialized) struct AuditAndReview {
    let dir: URL
    let key: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-audit-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        key = dir.appendingPathComponent("key").path
    }

    func scan(_ share: URL, _ name: String, extra: [String] = []) throws -> String {
        let out = dir.appendingPathComponent(name).path
        let r = try run(["scan", share.path, "--output", out, "--key-file", key, "--quiet"] + extra)
        #expect(r.status <= 1, "\(r.err)")
        return out
    }

    @Test func diffSeesAddedResolvedMovedCopiedAndRisen() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = dir.appendingPathComponent("share")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples"), to: share)
        let old = try scan(share, "old.json")
        let fm = FileManager.default
        try fm.moveItem(at: share.appendingPathComponent("text/hr-record.txt"), to: share.appendingPathComponent("text/hr-moved.txt"))
        try fm.copyItem(at: share.appendingPathComponent("text/learner-note.txt"), to: share.appendingPathComponent("copy.txt"))
        try Data("Summer term timetable\nEmail: new.one@gmail.com\n".utf8).write(to: share.appendingPathComponent("text/timetable.txt"))
        try fm.removeItem(at: share.appendingPathComponent("tables/staff.tsv"))
        let new = try scan(share, "new.json")

        let r = try run(["diff", old, new, "--json"])
        #expect(r.status == 1, "something rose: exit 1")
        let diff = try JSONDecoder().decode(ReportDiff.self, from: Data(r.out.utf8))
        #expect(diff.moved.map { ($0.from.hasSuffix("hr-record.txt"), $0.to.hasSuffix("hr-moved.txt")) }.first ?? (false, false) == (true, true))
        #expect(diff.copied.count == 1 && diff.copied[0].to.hasSuffix("copy.txt"))
        #expect(diff.filesGone.map { $0.path.hasSuffix("staff.tsv") } == [true])
        #expect(diff.levelChanges.contains { $0.path.hasSuffix("timetable.txt") && $0.from == .internal && $0.to == .restricted })
        // The copy's four findings and the new address are added; the deleted file's two dates resolved.
        #expect(diff.totals.findingsAdded == 5)
        #expect(diff.totals.findingsResolved == 2)
        #expect(!r.out.contains("new.one@gmail.com"), "diff shows masked values only")

        // Same report twice: nothing rose.
        #expect(try run(["diff", new, new]).status == 0)
        // A report under another key is refused.
        let other = dir.appendingPathComponent("other.json").path
        _ = try run(["scan", share.path, "--output", other, "--key-file", dir.appendingPathComponent("other-key").path, "--quiet"])
        let refused = try run(["diff", old, other])
        #expect(refused.status == 2)
        #expect(refused.err.contains("different fingerprint keys"))
    }

    @Test func exportHasOneRowPerFinding() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try scan(root.appendingPathComponent("Samples/tables"), "r.json")
        let r = try run(["export", report, "--format", "csv"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\r\n", omittingEmptySubsequences: true)
        let findings = try LoadedReport.load(path: report).files.reduce(0) { $0 + $1.findings.count }
        #expect(lines.count == findings + 1)
        #expect(lines.first == Substring(CSVExport.byteOrderMark + CSVExport.columns.joined(separator: ",")))
        // Quoting as RFC 4180 says, and no cell a spreadsheet would run as a formula.
        #expect(lines.contains { $0.contains("uk.bank.account") })
        #expect(CSVExport.field("a,b") == "\"a,b\"" && CSVExport.field("=1+2") == "'=1+2" && CSVExport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test func aFalsePositiveStopsCountingAndTheDecisionSticks() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = root.appendingPathComponent("Samples/text")
        let decisions = dir.appendingPathComponent("decisions.yaml").path
        let first = try LoadedReport.load(path: try scan(share, "1.json"))
        let cv = try #require(first.files.first { $0.path.display.hasSuffix("trip-cp1252.txt") })
        #expect(cv.level == .restricted)
        // Both findings in the file judged false positives: the file drops to Internal.
        for f in cv.findings {
            let set = try run(["triage", "set", "--decisions", decisions, "--report", dir.appendingPathComponent("1.json").path,
                               "--fingerprint", f.fingerprint, "--path", cv.displayName,
                               "--decision", "false_positive", "--by", "dpo", "--reason", "test data"])
            #expect(set.status == 0, "\(set.err)")
        }
        #expect(try DecisionBook.load(path: decisions).decisions.count == 2)
        let second = try LoadedReport.load(path: try scan(share, "2.json", extra: ["--decisions", decisions]))
        let again = try #require(second.files.first { $0.path.display.hasSuffix("trip-cp1252.txt") })
        #expect(again.level == .internal)
        #expect(again.findings.count == 2, "false positives stay visible")
        #expect(again.findings.allSatisfy { $0.level == nil && $0.decision?.decision == .falsePositive && $0.decision?.by == "dpo" })
        // Other files are untouched.
        #expect(second.files.first { $0.path.display.hasSuffix("learner-note.txt") }?.level == .restricted)
        // Export and review show the decision; diff shows the level fell.
        let csv = try run(["export", dir.appendingPathComponent("2.json").path])
        #expect(csv.out.contains("false_positive,dpo"))
        let diff = try run(["diff", dir.appendingPathComponent("1.json").path, dir.appendingPathComponent("2.json").path, "--json"])
        let d = try JSONDecoder().decode(ReportDiff.self, from: Data(diff.out.utf8))
        #expect(d.levelChanges.contains { $0.path.hasSuffix("trip-cp1252.txt") && $0.to == .internal })
        #expect(diff.status == 0, "a level that fell is not a rise")
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium (scripts/test installs it)"))
    func theReviewPageShowsTheReportsNumbersInABrowser() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try scan(root.appendingPathComponent("Samples"), "r.json", extra: ["--exclude", "expected.json"])
        let page = dir.appendingPathComponent("review.html").path
        #expect(try run(["review", report, "--output", page]).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        // No external assets: nothing loaded by src or href, no stylesheet links (the SVG namespace
        // URI is a name, not a fetch).
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"), "no external assets")

        let dom = try renderedDOM(of: page)
        func number(_ id: String) -> Int? {
            guard let r = dom.range(of: "id=\"\(id)\">") else { return nil }
            return Int(dom[r.upperBound...].prefix { $0.isNumber })
        }
        let summary = try #require(try LoadedReport.load(path: report).summary)
        for level in Level.allCases {
            #expect(number("total-\(level.rawValue.replacingOccurrences(of: " ", with: "-"))") == (summary.entriesByLevel[level.rawValue] ?? 0), "\(level)")
        }
        #expect(number("findings-total") == summary.findingsByType.values.reduce(0, +))
        #expect(number("entries-total") == summary.entries.total)
        #expect(number("unreadable-total") == summary.entries.failed)
        #expect(dom.contains("(\(summary.entries.total) of \(summary.entries.total) shown)"))

        let shot = dir.appendingPathComponent("review.png").path
        let camera = Process()
        camera.executableURL = URL(fileURLWithPath: chromium!)
        camera.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900", "--screenshot=\(shot)", "file://" + page]
        camera.standardOutput = FileHandle.nullDevice
        camera.standardError = FileHandle.nullDevice
        try camera.run()
        camera.waitUntilExit()
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "a real screenshot")
    }
}
