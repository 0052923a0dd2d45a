// One share scanned by the built binary under two spellings of its root (as given, and with a
// trailing slash through a symlinked mount point): each entry records the same path below its
// root, `trawl diff` finds nothing changed, and the desk shows no file as new.
import Foundation
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport
import TrawlServe

@Suite struct RootSpellingTests {
    @Test func aShareScannedUnderTwoSpellingsOfItsRootIsUnchanged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-roots-\(UUID())")
        let share = dir.appendingPathComponent("share")
        defer { try? FileManager.default.removeItem(at: dir) }
        let planted = ["hr/staff.txt": "Staff record\nNI number: JT 48 27 93 C\n", "it/plan.txt": "The plan for the network.\n",
                       "notes.txt": "Nothing personal here.\n"]
        for (name, text) in planted {
            let file = share.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        let mount = dir.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: mount.appendingPathComponent("share").path, withDestinationPath: share.path)
        let key = dir.appendingPathComponent("key").path
        let reports = dir.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let first = reports.appendingPathComponent("1.json").path, second = reports.appendingPathComponent("2.json").path
        for (root, out) in [(share.path, first), (mount.path + "/share/", second)] {
            let r = try run(["scan", root, "--output", out, "--key-file", key, "--quiet"])
            #expect(r.status == 0, "\(r.err)")
        }
        let before = try LoadedReport.load(path: first), after = try LoadedReport.load(path: second)
        for report in [before, after] {
            #expect(Set(report.files.compactMap { $0.belowRoot?.path.text }) == Set(planted.keys))
            #expect(report.files.allSatisfy { $0.belowRoot?.root == 0 })
        }
        #expect(after.files.allSatisfy { $0.path.display.hasPrefix(mount.path + "/share/") }, "the path is as the root was given")

        let diff = try run(["diff", first, second, "--json"])
        let compared = try JSONDecoder().decode(ReportDiff.self, from: Data(diff.out.utf8))
        #expect(compared.filesNew.isEmpty && compared.filesGone.isEmpty && compared.moved.isEmpty && compared.copied.isEmpty)
        #expect(compared.totals.findingsUnchanged == 1 && compared.totals.findingsAdded == 0)

        let view = RunView(name: "2.json", report: after, previous: (name: "1.json", report: before))
        var query = FileQuery()
        query.newOnly = true
        #expect(view.page(query, decided: view.decided(version: 0, book: DecisionBook())).rows.isEmpty, "no file is new")
    }
}
