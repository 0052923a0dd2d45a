// Retention: files covered by seed 003's student-data schedule (Patterns/retention), their periods
// run from dates in the documents or their modification times, judged against --as-of.
import Foundation
import Testing
import TrawlModel
import TrawlReport

@Suite struct Retention {
    final class Share {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-retention-\(UUID())")
        var tree: URL { dir.appendingPathComponent("share") }
        var policy: String { dir.appendingPathComponent("policy.yaml").path }
        var key: String { dir.appendingPathComponent("key").path }

        init() throws {
            try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
            // Written as the documents would be; the expected periods are worked out by hand below.
            let files = [
                "health-declaration.txt": "POST ARRIVAL HEALTH DECLARATION\nStudent: Amira Haddad\nDate of birth: 12/03/2004\n"
                    + "Course end date: 15/07/2022\nMedical conditions: asthma (inhaler)\n",
                "guardian-form.txt": "College Guardian Form\nStudent: Tom Reilly\nDate of birth: 01/06/2005\n"
                    + "Guardian email: k.reilly@example.org\n",
                "transcript.txt": "Final transcript\nStudent: Li Wei\nDate of birth: 01/02/2003\nResult: Distinction\n",
                "tenancy.txt": "Tenancy agreement for Room 14, Hall B\nTenant: Sara Novak, sara.novak@example.org\n",
                "model-release.txt": "Model release form\nName: Joe Bloggs\nEmail: joe.bloggs@example.org\n",
                "notes.txt": "Minutes of the tutor meeting\nContact: priya.shah@example.org\n",
            ]
            for (name, text) in files { try Data(text.utf8).write(to: tree.appendingPathComponent(name)) }
            let touch = Process()
            touch.executableURL = URL(fileURLWithPath: "/usr/bin/touch")
            touch.arguments = ["-d", "2025-10-01 12:00:00Z", tree.appendingPathComponent("tenancy.txt").path]
            try touch.run()
            touch.waitUntilExit()
            let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
            let schedule = root.appendingPathComponent("Patterns/retention/student-data.yaml").path
            try Data((base + "\nretention: [\"\(schedule)\"]\n").utf8).write(to: URL(fileURLWithPath: policy))
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        func scan(_ extra: [String]) throws -> Run {
            try trawl(["scan", tree.path, "--quiet", "--policy", policy] + extra, key: key)
        }
    }

    static func retention(_ run: Run, _ name: String) -> RetentionResult? {
        run.files.first { $0.path.display.hasSuffix("/" + name) }?.retention
    }

    @Test func periodsRunFromTheDocumentsDatesOrTheirModificationTime() throws {
        let share = try Share()
        let run = try share.scan(["--as-of", "2026-12-07"])
        #expect(run.begin?.asOf == "2026-12-07")
        // On completion of course: the course end date in the document, and nothing after it.
        let health = try #require(Self.retention(run, "health-declaration.txt"))
        #expect(health.rule == "student.health-declaration" && health.eventDate == "2022-07-15" && health.due == "2022-07-15")
        #expect(health.from == "course completion date in the document")
        // 12 months after the age of 18: born 1 June 2005.
        let guardian = try #require(Self.retention(run, "guardian-form.txt"))
        #expect(guardian.eventDate == "2023-06-01" && guardian.due == "2024-06-01", "\(guardian)")
        // 120 years from birth.
        #expect(Self.retention(run, "transcript.txt")?.due == "2123-02-01")
        // 12 months from the end of the academic year the file was last written in (1 Oct 2025).
        let tenancy = try #require(Self.retention(run, "tenancy.txt"))
        #expect(tenancy.eventDate == "2026-08-31" && tenancy.due == "2027-08-31", "\(tenancy)")
        // Until consent is revoked: not checkable.
        let release = try #require(Self.retention(run, "model-release.txt"))
        #expect(release.due == nil && release.keep == "until consent is revoked")
        // No rule covers the minutes.
        #expect(Self.retention(run, "notes.txt") == nil)
        #expect(run.summary?.filesOverdue == 2)
        #expect(run.stderr.isEmpty)
        // Without a schedule in the policy, nothing is said of a day or of overdue files.
        let plain = try trawl(["scan", share.tree.path, "--quiet", "--as-of", "2026-12-07"], key: share.key)
        #expect(plain.begin?.asOf == nil && plain.summary?.filesOverdue == nil && plain.files.allSatisfy { $0.retention == nil })
    }

    @Test func overdueIsJudgedAgainstTheDayAskedForAlsoWhenCarriedOver() throws {
        let share = try Share()
        let state = share.dir.appendingPathComponent("state.db").path
        #expect(try share.scan(["--as-of", "2022-01-01", "--state", state]).summary?.filesOverdue == 0)
        let later = try share.scan(["--as-of", "2024-07-01", "--state", state])
        #expect(later.summary?.filesCarriedOver == later.files.count, "the day asked for does not make the state stale")
        #expect(later.summary?.filesOverdue == 2)
        let bad = try trawl(["scan", share.tree.path, "--as-of", "31/12/2026"], key: share.key)
        #expect(bad.status == 2 && bad.stderr.contains("--as-of must be a date"))
    }

    /// A diff lists the files that became overdue between two runs.
    @Test func aDiffListsTheFilesNewlyOverdue() throws {
        let share = try Share()
        let before = share.dir.appendingPathComponent("before.json"), after = share.dir.appendingPathComponent("after.json")
        try share.scan(["--as-of", "2023-01-01"]).raw.write(to: before)
        try share.scan(["--as-of", "2026-12-07"]).raw.write(to: after)
        let (status, out, _) = try run(["diff", before.path, after.path, "--json"])
        #expect(status == 0, "a file overdue is not something that rose")
        let diff = try JSONDecoder().decode(ReportDiff.self, from: Data(out.utf8))
        // The health declaration was already overdue on 2023-01-01; the guardian form fell due on 2024-06-01.
        #expect(diff.newlyOverdue.map { ($0.path as NSString).lastPathComponent } == ["guardian-form.txt"], "\(diff.newlyOverdue)")
        #expect(diff.newlyOverdue.first?.due == "2024-06-01" && diff.totals.newlyOverdue == 1)
    }
}

