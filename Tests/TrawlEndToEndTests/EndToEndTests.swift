// Runs the built `trawl` binary on real files and decodes its report into the same Codable types
// the writer uses.
import Foundation
import Testing
import TrawlModel
import TrawlReport

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let seeds = root.deletingLastPathComponent().appendingPathComponent("shared/seeds")

struct Run {
    var status: Int32
    var stderr: String
    var records: [ReportRecord]
    /// The report's bytes as written.
    var raw = Data()

    var files: [FileRecord] { records.compactMap { if case .file(let f) = $0 { f } else { nil } } }
    var summary: SummaryRecord? { records.compactMap { if case .summary(let s) = $0 { s } else { nil } }.first }
    var begin: BeginRecord? { records.compactMap { if case .begin(let b) = $0 { b } else { nil } }.first }
}

/// Runs `trawl ARGS`; when `report` is true, adds `--output` and a key file (`key`, or a new
/// scratch one) and decodes the report. `environment`: variables set for that run only.
func trawl(_ args: [String], report: Bool = true, key: String? = nil, environment: [String: String] = [:]) throws -> Run {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-e2e-\(UUID())")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("report.json")
    let process = Process()
    process.executableURL = try binary()
    process.arguments = args + (report ? ["--output", out.path, "--key-file", key ?? scratch.appendingPathComponent("key").path] : [])
    process.currentDirectoryURL = root
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var records: [ReportRecord] = []
    var raw = Data()
    if report, let data = FileManager.default.contents(atPath: out.path) {
        records = try ReportReader.records(from: data)
        raw = data
    }
    return Run(status: process.terminationStatus, stderr: String(decoding: errData, as: UTF8.self), records: records, raw: raw)
}

func binary() throws -> URL {
    if let env = ProcessInfo.processInfo.environment["TRAWL_BINARY"] { return URL(fileURLWithPath: env) }
    for config in ["debug", "release"] {
        let candidate = root.appendingPathComponent(".build/\(config)/trawl")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build trawl first (swift build)"])
}

/// Samples/expected.json, as scripts/make-samples.py wrote it.
struct Expected: Decodable {
    struct Entry: Decodable {
        var path: String?
        var path_base64: String?
        var members: [String]
        var outcome: String
        var level: String
        var issue: String?
        var findings: [ExpectedFinding]
        var markings: [String]

        var rawPath: [UInt8] { path.map { Array($0.utf8) } ?? Array(Data(base64Encoded: path_base64 ?? "") ?? Data()) }
    }
    struct ExpectedFinding: Decodable, Hashable, Comparable {
        var type: String
        var value: String
        var exempt: String?
        static func < (a: Self, b: Self) -> Bool { (a.type, a.value, a.exempt ?? "") < (b.type, b.value, b.exempt ?? "") }
    }
    var entries: [Entry]
}

/// Checks that `run`, a scan of Samples/ whose paths start with `prefix`, reports exactly what
/// scripts/make-samples.py planted: every entry, its outcome, level, issue, findings and markings.
/// `planted` may leave out entries a source cannot show (a name that is not UTF-8, over SMB).
func expectPlanted(_ run: Run, under prefix: String, planted: (Expected.Entry) -> Bool = { _ in true }) throws {
    let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: root.appendingPathComponent("Samples/expected.json")))
    let entries = expected.entries.filter(planted)
    let prefix = Array(prefix.utf8)
    func key(_ path: [UInt8], _ members: [[UInt8]]) -> [[UInt8]] { [path] + members }
    var got: [[[UInt8]]: FileRecord] = [:]
    for f in run.files {
        let raw = f.path.raw
        #expect(raw.starts(with: prefix))
        got[key(Array(raw.dropFirst(prefix.count)), (f.members ?? []).map(\.raw))] = f
    }
    #expect(got.count == entries.count, "entries reported: \(got.count), planted: \(entries.count)")
    for e in entries {
        let k = key(e.rawPath, e.members.map { Array($0.utf8) })
        let name = ([e.path ?? "(bytes)"] + e.members).joined(separator: "!/")
        guard let f = got[k] else { Issue.record("\(name): no entry in the report"); continue }
        #expect(f.outcome.rawValue == e.outcome, "\(name): outcome")
        #expect(f.level.rawValue == e.level, "\(name): level \(f.level) reasons \(f.reasons)")
        if let issue = e.issue { #expect(f.issues?.first?.kind.rawValue == issue, "\(name): issue \(String(describing: f.issues))") }
        let found = f.findings.map { Expected.ExpectedFinding(type: $0.type, value: $0.value ?? "", exempt: $0.exempt?.rawValue) }.sorted()
        #expect(found == e.findings.sorted(), "\(name): findings")
        #expect((f.markings ?? []) == e.markings, "\(name): markings")
    }
}

