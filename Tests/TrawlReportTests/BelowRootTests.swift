// Each entry's place below its root (`below_root`): written by the report writer as its record
// would be, given again to entries carried over under this run's list of roots, and read back by
// `RootRelative` from the field, or worked out from the roots in a report written without it.
import Foundation
import Testing
import TrawlModel
@testable import TrawlReport

@Suite struct BelowRootTests {
    func begin(_ roots: [String], keyId: String) -> BeginRecord {
        BeginRecord(schema: reportSchema, tool: "test", started: "now", roots: roots.map { PathText(Array($0.utf8)) }, options: [:],
                    patterns: RuleSetIdentity(id: "p", name: "p"), policy: RuleSetIdentity(id: "q", name: "q"), keyId: keyId)
    }

    /// Paths and where each lies, as a person reads them: under the roots
    /// ["/srv/other", "/srv/share/"], with nil for a path under neither.
    static let placed: [(path: [UInt8], below: [UInt8]?, root: Int?)] = [
        (Array("/srv/share/a.txt".utf8), Array("a.txt".utf8), 1),
        (Array("/srv/share//HR/say \"hi\"\\ 中文.txt".utf8), Array("HR/say \"hi\"\\ 中文.txt".utf8), 1),
        (Array("/srv/share/r".utf8) + [0xE9] + Array("sum.txt".utf8), Array("r".utf8) + [0xE9] + Array("sum.txt".utf8), 1),
        (Array("/srv/other/b.txt".utf8), Array("b.txt".utf8), 0),
        (Array("/srv/other".utf8), [], 0),
        (Array("/srv/otherwise/c.txt".utf8), nil, nil),
    ]

    @Test func theWriterRecordsEachEntrysPlaceAsItsRecordWouldBe() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-below-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try Keyring.loadOrCreate(at: dir.appendingPathComponent("key").path)
        let roots = ["/srv/other", "/srv/share/"]
        let out = dir.appendingPathComponent("report.json").path
        let writer = try ReportWriter(path: out, key: key, showValues: false, findingsOnly: false, roots: roots.map { Array($0.utf8) })
        try writer.begin(begin(roots, keyId: key.id))
        var kept: [[UInt8]] = []
        for p in Self.placed {
            kept.append(try writer.write(FileResult(path: p.path, size: 1, outcome: .scanned, findings: [], level: .public),
                                         isMember: false, worker: 0, keep: true))
        }
        _ = try writer.finish(started: Date())
        let lines = try Data(contentsOf: URL(fileURLWithPath: out)).split(separator: 10).map { Array($0) + [10] }
        #expect(lines.count == Self.placed.count + 2)
        for (p, line) in zip(Self.placed, lines.dropFirst()) {
            var expected = FileRecord(path: PathText(p.path), members: nil, size: 1, format: nil, outcome: .scanned, issues: nil,
                                      level: .public, reasons: [], findings: [], memberCount: nil, markings: nil, contentId: nil)
            expected.belowRoot = p.below.map { BelowRoot(path: PathText($0), root: p.root!) }
            #expect(String(decoding: line, as: UTF8.self) == String(decoding: expected.reportLine(), as: UTF8.self))
            guard case .file(let back) = try JSONDecoder().decode(ReportRecord.self, from: Data(line)) else { Issue.record("not a file line"); continue }
            #expect(back.belowRoot?.path.raw == p.below)
            #expect(back.belowRoot?.root == p.root)
        }
        // What the state keeps holds no place: it is given the place of the run that carries it.
        for k in kept { #expect(!String(decoding: k, as: UTF8.self).contains("below_root")) }

        // Carried over into a run whose roots are listed the other way round and spelled otherwise.
        let again = dir.appendingPathComponent("again.json").path
        let reordered = ["/srv/share", "/srv/other"]
        let carrier = try ReportWriter(path: again, key: key, showValues: false, findingsOnly: false, roots: reordered.map { Array($0.utf8) })
        try carrier.begin(begin(reordered, keyId: key.id))
        for (p, k) in zip(Self.placed, kept) { try carrier.writeCarried(k, path: p.path, worker: 0) }
        _ = try carrier.finish(started: Date())
        let carried = try LoadedReport.load(path: again)
        #expect(carried.files.count == Self.placed.count)
        for (p, f) in zip(Self.placed, carried.files) {
            #expect(f.carriedOver == true)
            #expect(f.path.raw == p.path)
            #expect(f.belowRoot?.path.raw == p.below)
            #expect(f.belowRoot?.root == p.root.map { 1 - $0 }, "the root's place in this run's list")
        }
        let line = try String(contentsOfFile: again, encoding: .utf8).split(separator: "\n")[1]
        #expect(line.hasPrefix(#"{"data":{"below_root":{"path":{"text":"a.txt"},"root":0},"carried_over":true,"findings":[]"#))
    }

