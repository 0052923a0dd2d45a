// The decisions store and the rules for matching decisions to findings, on reports planted in
// Fixtures.swift.
import Foundation
import SQLite
import Testing
import TrawlDecisions
import TrawlModel
import TrawlReport

@Suite struct DecisionStoreTests {
    func decision(_ scope: DecisionScope, _ path: String, fingerprint: String? = nil, type: String? = nil,
                  kind: DecisionKind = .falsePositive) -> StoredDecision {
        StoredDecision(scope: scope, path: path, fingerprint: fingerprint, type: type, kind: kind, reason: "test data",
                       by: "dpo", at: "2026-12-01T09:00:00Z")
    }

    @Test func aDecisionIsKeptWithItsHistoryInAnOwnerOnlyFile() throws {
        let s = try Scratch()
        defer { s.remove() }
        let path = s.path("decisions.db")
        var d = decision(.finding, staff.path, fingerprint: nino)
        try d.resolve(in: try report([staff]))
        #expect(d.contentId == staff.content, "the file's content id is taken from the report")
        let stored = try DecisionStore(path: path).add(d)
        let again = try DecisionStore(path: path)
        #expect(try again.open() == [stored])
        try again.close(id: stored.id, by: "auditor", reason: "the file was deleted")
        #expect(try again.open().isEmpty)
        #expect(try again.history().map(\.action) == ["decided", "closed"])
        #expect(try again.history().last?.by == "auditor")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The history is append-only, even to someone with the file in hand.
        let raw = try Database(path: path)
        #expect(throws: SQLiteError.self) { try raw.execute("UPDATE history SET by = 'someone else'") }
        #expect(throws: SQLiteError.self) { try raw.execute("DELETE FROM history") }
    }

    @Test func aDecisionMustNameSomethingInTheReport() throws {
        let r = try report([staff, notes])
        var unknown = decision(.finding, staff.path, fingerprint: "hmac-sha256:k1:ffff")
        #expect(throws: DecisionError.self) { try unknown.resolve(in: r) }
        var elsewhere = decision(.finding, plan.path, fingerprint: nino)
        #expect(throws: DecisionError.self) { try elsewhere.resolve(in: r) }
        var noFolder = decision(.folder, "/srv/share/finance")
        #expect(throws: DecisionError.self) { try noFolder.resolve(in: r) }
        var noType = decision(.type, "/srv/share/hr", type: "uk.passport")
        #expect(throws: DecisionError.self) { try noType.resolve(in: r) }
        var folder = decision(.folder, "/srv/share/hr/")
        try folder.resolve(in: r)
        #expect(folder.path == "/srv/share/hr", "a folder spelled with a trailing slash is the same folder")
    }

    @Test func eachKindCarriesWhatItNeeds() throws {
        #expect(throws: DecisionError.self) { try decision(.file, staff.path, kind: .acceptedRisk).validate() }
        #expect(throws: DecisionError.self) { try decision(.file, staff.path, kind: .toRemediate).validate() }
        var reviewed = decision(.file, staff.path, kind: .acceptedRisk)
        reviewed.reviewBy = "2027-03-31"
        try reviewed.validate()
        var owned = decision(.file, staff.path, kind: .toRemediate)
        owned.owner = "hr.manager"
        try owned.validate()
        var noReason = decision(.file, staff.path)
        noReason.reason = "  "
        #expect(throws: DecisionError.self) { try noReason.validate() }
    }