@Suite(.serialized) struct Samples {
    @Test func scanningSamplesGivesExactlyWhatWasPlanted() throws {
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json", "--show-values", "--quiet"])
        // Two entries cannot be read by design (a corrupt zip, an encrypted member): exit 1.
        #expect(run.status == 1, "\(run.stderr)")
        // Given relative to the working directory, the root is reported by its full path: the
        // policy's published paths and the DPO's folder decisions name files by it.
        try expectPlanted(run, under: root.appendingPathComponent("Samples").path + "/")
    }

    @Test func findingsPastTheLimitAreCountedNotListed() throws {
        // The alumni list holds 1,000 planted names and addresses (scripts/make-samples.py).
        let target = "Samples/tables/alumni-mailing-list.csv"
        let whole = try trawl(["scan", target, "--quiet"])
        let capped = try trawl(["scan", target, "--quiet", "--max-findings", "3"])
        let all = try #require(whole.files.first), some = try #require(capped.files.first)
        #expect(all.findings.count == 2000 && all.findingsOmitted == nil)
        #expect(some.findings.count == 3)
        // The first three are the first row's name and address and the second row's name.
        #expect(some.findingsOmitted == [OmittedFindings(type: "email", level: .restricted, count: 999),
                                         OmittedFindings(type: "person.name", level: .restricted, count: 998)])
        // The same level, reasons and totals: every finding still counts.
        #expect(some.level == all.level && some.level == .confidential)
        #expect(some.reasons == all.reasons)
        #expect(capped.summary?.findingsByType == whole.summary?.findingsByType)
        #expect(capped.summary?.findingsByLevel == whole.summary?.findingsByLevel)
        // The listed ones are the first in the text.
        #expect(some.findings.map(\.location) == Array(all.findings.prefix(3).map(\.location)))
        // Carried over by the next night's run, the omitted findings still count.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-cap-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["scan", target, "--quiet", "--max-findings", "3", "--state", dir.appendingPathComponent("state.db").path]
        let key = dir.appendingPathComponent("key").path
        _ = try trawl(args, key: key)
        let again = try trawl(args, key: key)
        #expect(again.summary?.filesCarriedOver == 1)
        #expect(again.summary?.findingsByType == whole.summary?.findingsByType)
        #expect(again.files.first?.findingsOmitted == some.findingsOmitted)
    }

    @Test func aLargeCSVIsReadRowByRowWithItsHeaders() throws {
        // Over the 8 MiB above which a file is streamed: 30,000 long rows, one of them with a
        // quoted field over two lines, and a date of birth in the last row, under its header.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-bigcsv-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = Array("Learner ID,Course,Date of Birth,Notes\n".utf8)
        let plain = Array((",Maths,," + String(repeating: "attended every session and completed the review. ", count: 6) + "\n").utf8)
        for i in 0..<30_000 {
            csv += Array("L\(i)".utf8)
            csv += i == 15_000 ? Array(",Maths,,\"moved to\nanother group\"\n".utf8) : plain
        }
        csv += Array("L999999,English,17/05/2004,last row\n".utf8)
        let file = dir.appendingPathComponent("register.csv")
        try Data(csv).write(to: file)
        #expect(csv.count > 8 << 20)
        let run = try trawl(["scan", file.path, "--quiet"])
        let entry = try #require(run.files.first)
        #expect(entry.format == "csv" && entry.outcome == .scanned)
        let dob = try #require(entry.findings.first { $0.type == "dob" })
        #expect(entry.findings.count == 1)
        // Header, 30,000 rows, one of them two lines long: the last row is on line 30,003.
        #expect(dob.location.line == 30_003)
        #expect(dob.location.column == "Date of Birth")
        #expect(dob.location.cell == "C30002")
    }

    @Test func fileLinesAreWhatJSONEncoderWouldWrite() throws {
        // File records are written by a byte encoder of our own (FileRecordEncoding.swift); every
        // line of a scan of Samples/ (values shown, so every field and many kinds of text appear)
        // must be exactly what Foundation's JSONEncoder writes for the record it decodes to.
        let run = try trawl(["scan", "Samples", "--exclude", "expected.json", "--show-values", "--quiet"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var compared = 0
        for line in run.raw.split(separator: 10) where line.starts(with: Data(#"{"data":{"#.utf8)) && line.reversed().starts(with: Array(#""type":"file"}"#.utf8).reversed()) {
            let record = try JSONDecoder().decode(ReportRecord.self, from: Data(line))
            let reference = try encoder.encode(record)
            #expect(reference == Data(line), "\(String(decoding: line, as: UTF8.self))")
            compared += 1
        }
        #expect(compared == run.files.count && compared > 60)
    }

    @Test func theReportHeaderAndSummaryAreComplete() throws {
        let run = try trawl(["scan", "Samples/text", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let begin = try #require(run.begin)
        #expect(begin.schema == "trawl.report/1.2")
        #expect(begin.patterns.id.hasPrefix("sha256:"))
        #expect(begin.policy.name == "default")
        #expect(!begin.keyId.isEmpty)
        let summary = try #require(run.summary)
        #expect(summary.files.total == run.files.count)
        #expect(summary.findingsByType.values.reduce(0, +) == run.files.flatMap(\.findings).filter { $0.level != nil }.count)
        // Masked by default: no value, and no planted value anywhere in the findings.
        #expect(run.files.flatMap(\.findings).allSatisfy { $0.value == nil })
        #expect(run.files.flatMap(\.findings).allSatisfy { !$0.masked.contains("JG 10 37 59 A") })
    }

    @Test func findingsOnlyLeavesOutCleanFiles() throws {
        let run = try trawl(["scan", "Samples/text", "--findings-only", "--quiet"])
        #expect(run.files.allSatisfy { !$0.findings.isEmpty || $0.outcome != .scanned })
        #expect(run.files.contains { $0.path.display.hasSuffix("learner-note.txt") })
        #expect(!run.files.contains { $0.path.display.hasSuffix("timetable.txt") })
    }

    @Test func usageErrorsExitTwoAndWriteNothing() throws {
        let missing = try trawl(["scan", "no/such/folder"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder"))
        #expect(missing.records.isEmpty)
        let badOption = try trawl(["scan", "Samples", "--jobs", "0"])
        #expect(badOption.status == 2)
        let noOutput = try trawl(["scan", "Samples"], report: false)
        #expect(noOutput.status == 2)
    }

    @Test func aBrokenPolicyFailsBeforeAnyFileIsRead() throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).yaml")
        try Data("types: [this is not a map".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let run = try trawl(["scan", "Samples", "--policy", bad.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("invalid policy"))
        #expect(run.records.isEmpty)
    }

    /// An archive whose only member is encrypted, or a file whose reading failed, with nothing
    /// found: not classified, never "no personal data found". An archive whose members were all
    /// read says so as before.
    @Test func anEntryNotWhollyReadDoesNotSayNoPersonalDataWasFound() throws {
        let run = try trawl(["scan", "Samples/archives", "--quiet"])
        for name in ["locked.zip", "locked.7z"] {
            let archive = try #require(run.files.first { $0.path.display.hasSuffix(name) && $0.members == nil })
            #expect(archive.level == .notClassified)
            #expect(archive.reasons.map(\.rule) == ["not_read"], "\(name): \(archive.reasons)")
            #expect(archive.reasons.first?.detail.contains("its one member not wholly read") == true, "\(name): \(archive.reasons)")
        }
        let whole = try #require(run.files.first { $0.path.display.hasSuffix("old-notes.txt.bz2") && $0.members == nil })
        #expect(!whole.reasons.contains { $0.rule == "not_read" }, "\(whole.reasons)")
        for entry in run.files where entry.reasons.contains(where: { $0.rule == "default" }) {
            #expect(entry.outcome == .scanned, "\(entry.path.display): \(entry.reasons)")
        }
    }

    /// A content id is made for entries with findings and containers (what diff and decisions
    /// follow), for every entry read only when asked.
    @Test func contentIdsAreMadeWhereTheyAreUsed() throws {
        let run = try trawl(["scan", "Samples/text", "Samples/archives", "--quiet"])
        for f in run.files where f.outcome == .scanned {
            let container = ["zip", "tar", "gzip", "bzip2", "xz", "7z", "rar"].contains(f.format ?? "")
            let holds = f.reasons.contains { $0.rule == "contains" }
            #expect((f.contentId != nil) == (!f.findings.isEmpty || f.findingsOmitted != nil || container || holds),
                    "\(f.path.display) \(f.members?.map(\.display) ?? [])")
        }
        #expect(run.files.contains { $0.contentId == nil } && run.files.contains { $0.contentId != nil })
        let all = try trawl(["scan", "Samples/text", "--quiet", "--content-id", "all"])
        #expect(all.files.allSatisfy { $0.outcome != .scanned || $0.contentId != nil })
        #expect(all.begin?.options["content_id"] == "all")
    }

    /// The policy maps entries not read to a level, by the kind of what stopped them; an archive
    /// then takes its member's level as with any other.
    @Test func thePolicyMapsEntriesNotReadToALevel() throws {
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: policy) }
        let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
        try Data((base + "\nnot_read_level: Internal\nnot_read_levels: {encrypted: Restricted}\n").utf8).write(to: policy)
        let run = try trawl(["scan", "Samples/archives", "Samples/pdf", "--quiet", "--policy", policy.path])
        let member = try #require(run.files.first { $0.path.display.hasSuffix("locked.zip") && $0.members != nil })
        #expect(member.level == .restricted && member.reasons.map(\.rule) == ["not_read"], "\(member.reasons)")
        let archive = try #require(run.files.first { $0.path.display.hasSuffix("locked.zip") && $0.members == nil })
        #expect(archive.level == .restricted, "\(archive.reasons)")
        let corrupt = try #require(run.files.first { $0.path.display.hasSuffix("corrupt.zip") && $0.members?.last?.text == "more.bin" })
        #expect(corrupt.level == .internal, "\(corrupt.reasons)")
        #expect(!run.files.contains { $0.level == .notClassified })

        try Data((base + "\nnot_read_levels: {encryptd: Restricted}\n").utf8).write(to: policy)
        let refused = try trawl(["scan", "Samples/pdf", "--policy", policy.path])
        #expect(refused.status == 2 && refused.stderr.contains("'encryptd' is not an issue kind"), "\(refused.stderr)")
    }

    /// A document's embedded files are opened to the archive nesting limit, as archives are;
    /// past it, the document says it holds files that were not opened.
    @Test func embeddedFilesPastTheNestingLimitAreReportedNotOpened() throws {
        let run = try trawl(["scan", "Samples/office/staffing-review.docx", "--max-archive-depth", "0", "--quiet"])
        #expect(run.status == 1)
        let report = try #require(run.files.first)
        #expect(run.files.count == 1)
        #expect(report.outcome == .error)
        #expect(report.issues?.map(\.kind) == [.limitExceeded])
        #expect(report.reasons.map(\.rule) == ["not_read"])
    }

    @Test func publishedPathsMakeCleanFilesPublicAndFlagExposure() throws {
        let policy = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "published_paths: []", with: "published_paths: [\"*/text/*\"]")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).yaml")
        try Data(policy.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try trawl(["scan", "Samples/text", "--policy", file.path, "--quiet"])
        let timetable = try #require(run.files.first { $0.path.display.hasSuffix("timetable.txt") })
        #expect(timetable.level == .public)
        // An explicit internal marking wins over the location.
        let minutes = try #require(run.files.first { $0.path.display.hasSuffix("meeting-minutes.txt") })
        #expect(minutes.level == .internal)
        let note = try #require(run.files.first { $0.path.display.hasSuffix("learner-note.txt") })
        #expect(note.level == .restricted)
        #expect(note.reasons.contains { $0.rule == "exposure" })
    }
}

@Suite struct Filesystem {
    @Test func specialFilesLinksAndUnreadableFilesAreAccountedFor() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-fs-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("Email: pat.lee@gmail.com\n".utf8).write(to: dir.appendingPathComponent("sub/a.txt"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path, withDestinationPath: dir.path)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("out").path, withDestinationPath: "/etc")
        #expect(mkfifo(dir.appendingPathComponent("fifo").path, 0o600) == 0)
        let before = try Data(contentsOf: dir.appendingPathComponent("sub/a.txt"))

        let run = try trawl(["scan", dir.path, "--follow-symlinks", "--quiet"])
        func entry(_ name: String) -> FileRecord? { run.files.first { $0.path.display.hasSuffix("/" + name) } }
        #expect(entry("fifo")?.issues?.first?.kind == .specialFile)
        #expect(entry("loop")?.issues?.first?.kind == .symlink)
        #expect(entry("out")?.issues?.first?.kind == .symlink)
        #expect(entry("a.txt")?.findings.count == 1)
        #expect(run.status == 0)
        // Read-only: the scanned file is byte-for-byte what it was.
        #expect(try Data(contentsOf: dir.appendingPathComponent("sub/a.txt")) == before)
    }
}

@Suite(.enabled(if: FileManager.default.fileExists(atPath: seeds.path), "needs ../shared/seeds beside the checkout"))
struct SeedPolicies {
    @Test func policiesAreNotConfidentialHaveNoBirthDatesAndTheirRoleMailboxesAreNotPersonal() throws {
        let run = try trawl(["scan", seeds.path, "--include", "*.txt", "--show-values", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let policies = run.files.filter { $0.path.display.hasSuffix(".txt") }
        #expect(policies.count == 5)
        for f in policies {
            #expect(f.level != .confidential, "\(f.path.display): \(f.reasons)")
            #expect(!f.findings.contains { $0.type == "dob" }, "\(f.path.display)")
        }
        let emails = policies.flatMap(\.findings).filter { $0.type == "email" }
        let roles = Set(["enquiries@aim-group.org.uk", "info@alstraining.org.uk", "quality@alliancelearning.com",
                         "dpo@aphaia.co.uk", "privacy@studygroup.com", "dataquestions@theimi.org.uk"])
        for e in emails where roles.contains(e.value?.lowercased() ?? "") {
            #expect(e.exempt == .roleMailbox && e.level == nil, "\(e.value ?? "")")
        }
        #expect(emails.contains { roles.contains($0.value?.lowercased() ?? "") })
        // Their offices' addresses are the organisations' (each policy names its organisation):
        // a policy whose only contact details are its own office's and role mailboxes is Internal.
        // 001 gives a staff member's own address (matthew.jones@), a person's: Restricted.
        for f in policies {
            let own = f.path.display.hasSuffix("001_68f9e081f0dc9d88.txt")
            #expect(f.level == (own ? .restricted : .internal), "\(f.path.display): \(f.reasons)")
        }
        #expect(policies.flatMap(\.findings).contains { $0.type == "uk.postcode" && $0.exempt == .organisation })
    }
}

@Suite(.serialized) struct NightlyRuns {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-nightly-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of Samples/ to scan, so that a test may change it.
    func copyOfSamples(in dir: URL) throws -> URL {
        let copy = dir.appendingPathComponent("share")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples"), to: copy)
        return copy
    }

    /// A run's entries by path (and members), each encoded with sorted keys, `carried_over` left out.
    func entries(_ run: Run) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Dictionary(uniqueKeysWithValues: run.files.map { f in
            var g = f
            g.carriedOver = nil
            let key = ([f.path] + (f.members ?? [])).map(\.display).joined(separator: "!/")
            return (key, String(decoding: try! encoder.encode(g), as: UTF8.self))
        })
    }

    func scan(_ share: URL, _ dir: URL, extra: [String] = []) throws -> Run {
        try trawl(["scan", share.path, "--state", dir.appendingPathComponent("state.db").path, "--quiet"] + extra,
                  key: dir.appendingPathComponent("key").path)
    }

    /// Without a state database the walk leaves regular files unstat'ed and the scanner stats them
    /// once open; with one, the walk stats them. The entries must be the same either way: a file
    /// over the size limit, a FIFO, an excluded file and every sample included.
    @Test func filesStatedByTheWalkOrOnceOpenGiveTheSameEntries() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = try copyOfSamples(in: dir)
        try Data(repeating: 65, count: 600_000).write(to: share.appendingPathComponent("large.txt"))
        try Data("left out".utf8).write(to: share.appendingPathComponent("skip.tmp"))
        #expect(mkfifo(share.appendingPathComponent("pipe").path, 0o600) == 0)
        let limits = ["--max-file-size", "500K", "--exclude", "*.tmp", "--exclude", "expected.json"]
        let stated = try scan(share, dir, extra: limits)
        let unstated = try trawl(["scan", share.path, "--quiet"] + limits, key: dir.appendingPathComponent("key").path)
        let a = entries(stated), b = entries(unstated)
        #expect(a.count == b.count && a.count > 70)
        #expect(a.filter { b[$0.key] != $0.value }.map(\.key).isEmpty, "entries that differ")
        let large = unstated.files.first { $0.path.display.hasSuffix("/large.txt") }
        #expect(large?.outcome == .skipped && large?.size == 600_000 && large?.issues?.first?.kind == .tooLarge)
        #expect(unstated.files.first { $0.path.display.hasSuffix("/pipe") }?.issues?.first?.kind == .specialFile)
        #expect(unstated.files.first { $0.path.display.hasSuffix("/skip.tmp") }?.issues?.first?.kind == .excluded)
    }

    @Test func anUnchangedTreeIsCarriedOverAndTheReportIsTheSame() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = try copyOfSamples(in: dir)
        let first = try scan(share, dir)
        let second = try scan(share, dir)
        #expect(first.summary?.filesCarriedOver == 0)
        #expect(second.summary?.filesCarriedOver ?? 0 > 30)
        let a = entries(first), b = entries(second)
        #expect(a.count == b.count)
        #expect(a.filter { b[$0.key] != $0.value }.map(\.key).isEmpty, "entries that differ once carried over")
        #expect(second.status == first.status)
        // The totals of carried entries come from what the state kept beside their lines.
        #expect(second.summary?.findingsByType == first.summary?.findingsByType)
        #expect(second.summary?.findingsByLevel == first.summary?.findingsByLevel)
        #expect(second.summary?.entriesByLevel == first.summary?.entriesByLevel)
        #expect(second.summary?.issuesByKind == first.summary?.issuesByKind)
        #expect(second.summary?.exemptFindings == first.summary?.exemptFindings)

        // A changed file is read again; the rest is carried over.
        let note = share.appendingPathComponent("text/learner-note.txt")
        try Data("Email: new.person@gmail.com\n".utf8).write(to: note)
        let third = try scan(share, dir)
        let changed = try #require(third.files.first { $0.path.display.hasSuffix("learner-note.txt") })
        #expect(changed.carriedOver == nil)
        #expect(changed.findings.map(\.type) == ["email"])
        #expect(third.files.first { $0.path.display.hasSuffix("staff.tsv") }?.carriedOver == true)

        // New rules invalidate every stored result.
        let fourth = try scan(share, dir, extra: ["--min-confidence", "high"])
        #expect(fourth.summary?.filesCarriedOver == 0)
    }

    @Test func twoRunsCannotShareAState() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lockPath = dir.appendingPathComponent("state.db.lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let run = try trawl(["scan", root.appendingPathComponent("Samples/text").path, "--state", dir.appendingPathComponent("state.db").path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("another trawl run"))
        #expect(run.records.isEmpty)
    }

    @Test func aRunKilledMidwayLeavesNoReportAndTheNextRunReusesItsWork() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Many small files, so the kill lands mid-run.
        let share = dir.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        for i in 0..<3000 {
            try Data("Note \(i). Contact: person\(i)@gmail.com\n".utf8).write(to: share.appendingPathComponent("n\(i).txt"))
        }
        let output = dir.appendingPathComponent("report.json")
        let state = dir.appendingPathComponent("state.db").path
        let key = dir.appendingPathComponent("key").path
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["scan", share.path, "--output", output.path, "--state", state, "--key-file", key, "--quiet", "--jobs", "1"]
        try process.run()
        // Kill it once the state has its first committed batch (a loaded machine may take long).
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning {
            if let rows = try? String(contentsOfFile: state + "-wal", encoding: .isoLatin1), rows.count > 200_000 { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: output.path), "no partial report under the output name")

        let next = try trawl(["scan", share.path, "--state", state, "--quiet"], key: key)
        #expect(next.status == 0)
        #expect(next.files.count == 3000)
        #expect(next.summary?.filesCarriedOver ?? 0 > 0, "work of the killed run is reused")
        // The killed run's temporary report is removed by the next run on the same output.
        let again = Process()
        again.executableURL = try binary()
        again.arguments = ["scan", share.path, "--output", output.path, "--state", state, "--key-file", key, "--quiet"]
        try again.run()
        again.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: output.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }.isEmpty)
    }

    @Test func scanningChangesNothingOnDisk() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = try copyOfSamples(in: dir)
        var entries: [String] = []
        let walker = FileManager.default.enumerator(atPath: share.path)!
        while let rel = walker.nextObject() as? String { entries.append(rel) }
        func path(_ rel: String) -> String { share.appendingPathComponent(rel).path }
        func contents() -> [String: Data] {
            var out: [String: Data] = [:]
            for rel in entries { out[rel] = FileManager.default.contents(atPath: path(rel)) }
            return out
        }
        // Access times far in the past: under relatime, any read would move them.
        func setOldAccessTimes() {
            let omit = (1 << 30) - 2  // UTIME_OMIT: leave the modification time alone
            for rel in entries {
                var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 0, tv_nsec: omit)]
                utimensat(AT_FDCWD, path(rel), &times, AT_SYMLINK_NOFOLLOW)
            }
        }
        func metadata() -> [String: String] {
            var out: [String: String] = [:]
            for rel in entries {
                var st = stat()
                lstat(path(rel), &st)
                let atime = st.st_mode & S_IFMT == S_IFREG ? " atime \(st.st_atim.tv_sec)" : ""
                out[rel] = "mode \(st.st_mode) size \(st.st_size) mtime \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) ino \(st.st_ino)" + atime
            }
            return out
        }
        let contentBefore = contents()
        setOldAccessTimes()
        let before = metadata()
        let run = try trawl(["scan", share.path, "--quiet", "--state", dir.appendingPathComponent("state.db").path])
        #expect(run.files.count > 40)
        let after = metadata()
        #expect(before == after, "metadata or access times changed")
        #expect(contentBefore == contents(), "content changed")
        #expect(Set(entries) == Set(FileManager.default.enumerator(atPath: share.path)!.compactMap { $0 as? String }))
    }
}