    /// A report as text, of format 1.0 (no `below_root`) unless a file line gives one.
    func report(roots: [String], files: [(path: String, belowRoot: String?)]) throws -> LoadedReport {
        let rootList = roots.map { #"{"text":"\#($0)"}"# }.joined(separator: ",")
        var lines = [#"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl","started":"2026-12-01T00:00:00Z","roots":[\#(rootList)],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#]
        for f in files {
            let below = f.belowRoot.map { #""below_root":\#($0),"# } ?? ""
            lines.append(#"{"type":"file","data":{\#(below)"path":{"text":"\#(f.path)"},"size":10,"outcome":"scanned","level":"Public","reasons":[],"findings":[]}}"#)
        }
        return try LoadedReport.load(data: Data((lines.joined(separator: "\n") + "\n").utf8), name: "planted")
    }

    @Test func aReportWithoutTheFieldIsPlacedByItsRoots() throws {
        let old = try report(roots: ["/srv/share/", "/srv/share/archive"], files: [
            ("/srv/share/hr/staff.csv", nil), ("/srv/share/archive/2019.zip", nil), ("/elsewhere/x.txt", nil), ("/srv/share", nil),
        ])
        let key = RootRelative(roots: old.begin.roots)
        #expect(old.files.map { key.below($0)?.path.display } == ["hr/staff.csv", "2019.zip", nil, nil])
        #expect(old.files.map { key.below($0)?.root } == [0, 1, nil, nil])
        #expect(old.files.map(key.key) == ["0:hr/staff.csv", "1:2019.zip", "/elsewhere/x.txt", "/srv/share"])
    }

    @Test func theRecordedPlaceIsTakenAsWritten() throws {
        // A place that the roots would not give, so that only the field can have said it.
        let new = try report(roots: ["/mnt/share"], files: [("/mnt/share/hr/staff.csv", #"{"path":{"text":"personnel/staff.csv"},"root":0}"#)])
        let key = RootRelative(roots: new.begin.roots)
        #expect(key.below(new.files[0]) == BelowRoot(path: PathText(Array("personnel/staff.csv".utf8)), root: 0))
        #expect(key.key(new.files[0]) == "personnel/staff.csv")
    }

    @Test func anOldReportAndANewOneOfTheSameShareUnderOtherRootsDiffAsUnchanged() throws {
        let old = try report(roots: ["/srv/share/"], files: [("/srv/share/hr/staff.csv", nil), ("/srv/share/it/plan.txt", nil)])
        let new = try report(roots: ["smb://fs1/share"], files: [
            ("smb://fs1/share/hr/staff.csv", #"{"path":{"text":"hr/staff.csv"},"root":0}"#),
            ("smb://fs1/share/it/plan.txt", #"{"path":{"text":"it/plan.txt"},"root":0}"#),
        ])
        let diff = try ReportDiff.compare(old: old, oldName: "old", new: new, newName: "new")
        #expect(diff.filesNew.isEmpty && diff.filesGone.isEmpty && diff.moved.isEmpty && diff.levelChanges.isEmpty)
    }
}
