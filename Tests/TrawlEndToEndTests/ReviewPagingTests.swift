// `trawl review` on a report of many files: the page lists 100 files at a time, so what the
// browser builds stays small; and a file that is not a report is named as such in a sentence.
import Foundation
import Testing
import TrawlReport

@Suite(.serialized) struct ReviewPaging {
    @Test(.enabled(if: chromium != nil, "needs Debian's chromium (scripts/test installs it)"))
    func theReviewPageListsAHundredFilesAPage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-paging-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = dir.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        // 250 planted files, each with one email address.
        for i in 0..<250 {
            try Data("Contact: person\(i)@gmail.com\n".utf8).write(to: share.appendingPathComponent("note-\(i).txt"))
        }
        let report = dir.appendingPathComponent("r.json").path
        #expect(try run(["scan", share.path, "-o", report, "--key-file", dir.appendingPathComponent("key").path, "--quiet"]).status <= 1)
        let page = dir.appendingPathComponent("review.html").path
        #expect(try run(["review", report, "-o", page]).status == 0)

        let dom = try renderedDOM(of: page)
        #expect(dom.components(separatedBy: "<tr class=\"file\"").count - 1 == 100)
        #expect(dom.contains("page 1 of 3"))
        #expect(dom.contains("(250 of 250 shown)"))

        // The next night: three new files, one moved (not new), the share named with a trailing
        // slash; the page marks the three.
        for i in 0..<3 { try Data("Call 07700 900\(100 + i)\n".utf8).write(to: share.appendingPathComponent("new-\(i).txt")) }
        try FileManager.default.createDirectory(at: share.appendingPathComponent("old"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: share.appendingPathComponent("note-7.txt"), to: share.appendingPathComponent("old/note-7.txt"))
        let next = dir.appendingPathComponent("r2.json").path
        #expect(try run(["scan", share.path + "/", "-o", next, "--key-file", dir.appendingPathComponent("key").path, "--quiet"]).status <= 1)
        let page2 = dir.appendingPathComponent("review2.html").path
        #expect(try run(["review", next, "--previous", report, "-o", page2]).status == 0)
        let dom2 = try renderedDOM(of: page2)
        #expect(dom2.contains("new since \(report): 3"), "the three new files, not the moved one")
    }

    @Test func aFileThatIsNotAReportIsNamedInASentence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-badreport-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("findings.csv").path
        try Data("path,member,level\n/srv/a.txt,,Restricted\n".utf8).write(to: URL(fileURLWithPath: csv))
        let notReport = try run(["review", csv, "-o", dir.appendingPathComponent("p.html").path])
        #expect(notReport.status == 2)
        #expect(notReport.err.contains("line 1 is not a Trawl report record (it is not JSON): is this a Trawl report?"), "\(notReport.err)")

        let begin = #"{"type":"begin","data":{"schema":"trawl.report/1","tool":"t","started":"s","roots":[],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k"}}"#
        let file = #"{"type":"file","data":{"path":{"text":"/a"},"size":1,"outcome":"scanned","reasons":[],"findings":[]}}"#
        let cut = dir.appendingPathComponent("cut.json").path
        try Data((begin + "\n" + file + "\n").utf8).write(to: URL(fileURLWithPath: cut))
        let missing = try run(["export", cut])
        #expect(missing.status == 2)
        #expect(missing.err.contains("line 2 is not a Trawl report record (the field data.level is missing)"), "\(missing.err)")
        #expect(!missing.err.contains("CodingKeys"), "no decoding dump")
    }
}
