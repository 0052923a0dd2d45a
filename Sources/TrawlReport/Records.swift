// The report's wire format: JSON Lines, one record per line, each {"type": ..., "data": ...}
// (ripgrep's --json envelope). Documented in docs/report-format.md with a JSON Schema in
// docs/report.schema.json; the tests decode the binary's real output into these same types.
//
// Why JSON Lines and not one JSON document: the report is written as files finish, so memory does
// not grow with the share; a reader (diff, review) can stream it too; a report cut short is
// still readable up to the cut (and Trawl only renames it into place when it is complete).
import Foundation
import TrawlModel

/// The version of the wire format: `trawl.report/MAJOR.MINOR`. Bump the major number on any
/// incompatible change, the minor on an added field; a reader of one major reads every minor.
package let reportSchema = "trawl.report/1.2"

/// A path or member name: text when it is valid UTF-8, otherwise its bytes in base64.
package struct PathText: Codable, Sendable, Hashable {
    package var text: String?
    package var bytes: String?

    package init(_ raw: [UInt8]) {
        // Nearly every path is ASCII, which is valid UTF-8 as it stands: checked a word at a
        // time, it skips the generic validation (a tenth of writing a small file's entry).
        if Self.isASCII(raw) { text = String(decoding: raw, as: UTF8.self); bytes = nil }
        else if let s = String(validating: raw, as: UTF8.self) { text = s; bytes = nil }
        else { text = nil; bytes = Data(raw).base64EncodedString() }
    }

    /// Whether `raw` is written as text (valid UTF-8), not as bytes.
    static func isText(_ raw: [UInt8]) -> Bool { isASCII(raw) || String(validating: raw, as: UTF8.self) != nil }

    static func isASCII(_ raw: [UInt8]) -> Bool {
        raw.withUnsafeBytes { b in
            var i = 0, high: UInt64 = 0
            while i + 8 <= b.count { high |= b.loadUnaligned(fromByteOffset: i, as: UInt64.self); i += 8 }
            while i < b.count { high |= UInt64(b[i]); i += 1 }
            return high & 0x8080_8080_8080_8080 == 0
        }
    }

    /// The raw bytes back.
    package var raw: [UInt8] {
        if let text { return Array(text.utf8) }
        return bytes.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? []
    }

    /// For people: the text, or the bytes decoded lossily.
    package var display: String { text ?? String(decoding: raw, as: UTF8.self) }
}

/// One line of the report.
package enum ReportRecord: Codable, Sendable {
    case begin(BeginRecord)
    case file(FileRecord)
    case summary(SummaryRecord)

    enum CodingKeys: String, CodingKey { case type, data }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "begin": self = .begin(try c.decode(BeginRecord.self, forKey: .data))
        case "file": self = .file(try c.decode(FileRecord.self, forKey: .data))
        case "summary": self = .summary(try c.decode(SummaryRecord.self, forKey: .data))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown record type '\(other)'")
        }
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .begin(let r): try c.encode("begin", forKey: .type); try c.encode(r, forKey: .data)
        case .file(let r): try c.encode("file", forKey: .type); try c.encode(r, forKey: .data)
        case .summary(let r): try c.encode("summary", forKey: .type); try c.encode(r, forKey: .data)
        }
    }
}

/// The first line: what ran, on what, with which rules.
package struct BeginRecord: Codable, Sendable {
    package var schema: String
    package var tool: String
    package var started: String
    package var roots: [PathText]
    package var options: [String: String]
    package var patterns: RuleSetIdentity
    package var policy: RuleSetIdentity
    /// Id of the fingerprint key (never the key).
    package var keyId: String
    /// The run this report belongs to, as the scheduler or the operator named it (`--run-id`):
    /// the shards of one run carry the same id, and `trawl merge` refuses to mix runs.
    package var runId: String?
    /// For a report of one shard (`--shard K/N`): which.
    package var shard: ShardRecord?
    /// For a report merged from shards (`trawl merge`): how many.
    package var mergedShards: Int?
    /// The day retention periods were judged against (`--as-of`): a file whose `retention.due`
    /// is earlier is overdue.
    package var asOf: String?

    enum CodingKeys: String, CodingKey {
        case schema, tool, started, roots, options, patterns, policy, keyId = "key_id", runId = "run_id", shard
        case mergedShards = "merged_shards", asOf = "as_of"
    }

    package init(schema: String, tool: String, started: String, roots: [PathText], options: [String: String],
                 patterns: RuleSetIdentity, policy: RuleSetIdentity, keyId: String, runId: String? = nil,
                 shard: ShardRecord? = nil, asOf: String? = nil) {
        self.schema = schema; self.tool = tool; self.started = started; self.roots = roots; self.options = options
        self.patterns = patterns; self.policy = policy; self.keyId = keyId; self.runId = runId; self.shard = shard
        self.asOf = asOf
    }
}

