// Joining the reports of one scan split into shards (`trawl scan --shard K/N`) into the report one
// process would have written for the whole tree: every shard's entries, the totals added up.
//
// The entries are copied as their shards wrote them, line for line, never decoded and encoded
// again: what an auditor reads in the merged report is byte for byte what each shard found. The
// shards must be of one split (the same N, each K once), one run (`--run-id`), and the same roots,
// options, patterns, policy and key; a missing shard, or one that did not finish, is named.
import Foundation
import OwnerOnlyFiles

#if canImport(Glibc)
import Glibc
#endif

package struct MergeError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

package enum ReportMerge {
    /// One shard's report, its first and last lines decoded.
    struct ShardReport {
        var name: String
        var begin: BeginRecord
        var summary: SummaryRecord
        var shard: ShardRecord
    }

    /// Merges the shard reports at `paths` into one report at `output` ("-": standard output),
    /// written as every report is (mode 0600, under a temporary name until complete).
    /// - Returns: the merged summary.
    /// - Throws: `MergeError` naming the report or the shard at fault; nothing is written then.
    @discardableResult
    package static func merge(_ paths: [String], into output: String) throws(MergeError) -> SummaryRecord {
        // First every shard is checked (its first and last lines), so that nothing is written
        // for shards that do not belong together.
        let shards = try paths.map { path throws(MergeError) in try head(of: path) }.sorted { $0.shard.index < $1.shard.index }
        try checkTogether(shards)
        var begin = shards[0].begin
        begin.started = shards.map(\.begin.started).min() ?? begin.started
        begin.options["jobs"] = String(shards.reduce(0) { $0 + (Int($1.begin.options["jobs"] ?? "") ?? 0) })
        begin.shard = nil
        begin.mergedShards = shards.count
        var summary = SummaryRecord.empty
        for shard in shards {
            summary.add(shard.summary)
            summary.exitStatus = max(summary.exitStatus, shard.summary.exitStatus)
        }
        summary.finished = shards.map(\.summary.finished).max() ?? ""
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let start = formatter.date(from: begin.started), let end = formatter.date(from: summary.finished) {
            summary.elapsedSeconds = (end.timeIntervalSince(start) * 1000).rounded() / 1000
        }

        let sink: OutputFile
        do { sink = output == "-" ? .direct(fd: StandardOutput.report) : try OutputFile.open(output, for: "merged report") } catch {
            throw MergeError(message: error.message)
        }
        let fd: Int32
        switch sink {
        case .direct(let d): fd = d
        case .temporary(let d, _): fd = d
        }
        do {
            try writeAll(ReportRecord.begin(begin).line, to: fd, output)
            for shard in shards {
                try forEachFileLine(of: shard.name) { line throws(MergeError) in try writeAll(line, to: fd, output) }
            }
            try writeAll(ReportRecord.summary(summary).line, to: fd, output)
        } catch {
            if case .temporary(let d, let temporary) = sink { close(d); unlink(temporary) }
            throw error
        }
        switch sink {
        case .direct(let d):
            if output != "-" { close(d) }
        case .temporary(let d, let temporary):
            if fsync(d) != 0 || close(d) != 0 {
                unlink(temporary)
                throw MergeError(message: "\(output): cannot complete the merged report: \(String(cString: strerror(errno)))")
            }
            do { try OwnerOnlyFile.replace(output, with: temporary) } catch { throw MergeError(message: "\(error)") }
        }
        return summary
    }

    /// The shard report at `path`, by its first line (begin) and its last (summary).
    static func head(of path: String) throws(MergeError) -> ShardReport {
        let bytes = try read(path)
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        guard let first = lines.first, case .begin(let begin)? = try? decoder.decode(ReportRecord.self, from: Data(first)) else {
            throw MergeError(message: "\(path): not a Trawl report (its first line is not a begin record)")
        }
        guard let last = lines.last, case .summary(let summary)? = try? decoder.decode(ReportRecord.self, from: Data(last)) else {
            throw MergeError(message: "\(path): incomplete: it has no summary line (its scan did not finish); run that shard again")
        }
        guard let shard = begin.shard else {
            throw MergeError(message: "\(path): not the report of a shard (it was scanned without --shard)")
        }
        return ShardReport(name: path, begin: begin, summary: summary, shard: shard)
    }

    /// Refuses shards that are not the parts of one run: each of 0..<N once, and the same run,
    /// roots, options (but the number of workers), patterns, policy and key.
    static func checkTogether(_ shards: [ShardReport]) throws(MergeError) {
        guard let first = shards.first else { throw MergeError(message: "no reports to merge") }
        let count = first.shard.count
        for s in shards where s.shard.count != count {
            throw MergeError(message: "\(s.name) is shard \(s.shard.index)/\(s.shard.count) but \(first.name) is shard \(first.shard.index)/\(count): shards of different splits")
        }
        var seen: [Int: String] = [:]
        for s in shards {
            if let other = seen[s.shard.index] {
                throw MergeError(message: "shard \(s.shard.index)/\(count) is given twice: \(other) and \(s.name)")
            }
            seen[s.shard.index] = s.name
        }
        let missing = (0..<count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            let which = missing.map { "\($0)/\(count)" }.joined(separator: ", ")
            throw MergeError(message: "shard\(missing.count == 1 ? "" : "s") \(which) \(missing.count == 1 ? "is" : "are") missing: merge all \(count) shards of the run")
        }
        for s in shards.dropFirst() {
            func differ(_ what: String) -> MergeError {
                MergeError(message: "\(first.name) and \(s.name) are not shards of one run: \(what) differ")
            }
            if s.begin.runId != first.begin.runId {
                throw MergeError(message: "\(first.name) is of run '\(first.begin.runId ?? "unnamed")' but \(s.name) of run '\(s.begin.runId ?? "unnamed")'")
            }
            if s.begin.schema != first.begin.schema || s.begin.tool != first.begin.tool { throw differ("their Trawl versions") }
            if s.begin.roots != first.begin.roots { throw differ("their roots (mount the share at the same path on every host)") }
            if s.begin.patterns.id != first.begin.patterns.id { throw differ("their patterns") }
            if s.begin.policy.id != first.begin.policy.id { throw differ("their policies") }
            if s.begin.keyId != first.begin.keyId { throw differ("their fingerprint keys") }
            var a = first.begin.options, b = s.begin.options
            a["jobs"] = nil
            b["jobs"] = nil
            if a != b {
                let names = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
                throw differ("their options (\(names.joined(separator: ", ")))")
            }
        }
    }

    /// Calls `body` with each file line of the report at `path`, newline included.
    static func forEachFileLine(of path: String, _ body: (ArraySlice<UInt8>) throws(MergeError) -> Void) throws(MergeError) {
        let bytes = try read(path)
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 10).map { $0 + 1 } ?? bytes.count
            lineNumber += 1
            let line = bytes[start..<end]
            start = end
            var text = line
            if text.last == 10 { text = text.dropLast() }
            guard !text.isEmpty else { continue }
            if text.reversed().starts(with: Self.fileLineEnd.reversed()) {
                try body(line.last == 10 ? line : line + [10])
            } else if !text.reversed().starts(with: Self.beginLineEnd.reversed())
                        && !text.reversed().starts(with: Self.summaryLineEnd.reversed()) {
                throw MergeError(message: "\(path): line \(lineNumber) is not a report record")
            }
        }
    }

    // Keys are sorted in every line: "type" comes last.
    private static let fileLineEnd = Array(#","type":"file"}"#.utf8)
    private static let beginLineEnd = Array(#","type":"begin"}"#.utf8)
    private static let summaryLineEnd = Array(#","type":"summary"}"#.utf8)

    private static func read(_ path: String) throws(MergeError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MergeError(message: "\(path): cannot read the report")
        }
        return Array(data)
    }

    private static func writeAll(_ bytes: some Collection<UInt8>, to fd: Int32, _ output: String) throws(MergeError) {
        do { try OutputFile.writeAll(Array(bytes), to: fd, path: output, for: "merged report") } catch {
            throw MergeError(message: error.message)
        }
    }
}
