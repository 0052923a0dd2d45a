// `trawl triage` and `trawl decisions` on real reports of Samples/: a decision must name something
// in the report, records who took it, follows a file that moved, and a stale one is said to be.
import Foundation
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport

@Suite(.serialized) struct DecisionCommands {
    let dir: URL
    let key: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-decide-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        key = dir.appendingPathComponent("key").path
    }

    func scan(_ share: URL, _ name: String, decisions: String? = nil) throws -> LoadedReport {
        let out = dir.appendingPathComponent(name).path
        let extra = decisions.map { ["--decisions", $0] } ?? []
        let r = try run(["scan", share.path, "--output", out, "--key-file", key, "--quiet"] + extra)
        #expect(r.status <= 1, "\(r.err)")
        #expect(r.err.isEmpty, "--quiet says nothing")
        return try LoadedReport.load(path: out)
    }

    /// The scan's report and what it said on standard error (not quiet).
    func scanSaying(_ share: URL, _ name: String, decisions: String? = nil) throws -> (report: LoadedReport, err: String) {
        let out = dir.appendingPathComponent(name).path
        let extra = decisions.map { ["--decisions", $0] } ?? []
        let r = try run(["scan", share.path, "--output", out, "--key-file", key] + extra)
        #expect(r.status <= 1, "\(r.err)")
        return (try LoadedReport.load(path: out), r.err)
    }

    @Test func triageRefusesWhatIsInNoReportAndNamesWhoDecided() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = dir.appendingPathComponent("share")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples/text"), to: share)
        let first = try scan(share, "1.json")
        let report = dir.appendingPathComponent("1.json").path
        let store = dir.appendingPathComponent("decisions.db").path
        let file = try #require(first.files.first { !$0.findings.isEmpty })
        let base = ["triage", "set", "--decisions", store, "--report", report, "--decision", "false_positive", "--reason", "test data"]

        let made = try run(base + ["--fingerprint", "hmac-sha256:\(first.begin.keyId):" + String(repeating: "0", count: 64), "--path", file.displayName])
        #expect(made.status == 2 && made.err.contains("refused"), "a fingerprint in no report: \(made.err)")
        let elsewhere = try run(base + ["--fingerprint", file.findings[0].fingerprint, "--path", file.displayName + ".gone"])
        #expect(elsewhere.status == 2)
        #expect(try DecisionStore(path: store).open().isEmpty)

        // Without --by and without $USER, the account is recorded.
        let p = Process()
        p.executableURL = try binary()
        p.arguments = base + ["--fingerprint", file.findings[0].fingerprint, "--path", file.displayName]
        p.environment = ProcessInfo.processInfo.environment.filter { $0.key != "USER" && $0.key != "LOGNAME" }
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let account = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        #expect(try DecisionStore(path: store).open().map(\.by) == [account])
        #expect(account != "unknown")
    }

    @Test func aDecisionFollowsAMovedFileAndAGoneOneIsStale() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = dir.appendingPathComponent("share")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples/text"), to: share)
        let store = dir.appendingPathComponent("decisions.db").path
        let first = try scan(share, "1.json")
        let hr = try #require(first.files.first { $0.path.display.hasSuffix("/hr-record.txt") })
        let note = try #require(first.files.first { $0.path.display.hasSuffix("/learner-note.txt") })
        #expect(hr.level >= .restricted && !hr.findings.isEmpty)
        for (name, decision) in [(hr.displayName, "false_positive"), (note.displayName, "remediated")] {
            let r = try run(["triage", "set", "--decisions", store, "--report", dir.appendingPathComponent("1.json").path,
                             "--file", name, "--decision", decision, "--reason", "checked by hand", "--by", "dpo"])
            #expect(r.status == 0, "\(r.err)")
        }
        // The file moves to another folder under another name; the learner note is deleted.
        try FileManager.default.createDirectory(at: share.appendingPathComponent("moved"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: share.appendingPathComponent("hr-record.txt"), to: share.appendingPathComponent("moved/renamed.txt"))
        try FileManager.default.removeItem(at: share.appendingPathComponent("learner-note.txt"))
        let (second, said) = try scanSaying(share, "2.json", decisions: store)
        #expect(said.contains("follows its file to") && said.contains("1 decision match nothing in this report"), "\(said)")
        let moved = try #require(second.files.first { $0.path.display.hasSuffix("/moved/renamed.txt") })
        #expect(moved.contentId == hr.contentId)
        #expect(moved.findings.allSatisfy { $0.decision?.decision == .falsePositive && $0.level == nil },
                "the scan that sees the move applies the decision: a small file is read whole, its content id known first")
        let decisions = try DecisionStore(path: store).open()
        #expect(decisions.first?.path == moved.displayName, "the scan points the decision at the file's new path")
        // The export of that night's report shows the decision, found by content id.
        let csv = try run(["export", dir.appendingPathComponent("2.json").path, "--decisions", store])
        #expect(csv.out.split(separator: "\r\n").filter { $0.contains("renamed.txt") }.allSatisfy { $0.contains("false_positive,dpo") })
        // The auditor's diff of the two nights lists the two decisions taken between them.
        let diff = try run(["diff", dir.appendingPathComponent("1.json").path, dir.appendingPathComponent("2.json").path,
                            "--json", "--decisions", store])
        let between = try JSONDecoder().decode(ReportDiff.self, from: Data(diff.out.utf8)).decisionsBetween ?? []
        #expect(between.map(\.action) == ["decided", "decided"] && between.allSatisfy { $0.by == "dpo" })
        // The same comparison as CSV and as a page, written to files the auditor keeps.
        let csvDiff = dir.appendingPathComponent("diff.csv").path, pageDiff = dir.appendingPathComponent("diff.html").path
        _ = try run(["diff", dir.appendingPathComponent("1.json").path, dir.appendingPathComponent("2.json").path,
                     "--format", "csv", "-o", csvDiff, "--decisions", store])
        let rows = String(decoding: FileManager.default.contents(atPath: csvDiff) ?? Data(), as: UTF8.self).split(separator: "\r\n")
        #expect(rows.filter { $0.hasPrefix("decision_decided,") }.count == 2 && rows.contains { $0.hasPrefix("moved,") && $0.contains("renamed.txt") })
        _ = try run(["diff", dir.appendingPathComponent("1.json").path, dir.appendingPathComponent("2.json").path,
                     "--format", "html", "-o", pageDiff, "--decisions", store])
        let page = String(decoding: FileManager.default.contents(atPath: pageDiff) ?? Data(), as: UTF8.self)
        #expect(page.contains("<table id=\"moved\">") && page.contains("<table id=\"decisions-between\">"))
        #expect(try run(["diff", dir.appendingPathComponent("1.json").path, dir.appendingPathComponent("2.json").path, "--format", "pdf"]).status == 2)
        // The next night's scan applies it: the findings count towards nothing.
        let third = try scan(share, "3.json", decisions: store)
        let again = try #require(third.files.first { $0.path.display.hasSuffix("/moved/renamed.txt") })
        #expect(again.findings.allSatisfy { $0.decision?.decision == .falsePositive && $0.level == nil })
        #expect(again.level < hr.level)
        // The deleted note's decision matches nothing: stale, and closed.
        let stale = try run(["triage", "stale", "--decisions", store, "--report", dir.appendingPathComponent("3.json").path])
        #expect(stale.status == 1 && stale.out.contains("learner-note.txt") && !stale.out.contains("renamed.txt"), "\(stale.out)")
        let id = try #require(decisions.first { $0.path.hasSuffix("learner-note.txt") }?.id)
        #expect(try run(["triage", "close", "--decisions", store, "--id", String(id), "--reason", "the file is gone", "--by", "dpo"]).status == 0)
        #expect(try run(["triage", "stale", "--decisions", store, "--report", dir.appendingPathComponent("3.json").path]).status == 0)
        // Export and import as JSON.
        let exported = try run(["decisions", "export", "--decisions", store])
        let other = dir.appendingPathComponent("other.db").path
        let json = dir.appendingPathComponent("d.json")
        try Data(exported.out.utf8).write(to: json)
        #expect(try run(["decisions", "import", "--decisions", other, json.path, "--by", "dpo"]).status == 0)
        #expect(try DecisionStore(path: other).open().map(\.path) == [moved.displayName])
    }
}
