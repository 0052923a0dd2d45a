// The report file: a `ReportSink` that streams entries to disk as JSON Lines as files finish.
//
// Each record is encoded by the calling worker into that worker's own buffer, with that worker's
// own totals: workers never wait on each other per entry. A buffer goes to the file whole, under
// the lock, when it reaches 256 KiB, so lines never interleave and memory does not grow with the
// number of files; the totals are summed at the end. The report
// is written to a temporary name beside the output, created new and never through a link (mode
// 0600: it describes where personal data is), and renamed into place only by `finish`, so a run
// that dies leaves no partial report under the output name. A link at the output name is refused.
// Totals for the summary line are kept here, since every entry passes through.
import Foundation
import OwnerOnlyFiles
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package final class ReportWriter: ReportSink, @unchecked Sendable {
    // SAFETY: `fd` is written, `summary` and `slots` (the array) changed only while holding `lock`;
    // slot i's buffer and totals are touched only by worker i (the scan gives every thread its own
    // index), or under `lock` once the workers are done (`finish`).
    private let lock = NSLock()
    private var slots: [Slot] = [Slot()]
    private let fd: Int32
    private let finalPath: String?
    private let temporaryPath: String?
    private let key: Keyring
    private let showValues: Bool
    private let findingsOnly: Bool
    /// Lines not yet written (begin and summary): output goes out in writes of about 256 KiB.
    private var buffer: [UInt8] = []

    /// One worker's lines not yet written, and its totals.
    private final class Slot {
        // A slot is one worker's, touched by it alone (or under `lock` once the workers are done).
        /// Lines are encoded straight into this buffer, which goes to the file whole: no copy of a
        /// line is made on its way out.
        var lines = JSONBytes(capacity: Slot.flushAt + 64 * 1024)
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
                if let n = entriesByLevel[Slot.place(level)] { t.entriesByLevel[level.rawValue, default: 0] += n }
                if let n = findingsByLevel[Slot.place(level)] { t.findingsByLevel[level.rawValue, default: 0] += n }
            }
            return t
        }

        static func place(_ level: Level) -> Int {
            switch level {
            case .public: 0
            case .internal: 1
            case .restricted: 2
            case .confidential: 3
            }
        }
    }

    /// Gives each of `workers` threads its own buffer and totals; call before the workers start.
    package func prepare(workers: Int) {
        lock.lock()
        defer { lock.unlock() }
        while slots.count < workers { slots.append(Slot()) }
    }
    private var summary = SummaryRecord.empty

    /// Opens the report for writing. `path` "-" writes to standard output (no temporary file); a
    /// device or the user's own pipe is written straight to (`OutputFile`).
    /// - Throws: `ReportWriteError` when `path` is a link or another thing the report is not
    ///   written to, or the temporary file cannot be created.
    package init(path: String, key: Keyring, showValues: Bool, findingsOnly: Bool) throws(ReportWriteError) {
        self.key = key
        self.showValues = showValues
        self.findingsOnly = findingsOnly
        if path == "-" {
            fd = STDOUT_FILENO
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
        try append(encode(.begin(record)))
    }

    /// Writes one finished entry and adds it to the totals.
    /// - Parameter keep: make what the state database keeps (false without a state: nothing is made).
    /// - Returns: what the state database keeps to carry the entry over next time (`writeCarried`),
    ///   or nothing when `keep` is false.
    @discardableResult
    package func write(_ result: FileResult, isMember: Bool, worker: Int, keep: Bool) throws(ReportWriteError) -> [UInt8] {
        let record = fileRecord(result)
        let stats = EntryStats(record, findings: result.findings, isMember: isMember)
        let slot = slots[worker]
        count(stats, carried: false, in: slot)
        guard listed(stats) else {
            guard keep else { return [] }
            var line = JSONBytes(capacity: 512 + result.findings.count * 320)
            writeLine(record, findings: result.findings, to: &line)
            return stats.encoded + [10] + Self.markedCarried(line.out)
        }
        let start = slot.lines.count
        writeLine(record, findings: result.findings, to: &slot.lines)
        let kept = keep ? stats.encoded + [10] + Self.markedCarried(Array(slot.lines.written[start...])) : []
        try flushIfFull(slot)
        return kept
    }

    /// Writes the entries of a file carried over from a previous run: `stored` is what `write`
    /// returned then for the file and its members, concatenated. The lines are written as stored
    /// (already marked `carried_over`), with no decoding: a rescan of an unchanged share costs
    /// little more than its walk.
    /// - Returns: the entries among them that could not be read, as (path then members, issue), so
    ///   they are reported on stderr again as on the night they were first read.
    /// - Throws: `ReportWriteError` when the stored bytes are damaged.
    @discardableResult
    package func writeCarried(_ stored: [UInt8], worker: Int) throws(ReportWriteError) -> [([[UInt8]], ScanIssue)] {
        var failures: [([[UInt8]], ScanIssue)] = []
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
            let slot = slots[worker]
            count(stats, carried: true, in: slot)
            if listed(stats) {
                json.withUnsafeBufferPointer { slot.lines.append($0) }
                try flushIfFull(slot)
            }
            if stats.outcome == .error, case .file(let record)? = try? JSONDecoder().decode(ReportRecord.self, from: Data(json)) {
                let name = ([record.path] + (record.members ?? [])).map(\.raw)
                failures += (record.issues ?? []).map { (name, $0) }
            }
        }
        return failures
    }

    /// The line with `"carried_over":true` as its first field. Keys are sorted, and "carried_over"
    /// sorts before every other key of a file record, so it goes right after `{"data":{`.
    static func markedCarried(_ line: [UInt8]) -> [UInt8] {
        let head = Array(#"{"data":{"#.utf8)
        guard line.starts(with: head) else { return line }
        return head + Array(#""carried_over":true,"#.utf8) + line[head.count...]
    }

    /// Whether the entry's line goes into the report (--findings-only leaves out the clean ones).
    private func listed(_ stats: EntryStats) -> Bool {
        !(findingsOnly && stats.outcome == .scanned && stats.findings.isEmpty)
    }

    /// Adds an entry to the worker's totals.
    private func count(_ stats: EntryStats, carried: Bool, in slot: Slot) {
        slot.totals.entries.add(stats.outcome)
        if !stats.isMember {
            slot.totals.files.add(stats.outcome)
            if stats.outcome == .scanned && !carried { slot.totals.bytesRead += stats.size }
            if carried { slot.totals.filesCarriedOver += 1 }
        }
        slot.entriesByLevel[Slot.place(stats.level)] = (slot.entriesByLevel[Slot.place(stats.level)] ?? 0) + 1
        for kind in stats.issueKinds { slot.totals.issuesByKind[kind.rawValue, default: 0] += 1 }
        for (type, level, count) in stats.findings {
            if let level {
                slot.totals.findingsByType[type, default: 0] += count
                slot.findingsByLevel[Slot.place(level)] = (slot.findingsByLevel[Slot.place(level)] ?? 0) + count
            } else {
                slot.totals.exemptFindings += count
            }
        }
    }

    /// Writes the worker's lines to the file once they fill its buffer, after anything written
    /// before them (the begin record).
    private func flushIfFull(_ slot: Slot) throws(ReportWriteError) {
        guard slot.lines.count >= Slot.flushAt else { return }
        lock.lock()
        defer { lock.unlock() }
        try flushLocked()
        try writeAll(slot.lines.written)
        slot.lines.removeAll()
    }

    /// Writes the summary, closes the file and renames it into place. Returns the summary.
    package func finish(started: Date) throws(ReportWriteError) -> SummaryRecord {
        lock.lock()
        for slot in slots {
            summary.add(slot.completeTotals)
            do {
                try flushLocked()
                try writeAll(slot.lines.written)
            } catch { lock.unlock(); throw error }
            slot.lines.removeAll()
            slot.totals = .empty
            slot.entriesByLevel = slot.entriesByLevel.map { _ in nil }
            slot.findingsByLevel = slot.findingsByLevel.map { _ in nil }
        }
        summary.finished = Timestamp.string(Date())
        summary.elapsedSeconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        summary.exitStatus = summary.entries.failed > 0 ? 1 : 0
        let final = summary
        lock.unlock()
        try append(encode(.summary(final)))
        lock.lock()
        do { try flushLocked() } catch { lock.unlock(); throw error }
        lock.unlock()
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
    private func writeLine(_ record: FileRecord, findings: [Finding], to j: inout JSONBytes) {
        record.writeLine(to: &j) { j in
            j.array(findings) { j, f in
                FindingRecord.write(
                    to: &j, confidence: f.match.confidence, decision: f.decision.map(DecisionRecord.init), evidence: f.match.evidence,
                    exempt: f.match.exemption,
                    fingerprint: { j in key.writeFingerprint(type: f.match.typeId, normalized: f.match.normalized, to: &j) },
                    level: f.level, location: f.match.location,
                    masked: { j in Masking.write(f.match.value, style: f.match.mask, to: &j) },
                    pattern: f.match.patternId, type: f.match.typeId, value: showValues ? f.match.value : nil)
            }
        }
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
            findingsOmitted: r.omitted.isEmpty ? nil : r.omitted)
    }

    private func encode(_ record: ReportRecord) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own records cannot fail (no floats that are NaN, no non-string keys).
        var bytes = Array((try? encoder.encode(record)) ?? Data("{}".utf8))
        bytes.append(10)
        return bytes
    }

    private func append(_ bytes: [UInt8]) throws(ReportWriteError) {
        lock.lock()
        defer { lock.unlock() }
        try appendLocked(bytes)
    }

    private func appendLocked(_ bytes: [UInt8]) throws(ReportWriteError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 256 * 1024 { try flushLocked() }
    }

    private func flushLocked() throws(ReportWriteError) {
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBufferPointer { bytes throws(ReportWriteError) in try writeAll(bytes) }
    }

    /// Writes all of `bytes` to the report file; call holding `lock`.
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
