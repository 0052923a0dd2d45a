// The report file: a `ReportSink` that streams entries to disk as JSON Lines as files finish.
//
// Each record is encoded by the calling worker into that worker's own slot (buffer and totals,
// behind a lock only that worker and `finish` take): workers never wait on each other per entry.
// A buffer goes to the file whole, under the output's lock, when it reaches 256 KiB, so lines
// never interleave and memory does not grow with the number of files; the totals are summed at
// the end. The report is written to a temporary name beside the output, created new and never
// through a link (mode 0600: it describes where personal data is), and renamed into place only by
// `finish`, so a run that dies leaves no partial report under the output name. A link at the
// output name is refused. Totals for the summary line are kept here, since every entry passes
// through.
import Foundation
import OwnerOnlyFiles
import Synchronization
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package final class ReportWriter: ReportSink, Sendable {
    /// One slot per worker: worker i encodes into slot i, so workers never wait on each other
    /// per entry (each slot's lock is taken by its worker, and by `finish`).
    private let slots: [Slot]
    /// The report file, and the lines not yet written to it.
    private let output: Mutex<Output>
    private let fd: Int32
    private let finalPath: String?
    private let temporaryPath: String?
    private let key: Keyring
    private let showValues: Bool
    private let findingsOnly: Bool
    /// The day retention periods are judged against; nil: none is.
    private let asOf: CalendarDay?
    /// Which root each entry is under, for its `below_root`.
    private let placement: RootPlacement

    /// Lines not yet written (begin and summary): output goes out in writes of about 256 KiB.
    private struct Output {
        var buffer: [UInt8] = []
    }

    /// One worker's lines not yet written, and its totals.
    private final class Slot: Sendable {
        let state = Mutex(SlotState())
    }

    private struct SlotState: ~Copyable {
        /// Lines are encoded straight into this buffer, which goes to the file whole: no copy of a
        /// line is made on its way out.
        var lines = JSONBytes(capacity: SlotState.flushAt + 64 * 1024)
        static let flushAt = 256 * 1024
        var totals = SummaryRecord.empty
        /// Entries and findings by level, counted by the level's place (`place`; nil: none yet) and
        /// put into `totals` by name at the end: hashing the level's name for every entry
        /// was a tenth of writing a small file's entry.
        var entriesByLevel: [Int?] = Array(repeating: nil, count: Level.allCases.count)
        var findingsByLevel: [Int?] = Array(repeating: nil, count: Level.allCases.count)

        /// The totals with the per-level counts in them.
        var completeTotals: SummaryRecord {
            var t = totals
            for level in Level.allCases {
                if let n = entriesByLevel[SlotState.place(level)] { t.entriesByLevel[level.rawValue, default: 0] += n }
                if let n = findingsByLevel[SlotState.place(level)] { t.findingsByLevel[level.rawValue, default: 0] += n }
            }
            return t
        }

        /// Forgets the lines written and the totals, keeping the buffer's memory.
        mutating func reset() {
            lines.removeAll()
            totals = .empty
            entriesByLevel = entriesByLevel.map { _ in nil }
            findingsByLevel = findingsByLevel.map { _ in nil }
        }

        static func place(_ level: Level) -> Int {
            switch level {
            case .notClassified: 0
            case .public: 1
            case .internal: 2
            case .restricted: 3
            case .confidential: 4
            }
        }

        /// Adds an entry to the totals.
        mutating func count(_ stats: EntryStats, carried: Bool, asOf: CalendarDay?) {
            totals.entries.add(stats.outcome)
            if !stats.isMember {
                totals.files.add(stats.outcome)
                if stats.outcome == .scanned && !carried { totals.bytesRead += stats.size }
                if carried { totals.filesCarriedOver += 1 }
                if stats.exposed { totals.filesExposed = (totals.filesExposed ?? 0) + 1 }
                if let due = stats.due, let asOf, due < asOf { totals.filesOverdue = (totals.filesOverdue ?? 0) + 1 }
            }
            entriesByLevel[Self.place(stats.level)] = (entriesByLevel[Self.place(stats.level)] ?? 0) + 1
            for kind in stats.issueKinds { totals.issuesByKind[kind.rawValue, default: 0] += 1 }
            for (type, level, count) in stats.findings {
                if let level {
                    totals.findingsByType[type, default: 0] += count
                    findingsByLevel[Self.place(level)] = (findingsByLevel[Self.place(level)] ?? 0) + count
                } else {
                    totals.exemptFindings += count
                }
            }
        }
    }

    /// A worker's slot; `worker` is below the count the writer was made for.
    private func slot(_ worker: Int) -> Slot {
        precondition(worker < slots.count, "worker \(worker) of a report writer made for \(slots.count)")
        return slots[worker]
    }

    /// - Parameters:
    ///   - roots: the roots scanned, as the begin record lists them: each entry's `below_root`
    ///     names its root by its place in this list.
    ///   - workers: how many workers write to it at once (each with its index below it).
    package init(path: String, key: Keyring, showValues: Bool, findingsOnly: Bool, roots: [[UInt8]] = [], workers: Int = 1,
                 asOf: CalendarDay? = nil) throws(ReportWriteError) {
        self.asOf = asOf
        placement = RootPlacement(roots: roots)
        slots = (0..<max(1, workers)).map { _ in Slot() }
        output = Mutex(Output())
        self.key = key
        self.showValues = showValues
        self.findingsOnly = findingsOnly
        if path == "-" {
            fd = StandardOutput.report
            finalPath = nil
            temporaryPath = nil
            return
        }
        switch try OutputFile.open(path, for: "report") {
        case .direct(let opened):
            fd = opened
            finalPath = nil
            temporaryPath = nil
        case .temporary(let opened, let temporary):
            Self.removeStalePartials(of: URL(fileURLWithPath: path))
            fd = opened
            finalPath = path
            temporaryPath = temporary
        }
    }

    package func begin(_ record: BeginRecord) throws(ReportWriteError) {
        try append(ReportRecord.begin(record).line)
    }

    /// Writes one finished entry and adds it to the totals.
    /// - Parameter keep: make what the state database keeps (false without a state: nothing is made).
    /// - Returns: what the state database keeps to carry the entry over next time (`writeCarried`),
    ///   or nothing when `keep` is false.
    @discardableResult
    package func write(_ result: FileResult, isMember: Bool, worker: Int, keep: Bool) throws(ReportWriteError) -> [UInt8] {
        let record = fileRecord(result)
        let stats = EntryStats(record, findings: result.findings, isMember: isMember)
        let placed = placement.place(result.path)
        let pathIsText = record.path.text != nil
        return try slot(worker).state.withLock { state throws(ReportWriteError) -> [UInt8] in
            state.count(stats, carried: false, asOf: asOf)
            guard listed(stats) else {
                guard keep else { return [] }
                var line = JSONBytes(capacity: 512 + result.findings.count * 320)
                let below = writeLine(record, path: result.path, pathIsText: pathIsText, placed: placed, findings: result.findings, to: &line)
                return stats.encoded + [10] + Self.markedCarried(line.out, droppingFirstMember: below)
            }
            let start = state.lines.count
            let below = writeLine(record, path: result.path, pathIsText: pathIsText, placed: placed, findings: result.findings, to: &state.lines)
            let kept = keep ? stats.encoded + [10] + Self.markedCarried(Array(state.lines.written[start...]), droppingFirstMember: below) : []
            try flushIfFull(&state)
            return kept
        }
    }

    /// Writes the entries of a file carried over from a previous run: `stored` is what `write`
    /// returned then for the file and its members, concatenated; `path` is the file's path. The
    /// lines are written as stored (already marked `carried_over`), with no decoding: a rescan of
    /// an unchanged share costs little more than its walk. Stored lines hold no `below_root`:
    /// each is given this run's, since the roots may be listed differently from the run that
    /// stored them.
    /// - Returns: the entries among them that could not be read, as (path then members, issue), so
    ///   they are reported on stderr again as on the night they were first read.
    /// - Throws: `ReportWriteError` when the stored bytes are damaged.
    @discardableResult
    package func writeCarried(_ stored: [UInt8], path: [UInt8], worker: Int) throws(ReportWriteError) -> [([[UInt8]], ScanIssue)] {
        var failures: [([[UInt8]], ScanIssue)] = []
        // The `below_root` member with its separating comma, put after each line's `{"data":{`.
        let head = Self.recordHead
        var belowRoot: [UInt8] = []
        if let placed = placement.place(path) {
            var member = JSONBytes(capacity: 64 + 2 * path.count)
            member.beginObject()
            member.key("below_root")
            Self.writeBelowRoot(path, isText: PathText.isText(path), placed: placed, to: &member)
            belowRoot = Array(member.written.dropFirst()) + [44]
        }
        let damaged = ReportWriteError(message: "a stored result is damaged; delete the state database to rebuild it")
        var position = stored.startIndex
        /// The next line, with its newline when `terminated`, read in place.
        func nextLine(terminated: Bool = false) -> ArraySlice<UInt8>? {
            guard position < stored.endIndex else { return nil }
            let end = stored.withUnsafeBufferPointer { b in
                memchr(b.baseAddress! + position, 10, b.count - position).map { UnsafeRawPointer($0) - UnsafeRawPointer(b.baseAddress!) }
            } ?? stored.endIndex
            defer { position = min(end + 1, stored.endIndex) }
            return stored[position..<(terminated && end < stored.endIndex ? end + 1 : end)]
        }
        while let statsLine = nextLine() {
            guard let stats = EntryStats(decoding: statsLine), let json = nextLine(terminated: true), json.last == 10 else { throw damaged }
            try slot(worker).state.withLock { state throws(ReportWriteError) in
                state.count(stats, carried: true, asOf: asOf)
                if listed(stats) {
                    if !belowRoot.isEmpty && json.starts(withBytes: head) {
                        head.withUnsafeBufferPointer { state.lines.append($0) }
                        belowRoot.withUnsafeBufferPointer { state.lines.append($0) }
                        json.dropFirst(head.count).withUnsafeBufferPointer { state.lines.append($0) }
                    } else {
                        json.withUnsafeBufferPointer { state.lines.append($0) }
                    }
                    try flushIfFull(&state)
                }
            }
            if stats.outcome == .error, case .file(let record)? = try? JSONDecoder().decode(ReportRecord.self, from: Data(json)) {
                let name = ([record.path] + (record.members ?? [])).map(\.raw)
                failures += (record.issues ?? []).map { (name, $0) }
            }
        }
        return failures
    }

    /// How a file record's line begins.
    static let recordHead = Array(#"{"data":{"#.utf8)

    /// The line as the state keeps it: without its first member when that is `below_root`
    /// (`droppingFirstMember`: that member's length; its comma goes too), and with
    /// `"carried_over":true` as its first field. Keys are sorted, and "carried_over" sorts before
    /// every other key of a file record but "below_root", so it goes right after `{"data":{`.
    static func markedCarried(_ line: [UInt8], droppingFirstMember dropped: Int = 0) -> [UInt8] {
        let head = Array(#"{"data":{"#.utf8)
        guard line.starts(with: head) else { return line }
        return head + Array(#""carried_over":true,"#.utf8) + line[(head.count + (dropped > 0 ? dropped + 1 : 0))...]
    }

    /// Whether the entry's line goes into the report (--findings-only leaves out the clean ones).
    private func listed(_ stats: EntryStats) -> Bool {
        !(findingsOnly && stats.outcome == .scanned && stats.findings.isEmpty)
    }

    /// Writes the worker's lines to the file once they fill its buffer, after anything written
    /// before them (the begin record).
    private func flushIfFull(_ state: inout SlotState) throws(ReportWriteError) {
        guard state.lines.count >= SlotState.flushAt else { return }
        try output.withLock { out throws(ReportWriteError) in
            try flush(&out)
            try writeAll(state.lines.written)
        }
        state.lines.removeAll()
    }

    /// Writes the summary, closes the file and renames it into place. Returns the summary.
    package func finish(started: Date) throws(ReportWriteError) -> SummaryRecord {
        var summary = SummaryRecord.empty
        for slot in slots {
            try slot.state.withLock { state throws(ReportWriteError) in
                summary.add(state.completeTotals)
                try output.withLock { out throws(ReportWriteError) in
                    try flush(&out)
                    try writeAll(state.lines.written)
                }
                state.reset()
            }
        }
        summary.finished = Timestamp.string(Date())
        summary.elapsedSeconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        summary.exitStatus = summary.entries.failed > 0 ? 1 : 0
        summary.filesOverdue = asOf == nil ? nil : (summary.filesOverdue ?? 0)
        let final = summary
        try append(ReportRecord.summary(final).line)
        try output.withLock { out throws(ReportWriteError) in try flush(&out) }
        guard let finalPath, let temporaryPath else { return final }
        if fsync(fd) != 0 || close(fd) != 0 {
            throw ReportWriteError(message: "\(finalPath): cannot complete the report: \(String(cString: strerror(errno)))")
        }
        // Whatever appeared under the output name meanwhile, a link included, is replaced, not followed.
        do { try OwnerOnlyFile.replace(finalPath, with: temporaryPath) } catch { throw ReportWriteError(message: "\(error)") }
        return final
    }

    /// Removes temporary reports for the same output left by runs that were killed: their process
    /// no longer exists. A live run's temporary file is left alone.
    static func removeStalePartials(of url: URL) {
        let dir = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(dir.appendingPathComponent(name).path)
            }
        }
    }

    /// Removes the temporary file after a fatal error.
    package func abandon() {
        guard let temporaryPath else { return }
        close(fd)
        unlink(temporaryPath)
    }

    /// The report line of `record`, with `findings` as its findings: each written straight into
    /// the line, its masked value and fingerprint made in place (a record for each finding, with
    /// two new strings, cost some 1,300 instructions a finding besides its digest). The same bytes
    /// as the line of a record made of each finding's masked value and fingerprint (a test
    /// compares).
    /// - Returns: how many bytes the line's `below_root` member took (`FileRecord.writeLine`).
    private func writeLine(_ record: FileRecord, path: [UInt8], pathIsText: Bool, placed: (root: Int, start: Int)?,
                           findings: [Finding], to j: inout JSONBytes) -> Int {
        let belowRoot: ((inout JSONBytes) -> Void)? = placed.map { placed in
            { j in Self.writeBelowRoot(path, isText: pathIsText, placed: placed, to: &j) }
        }
        return record.writeLine(to: &j, belowRoot: belowRoot) { j in
            // Each finding read through a pointer: the closures that write its fingerprint and
            // masked value, given the finding itself, captured a copy of it (retaining each of
            // its strings) for every finding.
            findings.withUnsafeBufferPointer { findings in
                j.array(findings.indices) { j, i in
                    let f = findings.baseAddress! + i
                    FindingRecord.write(
                        to: &j, confidence: f.pointee.match.confidence, decision: f.pointee.decision.map(DecisionRecord.init),
                        evidence: f.pointee.match.evidence, exempt: f.pointee.match.exemption,
                        fingerprint: { j in key.writeFingerprint(type: f.pointee.match.typeId, normalized: f.pointee.match.normalized, to: &j) },
                        level: f.pointee.level, location: f.pointee.match.location,
                        masked: { j in Masking.write(f.pointee.match.value, style: f.pointee.match.mask, to: &j) },
                        pattern: f.pointee.match.patternId, type: f.pointee.match.typeId,
                        value: showValues ? f.pointee.match.value : nil)
                }
            }
        }
    }

    /// The `below_root` object of an entry at `path`, `placed` under a root: the bytes below the
    /// root written in place, as `BelowRoot.write` writes the record's own (a test compares).
    /// `isText`: the path is valid UTF-8 (so is what follows a "/" in it).
    static func writeBelowRoot(_ path: [UInt8], isText: Bool, placed: (root: Int, start: Int), to j: inout JSONBytes) {
        j.beginObject()
        j.key("path")
        if isText {
            j.beginObject()
            j.key("text")
            path.withUnsafeBufferPointer { b in j.string(UnsafeBufferPointer(rebasing: b[placed.start...]), plain: false) }
            j.endObject()
        } else {
            PathText(Array(path[placed.start...])).write(to: &j)
        }
        j.field("root", placed.root)
        j.endObject()
    }

    /// The report's record of a result without its findings, which `writeLine` writes straight
    /// from the result.
    private func fileRecord(_ r: FileResult) -> FileRecord {
        FileRecord(
            path: PathText(r.path), members: r.members.isEmpty ? nil : r.members.map(PathText.init), size: r.size,
            format: r.format, outcome: r.outcome, issues: r.issues.isEmpty ? nil : r.issues, level: r.level,
            reasons: r.reasons,
            findings: [],
            memberCount: r.memberCount, markings: r.markings.isEmpty ? nil : r.markings, contentId: r.contentId,
            findingsOmitted: r.omitted.isEmpty ? nil : r.omitted, permissions: r.access,
            exposedTo: r.exposedTo.isEmpty ? nil : r.exposedTo, retention: r.retention)
    }

    private func append(_ bytes: [UInt8]) throws(ReportWriteError) {
        try output.withLock { out throws(ReportWriteError) in
            out.buffer.append(contentsOf: bytes)
            if out.buffer.count >= 256 * 1024 { try flush(&out) }
        }
    }

    /// Writes the pending lines; call holding the output's lock.
    private func flush(_ out: inout Output) throws(ReportWriteError) {
        defer { out.buffer.removeAll(keepingCapacity: true) }
        try out.buffer.withUnsafeBufferPointer { bytes throws(ReportWriteError) in try writeAll(bytes) }
    }

    /// Writes all of `bytes` to the report file; call holding the output's lock.
    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(ReportWriteError) {
        var written = 0
        while written < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReportWriteError(message: "cannot write the report: \(String(cString: strerror(errno)))")
            }
            written += n
        }
    }
}

package struct ReportWriteError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

package enum Timestamp {
    /// ISO 8601 in UTC with milliseconds.
    package static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
