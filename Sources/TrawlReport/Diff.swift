// Comparing two reports, as an auditor does month on month. Works on any two reports: no scan,
// no patterns, no key needed, since findings are matched by their keyed fingerprints, never by
// value. Reports made under different keys cannot be compared and are refused. How a comparison
// is written (text, JSON, CSV, HTML) is DiffFormats.swift's.
import Foundation
import TrawlModel

/// A report read back whole (for diff, review and export).
package struct LoadedReport: Sendable {
    package var begin: BeginRecord
    package var files: [FileRecord]
    package var summary: SummaryRecord?

    /// Reads a report file.
    /// - Throws: `ReportLoadError` for an unreadable file, a line that does not decode, or a report
    ///   with no `begin` line.
    package static func load(path: String) throws(ReportLoadError) -> LoadedReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportLoadError(message: "\(path): cannot read the report")
        }
        return try load(data: data, name: path)
    }

    /// Reads a report from its bytes (standard input, say); `name` is for messages.
    package static func load(data: Data, name path: String) throws(ReportLoadError) -> LoadedReport {
        let records: [ReportRecord]
        do { records = try ReportReader.records(from: data) } catch {
            throw ReportLoadError(message: "\(path): \(error)")
        }
        var begin: BeginRecord?
        var files: [FileRecord] = []
        var summary: SummaryRecord?
        for r in records {
            switch r {
            case .begin(let b): begin = b
            case .file(let f): files.append(f)
            case .summary(let s): summary = s
            }
        }
        guard let begin else { throw ReportLoadError(message: "\(path): not a Trawl report (no begin record)") }
        return LoadedReport(begin: begin, files: files, summary: summary)
    }
}

package struct ReportLoadError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

