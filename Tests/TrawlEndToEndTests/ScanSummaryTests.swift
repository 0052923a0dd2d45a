// What a scan tells IT when it ends, checked against what scripts/make-samples.py planted in
// Samples/ (expected.json): the summary's counts as text and as JSON numbers, and the exit status
// with its meaning.
import Foundation
import Testing

/// The planted entries' counts: outcomes, levels, issue kinds, and files on disk.
private struct Planted {
    var outcomes: [String: Int] = [:]
    var levels: [String: Int] = [:]
    var issues: [String: Int] = [:]
    var files = 0
    var findings = 0
    var exempt = 0

    init() throws {
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: root.appendingPathComponent("Samples/expected.json")))
        for e in expected.entries {
            outcomes[e.outcome, default: 0] += 1
            levels[e.level, default: 0] += 1
            if let issue = e.issue { issues[issue, default: 0] += 1 }
            if e.members.isEmpty { files += 1 }
            for f in e.findings { if f.exempt == nil { findings += 1 } else { exempt += 1 } }
        }
    }
}

@Suite(.serialized) struct ScanSummaryLines {
    @Test func theTextSummarySaysWhatHappenedToEveryEntry() throws {
        let planted = try Planted()
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json"])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("trawl: scan complete: ") }, "\(run.stderr)")
        let summary = Array(lines[start...])
        #expect(summary[0].hasPrefix("trawl: scan complete: \(planted.files) files, \(planted.outcomes.values.reduce(0, +)) entries with archive members, in "))
        #expect(summary[0].contains(" MB/s)"))
        #expect(summary.contains("trawl:   scanned \(planted.outcomes["scanned"] ?? 0), skipped \(planted.outcomes["skipped"] ?? 0), could not read \(planted.outcomes["error"] ?? 0)"))
        let levels = ["Confidential", "Restricted", "Internal", "Public", "Not classified"].map { "\($0) \(planted.levels[$0] ?? 0)" }.joined(separator: ", ")
        #expect(summary.contains("trawl:   by level: \(levels)"))
        // Largest first: encrypted 3, corrupt 2, malformed 1 (a file read as raw text).
        #expect(summary.contains("trawl:   not read, or read in part: encrypted \(planted.issues["encrypted"] ?? 0), corrupt \(planted.issues["corrupt"] ?? 0), malformed \(planted.issues["malformed"] ?? 0)"))
        #expect(summary.contains("trawl:   skipped: excluded 1"))
        #expect(summary.contains { $0.hasPrefix("trawl:   \(planted.findings) findings (and \(planted.exempt) exempt); report: ") && $0.hasSuffix("/report.json") })
        #expect(summary.last == "trawl:   exit status 1: complete, but \(planted.outcomes["error"] ?? 0) entries could not be read: they are in the report (outcome \"error\")")
    }

    @Test func failOnGivesExitThreeAndSaysSo() throws {
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json", "--fail-on", "confidential"])
        #expect(run.status == 3)
        #expect(run.stderr.hasSuffix("trawl:   exit status 3: complete, and entries at or above Confidential were found (--fail-on): tell the DPO\n"), "\(run.stderr)")
    }

    @Test func theJSONSummaryIsOneRecordWhoseCountsAreNumbers() throws {
        let planted = try Planted()
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json", "--log-format", "json"])
        let records = try run.stderr.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        let finished = try #require(records.first { $0["msg"] as? String == "scan finished" })
        #expect(finished["files"] as? Int == planted.files)
        #expect(finished["scanned"] as? Int == planted.outcomes["scanned"])
        #expect(finished["unreadable"] as? Int == planted.outcomes["error"])
        #expect(finished["level_confidential"] as? Int == planted.levels["Confidential"])
        #expect(finished["exit_status"] as? Int == 1)
        #expect(finished["seconds"] is Double)
        #expect((finished["issues"] as? [String: Int])?["encrypted"] == planted.issues["encrypted"])
        let started = try #require(records.first { $0["msg"] as? String == "scan started" })
        #expect(started["jobs"] != nil)
    }

    /// The summary compares the run with the last one: the report the state remembers, else the
    /// newest other report in the folder the report is written to.
    @Test func theSummarySaysWhatIsNewSinceTheLastRun() throws {
        let share = try Retention.Share()
        let state = share.dir.appendingPathComponent("state.db").path
        let first = share.dir.appendingPathComponent("reports-1/night-1.json"), second = share.dir.appendingPathComponent("reports-2/night-2.json")
        let third = share.dir.appendingPathComponent("reports-2/night-3.json")
        for folder in [first, second] { try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true) }
        func night(_ report: URL, asOf: String, _ extra: [String]) throws -> String {
            let (status, _, err) = try run(["scan", share.tree.path, "--policy", share.policy, "--key-file", share.key,
                                            "--as-of", asOf, "-o", report.path] + extra)
            #expect(status == 0, "\(err)")
            return err
        }
        let one = try night(first, asOf: "2023-01-01", ["--state", state])
        #expect(!one.contains("since the last run"), "no earlier report: nothing is said")
        // A new file with an email address; and a later day, on which the guardian form (due
        // 2024-06-01) has fallen due. The new file is readable by others (umask 022), as the
        // others are: newly exposed. Its report goes to another folder: only the state knows
        // the first night's.
        try Data("Contact: new.person@gmail.com\n".utf8).write(to: share.tree.appendingPathComponent("new.txt"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: share.tree.appendingPathComponent("new.txt").path)
        let two = try night(second, asOf: "2026-12-07", ["--state", state])
        #expect(two.contains("trawl:   new since the last run (\(first.path)): 1 findings added, 1 new files, 0 levels rose, "
                             + "1 newly overdue, 1 newly exposed; 0 findings gone"), "\(two)")
        #expect(two.contains("trawl:   overdue: 2 files past the retention period the schedule gives (retention.due)"), "\(two)")
        // Without a state: the newest other report of the same roots in the folder, and the counts
        // as JSON numbers. A newer report of another folder, and a newer JSON file that is not a
        // report, are passed over.
        let elsewhere = share.dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try Data("Contact: someone.else@gmail.com\n".utf8).write(to: elsewhere.appendingPathComponent("a.txt"))
        let (otherStatus, _, otherErr) = try run(["scan", elsewhere.path, "--key-file", share.key, "--quiet",
                                                  "-o", third.deletingLastPathComponent().appendingPathComponent("elsewhere.json").path])
        #expect(otherStatus == 0, "\(otherErr)")
        try Data(#"{"notes": "not a report"}"#.utf8).write(to: third.deletingLastPathComponent().appendingPathComponent("notes.json"))
        let three = try night(third, asOf: "2026-12-07", ["--log-format", "json"])
        let records = try three.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        let finished = try #require(records.first { $0["msg"] as? String == "scan finished" }, "\(three)")
        #expect(finished["since_report"] as? String == second.path)
        #expect(finished["new_findings"] as? Int == 0 && finished["new_files"] as? Int == 0 && finished["newly_overdue"] as? Int == 0)
        #expect(finished["files_overdue"] as? Int == 2 && finished["files_exposed"] is Int)
    }

    @Test func quietPrintsNoSummary() throws {
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json", "--quiet"])
        #expect(run.status == 1 && run.stderr.isEmpty, "\(run.stderr)")
    }
}
