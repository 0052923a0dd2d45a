// What one entry adds to the run's summary, kept beside its report line in the state database so
// that a carried-over entry counts in the summary without its line being decoded.
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// What one entry adds to the summary, in a compact line the state database keeps beside the
/// entry's report line: outcome, level, member flag, size, issue kinds, each finding's type and
/// level ("-" when exempt), whether broad principals may read it ("x"), and the day its retention
/// period ends, tab-separated.
struct EntryStats {
    var outcome: Outcome
    var level: Level
    var isMember: Bool
    var size: Int
    var issueKinds: [IssueKind]
    /// Findings by type and level, each pair once with its count, in the order first met (listed
    /// findings, then omitted groups). The totals then take one update per pair, not per finding.
    var findings: [(type: String, level: Level?, count: Int)]
    /// The policy counts some of the file's readers as broad (`exposed_to`).
    var exposed: Bool
    /// The day the file's retention period ends, when a schedule covers it.
    var due: CalendarDay?

    /// `findings`: those the record is written with (the writer writes them straight from the
    /// result, not from the record).
    init(_ record: FileRecord, findings listed: [Finding], isMember: Bool) {
        outcome = record.outcome
        level = record.level
        self.isMember = isMember
        size = record.size
        issueKinds = (record.issues ?? []).map(\.kind)
        exposed = record.exposedTo != nil
        due = record.retention?.due.flatMap(CalendarDay.init(iso:))
        // A few types in a file, so a look along the list beats hashing each finding's type.
        var groups: [(type: String, level: Level?, count: Int)] = []
        func add(_ type: String, _ level: Level?, _ count: Int) {
            if let i = groups.firstIndex(where: { $0.type == type && $0.level == level }) {
                groups[i].count += count
            } else {
                groups.append((type, level, count))
            }
        }
        // By index, each record read in place (a for-in loop copies each one out).
        for i in listed.indices { add(listed[i].match.typeId, listed[i].level, 1) }
        for o in record.findingsOmitted ?? [] { add(o.type, o.level, o.count) }
        findings = groups
    }

    /// Findings of the same type and level are written once with their count ("type=level*n"):
    /// a carried entry with thousands of findings is then read back in a few fields, not one per
    /// finding (reading them one by one was most of the time of a rescan of a finding-dense share).
    var encoded: [UInt8] {
        let groups = findings
        let fields = [outcome.rawValue, level.rawValue, isMember ? "1" : "0", String(size),
                      issueKinds.map(\.rawValue).joined(separator: ","),
                      groups.map { "\($0.type)=\($0.level?.rawValue ?? "-")\($0.count == 1 ? "" : "*\($0.count)")" }.joined(separator: ","),
                      exposed ? "x" : "", due?.description ?? ""]
        return Array(("S\t" + fields.joined(separator: "\t")).utf8)
    }

    // Names as bytes, so that reading a carried entry's outcome and level makes no String.
    private static let outcomes = Outcome.allCases.map { (Array($0.rawValue.utf8), $0) }
    private static let levels = Level.allCases.map { (Array($0.rawValue.utf8), $0) }

    init?(decoding line: ArraySlice<UInt8>) {
        // Read on every carried-over entry: fields are ranges of the line's bytes, read in place
        // (each slice of the line would retain and release its storage), and strings are made
        // only for the lists that are not empty.
        typealias Decoded = (Outcome, Level, Bool, Int, [IssueKind], [(type: String, level: Level?, count: Int)], Bool, CalendarDay?)
        let decoded = line.withUnsafeBufferPointer { b -> Decoded? in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: 9) { fields -> Decoded? in
                fields.initialize(repeating: 0..<0)
                var count = 0, start = 0
                for i in 0..<b.count where b[i] == 9 {
                    guard count < 8 else { return nil }
                    fields[count] = start..<i
                    count += 1
                    start = i + 1
                }
                guard count == 8 else { return nil }
                fields[8] = start..<b.count
                func field(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: b[fields[k]]) }
                func text(_ f: UnsafeBufferPointer<UInt8>) -> String { String(decoding: f, as: UTF8.self) }
                // Names compared with memcmp: `elementsEqual` steps through a sequence's iterator.
                func same(_ name: [UInt8], _ f: UnsafeBufferPointer<UInt8>) -> Bool {
                    name.count == f.count && (f.isEmpty || name.withUnsafeBufferPointer { memcmp($0.baseAddress!, f.baseAddress!, f.count) == 0 })
                }
                guard field(0).count == 1, field(0)[0] == 83,
                      let outcome = Self.outcomes.first(where: { same($0.0, field(1)) })?.1,
                      let level = Self.levels.first(where: { same($0.0, field(2)) })?.1 else { return nil }
                var size = 0
                for d in field(4) {
                    guard d >= 48 && d <= 57 else { return nil }
                    size = size * 10 + Int(d - 48)
                }
                let kinds = field(5).isEmpty ? [] : text(field(5)).split(separator: ",").compactMap { IssueKind(rawValue: String($0)) }
                // "type=level" per finding, or "type=level*count" for a group counted but not
                // listed; groups separated by commas (an empty one is passed over).
                var findings: [(type: String, level: Level?, count: Int)] = []
                let list = field(6)
                var groupStart = 0
                while groupStart < list.count {
                    let groupEnd = list[groupStart...].firstIndex(of: 44) ?? list.count  // ","
                    defer { groupStart = groupEnd + 1 }
                    guard groupEnd > groupStart else { continue }
                    let group = UnsafeBufferPointer(rebasing: list[groupStart..<groupEnd])
                    guard let equals = group.firstIndex(of: 61) else { return nil }  // "="
                    let star = group[equals...].firstIndex(of: 42) ?? group.count  // "*"
                    let levelName = UnsafeBufferPointer(rebasing: group[(equals + 1)..<star])
                    var n = star == group.count ? 1 : 0
                    for d in group[min(star + 1, group.count)...] {
                        guard d >= 48 && d <= 57 else { return nil }
                        n = n * 10 + Int(d - 48)
                    }
                    findings.append((text(UnsafeBufferPointer(rebasing: group[..<equals])),
                                     Self.levels.first(where: { same($0.0, levelName) })?.1, n))
                }
                let due = field(8).isEmpty ? nil : CalendarDay(iso: text(field(8)))
                return (outcome, level, field(3).first == 49, size, kinds, findings, field(7).first == 120, due)  // "1", "x"
            }
        }
        guard let (outcome, level, isMember, size, issueKinds, findings, exposed, due) = decoded else { return nil }
        self.outcome = outcome
        self.level = level
        self.isMember = isMember
        self.size = size
        self.issueKinds = issueKinds
        self.findings = findings
        self.exposed = exposed
        self.due = due
    }
}