/// Which part of a scan split into shards a report holds.
package struct ShardRecord: Codable, Sendable, Equatable {
    package var index: Int
    package var count: Int

    package init(index: Int, count: Int) { self.index = index; self.count = count }
}

/// Identity of a pattern set or policy: a SHA-256 over its files, and a count or name.
package struct RuleSetIdentity: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    package var count: Int?

    package init(id: String, name: String, count: Int? = nil) { self.id = id; self.name = name; self.count = count }
}

/// One ledger entry: a file on disk or an archive member.
package struct FileRecord: Codable, Sendable {
    package var path: PathText
    /// For an archive member: member names from the outermost archive inwards.
    package var members: [PathText]?
    package var size: Int
    package var format: String?
    package var outcome: Outcome
    package var issues: [ScanIssue]?
    package var level: Level
    package var reasons: [LevelReason]
    package var findings: [FindingRecord]
    /// Direct members read, for an archive.
    package var memberCount: Int?
    /// Protective markings found ("marking.internal").
    package var markings: [String]?
    /// True when the file was unchanged since a previous run and this entry was carried over from
    /// the state database rather than read again.
    package var carriedOver: Bool?
    /// Keyed digest of the content (HMAC-SHA256 under the fingerprint key), when it was read.
    package var contentId: String?
    /// Findings counted but not listed (past the per-entry limit), by type and level.
    package var findingsOmitted: [OmittedFindings]? = nil
    /// Who may read the file (a file on disk with findings).
    package var permissions: FileAccess? = nil
    /// The readers the policy counts as broad, for a file at a level it flags.
    package var exposedTo: [String]? = nil
    /// The retention rule that covers the file and when its period ends (a file with findings,
    /// under a policy that names a schedule).
    package var retention: RetentionResult? = nil
    /// Which root the entry was found under and its path below that root; absent in reports of
    /// format 1.0 and for an entry under none of the roots (`RootRelative` then works it out from
    /// the roots).
    package var belowRoot: BelowRoot? = nil

    enum CodingKeys: String, CodingKey {
        case path, members, size, format, outcome, issues, level, reasons, findings, markings, permissions, retention
        case belowRoot = "below_root"
        case exposedTo = "exposed_to"
        case memberCount = "member_count"
        case carriedOver = "carried_over"
        case contentId = "content_id"
        case findingsOmitted = "findings_omitted"
    }
}

/// An entry's place below the roots of its scan: `root` is the index of its root in the begin
/// record's `roots`, `path` the path below that root without the separating "/" (empty for a root
/// that is itself a file). The same share scanned under two spellings of its root (a trailing
/// slash, another mount point) gives the same `path`.
package struct BelowRoot: Codable, Sendable, Hashable {
    package var path: PathText
    package var root: Int

    package init(path: PathText, root: Int) {
        self.path = path
        self.root = root
    }
}

/// One finding.
package struct FindingRecord: Codable, Sendable {
    /// The personal-data type ("uk.nino", "dob", ...).
    package var type: String
    /// The pattern that found it.
    package var pattern: String
    /// The level its type implies; absent for exempt findings, which count towards nothing.
    package var level: Level?
    package var confidence: Confidence
    /// Why the finding counts towards nothing (role mailbox, example data).
    package var exempt: Exemption?
    package var location: Location
    /// The value masked: "AB******C".
    package var masked: String
    /// "hmac-sha256:KEYID:HEX" of the normalised value: stable across runs, not reversible without the key.
    package var fingerprint: String
    /// The value as written; only with --show-values.
    package var value: String?
    /// What raised the confidence.
    package var evidence: [String]
    /// The DPO's decision, if one applies (false positives have no level).
    package var decision: DecisionRecord?
}

/// A decision as shown on a finding.
package struct DecisionRecord: Codable, Sendable, Equatable {
    package var decision: DecisionKind
    package var by: String
    package var at: String
    package var note: String?

    package init(_ d: Decision) {
        decision = d.decision
        by = d.by
        at = d.at
        note = d.note
    }
}

