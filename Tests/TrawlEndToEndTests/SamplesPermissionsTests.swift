// Samples/retention/ laid out by scripts/make-samples-permissions (real modes, POSIX ACLs and
// modification times) and scanned with seed 003's retention schedule and a policy that counts
// `other` and the group `users` as broad: every file's exposure and retention outcome, exactly.
import Foundation
import Testing
import TrawlModel
import TrawlReport

@Suite struct SamplesPermissions {
    /// What a person reads off the script's plan and the schedule, for a scan as of 2026-12-07.
    struct Outcome {
        /// Broad readers when the ACLs were set (as root).
        var exposedTo: [String]?
        /// Broad readers when the script could not set ACLs.
        var withoutACLs = WithoutACLs.same
        var rule: String?
        var from: String?
        var eventDate: String?
        var due: String?
        var overdue = false
    }

    enum WithoutACLs {
        case same
        /// What the planted mode bits alone give.
        case exposedTo([String]?)
        /// The file's mode comes from the folder's default ACL, or without it the umask.
        case notPlanted
    }

    static let asOf = "2026-12-07"

    static let expected: [String: Outcome] = [
        // 0644: everyone reads it. "On completion of course": the course end date in the form.
        "health-declaration.txt": Outcome(exposedTo: ["other"], rule: "student.health-declaration",
                                          from: "course completion date in the document", eventDate: "2024-07-15", due: "2024-07-15", overdue: true),
        // 0600. A no-show: 6 weeks (the half-term point) from 8 September 2025.
        "health-declaration-no-show.txt": Outcome(rule: "student.health-declaration.no-show", from: "no-show date in the document",
                                                  eventDate: "2025-09-08", due: "2025-10-20", overdue: true),
        // 0600 and an ACL entry for the group users. 18 months from the interview of 3 March 2025.
        "pre-cas-interview.txt": Outcome(exposedTo: ["group:users"], withoutACLs: .exposedTo(nil), rule: "student.pre-cas-interview",
                                         from: "interview date in the document", eventDate: "2025-03-03", due: "2026-09-03", overdue: true),
        // 0600; the ACL's mask takes the group's read away. Born 1 June 2009: 12 months after the age of 18.
        "guardian-form.txt": Outcome(withoutACLs: .exposedTo(nil), rule: "student.guardian-form", from: "date of birth in the document",
                                     eventDate: "2027-06-01", due: "2028-06-01"),
        // 0640, the owner's own group (not broad). 12 months from the end of the academic year
        // in which it was last written (1 October 2025).
        "tenancy-agreement.txt": Outcome(rule: "student.tenancy", from: "end of the academic year of the modification time",
                                         eventDate: "2026-08-31", due: "2027-08-31"),
        // Made in a folder whose default ACL gives users read and others nothing. 18 months from
        // its modification time, 10 March 2024.
        "shared/offer-letter.txt": Outcome(exposedTo: ["group:users"], withoutACLs: .notPlanted, rule: "student.offer-letter",
                                           from: "modification time", eventDate: "2024-03-10", due: "2025-09-10", overdue: true),
        // 0604: others read it. Until consent is revoked: covered, not checkable.
        "model-release.txt": Outcome(exposedTo: ["other"], rule: "student.model-release",
                                     from: "not checkable: the period is not a length of time"),
        // 0644, and no rule covers the minutes of a meeting.
        "tutor-minutes.txt": Outcome(exposedTo: ["other"]),
        // No personal data: neither who may read it nor how long it may be kept is told.
        "room-list.txt": Outcome(),
    ]

    @Test func everyFileGetsThePlantedExposureAndRetention() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-samples-permissions-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("retention")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["python3", root.appendingPathComponent("scripts/make-samples-permissions").path, tree.path]
        let out = Pipe()
        make.standardOutput = out
        try make.run()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        make.waitUntilExit()
        try #require(make.terminationStatus == 0)
        let acls = said.hasPrefix("acls: set")
        if !acls { print("SamplesPermissions: ACLs not set (not root); the files that depend on them are checked by mode bits only") }

        let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: #"(?m)^exposure:\n(  .*\n)*"#, with: "", options: .regularExpression)
        let schedule = root.appendingPathComponent("Patterns/retention/student-data.yaml").path
        let policy = dir.appendingPathComponent("policy.yaml")
        try Data((base + "\nexposure: {broad: [other, \"group:users\"], levels: [Confidential, Restricted]}\n"
                  + "retention: [\"\(schedule)\"]\n").utf8).write(to: policy)
        let run = try trawl(["scan", tree.path, "--quiet", "--policy", policy.path, "--as-of", Self.asOf],
                            key: dir.appendingPathComponent("key").path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.files.count == Self.expected.count, "\(run.files.map(\.path.display))")

        var overdue = 0, exposed = 0
        for (name, want) in Self.expected.sorted(by: { $0.key < $1.key }) {
            guard let file = run.files.first(where: { $0.path.display == tree.appendingPathComponent(name).path }) else {
                Issue.record("\(name): not in the report")
                continue
            }
            switch (acls, want.withoutACLs) {
            case (true, _), (false, .same):
                #expect(file.exposedTo == want.exposedTo, "\(name): exposed to \(file.exposedTo ?? []), readers \(file.permissions?.readers ?? [])")
            case (false, .exposedTo(let byMode)):
                #expect(file.exposedTo == byMode, "\(name): exposed to \(file.exposedTo ?? []) by its mode")
            case (false, .notPlanted):
                break
            }
            let got = file.retention
            #expect(got?.rule == want.rule, "\(name): rule \(got?.rule ?? "none")")
            #expect(got?.from == want.from, "\(name): from \(got?.from ?? "none")")
            #expect(got?.eventDate == want.eventDate, "\(name): event date \(got?.eventDate ?? "none")")
            #expect(got?.due == want.due, "\(name): due \(got?.due ?? "none")")
            if want.overdue { overdue += 1 }
            if file.exposedTo != nil { exposed += 1 }
            #expect((file.permissions == nil) == (name == "room-list.txt"), "\(name): who may read it is told for files with findings")
        }
        #expect(run.summary?.filesOverdue == overdue && overdue == 4)
        #expect(run.summary?.filesExposed == exposed && (!acls || exposed == 5))
        #expect(run.begin?.asOf == Self.asOf)
    }
}
