// The desk's "new since the previous run" across two spellings of one share's root, through the
// HTTP API on reports planted here: a report without `below_root` (format 1.0) scanned as
// /srv/share/, then one with it scanned through another mount point.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport
@testable import TrawlServe

@Suite struct DeskRootSpellingTests {
    static func begin(_ started: String, root: String) -> String {
        #"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl","started":"\#(started)","roots":[{"text":"\#(root)"}],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#
    }

    static func file(_ path: String, below: String?) -> String {
        let placed = below.map { #""below_root":{"path":{"text":"\#($0)"},"root":0},"# } ?? ""
        return #"{"type":"file","data":{\#(placed)"path":{"text":"\#(path)"},"size":10,"outcome":"scanned","level":"Public","reasons":[],"findings":[]}}"#
    }

    @Test func aShareUnderAnotherSpellingOfItsRootShowsNothingNew() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-serve-roots-\(UUID())")
        let reports = dir.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let monday = [Self.begin("2026-12-07T01:00:00Z", root: "/srv/share/"),
                      Self.file("/srv/share/hr/staff.csv", below: nil), Self.file("/srv/share/it/plan.txt", below: nil)]
        let tuesday = [Self.begin("2026-12-08T01:00:00Z", root: "/mnt/share"),
                       Self.file("/mnt/share/hr/staff.csv", below: "hr/staff.csv"), Self.file("/mnt/share/it/plan.txt", below: "it/plan.txt"),
                       Self.file("/mnt/share/hr/new.csv", below: "hr/new.csv")]
        try Data((monday.joined(separator: "\n") + "\n").utf8).write(to: reports.appendingPathComponent("monday.json"))
        try Data((tuesday.joined(separator: "\n") + "\n").utf8).write(to: reports.appendingPathComponent("tuesday.json"))
        let desk = try Desk(reportsFolder: reports.path, decisions: dir.appendingPathComponent("decisions.db").path)
        let access = Access(token: "t0ken", tokenUser: "dpo", trustedUserHeader: nil)
        try await Application(router: deskRouter(desk: desk, access: access)).test(.router) { client in
            try await client.execute(uri: "/api/files?new=1", method: .get, headers: [.authorization: "Bearer t0ken"]) { r in
                let page = try #require(try? JSONDecoder().decode(FilePage.self, from: Data(String(buffer: r.body).utf8)))
                #expect(page.previous == "monday.json")
                #expect(page.rows.map(\.path) == ["/mnt/share/hr/new.csv"])
            }
        }
    }
}