@Suite struct Images {
    @Test func ocrReadsTheTextInAScannedForm() throws {
        let plain = try trawl(["scan", root.appendingPathComponent("Samples/images").path, "--show-values", "--quiet"])
        let withOCR = try trawl(["scan", root.appendingPathComponent("Samples/images").path, "--show-values", "--quiet", "--ocr"])
        func form(_ run: Run) -> FileRecord? { run.files.first { $0.path.display.hasSuffix("scanned-form.png") } }
        #expect(form(plain)?.findings.map(\.type) == ["email"], "without OCR only the PNG comment is read")
        let ocr = try #require(form(withOCR))
        let nino = try #require(ocr.findings.first { $0.type == "uk.nino" })
        #expect(nino.value == "JT 48 27 93 C" && nino.exempt == nil)
        #expect(nino.location.part == "ocr")
        #expect(ocr.level == .restricted)
        #expect(withOCR.begin?.options["ocr"] == "true")
    }
}

@Suite struct FastPathEqualsPlainPath {
    /// Findings of a scan as comparable lines: file, type, offset, value; and each file's level
    /// and protective markings, which a marking pattern decides without a finding.
    func findings(_ args: [String]) throws -> [String] {
        let run = try trawl(args + ["--show-values", "--quiet"])
        return run.files.flatMap { f in
            f.findings.map { "\(f.displayName)\t\($0.type)\t\($0.location.offset)\t\($0.value ?? "")\t\($0.confidence.rawValue)\t\($0.exempt?.rawValue ?? "")" }
                + ["\(f.displayName)\tlevel \(f.level.rawValue)\t\((f.markings ?? []).joined(separator: ","))"]
        }.sorted()
    }