    @Test func theMostSpecificDecisionWinsAndFollowsTheContent() throws {
        var onFinding = decision(.finding, staff.path, fingerprint: nino, kind: .acceptedRisk)
        onFinding.reviewBy = "2027-01-01"
        onFinding.contentId = staff.content
        onFinding.id = 1
        var onType = decision(.type, "/srv/share", type: "email", kind: .ownData)
        onType.id = 2
        var onFolder = decision(.folder, "/srv/share/hr")
        onFolder.id = 3
        let book = DecisionBook([onFinding, onType, onFolder])
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: staff.path)?.id == 1)
        #expect(book.decision(fingerprint: email, type: "email", path: staff.path)?.id == 2, "the type across the share before the folder")
        #expect(book.decision(fingerprint: "hmac-sha256:k1:eeee", type: "dob", path: notes.path)?.id == 3)
        #expect(book.decision(fingerprint: "hmac-sha256:k1:dddd", type: "uk.nino", path: plan.path) == nil)
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: "/srv/share/hrx/a.txt") == nil, "hrx is not under hr")
        // Renamed and moved out of the folder: the finding's decision follows the content id.
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: "/srv/share/it/renamed.csv", contentId: staff.content)?.id == 1)
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: "/srv/share/it/renamed.csv", contentId: "hmac-sha256:k1:c9") == nil)
        // Inside an archive in the folder.
        #expect(book.decision(fingerprint: "x", type: "dob", path: "/srv/share/hr/old.zip!/a/b.txt")?.id == 3)
    }

    @Test func aMovedFileIsFollowedAndAGoneFindingIsStale() throws {
        let s = try Scratch()
        defer { s.remove() }
        let store = try DecisionStore(path: s.path("d.db"))
        let before = try report([staff, notes, plan])
        var onFile = decision(.file, staff.path)
        try onFile.resolve(in: before)
        onFile = try store.add(onFile)
        var onFinding = decision(.finding, plan.path, fingerprint: "hmac-sha256:k1:dddd")
        try onFinding.resolve(in: before)
        onFinding = try store.add(onFinding)
        var moved = staff
        moved.path = "/srv/share/archive/staff-2025.csv"
        var edited = plan
        edited.content = "hmac-sha256:k1:c4"
        edited.findings = []
        let after = try report([moved, notes, edited])
        #expect(try store.stale(against: after).map(\.id) == [onFinding.id], "the finding is gone; the moved file is not stale")
        let followed = try store.follow(after, by: "trawl")
        #expect(followed.map(\.path) == [moved.path])
        #expect(try store.decision(id: onFile.id)?.path == moved.path)
        #expect(try store.history().contains { $0.action == "moved" && $0.detail.contains("staff-2025.csv") })
    }

    @Test func aYAMLDecisionsFileIsMigratedOnFirstOpen() throws {
        let s = try Scratch()
        defer { s.remove() }
        let path = s.path("decisions.yaml")
        let yaml = """
            decisions:
            - fingerprint: \(nino)
              path: \(staff.path)
              decision: false_positive
              by: j.smith
              at: 2026-11-23T10:04:11.203Z
              note: test data from the MIS supplier
            - fingerprint: \(email)
              path: \(notes.path)
              decision: to_remediate
              by: unknown
              at: 2026-11-24T10:00:00Z
            """
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let store = try DecisionStore(path: path, who: "admin")
        let all = try store.open()
        #expect(all.map(\.fingerprint) == [nino, email])
        #expect(all[0].reason == "test data from the MIS supplier" && all[0].by == "j.smith")
        #expect(try store.history().allSatisfy { $0.action == "imported" && $0.by == "admin" })
        #expect(FileManager.default.contents(atPath: path + ".yaml-migrated") == Data(yaml.utf8), "the YAML is kept as it was")
        #expect(FileManager.default.contents(atPath: path)?.prefix(15) == Data("SQLite format 3".utf8))
        // Opened again, it is the store: nothing is imported twice.
        #expect(try DecisionStore(path: path).open().count == 2)
        let bad = s.path("bad.yaml")
        try Data("decisions: [[[".utf8).write(to: URL(fileURLWithPath: bad))
        #expect(throws: DecisionError.self) { try DecisionStore(path: bad) }
        #expect(FileManager.default.contents(atPath: bad) == Data("decisions: [[[".utf8), "a file that does not parse is left alone")
    }
}

/// A share scanned under a new path: its folder decisions (keyed by path) are moved once, and
/// then match there; a neighbour whose name starts the same is left alone.
@Suite struct MovingAShare {
    @Test func decisionsUnderTheOldPathMatchUnderTheNewOne() throws {
        let s = try Scratch()
        defer { s.remove() }
        let store = try DecisionStore(path: s.path("decisions.db"))
        func add(_ scope: DecisionScope, _ path: String, type: String? = nil) throws -> StoredDecision {
            try store.add(StoredDecision(scope: scope, path: path, type: type, kind: .falsePositive, reason: "test data", by: "dpo",
                                         at: "2026-12-01T09:00:00Z"))
        }
        let hr = try add(.folder, "/srv/share/hr")
        let emails = try add(.type, "/srv/share", type: "email")
        let neighbour = try add(.folder, "/srv/shared/hr")
        let moved = try store.moveRoot(from: "/srv/share/", to: "/mnt/share", by: "it")
        #expect(Set(moved.map(\.id)) == [hr.id, emails.id])
        let book = try store.book()
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: "/mnt/share/hr/staff.csv")?.id == hr.id)
        #expect(book.decision(fingerprint: email, type: "email", path: "/mnt/share/it/plan.txt")?.id == emails.id)
        #expect(book.decision(fingerprint: nino, type: "uk.nino", path: "/srv/share/hr/staff.csv") == nil, "the old path is gone")
        #expect(try store.decision(id: neighbour.id)?.path == "/srv/shared/hr")
        #expect(try store.history().filter { $0.action == "moved" }.map(\.by) == ["it", "it"])
        #expect(throws: DecisionError.self) { try store.moveRoot(from: "/mnt/share", to: "/mnt/share/", by: "it") }
        #expect(throws: DecisionError.self, "a relative new path") { try store.moveRoot(from: "/mnt/share", to: "srv/share", by: "it") }
        // A decision made on a report that named the share by a relative path moves to the
        // absolute path it is recorded under now; a path that only starts the same stays.
        let relative = try add(.folder, "share/hr")
        let other = try add(.folder, "shares/hr")
        #expect(try store.moveRoot(from: "share", to: "/srv/trawl/share", by: "it").map(\.id) == [relative.id])
        #expect(try store.decision(id: relative.id)?.path == "/srv/trawl/share/hr")
        #expect(try store.decision(id: other.id)?.path == "shares/hr")
        #expect(throws: DecisionError.self, "nothing under it") { try store.moveRoot(from: "/nowhere", to: "/srv/share", by: "it") }
    }

    /// The file system's root on either side: "/" is the prefix of every path.
    @Test func theRootMovesToAFolderAndBack() throws {
        let s = try Scratch()
        defer { s.remove() }
        let store = try DecisionStore(path: s.path("decisions.db"))
        let hr = try store.add(StoredDecision(scope: .folder, path: "/hr", kind: .falsePositive, reason: "test data", by: "dpo",
                                              at: "2026-12-01T09:00:00Z"))
        #expect(try store.moveRoot(from: "/", to: "/mnt/share", by: "it").map(\.path) == ["/mnt/share/hr"])
        #expect(try store.moveRoot(from: "/mnt/share", to: "/", by: "it").map(\.path) == ["/hr"])
        #expect(try store.decision(id: hr.id)?.path == "/hr")
    }
}
