// Streams the report to disk as files finish.
//
// Each record is encoded by the calling worker, outside the lock, and appended whole under the
// lock, so lines never interleave and memory does not grow with the number of files. The report
// is written to a temporary name beside the output (mode 0600: it describes where personal data
// is) and renamed into place only by `finish`, so a run that dies leaves no partial report under
// the output name. Totals for the summary line are kept here, since every entry passes through.
import Foundation
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package final class ReportWriter: @unchecked Sendable {
    // SAFETY: `fd` is written and `summary` mutated only while holding `lock`; the rest is immutable.
    private let lock = NSLock()
    private let fd: Int32
    private let finalPath: String?
    private let temporaryPath: String?
    private let key: FingerprintKey
    private let showValues: Bool
    private let findingsOnly: Bool
    private var summary = SummaryRecord(
        finished: "", elapsedSeconds: 0, entries: OutcomeCounts(), files: OutcomeCounts(), bytesRead: 0, filesCarriedOver: 0,
        findingsByType: [:], findingsByLevel: [:], exemptFindings: 0, entriesByLevel: [:], issuesByKind: [:], exitStatus: 0)

    /// Opens the report for writing. `path` "-" writes to standard output (no temporary file).
    /// - Throws: `ReportWriteError` when the temporary file cannot be created.
    package init(path: String, key: FingerprintKey, showValues: Bool, findingsOnly: Bool) throws(ReportWriteError) {
        self.key = key
        self.showValues = showValues
        self.findingsOnly = findingsOnly
        if path == "-" {
            fd = STDOUT_FILENO
            finalPath = nil
            temporaryPath = nil
            return
        }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFREG {
            // A device or pipe (/dev/null, /dev/stdout, a FIFO): write straight to it; there is
            // nothing to rename into place.
            let opened = open(path, O_WRONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw ReportWriteError(message: "\(path): cannot open for the report: \(String(cString: strerror(errno)))")
            }
            fd = opened
            finalPath = nil
            temporaryPath = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        Self.removeStalePartials(of: url)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        let opened = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw ReportWriteError(message: "\(path): cannot create the report: \(String(cString: strerror(errno)))")
        }
        fd = opened
        finalPath = path
        temporaryPath = tmp
    }

    package func begin(_ record: BeginRecord) throws(ReportWriteError) {
        try append(encode(.begin(record)))
    }

    /// Writes one finished entry and adds it to the totals.
    /// - Returns: the entry's report line (written or, with --findings-only, left out), for the
    ///   state database to carry over next time.
    @discardableResult
    package func write(_ result: FileResult, isMember: Bool) throws(ReportWriteError) -> [UInt8] {
        let record = fileRecord(result)
        let line = encode(.file(record))
        try account(record, line: line, isMember: isMember, carried: false)
        return line
    }

    /// Writes the entries of a file carried over from a previous run: `lines` are the report lines
    /// `write` returned then (the file's members first, the file last).
    /// - Returns: the entries among them that could not be read, as (display name, issue), so they
    ///   are reported on stderr again as on the night they were first read.
    /// - Throws: `ReportWriteError` when the lines do not decode (a damaged state database).
    @discardableResult
    package func writeCarried(_ lines: [UInt8]) throws(ReportWriteError) -> [(String, ScanIssue)] {
        var failures: [(String, ScanIssue)] = []
        let decoder = JSONDecoder()
        for line in lines.split(separator: 10) where !line.isEmpty {
            guard case .file(var record)? = try? decoder.decode(ReportRecord.self, from: Data(line)) else {
                throw ReportWriteError(message: "a stored result does not decode; delete the state database to rebuild it")
            }
            record.carriedOver = true
            try account(record, line: encode(.file(record)), isMember: record.members != nil, carried: true)
            if record.outcome == .error {
                let name = ([record.path] + (record.members ?? [])).map(\.display).joined(separator: "!/")
                failures += (record.issues ?? []).map { (name, $0) }
            }
        }
        return failures
    }

    /// Adds an entry to the totals and appends its line (unless --findings-only leaves it out).
    private func account(_ record: FileRecord, line: [UInt8], isMember: Bool, carried: Bool) throws(ReportWriteError) {
        let listed = !(findingsOnly && record.outcome == .scanned && record.findings.isEmpty)
        lock.lock()
        defer { lock.unlock() }
        summary.entries.add(record.outcome)
        if !isMember {
            summary.files.add(record.outcome)
            if record.outcome == .scanned && !carried { summary.bytesRead += record.size }
            if carried { summary.filesCarriedOver += 1 }
        }
        summary.entriesByLevel[record.level.rawValue, default: 0] += 1
        for issue in record.issues ?? [] { summary.issuesByKind[issue.kind.rawValue, default: 0] += 1 }
        for f in record.findings {
            if let level = f.level {
                summary.findingsByType[f.type, default: 0] += 1
                summary.findingsByLevel[level.rawValue, default: 0] += 1
            } else {
                summary.exemptFindings += 1
            }
        }
        if listed { try appendLocked(line) }
    }

    /// Writes the summary, closes the file and renames it into place. Returns the summary.
    package func finish(started: Date) throws(ReportWriteError) -> SummaryRecord {
        lock.lock()
        summary.finished = Timestamp.string(Date())
        summary.elapsedSeconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        summary.exitStatus = summary.entries.failed > 0 ? 1 : 0
        let final = summary
        lock.unlock()
        try append(encode(.summary(final)))
        guard let finalPath, let temporaryPath else { return final }
        if fsync(fd) != 0 || close(fd) != 0 {
            throw ReportWriteError(message: "\(finalPath): cannot complete the report: \(String(cString: strerror(errno)))")
        }
        if rename(temporaryPath, finalPath) != 0 {
            throw ReportWriteError(message: "\(finalPath): cannot move the report into place: \(String(cString: strerror(errno)))")
        }
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

    private func fileRecord(_ r: FileResult) -> FileRecord {
        FileRecord(
            path: PathText(r.path), members: r.members.isEmpty ? nil : r.members.map(PathText.init), size: r.size,
            format: r.format, outcome: r.outcome, issues: r.issues.isEmpty ? nil : r.issues, level: r.level,
            reasons: r.reasons,
            findings: r.findings.map { f in
                FindingRecord(
                    type: f.match.typeId, pattern: f.match.patternId, level: f.level, confidence: f.match.confidence,
                    exempt: f.match.exemption, location: f.match.location, masked: Masking.mask(f.match.value, style: f.match.mask),
                    fingerprint: key.fingerprint(type: f.match.typeId, normalized: f.match.normalized),
                    value: showValues ? f.match.value : nil, evidence: f.match.evidence)
            },
            memberCount: r.memberCount, markings: r.markings.isEmpty ? nil : r.markings)
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
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
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