/// The result of `trawl diff`, also its `--json` output (docs/diff.schema.json).
package struct ReportDiff: Codable, Sendable {
    package struct Side: Codable, Sendable {
        package var report: String
        package var started: String
        package var keyId: String
        enum CodingKeys: String, CodingKey { case report, started, keyId = "key_id" }
    }

    package struct Totals: Codable, Sendable {
        package var findingsAdded = 0
        package var findingsResolved = 0
        package var findingsUnchanged = 0
        package var levelsRose = 0
        package var levelsFell = 0
        package var filesNew = 0
        package var filesGone = 0
        package var filesMoved = 0
        package var filesCopied = 0
        package var becameExposed = 0
        package var noLongerExposed = 0
        package var newlyOverdue = 0
        enum CodingKeys: String, CodingKey {
            case findingsAdded = "findings_added", findingsResolved = "findings_resolved", findingsUnchanged = "findings_unchanged"
            case levelsRose = "levels_rose", levelsFell = "levels_fell", filesNew = "files_new", filesGone = "files_gone"
            case filesMoved = "files_moved", filesCopied = "files_copied"
            case becameExposed = "became_exposed", noLongerExposed = "no_longer_exposed", newlyOverdue = "newly_overdue"
        }
    }

    package struct ChangedFinding: Codable, Sendable {
        package var path: String
        package var type: String
        package var level: Level?
        package var masked: String
        package var fingerprint: String
        package var location: Location
        package var decision: DecisionRecord?
    }

    package struct LevelChange: Codable, Sendable {
        package var path: String
        package var from: Level
        package var to: Level
        /// For a file that also moved: where it was.
        package var movedFrom: String?
        enum CodingKeys: String, CodingKey { case path, from, to, movedFrom = "moved_from" }
    }

    /// A file whose broad readers (`exposed_to`) changed: `from` empty for one that became
    /// exposed, `to` empty for one no longer exposed.
    package struct ExposureChange: Codable, Sendable {
        package var path: String
        package var from: [String]
        package var to: [String]
        package var level: Level
    }

    /// A file past its retention period in the newer report that was not in the older one.
    package struct Overdue: Codable, Sendable {
        package var path: String
        package var rule: String
        package var due: String
    }

    package struct FileChange: Codable, Sendable {
        package var path: String
        package var level: Level
    }

    package struct Move: Codable, Sendable {
        package var from: String
        package var to: String
        package var level: Level
    }

    /// A line of the decisions store's history (docs/decisions.md), as a diff lists it.
    package struct DecisionChange: Codable, Sendable {
        package var at: String
        package var by: String
        package var action: String
        package var decisionId: Int64
        package var detail: String
        enum CodingKeys: String, CodingKey { case at, by, action, detail, decisionId = "decision_id" }
        package init(at: String, by: String, action: String, decisionId: Int64, detail: String) {
            self.at = at; self.by = by; self.action = action; self.decisionId = decisionId; self.detail = detail
        }
    }

    package var schema = "trawl.diff/1"
    package var old: Side
    package var new: Side
    package var totals = Totals()
    /// True when anything rose: a file's level, a new or copied file at Restricted or above, a
    /// counted finding added, or a file that became exposed. `trawl diff` exits 1 then.
    package var rose = false
    package var findingsAdded: [ChangedFinding] = []
    package var findingsResolved: [ChangedFinding] = []
    package var levelChanges: [LevelChange] = []
    /// Files that became exposed (broad readers may read them) or no longer are, the same file or
    /// a moved one; a new file that is exposed is listed too.
    package var exposureChanges: [ExposureChange] = []
    /// Files overdue (retention) in the newer report that were not overdue in the older one.
    package var newlyOverdue: [Overdue] = []
    package var filesNew: [FileChange] = []
    package var filesGone: [FileChange] = []
    package var moved: [Move] = []
    package var copied: [Move] = []
    /// With a decisions store: what was decided, closed or moved between the two scans' starts.
    package var decisionsBetween: [DecisionChange]?
    /// Set when each list holds only its first this many (`limited(to:)`); the totals are whole.
    package var listsLimitedTo: Int?

    /// The diff with each list cut to its first `n` and the totals whole: what a page that shows
    /// the totals and the first changes needs, without carrying every change of two unrelated
    /// reports to the browser.
    package func limited(to n: Int) -> ReportDiff {
        var out = self
        out.findingsAdded = Array(findingsAdded.prefix(n))
        out.findingsResolved = Array(findingsResolved.prefix(n))
        out.levelChanges = Array(levelChanges.prefix(n))
        out.exposureChanges = Array(exposureChanges.prefix(n))
        out.newlyOverdue = Array(newlyOverdue.prefix(n))
        out.filesNew = Array(filesNew.prefix(n))
        out.filesGone = Array(filesGone.prefix(n))
        out.moved = Array(moved.prefix(n))
        out.copied = Array(copied.prefix(n))
        out.decisionsBetween = decisionsBetween.map { Array($0.prefix(n)) }
        out.listsLimitedTo = n
        return out
    }

    enum CodingKeys: String, CodingKey {
        case schema, old, new, totals, rose, moved, copied
        case decisionsBetween = "decisions_between", listsLimitedTo = "lists_limited_to"
        case findingsAdded = "findings_added", findingsResolved = "findings_resolved", levelChanges = "level_changes"
        case filesNew = "files_new", filesGone = "files_gone", exposureChanges = "exposure_changes", newlyOverdue = "newly_overdue"
    }

    /// Compares two reports.
    /// - Throws: `ReportLoadError` when the reports cannot be compared: different fingerprint keys
    ///   or incompatible schema versions.
    package static func compare(old: LoadedReport, oldName: String, new: LoadedReport, newName: String) throws(ReportLoadError) -> ReportDiff {
        func major(_ schema: String) -> String { String(schema.split(separator: "/").first ?? "") + "/" + String(schema.split(separator: "/").last?.split(separator: ".").first ?? "") }
        guard major(old.begin.schema) == major(new.begin.schema) else {
            throw ReportLoadError(message: "the reports have incompatible schema versions (\(old.begin.schema) and \(new.begin.schema))")
        }
        guard old.begin.keyId == new.begin.keyId else {
            throw ReportLoadError(message: "the reports were made under different fingerprint keys (\(old.begin.keyId) and \(new.begin.keyId)): their findings cannot be matched")
        }
        var diff = ReportDiff(old: Side(report: oldName, started: old.begin.started, keyId: old.begin.keyId),
                              new: Side(report: newName, started: new.begin.started, keyId: new.begin.keyId))
        // Files are matched by their path below the scanned root, so that the same share scanned as
        // /srv/share and /srv/share/, or through another mount point, compares file by file.
        let oldKey = RootRelative(roots: old.begin.roots), newKey = RootRelative(roots: new.begin.roots)
        let oldByName = Dictionary(old.files.map { (oldKey.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let newByName = Dictionary(new.files.map { (newKey.key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let newSorted = new.files.map { (key: newKey.key($0), file: $0) }.sorted { $0.key < $1.key }

        // Moves and copies: same content id, other name.
        var oldByContent: [String: [String]] = [:]
        for f in old.files { if let c = f.contentId { oldByContent[c, default: []].append(oldKey.key(f)) } }
        var counterpart: [String: String] = [:]   // new key -> old key it is compared with
        var movedFrom: Set<String> = []
        var copies: Set<String> = []
        for (key, f) in newSorted where oldByName[key] == nil {
            guard let c = f.contentId, let sources = oldByContent[c] else { continue }
            if let gone = sources.first(where: { newByName[$0] == nil && !movedFrom.contains($0) }) {
                movedFrom.insert(gone)
                counterpart[key] = gone
                diff.moved.append(Move(from: oldByName[gone]!.displayName, to: f.displayName, level: f.level))
            } else if let source = sources.first {
                counterpart[key] = source
                copies.insert(key)
                diff.copied.append(Move(from: oldByName[source]!.displayName, to: f.displayName, level: f.level))
            }
        }

        for (key, f) in newSorted {
            let name = f.displayName
            let before = oldByName[key] ?? counterpart[key].flatMap { oldByName[$0] }
            let isCopy = copies.contains(key)
            if oldByName[key] == nil && counterpart[key] == nil {
                diff.filesNew.append(FileChange(path: name, level: f.level))
            }
            // A level change of the same file, or of a moved one (shown with where it was).
            if let before, !isCopy, f.level != before.level {
                let moved = oldByName[key] == nil ? before.displayName : nil
                diff.levelChanges.append(LevelChange(path: name, from: before.level, to: f.level, movedFrom: moved))
                if f.level > before.level { diff.totals.levelsRose += 1 } else { diff.totals.levelsFell += 1 }
            }
            // Who may read it: broad readers gained or lost (a new or copied file against none).
            let was = isCopy ? [] : (before?.exposedTo ?? []), now = f.exposedTo ?? []
            if Set(was) != Set(now) {
                diff.exposureChanges.append(ExposureChange(path: name, from: was, to: now, level: f.level))
                if was.isEmpty { diff.totals.becameExposed += 1 } else if now.isEmpty { diff.totals.noLongerExposed += 1 }
            }
            // Past its retention period now, and not before (or not there before).
            func overdue(_ file: FileRecord?, asOf: String?) -> String? {
                guard let due = file?.retention?.due, let asOf, due < asOf else { return nil }
                return due
            }
            if let due = overdue(f, asOf: new.begin.asOf), overdue(before, asOf: old.begin.asOf) == nil, let rule = f.retention?.rule {
                diff.newlyOverdue.append(Overdue(path: name, rule: rule, due: due))
            }
            // Findings, matched by type and fingerprint with multiplicity; a copy's findings are new.
            var remaining: [String: Int] = [:]
            if let before, !isCopy { for g in before.findings { remaining[g.type + " " + g.fingerprint, default: 0] += 1 } }
            for g in f.findings {
                let k = g.type + " " + g.fingerprint
                if let n = remaining[k], n > 0 {
                    remaining[k] = n - 1
                    diff.totals.findingsUnchanged += 1
                } else {
                    diff.findingsAdded.append(ChangedFinding(path: name, type: g.type, level: g.level, masked: g.masked,
                                                             fingerprint: g.fingerprint, location: g.location, decision: g.decision))
                }
            }
            if let before, !isCopy {
                var left = remaining
                for g in before.findings {
                    let k = g.type + " " + g.fingerprint
                    if let n = left[k], n > 0 {
                        left[k] = n - 1
                        diff.findingsResolved.append(ChangedFinding(path: name, type: g.type, level: g.level, masked: g.masked,
                                                                    fingerprint: g.fingerprint, location: g.location, decision: g.decision))
                    }
                }
            }
        }
        for (key, f) in old.files.map({ (key: oldKey.key($0), file: $0) }).sorted(by: { $0.key < $1.key })
        where newByName[key] == nil && !movedFrom.contains(key) {
            diff.filesGone.append(FileChange(path: f.displayName, level: f.level))
            for g in f.findings {
                diff.findingsResolved.append(ChangedFinding(path: f.displayName, type: g.type, level: g.level, masked: g.masked,
                                                            fingerprint: g.fingerprint, location: g.location, decision: g.decision))
            }
        }
        diff.totals.findingsAdded = diff.findingsAdded.count
        diff.totals.findingsResolved = diff.findingsResolved.count
        diff.totals.filesNew = diff.filesNew.count
        diff.totals.filesGone = diff.filesGone.count
        diff.totals.filesMoved = diff.moved.count
        diff.totals.filesCopied = diff.copied.count
        diff.totals.newlyOverdue = diff.newlyOverdue.count
        diff.rose = diff.totals.levelsRose > 0 || diff.totals.becameExposed > 0
            || diff.findingsAdded.contains { $0.level != nil }
            || diff.filesNew.contains { $0.level >= .restricted }
            || diff.copied.contains { $0.level >= .restricted }
        return diff
    }
}
