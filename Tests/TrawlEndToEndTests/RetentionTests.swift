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

    /// The schedule's events beyond completion and birth: the Pre-CAS interview's date, the day a
    /// form was sent to the GP, and a no-show, which puts a form under a shorter rule of its own.
    @Test func interviewsFormsSentAndNoShowsStartTheirOwnPeriods() throws {
        let share = try Share()
        let files = [
            "pre-cas.txt": "Pre-CAS interview record\nApplicant email: chen.yu@example.org\nInterview date: 03/03/2024\n",
            "health-no-show.txt": "Health declaration\nStudent email: ola.nowak@example.org\nCourse end date: 10/07/2026\nNo show: 08/09/2025\n",
            "rooms-no-show.txt": "Accommodation preference form\nStudent email: ines.duarte@example.org\nDid not arrive: 14/01/2026\n",
            "rooms.txt": "Accommodation preference form\nStudent email: kofi.mensah@example.org\nCourse end date: 10/07/2026\n",
            "gp-form.txt": "Nursing assessment form\nStudent email: maya.singh@example.org\nDate sent: 02/02/2026\n",
        ]
        for (name, text) in files { try Data(text.utf8).write(to: share.tree.appendingPathComponent(name)) }
        let run = try share.scan(["--as-of", "2026-12-07"])
        // 18 months from completion of the Pre-CAS interview (3 March 2024).
        let interview = try #require(Self.retention(run, "pre-cas.txt"))
        #expect(interview.rule == "student.pre-cas-interview" && interview.from == "interview date in the document", "\(interview)")
        #expect(interview.eventDate == "2024-03-03" && interview.due == "2025-09-03")
        // A no-show's health declaration: deleted at the half-term point, 6 weeks after 8 September
        // 2025, although the form also gives a course end date.
        let noShow = try #require(Self.retention(run, "health-no-show.txt"))
        #expect(noShow.rule == "student.health-declaration.no-show" && noShow.due == "2025-10-20", "\(noShow)")
        // Accommodation preferences: one term (4 months) after a no-show, else on completion.
        let roomsNoShow = try #require(Self.retention(run, "rooms-no-show.txt"))
        #expect(roomsNoShow.rule == "student.accommodation-preference.no-show" && roomsNoShow.due == "2026-05-14", "\(roomsNoShow)")
        let rooms = try #require(Self.retention(run, "rooms.txt"))
        #expect(rooms.rule == "student.accommodation-preference" && rooms.due == "2026-07-10", "\(rooms)")
        // A GP form: deleted when sent.
        let gp = try #require(Self.retention(run, "gp-form.txt"))
        #expect(gp.rule == "student.nursing-assessment" && gp.from == "date sent in the document" && gp.due == "2026-02-02", "\(gp)")
    }

    /// A rule that needs an event the schedule cannot find in a document is refused before any
    /// file is read.
    @Test func aRuleOnAnEventWithoutLabelsIsRefused() throws {
        let share = try Share()
        let schedule = share.dir.appendingPathComponent("schedule.yaml")
        try Data("""
            name: bad
            kinds: {form: [form]}
            rules:
              - {id: form.no-show, row: "a row", kinds: [form], events: [no show], keep: 1 month}
            """.utf8).write(to: schedule)
        let policy = share.dir.appendingPathComponent("bad-policy.yaml")
        let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
        try Data((base + "\nretention: [\"\(schedule.path)\"]\n").utf8).write(to: policy)
        let refused = try trawl(["scan", share.tree.path, "--policy", policy.path], key: share.key)
        #expect(refused.status == 2 && refused.stderr.contains("the event 'no show' has no labels"), "\(refused.stderr)")
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

