// A scan split into shards (`--shard K/N`) and joined again (`trawl merge`) gives the report one
// process gives for the whole tree; shards that do not belong together are refused.
import Foundation
import Testing
import TrawlReport

@Suite struct Shards {
    /// A folder for the shards' reports and the key they share.
    final class Scratch {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-shards-\(UUID())")
        var key: String { dir.appendingPathComponent("key").path }

        init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: dir) }

        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

        /// Scans `tree` as shard `k` of `n` into NAME.
        func shard(_ k: Int, of n: Int, tree: String, runId: String = "night", into name: String) throws -> Run {
            let run = try trawl(["scan", tree, "--shard", "\(k)/\(n)", "--run-id", runId], key: key)
            try run.raw.write(to: URL(fileURLWithPath: path(name)))
            return run
        }

        func merge(_ names: [String]) throws -> (run: Run, report: Data?) {
            let out = path("merged-\(UUID()).json")
            let run = try trawl(["merge"] + names.map(path) + ["--output", out], report: false)
            return (run, FileManager.default.contents(atPath: out))
        }
    }

    /// The file lines of a report, as written, sorted (the order of entries varies with --jobs).
    static func fileLines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasSuffix(#""type":"file"}"#) }.map(String.init).sorted()
    }

    /// A summary as JSON with its timing fields left out.
    static func untimed(_ summary: SummaryRecord?) throws -> String {
        var s = try #require(summary)
        s.finished = ""
        s.elapsedSeconds = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(s), as: UTF8.self)
    }

    @Test(arguments: [1, 3, 7])
    func shardsMergedAreTheWholeScan(count: Int) throws {
        let scratch = try Scratch()
        let samples = root.appendingPathComponent("Samples").path
        let whole = try trawl(["scan", samples], key: scratch.key)
        var names: [String] = []
        var perShard: [Int] = []
        for k in 0..<count {
            let run = try scratch.shard(k, of: count, tree: samples, into: "shard-\(k).json")
            #expect(run.begin?.shard == ShardRecord(index: k, count: count))
            perShard.append(run.files.count)
            names.append("shard-\(k).json")
        }
        // Each shard holds a part: with several shards, none holds everything.
        if count > 1 { #expect(perShard.allSatisfy { $0 < whole.files.count }, "\(perShard)") }
        #expect(perShard.reduce(0, +) == whole.files.count)
        let merged = try scratch.merge(names.reversed())
        #expect(merged.run.status == whole.status, "\(merged.run.stderr)")
        let data = try #require(merged.report)
        #expect(Self.fileLines(data) == Self.fileLines(whole.raw))
        let records = try ReportReader.records(from: data)
        let summary = records.compactMap { if case .summary(let s) = $0 { s } else { nil } }.first
        #expect(try Self.untimed(summary) == Self.untimed(whole.summary))
        let begin = records.compactMap { if case .begin(let b) = $0 { b } else { nil } }.first
        #expect(begin?.mergedShards == count && begin?.shard == nil && begin?.runId == "night")
    }

    /// Files added or removed between the shards' walks: no file is in two shards, and every file
    /// there all along is in one.
    @Test func filesChangingBetweenShardsAreNeverTwice() throws {
        let scratch = try Scratch()
        let tree = scratch.dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        for i in 0..<60 { try Data("note \(i)\n".utf8).write(to: tree.appendingPathComponent("note-\(i).txt")) }
        _ = try scratch.shard(0, of: 3, tree: tree.path, into: "a.json")
        for i in 60..<90 { try Data("note \(i)\n".utf8).write(to: tree.appendingPathComponent("note-\(i).txt")) }
        for i in 50..<60 { try FileManager.default.removeItem(at: tree.appendingPathComponent("note-\(i).txt")) }
        _ = try scratch.shard(1, of: 3, tree: tree.path, into: "b.json")
        _ = try scratch.shard(2, of: 3, tree: tree.path, into: "c.json")
        let merged = try scratch.merge(["a.json", "b.json", "c.json"])
        let files = try ReportReader.records(from: try #require(merged.report)).compactMap { r -> String? in
            if case .file(let f) = r { return f.path.text } else { return nil }
        }
        #expect(Set(files).count == files.count, "a file in two shards")
        let always = (0..<50).map { tree.appendingPathComponent("note-\($0).txt").path }
        #expect(Set(always).isSubset(of: Set(files)), "a file there all along is missing")
    }

    @Test func shardsThatDoNotBelongTogetherAreRefused() throws {
        let scratch = try Scratch()
        let samples = root.appendingPathComponent("Samples/office").path
        for k in 0..<3 { _ = try scratch.shard(k, of: 3, tree: samples, into: "s\(k).json") }
        _ = try scratch.shard(1, of: 3, tree: samples, runId: "another", into: "other.json")
        _ = try scratch.shard(0, of: 2, tree: samples, into: "two.json")
        try trawl(["scan", samples], key: scratch.key).raw.write(to: URL(fileURLWithPath: scratch.path("whole.json")))
        let full = try Data(contentsOf: URL(fileURLWithPath: scratch.path("s2.json")))
        let cut = String(decoding: full, as: UTF8.self).split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        try Data(cut.utf8).write(to: URL(fileURLWithPath: scratch.path("cut.json")))

        let cases: [([String], String)] = [
            (["s0.json", "s1.json"], "shard 2/3 is missing"),
            (["s0.json", "s1.json", "s1.json", "s2.json"], "shard 1/3 is given twice"),
            (["s0.json", "other.json", "s2.json"], "of run 'another'"),
            (["s0.json", "s1.json", "two.json"], "shards of different splits"),
            (["s0.json", "s1.json", "whole.json"], "not the report of a shard"),
            (["s0.json", "s1.json", "cut.json"], "incomplete: it has no summary line"),
        ]
        for (names, message) in cases {
            let merged = try scratch.merge(names)
            #expect(merged.run.status == 2, "\(names)")
            #expect(merged.run.stderr.contains(message), "\(names): \(merged.run.stderr)")
            #expect(merged.report == nil, "\(names): a report was written")
        }
    }
}
