// What is new since the last run, for the end-of-run summary: this run's report compared, as
// `trawl diff` compares two reports, with the last run's. The last run's report is the one the
// state remembers (--state), else the newest other report in the folder this one is written to
// (the nightly reports folder), made by an earlier run over the same roots and shard. Nothing is
// said when neither is found or readable, or when the two were made under different keys: the
// summary says only what it knows.
import Foundation
import TrawlReport

struct SinceLastRun {
    /// The earlier report compared with.
    var report: String
    var totals: ReportDiff.Totals

    /// Reports in the folder looked at, newest first, before giving up: a folder of other JSON
    /// files is not read through.
    static let candidatesTried = 3

    /// The comparison of the report at `output` with the last run's, or nil when there is none.
    static func find(output: String, remembered: String?) -> SinceLastRun? {
        let current = URL(fileURLWithPath: output).standardizedFileURL
        var candidates: [URL] = []
        if let remembered, FileManager.default.fileExists(atPath: remembered) {
            candidates.append(URL(fileURLWithPath: remembered).standardizedFileURL)
        }
        candidates += earlierReports(beside: current).prefix(candidatesTried)
        // Each report's begin line is read first, and a report is read whole only when it is an
        // earlier run of this scan: a reports folder also holds other shares' reports, and
        // reading one of those through cost seconds and its size in memory at every run's end.
        guard !candidates.isEmpty, let newBegin = beginRecord(of: current) else { return nil }
        var tried: Set<String> = [current.path]
        var new: LoadedReport?
        for candidate in candidates where tried.insert(candidate.path).inserted {
            guard let oldBegin = beginRecord(of: candidate), isEarlierRunOfTheSameScan(oldBegin, newBegin),
                  let old = try? LoadedReport.load(path: candidate.path) else { continue }
            if new == nil { new = try? LoadedReport.load(path: current.path) }
            guard let new, let diff = try? ReportDiff.compare(old: old, oldName: candidate.path, new: new, newName: current.path)
            else { continue }
            return SinceLastRun(report: candidate.path, totals: diff.totals)
        }
        return nil
    }

    /// Whether `old` is an earlier run over the same roots and the same shard: a folder of a
    /// night's shard reports holds the other shards' too, which are no last run of this one.
    static func isEarlierRunOfTheSameScan(_ old: BeginRecord, _ new: BeginRecord) -> Bool {
        old.roots == new.roots && old.shard == new.shard && old.started < new.started
    }

    /// The begin record on a Trawl report's first line, or nil when the file does not open with
    /// one: a large JSON file of another kind beside the report is not read further.
    static func beginRecord(of url: URL) -> BeginRecord? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1 << 16) else { return nil }
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        guard String(decoding: firstLine, as: UTF8.self).contains("\"schema\":\"trawl.report/"),
              case .begin(let begin)? = try? ReportReader.records(from: Data(firstLine)).first else { return nil }
        return begin
    }

    /// The other .json and .jsonl files in the report's folder, newest first.
    static func earlierReports(beside report: URL) -> [URL] {
        let folder = report.deletingLastPathComponent()
        let keys: [URLResourceKey] = [.contentModificationDateKey, .isRegularFileKey]
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? []
        let dated = files.compactMap { url -> (URL, Date)? in
            let url = url.standardizedFileURL
            guard ["json", "jsonl"].contains(url.pathExtension), url.path != report.path,
                  let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { return nil }
            return (url, values.contentModificationDate ?? .distantPast)
        }
        return dated.sorted { $0.1 > $1.1 }.map(\.0)
    }
}
