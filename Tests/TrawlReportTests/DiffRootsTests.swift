// `trawl diff` on reports planted here as text: the same share scanned under differently spelled
// roots compares file by file, and a file that moved and changed level shows both.
import Foundation
import Testing
import TrawlReport

struct PlantedReports {
    static func write(root: String, files: [(path: String, content: String, level: String)]) throws -> LoadedReport {
        var lines = [#"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl","started":"2026-12-01T00:00:00Z","roots":[{"text":"\#(root)"}],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#]
        for f in files {
            lines.append(#"{"type":"file","data":{"path":{"text":"\#(f.path)"},"size":10,"outcome":"scanned","level":"\#(f.level)","reasons":[],"findings":[],"content_id":"\#(f.content)"}}"#)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-diff-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return try LoadedReport.load(path: url.path)
    }
}

@Suite struct DiffRootsTests {
    @Test func theSameShareUnderAnotherRootSpellingComparesFileByFile() throws {
        let old = try PlantedReports.write(root: "/srv/share/", files: [
            ("/srv/share/hr/staff.csv", "c1", "Restricted"), ("/srv/share/it/plan.txt", "c2", "Internal"),
        ])
        let new = try PlantedReports.write(root: "/mnt/college-share", files: [
            ("/mnt/college-share/hr/staff.csv", "c1", "Restricted"), ("/mnt/college-share/it/plan.txt", "c3", "Restricted"),
        ])
        let diff = try ReportDiff.compare(old: old, oldName: "old", new: new, newName: "new")
        #expect(diff.filesNew.isEmpty && diff.filesGone.isEmpty && diff.moved.isEmpty, "nothing moved: only the root is spelled otherwise")
        #expect(diff.levelChanges.map(\.path) == ["/mnt/college-share/it/plan.txt"])
        #expect(diff.levelChanges.first?.movedFrom == nil)
    }

    @Test func aMovedFileWhoseLevelChangedShowsBoth() throws {
        let old = try PlantedReports.write(root: "/srv/share", files: [("/srv/share/hr/staff.csv", "c1", "Internal")])
        let new = try PlantedReports.write(root: "/srv/share", files: [("/srv/share/archive/staff-2025.csv", "c1", "Confidential")])
        let diff = try ReportDiff.compare(old: old, oldName: "old", new: new, newName: "new")
        #expect(diff.moved.map(\.to) == ["/srv/share/archive/staff-2025.csv"])
        #expect(diff.levelChanges.count == 1)
        #expect(diff.levelChanges.first?.movedFrom == "/srv/share/hr/staff.csv")
        #expect(diff.levelChanges.first?.from == .internal && diff.levelChanges.first?.to == .confidential)
        #expect(diff.rose && diff.totals.levelsRose == 1)
        #expect(diff.text.contains("Internal → Confidential (moved from /srv/share/hr/staff.csv)"))
        let json = String(decoding: try JSONEncoder().encode(diff), as: UTF8.self)
        #expect(json.contains(#""moved_from":"\/srv\/share\/hr\/staff.csv""#))
    }
}
