// How an entry's level and reasons are put together from its own classification and its
// members', what an entry that was not (wholly) read says, and the entry's way into the report.
import TrawlClassify
import TrawlCrawl
import TrawlModel
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

/// What entries not wholly read say, when nothing was found in them.
enum EntryAssembly {
    /// What an entry whose own reading failed or stopped part way says, when nothing was found.
    static let partlyRead = "not wholly read, so nothing is known of what was not read"
    /// What binary data of no known format says when nothing was found in its printable runs.
    static let onlyPrintableRead = "binary data: only its printable text was searched, so nothing is known of the rest"
}

extension FileJob {
    /// Sets an entry's level and reasons from its own classification (nil when it was not read)
    /// and its members'.
    func fold(_ read: MembersRead, own: Classification?, into result: inout FileResult) {
        if let own { apply(own, to: &result) }
        if let highest = read.highest, highest > result.level {
            result.level = highest
            result.reasons.insert(LevelReason(rule: "contains", level: highest, detail: "highest level among its \(read.count) members"), at: 0)
            result.reasons.removeAll { $0.rule == "default" }
        }
        if read.notWhollyRead > 0 {
            let which = read.notWhollyRead < read.count ? "\(read.notWhollyRead) of its \(read.count) members"
                : read.count == 1 ? "its one member" : "none of its \(read.count) members"
            let rest = read.notWhollyRead < read.count ? "; no personal data found in the rest" : ""
            let verb = read.notWhollyRead == read.count && read.count > 1 ? "was wholly read" : "not wholly read"
            sayNotWhollyRead(&result, detail: "\(which) \(verb), so nothing is known of what was not read\(rest)")
        }
    }

    /// An entry not wholly read (its own reading failed or stopped, or some of its members could
    /// not be read) with nothing found does not say "no personal data found": nothing is known of
    /// what was not read, so it is not classified (or takes the level the policy maps such an
    /// entry to). The default reason is replaced; a level that evidence set (findings, a marking,
    /// a member's level) stands as it is.
    func sayNotWhollyRead(_ result: inout FileResult, detail: String) {
        guard let i = result.reasons.firstIndex(where: { $0.rule == "default" }) else { return }
        result.level = scan.classifier.policy.levelNotRead(result.issues.first?.kind)
        result.reasons[i] = LevelReason(rule: "not_read", level: result.level, detail: detail)
    }

    /// An entry that was not read has no findings: it is not classified (or takes the level the
    /// policy maps such an entry to), and the reason says why, never "no personal data found".
    func notRead(_ result: FileResult) -> FileResult {
        var r = result
        r.level = scan.classifier.policy.levelNotRead(r.issues.first?.kind)
        r.reasons = [LevelReason(rule: "not_read", level: r.level, detail: "not read, so nothing is known of its content")]
        return r
    }

    func apply(_ c: Classification, to result: inout FileResult) {
        result.omitted = c.omitted
        result.findings = c.findings
        result.level = c.level
        result.reasons = c.reasons
        result.markings = c.markings
    }

    /// Who may read a file with findings, as its source tells, and the broad readers the policy
    /// flags at its level (reason `exposure`).
    func describeAccess(_ result: inout FileResult, access: FileAccess) {
        result.access = access
        let exposed = scan.classifier.policy.exposedTo(access, level: result.level)
        guard !exposed.isEmpty else { return }
        result.exposedTo = exposed
        let how = access.acl ? "mode \(access.mode ?? "?") and its access control list" : "mode \(access.mode ?? "?")"
        result.reasons.append(LevelReason(rule: "exposure", level: result.level,
                                          detail: "readable by \(exposed.joined(separator: ", ")) (\(how))"))
    }

    /// The retention rule that covers a file with findings, and when its period ends: from the
    /// kinds and dates its text shows, its findings' types and latest date of birth, and its
    /// modification time.
    func judgeRetention(_ result: inout FileResult, modifiedAt: Double) {
        guard let schedule = scan.classifier.policy.retention else { return }
        let modified = CalendarDay(secondsSinceEpoch: modifiedAt)
        var events = opened.retention?.events ?? [:]
        let births = result.findings.filter { $0.match.typeId == "dob" }.compactMap { CalendarDay(iso: $0.match.normalized) }
        if let youngest = births.max() { events[.birth] = youngest }
        let types = Set(result.findings.map(\.match.typeId) + result.omitted.map(\.type))
        let facts = RetentionSchedule.Facts(path: result.displayName, kinds: opened.retention?.kinds ?? [], types: types,
                                            events: events, modified: modified)
        result.retention = schedule.evaluate(facts)
    }

    /// Writes the entry to the report, counts and tells it when it could not be read, and keeps
    /// what the state stores of it.
    func emit(_ entry: FileResult, isMember: Bool) throws(ReportWriteError) {
        var result = entry
        if !isMember && result.holdsFindings {
            // Both read the file as it is open now (one fstat of a local file).
            if let now = opened.file?.describe() {
                if let access = now.access { describeAccess(&result, access: access) }
                judgeRetention(&result, modifiedAt: now.modified)
            }
        }
        if result.outcome == .error {
            scan.progress.unreadable.add(1, ordering: .relaxed)
            for issue in result.issues { scan.problems([result.path] + result.members, issue) }
        }
        lines.bytes += try scan.sink.write(result, isMember: isMember, worker: worker, keep: scan.carry != nil)
    }
}

extension FileResult {
    /// Whether the entry has findings of its own, or in what it holds (its level came from a
    /// member's).
    var holdsFindings: Bool {
        !findings.isEmpty || !omitted.isEmpty || reasons.contains { $0.rule == "contains" }
    }
}
