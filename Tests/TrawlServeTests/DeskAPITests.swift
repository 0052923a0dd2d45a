// The desk's HTTP API through Hummingbird's testing client, on report files planted here: who may
// ask, paging and filters done on the server, masked values, decisions refused or recorded under
// the asker's name, and a bad report file named as such.
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport
@testable import TrawlServe

/// A reports folder with two runs, written as text: Monday's three files, Tuesday's the same plus
/// one new file and one moved (same content id, other name), and one file that is no report.
struct Runs {
    let dir: URL
    var store: String { dir.appendingPathComponent("decisions.db").path }
    var reports: String { dir.appendingPathComponent("reports").path }

    /// One file's record; `owner` gives it the `permissions` a scan records for a file with findings.
    static func file(_ path: String, _ content: String, level: String, findings: [(String, String, String)], owner: String? = nil) -> String {
        let f = findings.map { t, fp, masked in
            #"{"type":"\#(t)","pattern":"\#(t)","level":"\#(level)","confidence":"high","location":{"offset":0,"line":1},"masked":"\#(masked)","fingerprint":"\#(fp)","value":"SECRET-\#(masked)","evidence":[]}"#
        }.joined(separator: ",")
        let permissions = owner.map { #","permissions":{"owner":"\#($0)","group":"staff","mode":"0640","readers":["user:\#($0)","group:staff"],"acl":false}"# } ?? ""
        return #"{"type":"file","data":{"path":{"text":"\#(path)"},"size":10,"outcome":"scanned","level":"\#(level)","reasons":[],"findings":[\#(f)],"content_id":"\#(content)"\#(permissions)}}"#
    }

    static func begin(_ started: String) -> String {
        #"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl","started":"\#(started)","roots":[{"text":"/srv/share"}],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#
    }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-serve-\(UUID())")
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent("reports").path, withIntermediateDirectories: true)
        let staff = Self.file("/srv/share/hr/staff.csv", "c1", level: "Restricted", findings: [("uk.nino", "f1", "AB******C"), ("email", "f2", "j***@x.uk")], owner: "hr.admin")
        let plan = Self.file("/srv/share/it/plan.txt", "c2", level: "Internal", findings: [("email", "f3", "a***@x.uk")], owner: "it.admin")
        let clean = Self.file("/srv/share/it/clean.txt", "c3", level: "Public", findings: [])
        let monday = [Self.begin("2026-12-07T01:00:00Z"), staff, plan, clean]
        let moved = Self.file("/srv/share/it/archive/plan-old.txt", "c2", level: "Internal", findings: [("email", "f3", "a***@x.uk")], owner: "it.admin")
        let fresh = Self.file("/srv/share/hr/new.csv", "c4", level: "Restricted", findings: [("uk.nino", "f4", "CD******E")], owner: "j.smith")
        let tuesday = [Self.begin("2026-12-08T01:00:00Z"), staff, moved, clean, fresh]
        try Data((monday.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("reports/monday.json"))
        try Data((tuesday.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("reports/tuesday.json"))
        try Data("{\"type\":\"begin\",\"data\":{}}\n".utf8).write(to: dir.appendingPathComponent("reports/broken.json"))
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

@Suite struct DeskAPITests {
    let access = Access(token: "t0ken", tokenUser: "dpo", trustedUserHeader: "X-Remote-User")

    func app(_ runs: Runs) throws -> some ApplicationProtocol {
        Application(router: deskRouter(desk: try Desk(reportsFolder: runs.reports, decisions: runs.store), access: access))
    }

    let bearer: HTTPFields = [.authorization: "Bearer t0ken"]
    var json: HTTPFields { [.authorization: "Bearer t0ken", .contentType: "application/json"] }

    /// The response's JSON body as `type`, or nil when it is not that.
    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(String(buffer: response.body).utf8))
    }

    @Test func anAPIRequestWithoutTheTokenIsRefused() async throws {
        let runs = try Runs()
        defer { runs.remove() }
        try await app(runs).test(.router) { client in
            try await client.execute(uri: "/api/runs", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/runs", method: .get, headers: [.authorization: "Bearer wrong"]) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok, "the page itself asks for the token") }
            try await client.execute(uri: "/login", method: .post, body: ByteBuffer(string: #"{"token":"nope"}"#)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/login", method: .post, body: ByteBuffer(string: #"{"token":"t0ken"}"#)) { r in
                #expect(r.status == .ok)
                let cookie = r.headers[.setCookie] ?? ""
                #expect(cookie.contains("trawl_desk=t0ken") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            }
            try await client.execute(uri: "/api/whoami", method: .get, headers: [.cookie: "trawl_desk=t0ken"]) { r in
                #expect(decode([String: String].self, r)?["user"] == "dpo")
            }
            // A trusted proxy's header names the user.
            let proxied: HTTPFields = [.init("X-Remote-User")!: "j.smith"]
            try await client.execute(uri: "/api/whoami", method: .get, headers: proxied) { r in
                #expect(decode([String: String].self, r)?["user"] == "j.smith")
            }
        }
    }

    @Test func filesArePagedAndFilteredOnTheServer() async throws {
        let runs = try Runs()
        defer { runs.remove() }
        try await app(runs).test(.router) { client in
            try await client.execute(uri: "/api/runs", method: .get, headers: bearer) { r in
                let list = try #require(decode([RunInfo].self, r))
                #expect(list.map(\.name) == ["broken.json", "monday.json", "tuesday.json"])
                #expect(list[0].problem?.contains("not a Trawl report") == true)
            }
            try await client.execute(uri: "/api/files?size=2", method: .get, headers: bearer) { r in
                let page = try #require(decode(FilePage.self, r))
                #expect(page.run == "tuesday.json" && page.total == 4 && page.matched == 4 && page.rows.count == 2)
                #expect(page.previous == "monday.json")
            }
            try await client.execute(uri: "/api/files?size=2&page=1", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.rows.map(\.path) == ["/srv/share/it/clean.txt", "/srv/share/hr/new.csv"])
            }
            // New since Monday: the new file only; the moved one has Monday's content.
            try await client.execute(uri: "/api/files?new=1", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.rows.map(\.path) == ["/srv/share/hr/new.csv"])
            }
            try await client.execute(uri: "/api/files?level=Restricted&folder=/srv/share/hr/&type=email", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.rows.map(\.path) == ["/srv/share/hr/staff.csv"])
            }
            // The owner: the account that owns the file, from its permissions in the report.
            try await client.execute(uri: "/api/files?owner=it.admin", method: .get, headers: bearer) { r in
                let page = try #require(decode(FilePage.self, r))
                #expect(page.rows.map(\.path) == ["/srv/share/it/archive/plan-old.txt"])
                #expect(page.rows.map(\.owner) == ["it.admin"])
                #expect(page.owners == ["hr.admin", "it.admin", "j.smith"])
            }
            try await client.execute(uri: "/api/files?owner=hr.admin&level=Restricted", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.rows.map(\.path) == ["/srv/share/hr/staff.csv"])
            }
            try await client.execute(uri: "/api/files?owner=nobody", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.matched == 0)
            }
            try await client.execute(uri: "/api/files?run=broken.json", method: .get, headers: bearer) { r in
                #expect(r.status == .unprocessableContent)
                #expect(decode([String: String].self, r)?["error"]?.contains("not a Trawl report") == true)
            }
            try await client.execute(uri: "/api/file?path=/srv/share/hr/staff.csv", method: .get, headers: bearer) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("AB******C") && !text.contains("SECRET"), "values are masked unless asked for")
            }
        }
    }

    @Test func aDecisionIsRecordedUnderTheAskerAndRefusedWhenItNamesNothing() async throws {
        let runs = try Runs()
        defer { runs.remove() }
        try await app(runs).test(.router) { client in
            let nothing = #"{"run":"tuesday.json","scope":"finding","path":"/srv/share/hr/staff.csv","fingerprint":"hmac-sha256:k1:none","kind":"false_positive","reason":"x"}"#
            try await client.execute(uri: "/api/decisions", method: .post, headers: json, body: ByteBuffer(string: nothing)) { r in
                #expect(r.status == .unprocessableContent)
            }
            let noOwner = #"{"run":"tuesday.json","scope":"folder","path":"/srv/share/hr","kind":"to_remediate","reason":"move it"}"#
            try await client.execute(uri: "/api/decisions", method: .post, headers: json, body: ByteBuffer(string: noOwner)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("owner"))
            }
            let folder = #"{"run":"tuesday.json","scope":"folder","path":"/srv/share/hr","kind":"to_remediate","owner":"hr.manager","reason":"move to the HR system"}"#
            try await client.execute(uri: "/api/decisions", method: .post, headers: json, body: ByteBuffer(string: folder)) { r in
                #expect(r.status == .created)
                let d = try #require(decode(StoredDecision.self, r))
                #expect(d.by == "dpo" && d.scope == .folder && d.owner == "hr.manager")
            }
            try await client.execute(uri: "/api/files?decided=yes", method: .get, headers: bearer) { r in
                #expect(Set(decode(FilePage.self, r)?.rows.map(\.path) ?? []) == ["/srv/share/hr/staff.csv", "/srv/share/hr/new.csv"])
            }
            try await client.execute(uri: "/api/files?assignee=hr.manager&decided=no", method: .get, headers: bearer) { r in
                #expect(decode(FilePage.self, r)?.rows.isEmpty == true)
            }
            try await client.execute(uri: "/api/files?assignee=hr.manager", method: .get, headers: bearer) { r in
                let page = try #require(decode(FilePage.self, r))
                #expect(Set(page.rows.map(\.path)) == ["/srv/share/hr/staff.csv", "/srv/share/hr/new.csv"])
                #expect(page.assignees == ["hr.manager"])
            }
            try await client.execute(uri: "/api/decisions", method: .get, headers: bearer) { r in
                let rows = try #require(decode([DecisionRow].self, r))
                #expect(rows.count == 1 && !rows[0].stale)
            }
            try await client.execute(uri: "/api/decisions/1/close", method: .post, headers: json, body: ByteBuffer(string: #"{"reason":"done"}"#)) { r in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/api/history", method: .get, headers: bearer) { r in
                #expect(decode([DecisionEvent].self, r)?.map(\.action) == ["decided", "closed"])
            }
        }
    }

    @Test func twoRunsAreComparedAsTheDiffCommandDoesWithTheDecisionsTakenBetween() async throws {
        let runs = try Runs()
        defer { runs.remove() }
        // One decision between Monday's and Tuesday's scans, one after Tuesday's: only the first is listed.
        let store = try DecisionStore(path: runs.store)
        _ = try store.add(StoredDecision(scope: .folder, path: "/srv/share/it", kind: .falsePositive, reason: "test files",
                                         by: "auditor", at: "2026-12-07T12:00:00Z"))
        _ = try store.add(StoredDecision(scope: .folder, path: "/srv/share/hr", kind: .ownData, reason: "staff records",
                                         by: "auditor", at: "2026-12-09T12:00:00Z"))
        try await app(runs).test(.router) { client in
            try await client.execute(uri: "/api/diff?old=monday.json&new=tuesday.json", method: .get, headers: bearer) { r in
                let diff = try #require(decode(ReportDiff.self, r), "the body is `trawl diff --format json`: \(String(buffer: r.body))")
                #expect(diff.moved.map(\.to) == ["/srv/share/it/archive/plan-old.txt"])
                #expect(diff.filesNew.map(\.path) == ["/srv/share/hr/new.csv"])
                #expect(diff.decisionsBetween?.map(\.detail) == ["false_positive on folder /srv/share/it: test files"])
            }
            // The desk's own comparison asks for the first changes of each list and the whole totals.
            try await client.execute(uri: "/api/diff?old=monday.json&new=tuesday.json&limit=0", method: .get, headers: bearer) { r in
                let diff = try #require(decode(ReportDiff.self, r), "\(String(buffer: r.body))")
                #expect(diff.moved.isEmpty && diff.filesNew.isEmpty && diff.listsLimitedTo == 0)
                #expect(diff.totals.filesMoved == 1 && diff.totals.filesNew == 1)
            }
            try await client.execute(uri: "/api/diff?old=monday.json&new=tuesday.json&format=csv", method: .get, headers: bearer) { r in
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                let lines = String(buffer: r.body).split(separator: "\r\n")
                #expect(lines.contains { $0.hasPrefix("moved,/srv/share/it/archive/plan-old.txt,/srv/share/it/plan.txt,") })
                #expect(lines.contains { $0.hasPrefix("decision_decided,") && $0.contains("auditor") })
            }
            try await client.execute(uri: "/api/diff?old=monday.json&new=tuesday.json&format=html", method: .get, headers: bearer) { r in
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                let page = String(buffer: r.body)
                #expect(page.contains("<td>/srv/share/it/plan.txt</td><td>/srv/share/it/archive/plan-old.txt</td>"))
                #expect(page.contains("<table id=\"decisions-between\">"))
            }
            try await client.execute(uri: "/api/diff?old=monday.json&new=tuesday.json&format=xml", method: .get, headers: bearer) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/api/diff?old=monday.json&new=broken.json", method: .get, headers: bearer) { r in
                #expect(r.status == .unprocessableContent)
            }
        }
    }
}