    @Test func wideSpacesKeepThePrefilterPromises() throws {
        // Text laid out with wide spaces, as a document converted with its layout kept: a marking
        // centred on its line, a date of birth and markings spread over wide gaps. Each document
        // is over the prefilter's threshold, so the fast path searches only near anchors; what a
        // pattern finds here must not depend on that (a regex with a gap of any width before its
        // anchor would break its `reach` promise).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-wide-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let filler = String(repeating: "The committee met and agreed the minutes of the last meeting.\n", count: 4)
        func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }
        var documents: [String: String] = [
            "centred-confidential.txt": spaces(70) + "CONFIDENTIAL\n" + filler,
            "centred-strictly.txt": spaces(40) + "STRICTLY" + spaces(3) + "PRIVATE AND   CONFIDENTIAL\n" + filler,
            "centred-public.txt": spaces(75) + "PUBLIC\n" + filler,
            "marking-gap.txt": filler + "Protective" + spaces(12) + "marking: internal\n" + filler,
            "internal-gap.txt": filler + "not" + spaces(16) + "for" + spaces(16) + "distribution\n" + filler,
            "internal-wider.txt": filler + "not" + spaces(30) + "for" + spaces(30) + "distribution\n" + filler,
            "centred-further.txt": spaces(120) + "CONFIDENTIAL\n" + filler,
        ]
        for gap in [1, 8, 15, 16, 40, 70] {
            documents["dob-\(gap).txt"] = filler + "She was born on 5" + spaces(gap) + "July" + spaces(gap) + "1964.\n" + filler
            documents["dob-of-\(gap).txt"] = filler + "Date of birth: 12th" + spaces(gap) + "of\n" + spaces(gap - 1) + "March 1984\n" + filler
        }
        for (name, text) in documents {
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        let fast = try findings(["scan", dir.path])
        let plain = try findings(["scan", dir.path, "--plain-matcher"])
        let differing = Set(fast).symmetricDifference(plain)
        #expect(differing.isEmpty, "\(differing.sorted())")
        // What is found at all, read from the documents: a centred marking is a marking, words
        // of a marking sixteen spaces apart are still one; a date with gaps of up to fifteen
        // spaces is a date of birth, with wider ones it is not (docs/patterns.md).
        #expect(fast.contains { $0.contains("/centred-confidential.txt\tlevel Confidential") })
        #expect(fast.contains { $0.contains("/centred-strictly.txt\tlevel Confidential") })
        #expect(fast.contains { $0.contains("/centred-public.txt\tlevel Public") })
        #expect(fast.contains { $0.contains("/marking-gap.txt\tlevel Internal\tmarking.internal") })
        #expect(fast.contains { $0.contains("/internal-gap.txt\tlevel Internal\tmarking.internal") })
        for gap in [1, 8, 15] {
            #expect(fast.contains { $0.contains("/dob-\(gap).txt\tdob\t") }, "gap \(gap)")
            #expect(fast.contains { $0.contains("/dob-of-\(gap).txt\tdob\t") }, "gap \(gap)")
        }
        for gap in [16, 40, 70] {
            #expect(!fast.contains { $0.contains("/dob-\(gap).txt\tdob\t") }, "gap \(gap)")
        }
    }