/// The last line: totals. A report without it was cut short.
package struct SummaryRecord: Codable, Sendable {
    package var finished: String
    package var elapsedSeconds: Double
    /// Ledger entries (files and members) by outcome.
    package var entries: OutcomeCounts
    /// Files on disk (not members) by outcome.
    package var files: OutcomeCounts
    /// Bytes of files on disk that were read.
    package var bytesRead: Int
    /// Files on disk whose previous results were carried over unread (incremental runs).
    package var filesCarriedOver: Int
    package var findingsByType: [String: Int]
    package var findingsByLevel: [String: Int]
    /// Findings shown but counted towards nothing (role mailboxes, example data).
    package var exemptFindings: Int
    package var entriesByLevel: [String: Int]
    package var issuesByKind: [String: Int]
    /// 0 complete; 1 complete, but some entries could not be read.
    package var exitStatus: Int
    /// Files with findings that readers the policy counts as broad may read (`exposed_to`).
    /// Absent from reports made before it was counted.
    package var filesExposed: Int? = nil
    /// Files whose retention period ended before the run's `as_of` day.
    package var filesOverdue: Int? = nil

    enum CodingKeys: String, CodingKey {
        case finished, entries, files
        case elapsedSeconds = "elapsed_seconds"
        case bytesRead = "bytes_read"
        case filesCarriedOver = "files_carried_over"
        case findingsByType = "findings_by_type"
        case findingsByLevel = "findings_by_level"
        case exemptFindings = "exempt_findings"
        case entriesByLevel = "entries_by_level"
        case issuesByKind = "issues_by_kind"
        case exitStatus = "exit_status"
        case filesExposed = "files_exposed"
        case filesOverdue = "files_overdue"
    }
}

extension SummaryRecord {
    static let empty = SummaryRecord(
        finished: "", elapsedSeconds: 0, entries: OutcomeCounts(), files: OutcomeCounts(), bytesRead: 0, filesCarriedOver: 0,
        findingsByType: [:], findingsByLevel: [:], exemptFindings: 0, entriesByLevel: [:], issuesByKind: [:], exitStatus: 0,
        filesExposed: 0, filesOverdue: nil)

    /// Adds another set of totals (one worker's) to these.
    mutating func add(_ o: SummaryRecord) {
        entries.add(o.entries)
        files.add(o.files)
        bytesRead += o.bytesRead
        filesCarriedOver += o.filesCarriedOver
        exemptFindings += o.exemptFindings
        filesExposed = (filesExposed ?? 0) + (o.filesExposed ?? 0)
        if let overdue = o.filesOverdue { filesOverdue = (filesOverdue ?? 0) + overdue }
        findingsByType.merge(o.findingsByType, uniquingKeysWith: +)
        findingsByLevel.merge(o.findingsByLevel, uniquingKeysWith: +)
        entriesByLevel.merge(o.entriesByLevel, uniquingKeysWith: +)
        issuesByKind.merge(o.issuesByKind, uniquingKeysWith: +)
    }
}

package struct OutcomeCounts: Codable, Sendable, Equatable {
    package var total = 0
    package var scanned = 0
    package var skipped = 0
    package var failed = 0

    package init() {}

    mutating func add(_ o: OutcomeCounts) {
        total += o.total
        scanned += o.scanned
        skipped += o.skipped
        failed += o.failed
    }

    mutating func add(_ outcome: Outcome) {
        total += 1
        switch outcome {
        case .scanned: scanned += 1
        case .skipped: skipped += 1
        case .error: failed += 1
        }
    }
}

extension ReportRecord {
    /// The record as a report line (keys sorted, slashes unescaped), newline included. File
    /// records are written by `ReportWriter`'s own encoder (`FileRecordEncoding`), to the same
    /// bytes.
    package var line: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own records cannot fail (no floats that are NaN, no non-string keys).
        var bytes = Array((try? encoder.encode(self)) ?? Data("{}".utf8))
        bytes.append(10)
        return bytes
    }
}

/// Reads a report back, line by line.
package enum ReportReader {
    /// Decodes every record of a JSON Lines report.
    /// - Throws: `ReportReadError` naming the line and what is wrong with it.
    package static func records(from data: Data) throws -> [ReportRecord] {
        let decoder = JSONDecoder()
        var out: [ReportRecord] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            do {
                out.append(try decoder.decode(ReportRecord.self, from: Data(line)))
            } catch {
                throw ReportReadError(line: n + 1, underlying: DecodingProblem.sentence(error))
            }
        }
        return out
    }
}

package struct ReportReadError: Error, CustomStringConvertible {
    package var line: Int
    package var underlying: String
    package var description: String {
        "line \(line) is not a Trawl report record (\(underlying))\(line == 1 ? ": is this a Trawl report?" : "")"
    }
}
