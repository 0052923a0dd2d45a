// What one entry adds to the run's summary, kept beside its report line in the state database so
// that a carried-over entry counts in the summary without its line being decoded.
import TrawlModel

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
        // Read on every carried-over entry: fields are found by index, and strings are made only
        // for the lists that are not empty.
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(9)
        var start = line.startIndex
        for i in line.indices where line[i] == 9 {
            fields.append(line[start..<i])
            start = i + 1
        }
        fields.append(line[start...])
        func text(_ f: ArraySlice<UInt8>) -> String { String(decoding: f, as: UTF8.self) }
        guard fields.count == 9, fields[0].elementsEqual([83]),
              let outcome = Self.outcomes.first(where: { $0.0.elementsEqual(fields[1]) })?.1,
              let level = Self.levels.first(where: { $0.0.elementsEqual(fields[2]) })?.1 else { return nil }
        var size = 0
        for d in fields[4] {
            guard d >= 48 && d <= 57 else { return nil }
            size = size * 10 + Int(d - 48)
        }
        self.outcome = outcome
        self.level = level
        isMember = fields[3].first == 49
        self.size = size
        exposed = fields[7].first == 120  // "x"
        due = fields[8].isEmpty ? nil : CalendarDay(iso: text(fields[8]))
        issueKinds = fields[5].isEmpty ? [] : text(fields[5]).split(separator: ",").compactMap { IssueKind(rawValue: String($0)) }
        // "type=level" per finding, or "type=level*count" for a group counted but not listed.
        findings = []
        for group in fields[6].split(separator: 44) {  // ","
            guard let equals = group.firstIndex(of: 61) else { return nil }  // "="
            let star = group[equals...].firstIndex(of: 42) ?? group.endIndex  // "*"
            let levelName = group[(equals + 1)..<star]
            var count = star == group.endIndex ? 1 : 0
            for d in group[min(star + 1, group.endIndex)...] {
                guard d >= 48 && d <= 57 else { return nil }
                count = count * 10 + Int(d - 48)
            }
            findings.append((text(group[..<equals]), Self.levels.first(where: { $0.0.elementsEqual(levelName) })?.1, count))
        }
    }
}