    @Test func theAnchorPrefilterChangesNoFinding() throws {
        // Samples, plus long prose (chunks far over the prefilter's threshold) and labelled documents.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-fast-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (script, args) in [("bench-corpus.py", [dir.appendingPathComponent("bench").path, "--text-mb", "3", "--docx", "20"]),
                               ("eval-corpus.py", [dir.appendingPathComponent("eval").path, "--docs", "120", "--seed", "3"])] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", root.appendingPathComponent("scripts/\(script)").path] + args
            try p.run()
            p.waitUntilExit()
            try #require(p.terminationStatus == 0)
        }
        for target in [root.appendingPathComponent("Samples").path, dir.path] {
            let fast = try findings(["scan", target])
            let plain = try findings(["scan", target, "--plain-matcher"])
            #expect(fast.count == plain.count, "\(target)")
            let differing = Set(fast).symmetricDifference(plain)
            #expect(differing.isEmpty, "\(differing.prefix(5))")
            #expect(fast.count > 100)
        }
    }
}

/// `trawl patterns test FILE` reads a document as a scan does: the values and the level it shows
/// are the scan's for that file.
@Suite struct PatternsTestCommand {
    @Test(arguments: ["office/referral.docx", "tables/sen-register.csv", "office/learner-register.xlsx"])
    func patternsTestShowsWhatAScanReports(sample: String) throws {
        let path = root.appendingPathComponent("Samples/\(sample)").path
        let scan = try trawl(["scan", path, "--show-values", "--quiet"])
        let entry = try #require(scan.files.first { $0.members == nil || $0.members!.isEmpty })
        let printed = try String(contentsOf: try patternsOutput(path), encoding: .utf8)
        #expect(printed.contains("level: \(entry.level.rawValue) ("), "\(printed)")
        for f in entry.findings where f.exempt == nil {
            #expect(printed.contains("\(f.type)  '\(f.value ?? "")'"), "\(f.type) \(f.value ?? "")\n\(printed)")
        }
    }

