// Who may read a file with findings, from real modes and POSIX ACLs (chmod and setfacl in a
// temporary folder), and the broad readers the policy flags.
import Foundation
import Testing
import TrawlModel
import TrawlReport

/// Runs a system tool (chmod, setfacl) and requires it to succeed.
func runTool(_ tool: String, _ args: [String]) throws {
    let run = try runScript("/usr/bin/env", [tool] + args)
    try #require(run.status == 0, "\(tool) \(args): \(run.err)")
}

@Suite struct Exposure {
    /// A folder of files holding the same personal data, each readable by someone else.
    final class Share {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-exposure-\(UUID())")
        var tree: URL { dir.appendingPathComponent("share") }

        init() throws {
            try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
            let record = Data("Student: Jane Doe\nNI number: JT 48 27 93 C\n".utf8)
            for name in ["world.txt", "private.txt", "students.txt", "masked.txt", "inherited/new.txt"] {
                let file = tree.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try record.write(to: file)
            }
            try Data("nothing personal\n".utf8).write(to: tree.appendingPathComponent("clean.txt"))
            try run("chmod", ["644", path("world.txt"), path("clean.txt")])
            try run("chmod", ["600", path("private.txt"), path("students.txt"), path("masked.txt"), path("inherited/new.txt")])
            // A named group by ACL; another whose read the mask takes away.
            try run("setfacl", ["-m", "g:users:r", path("students.txt")])
            try run("setfacl", ["-m", "g:users:r,m::---", path("masked.txt")])
            // A folder's default ACL, which a file made in it inherits.
            try FileManager.default.removeItem(at: tree.appendingPathComponent("inherited/new.txt"))
            try run("setfacl", ["-d", "-m", "g:users:r", path("inherited")])
            try Data("Student: Jane Doe\nNI number: JT 48 27 93 C\n".utf8).write(to: tree.appendingPathComponent("inherited/new.txt"))
        }

        deinit { try? FileManager.default.removeItem(at: dir) }

        func path(_ name: String) -> String { tree.appendingPathComponent(name).path }

        func run(_ tool: String, _ args: [String]) throws { try runTool(tool, args) }

        func policy(_ extra: String) throws -> String {
            let file = dir.appendingPathComponent("policy-\(UUID()).yaml")
            // The default policy with its own exposure section taken out, and `extra` added.
            let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
                .replacingOccurrences(of: #"(?m)^exposure:\n(  .*\n)*"#, with: "", options: .regularExpression)
            try Data((base + "\n" + extra + "\n").utf8).write(to: file)
            return file.path
        }
    }

    static func entry(_ run: Run, _ name: String) throws -> FileRecord {
        try #require(run.files.first { $0.path.display.hasSuffix("/" + name) }, "\(name): status \(run.status), \(run.stderr)")
    }

    @Test func readersComeFromModeBitsAndACLs() throws {
        let share = try Share()
        let run = try trawl(["scan", share.tree.path, "--quiet"])
        let me = try #require(run.files.first?.permissions?.owner)
        let world = try Self.entry(run, "world.txt")
        #expect(world.permissions?.mode == "0644" && world.permissions?.acl == false)
        #expect(world.permissions?.readers.contains("other") == true)
        #expect(world.exposedTo == ["other"], "the default policy counts everyone as broad")
        #expect(world.reasons.contains { $0.rule == "exposure" && $0.detail.contains("readable by other") })
        let own = try Self.entry(run, "private.txt")
        #expect(own.permissions?.readers == ["user:\(me)"] && own.exposedTo == nil)
        let students = try Self.entry(run, "students.txt")
        #expect(students.permissions?.acl == true && students.permissions?.readers.contains("group:users") == true)
        let masked = try Self.entry(run, "masked.txt")
        #expect(masked.permissions?.readers == ["user:\(me)"], "the mask takes the group's read away")
        let inherited = try Self.entry(run, "inherited/new.txt")
        #expect(inherited.permissions?.readers.contains("group:users") == true, "a folder's default ACL")
        #expect(try Self.entry(run, "clean.txt").permissions == nil, "told only for files with findings")
    }

    @Test func thePolicyNamesWhoIsBroad() throws {
        let share = try Share()
        let policy = try share.policy("exposure: {broad: [other, \"group:users\"], levels: [Confidential, Restricted]}")
        let run = try trawl(["scan", share.tree.path, "--quiet", "--policy", policy])
        #expect(try Self.entry(run, "students.txt").exposedTo == ["group:users"])
        #expect(try Self.entry(run, "inherited/new.txt").exposedTo?.contains("group:users") == true)
        #expect(try Self.entry(run, "masked.txt").exposedTo == nil)
        #expect(try Self.entry(run, "world.txt").exposedTo == ["other"])
        let onlyConfidential = try share.policy("exposure: {broad: [other], levels: [Confidential]}")
        #expect(try Self.entry(try trawl(["scan", share.tree.path, "--quiet", "--policy", onlyConfidential]), "world.txt").exposedTo == nil)
        let bad = try share.policy("exposure: {broad: [students], levels: [Restricted]}")
        let refused = try trawl(["scan", share.tree.path, "--policy", bad])
        #expect(refused.status == 2 && refused.stderr.contains("'students' is not"), "\(refused.stderr)")
    }

    /// The summary counts exposed files, and a diff says which became exposed and which no
    /// longer are.
    @Test func theSummaryAndTheDiffSayWhatIsExposed() throws {
        let share = try Share()
        let key = share.dir.appendingPathComponent("key").path
        let first = try trawl(["scan", share.tree.path, "--quiet"], key: key)
        let exposed = first.files.filter { $0.exposedTo != nil }
        #expect(!exposed.isEmpty && first.summary?.filesExposed == exposed.count)
        let before = share.dir.appendingPathComponent("before.json")
        try first.raw.write(to: before)
        try share.run("chmod", ["600", share.path("world.txt")])
        try share.run("chmod", ["644", share.path("private.txt")])
        let second = try trawl(["scan", share.tree.path, "--quiet"], key: key)
        let after = share.dir.appendingPathComponent("after.json")
        try second.raw.write(to: after)
        let (status, out, _) = try run(["diff", before.path, after.path, "--json"])
        let decoded = try JSONDecoder().decode(ReportDiff.self, from: Data(out.utf8))
        #expect(status == 1, "a file that became exposed is something that rose")
        #expect(decoded.totals.becameExposed == 1 && decoded.totals.noLongerExposed == 1)
        #expect(decoded.exposureChanges.contains { $0.path.hasSuffix("/private.txt") && $0.from.isEmpty && $0.to == ["other"] })
        #expect(decoded.exposureChanges.contains { $0.path.hasSuffix("/world.txt") && $0.to.isEmpty })
    }
}
