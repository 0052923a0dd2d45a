// What a scan says when it ends: a few lines on standard error for the person or the log that
// reads them (what was scanned, skipped and not read and why, the levels, the findings, what is
// new since the last run where that is known, what is overdue and exposed, time and throughput,
// where the report is) and the exit status with what it means for IT. Everything is
// taken from the report's own summary record, so the lines and the report cannot disagree.
import Foundation
import Logging
import TrawlModel
import TrawlReport

struct ScanSummary {
    let summary: SummaryRecord
    /// The report's path, or "-" for standard output.
    let output: String
    /// Whether the run used a state (so "carried over" means something).
    let incremental: Bool
    let failOn: Level?
    /// This run against the last one, when the last run's report was found.
    var sinceLastRun: SinceLastRun? = nil

    /// Issue kinds of entries left unread on purpose; every other kind means a file was not read,
    /// or was read only in part, against the scan's will.
    static let skipKinds = Set([IssueKind.excluded, .tooLarge, .symlink, .specialFile, .unsupported].map(\.rawValue))

    /// 3 when an entry at or above `failOn` was found; else the report's own: 1 when some entry
    /// could not be read, 0 otherwise.
    var exitStatus: Int32 {
        if let failOn, summary.entriesByLevel.contains(where: { Level(rawValue: $0.key).map { $0 >= failOn } == true && $0.value > 0 }) {
            return ExitStatus.levelFound
        }
        return summary.exitStatus == 0 ? ExitStatus.complete : ExitStatus.someUnreadable
    }

    var findings: Int { summary.findingsByType.values.reduce(0, +) }
    var megabytesRead: Double { Double(summary.bytesRead) / 1_000_000 }
    var megabytesPerSecond: Double { summary.elapsedSeconds > 0 ? megabytesRead / summary.elapsedSeconds : 0 }

    /// Issue counts of one side (skips, or problems), largest first, then by name.
    func issues(skipped: Bool) -> [(kind: String, count: Int)] {
        summary.issuesByKind.filter { Self.skipKinds.contains($0.key) == skipped && $0.value > 0 }
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
    }

    /// What the exit status means, in the words of docs/operations.md.
    var meaning: String {
        switch exitStatus {
        case ExitStatus.levelFound:
            return "complete, and entries at or above \(failOn?.rawValue ?? "") were found (--fail-on): tell the DPO"
        case ExitStatus.someUnreadable:
            return "complete, but \(summary.entries.failed) entries could not be read: they are in the report (outcome \"error\")"
        default:
            return "complete; every entry was read or deliberately skipped"
        }
    }

    /// The summary as lines of text for people.
    var lines: [String] {
        let listed = { (pairs: [(kind: String, count: Int)]) in pairs.map { "\($0.kind) \($0.count)" }.joined(separator: ", ") }
        var scanned = "scanned \(summary.entries.scanned), skipped \(summary.entries.skipped), could not read \(summary.entries.failed)"
        if incremental { scanned += "; \(summary.filesCarriedOver) unchanged files carried over unread" }
        var out = [
            String(format: "scan complete: %d files, %d entries with archive members, in %.2f s (%.1f MB read, %.1f MB/s)",
                   summary.files.total, summary.entries.total, summary.elapsedSeconds, megabytesRead, megabytesPerSecond),
            "  " + scanned,
            "  by level: " + Level.allCases.reversed().map { "\($0.rawValue) \(summary.entriesByLevel[$0.rawValue] ?? 0)" }.joined(separator: ", "),
        ]
        let problems = issues(skipped: false), skips = issues(skipped: true)
        if !problems.isEmpty { out.append("  not read, or read in part: " + listed(problems)) }
        if !skips.isEmpty { out.append("  skipped: " + listed(skips)) }
        if let since = sinceLastRun {
            let t = since.totals
            out.append("  new since the last run (\(since.report)): \(t.findingsAdded) findings added, \(t.filesNew) new files, "
                       + "\(t.levelsRose) levels rose, \(t.newlyOverdue) newly overdue, \(t.becameExposed) newly exposed; "
                       + "\(t.findingsResolved) findings gone")
        }
        if let overdue = summary.filesOverdue, overdue > 0 {
            out.append("  overdue: \(overdue) file\(overdue == 1 ? "" : "s") past the retention period the schedule gives (retention.due)")
        }
        if let exposed = summary.filesExposed, exposed > 0 {
            out.append("  exposed: \(exposed) file\(exposed == 1 ? "" : "s") that the policy's broad readers may read (exposed_to)")
        }
        out.append("  \(findings) findings" + (summary.exemptFindings > 0 ? " (and \(summary.exemptFindings) exempt)" : "")
                   + (output == "-" ? "" : "; report: \(output)"))
        out.append("  exit status \(exitStatus): \(meaning)")
        return out
    }

    /// The summary as one record for log collectors, its counts as JSON numbers.
    var metadata: Logger.Metadata {
        func number(_ n: Int) -> Logger.MetadataValue { .stringConvertible(n) }
        var m: Logger.Metadata = [
            "files": number(summary.files.total), "entries": number(summary.entries.total),
            "scanned": number(summary.entries.scanned), "skipped": number(summary.entries.skipped),
            "unreadable": number(summary.entries.failed), "unchanged": number(summary.filesCarriedOver),
            "findings": number(findings), "exempt_findings": number(summary.exemptFindings),
            "bytes_read": number(summary.bytesRead), "seconds": .stringConvertible(summary.elapsedSeconds),
            "mb_per_s": .stringConvertible((megabytesPerSecond * 10).rounded() / 10),
            "report": .string(output), "exit_status": number(Int(exitStatus)),
            "files_exposed": number(summary.filesExposed ?? 0),
        ]
        for level in Level.allCases { m["level_" + level.rawValue.lowercased().replacingOccurrences(of: " ", with: "_")] = number(summary.entriesByLevel[level.rawValue] ?? 0) }
        if let overdue = summary.filesOverdue { m["files_overdue"] = number(overdue) }
        if let since = sinceLastRun {
            let t = since.totals
            m["since_report"] = .string(since.report)
            m["new_findings"] = number(t.findingsAdded)
            m["new_files"] = number(t.filesNew)
            m["levels_rose"] = number(t.levelsRose)
            m["newly_overdue"] = number(t.newlyOverdue)
            m["newly_exposed"] = number(t.becameExposed)
            m["findings_gone"] = number(t.findingsResolved)
        }
        m["issues"] = .dictionary(summary.issuesByKind.mapValues { number($0) })
        return m
    }

    func log(to logger: Logger, format: LogFormat) {
        switch format {
        case .json: logger.notice("scan finished", metadata: metadata)
        case .text: for line in lines { logger.notice("\(line)") }
        }
    }
}