    /// The command's standard output, written to a scratch file.
    func patternsOutput(_ path: String) throws -> URL {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-patterns-\(UUID()).txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["patterns", "test", path]
        process.currentDirectoryURL = root
        process.standardOutput = try FileHandle(forWritingTo: out)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return out
    }
}

@Suite struct NamesInProse {
    /// Notes about a candidate named only in their prose, written as an exams officer types them
    /// up: the candidate is the person they are about, and their panic attacks are that
    /// person's health (Confidential), in a scan and in `trawl patterns test` alike.
    @Test func notesAboutAPersonNamedOnlyInProseAreAboutThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-prose-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notes = """
            Incident notes - L2 Food Safety exam, 11 June (09:30 session)
            Typed up by Lorraine Kitson from the invigilator's report.

            At approx 10:05 the lead invigilator saw Shannon Crowther at desk 14 with her phone on her lap.
            About ten minutes later Shannon became very distressed and was taken out to the corridor.

            Phone call 13/06: Shannon said she has panic attacks and keeps her phone on her for a breathing app.
            Recommend no sanction beyond the paper being void.
            """
        let file = dir.appendingPathComponent("incident-notes.txt")
        try Data(notes.utf8).write(to: file)
        let run = try trawl(["scan", file.path, "--show-values", "--quiet"])
        let entry = try #require(run.files.first)
        let name = try #require(entry.findings.first { $0.type == "person.name" })
        #expect(name.value == "Shannon Crowther" && name.pattern == "person.name.prose")
        #expect(entry.findings.filter { $0.type == "person.name" }.count == 1)
        #expect(entry.level == .confidential)
        let printed = try String(contentsOf: try PatternsTestCommand().patternsOutput(file.path), encoding: .utf8)
        #expect(printed.contains("person.name  'Shannon Crowther'") && printed.contains("level: Confidential ("), "\(printed)")
    }
    /// A memorial note names a volunteer who has died, and a void property's note its late
    /// tenant: neither is a living individual, so neither note is personal data, in a scan and
    /// in `trawl patterns test` alike. A note about a living tenant beside them still is.
    @Test func theDeadAreNotLivingIndividuals() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-dead-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let notes = [
            "memory.txt": """
                In memory of Eileen Marsh (1938 - 2024)

                Eileen Marsh volunteered at our Tuesday cafe for twelve years. Eileen's funeral is on
                Tuesday 23 April, and Eileen's family have asked for donations instead of flowers.
                Everyone who knew Eileen is welcome.
                """,
            "void.txt": "VOID PROPERTY NOTE\nFormer tenant:   Mr Walter Haigh - deceased\nKeys returned by the solicitors.\n",
            "living.txt": "TENANCY NOTE\nTenant:   Mr Walter Haigh\nKeys collected.\n",
        ]
        for (name, text) in notes { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let run = try trawl(["scan", dir.path, "--show-values", "--quiet"])
        func entry(_ name: String) throws -> FileRecord { try #require(run.files.first { $0.path.display.hasSuffix(name) }) }
        for name in ["memory.txt", "void.txt"] {
            let e = try entry(name)
            #expect(e.level == .internal, "\(name): \(e.reasons)")
            #expect(e.findings.contains { $0.type == "person.name" && $0.exempt == .deceased }, "\(name)")
            let printed = try String(contentsOf: try PatternsTestCommand().patternsOutput(dir.appendingPathComponent(name).path), encoding: .utf8)
            #expect(printed.contains("exempt=deceased") && printed.contains("level: Internal ("), "\(printed)")
        }
        #expect(try entry("living.txt").level == .restricted)
    }
}
