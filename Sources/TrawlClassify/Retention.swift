// Retention schedules: how long a category of records may be kept, and from what event, as an
// organisation's schedule says; and the check of one file against them.
//
// A schedule (YAML, named by the policy's `retention` list; docs/policy.md) names document kinds
// by the phrases that show them ("health declaration", "tenancy agreement"), the labels that
// introduce an event's date in a document ("course end date:", "date of refusal:"), and rules in
// the schedule's order. A rule covers a file when each of its criteria that is given holds: one of
// its kinds is shown in the file, one of its path globs matches, one of its finding types was
// found, the document dates one of its events (a no-show, for a rule that applies only to
// students who did not arrive). The first rule that covers a file decides. The period runs from the event's date found
// in the document (the latest date of birth among the findings, for birth), else from the file's
// modification time, and the result says which. The clock is never read here: what a scan judges
// overdue is judged against its `--as-of` day.
import Foundation
import TrawlModel
import YAMLFiles

#if canImport(Glibc)
import Glibc
#endif

package struct RetentionSchedule: Sendable {
    /// What a period runs from.
    package enum Event: String, Sendable, CaseIterable, Decodable {
        case modified, birth, completion, refusal, receipt, interview, sent
        case lastAction = "last action"
        case noShow = "no show"
        case academicYearEnd = "end of academic year"
    }

    package struct Rule: Sendable, Decodable {
        package var id: String
        /// The schedule's own line this rule comes from.
        package var row: String
        package var kinds: [String]?
        package var paths: [String]?
        package var types: [String]?
        /// Events the document must date for the rule to cover it.
        package var events: [Event]?
        /// "6 years", "18 months", "0 days"; or a period that cannot be checked: "until consent
        /// is revoked", "n/a".
        package var keep: String
        package var from: Event?
        /// Years after the date of birth the period starts from ("12 months after the age of 18").
        package var afterAge: Int?

        enum CodingKeys: String, CodingKey { case id, row, kinds, paths, types, events, keep, from, afterAge = "after_age" }
    }

    private struct File: Decodable {
        var name: String?
        var kinds: [String: [String]]?
        var events: [String: [String]]?
        var rules: [Rule]
    }

    package var names: [String] = []
    /// Kind → phrases that show it, lower case.
    package var kinds: [String: [String]] = [:]
    /// Event → labels that introduce its date in a document, lower case.
    package var labels: [Event: [String]] = [:]
    package var rules: [Rule] = []

    package init() {}

    /// Adds the schedule file at `path`.
    /// - Throws: `PolicyError` naming the file and what is wrong in it.
    package mutating func load(path: String) throws(PolicyError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(message: "\(path): cannot read the retention schedule")
        }
        let file: File
        do { file = try YAMLFiles.decode(File.self, from: data) } catch {
            throw PolicyError(message: "\(path): invalid retention schedule: \(error)")
        }
        names.append(file.name ?? path)
        for (kind, phrases) in file.kinds ?? [:] { kinds[kind, default: []] += phrases.map { $0.lowercased() } }
        for (name, phrases) in file.events ?? [:] {
            guard let event = Event(rawValue: name) else {
                throw PolicyError(message: "\(path): events: '\(name)' is not an event (\(Event.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            labels[event, default: []] += phrases.map { $0.lowercased() }
        }
        for rule in file.rules {
            if Self.period(rule.keep) == nil && !Self.notCheckable(rule.keep) {
                throw PolicyError(message: "\(path): rule \(rule.id): keep '\(rule.keep)' is not a period such as \"6 years\", nor \"until consent is revoked\" or \"n/a\"")
            }
            for kind in rule.kinds ?? [] where kinds[kind] == nil {
                throw PolicyError(message: "\(path): rule \(rule.id): the kind '\(kind)' is not in the schedule's kinds")
            }
            for event in rule.events ?? [] where event != .birth && labels[event] == nil {
                throw PolicyError(message: "\(path): rule \(rule.id): the event '\(event.rawValue)' has no labels in the schedule's events")
            }
        }
        rules += file.rules
    }

    /// What one file holds that the rules look at.
    package struct Facts: Sendable {
        package var path: String
        /// The kinds of document shown in the file.
        package var kinds: Set<String>
        /// The types of the file's findings.
        package var types: Set<String>
        /// Event dates found in the document.
        package var events: [Event: CalendarDay]
        package var modified: CalendarDay

        package init(path: String, kinds: Set<String>, types: Set<String>, events: [Event: CalendarDay], modified: CalendarDay) {
            self.path = path
            self.kinds = kinds
            self.types = types
            self.events = events
            self.modified = modified
        }
    }

    /// The first rule covering the file, and when its period ends; nil when no rule does.
    package func evaluate(_ facts: Facts) -> RetentionResult? {
        guard let rule = rules.first(where: { covers($0, facts) }) else { return nil }
        let event = rule.from ?? .modified
        let keep = rule.keep + (event == .modified || rule.from == nil ? "" : " from \(Self.describe(event, afterAge: rule.afterAge))")
        guard let period = Self.period(rule.keep) else {
            return RetentionResult(rule: rule.id, keep: rule.keep, from: "not checkable: the period is not a length of time",
                                   eventDate: nil, due: nil)
        }
        var start: CalendarDay
        var from: String
        if event == .modified {
            start = facts.modified
            from = "modification time"
        } else if event == .academicYearEnd {
            start = Self.academicYearEnd(after: facts.modified)
            from = "end of the academic year of the modification time"
        } else if let found = facts.events[event] {
            start = found
            from = "\(Self.describe(event, afterAge: nil)) in the document"
        } else {
            start = facts.modified
            from = "modification time: no \(Self.describe(event, afterAge: nil)) found in the document"
        }
        if let age = rule.afterAge, event == .birth, facts.events[.birth] != nil { start = start.adding(years: age) }
        let due = start.adding(years: period.years, months: period.months, days: period.days)
        return RetentionResult(rule: rule.id, keep: keep, from: from, eventDate: start.description, due: due.description)
    }

    private func covers(_ rule: Rule, _ facts: Facts) -> Bool {
        if let kinds = rule.kinds, !kinds.contains(where: facts.kinds.contains) { return false }
        if let paths = rule.paths, !paths.contains(where: { fnmatch($0, facts.path, 0) == 0 }) { return false }
        if let types = rule.types, !types.contains(where: { t in facts.types.contains { $0 == t || $0.hasPrefix(t + ".") } }) { return false }
        if let events = rule.events, !events.contains(where: { facts.events[$0] != nil }) { return false }
        return true
    }

    /// "6 years" → (6, 0, 0); "18 months"; "2 weeks"; "0 days". Nil for anything else.
    static func period(_ text: String) -> (years: Int, months: Int, days: Int)? {
        let words = text.lowercased().split(separator: " ")
        guard words.count == 2, let n = Int(words[0]), n >= 0 else { return nil }
        switch words[1] {
        case "year", "years": return (n, 0, 0)
        case "month", "months": return (0, n, 0)
        case "week", "weeks": return (0, 0, 7 * n)
        case "day", "days": return (0, 0, n)
        default: return nil
        }
    }

    static func notCheckable(_ text: String) -> Bool {
        ["until consent is revoked", "until consent is withdrawn", "n/a"].contains(text.lowercased())
    }

    static func describe(_ event: Event, afterAge: Int?) -> String {
        switch event {
        case .modified: "modification time"
        case .birth: afterAge.map { "the age of \($0)" } ?? "date of birth"
        case .completion: "course completion date"
        case .refusal: "refusal date"
        case .receipt: "date received"
        case .interview: "interview date"
        case .sent: "date sent"
        case .noShow: "no-show date"
        case .lastAction: "date of the last action"
        case .academicYearEnd: "end of the academic year"
        }
    }

    /// The end of the academic year (31 August) a day falls in.
    static func academicYearEnd(after day: CalendarDay) -> CalendarDay {
        CalendarDay(year: day.month > 8 ? day.year + 1 : day.year, month: 8, day: 31)
    }
}
