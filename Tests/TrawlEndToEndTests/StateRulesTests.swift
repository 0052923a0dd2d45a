// What a state carries from one run into the next: nothing made under other options. Each test
// runs the built binary twice over the same state and reads the second report.
import Foundation
import Testing
import TrawlModel
import TrawlReport

/// A scratch folder with a copy of Samples/text to scan, its state and its key.
struct StateScratch {
    let dir: URL
    var share: URL { dir.appendingPathComponent("share") }
    var state: String { dir.appendingPathComponent("state.db").path }
    var key: String { dir.appendingPathComponent("key").path }

    init(samples: String = "text") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-rules-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples/\(samples)"), to: share)
    }

    func scan(_ extra: [String] = []) throws -> Run {
        try trawl(["scan", share.path, "--state", state, "--quiet"] + extra, key: key)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

@Suite(.serialized) struct StateRules {
    /// Values planted in Samples/text by scripts/make-samples.py.
    func plantedValues() throws -> [String] {
        let data = try Data(contentsOf: root.appendingPathComponent("Samples/expected.json"))
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        return expected.entries.filter { $0.rawPath.starts(with: Array("text/".utf8)) }.flatMap(\.findings).map(\.value)
    }

    @Test func aShowValuesRunLeavesNoValuesForALaterRunWithout() throws {
        let scratch = try StateScratch()
        defer { scratch.remove() }
        let planted = try plantedValues()
        #expect(planted.count > 5)

        let shown = try scratch.scan(["--show-values"])
        let shownValues = shown.files.flatMap(\.findings).compactMap(\.value)
        #expect(Set(shownValues).isSuperset(of: planted), "the first run shows every planted value")

        let masked = try scratch.scan()
        #expect(masked.summary != nil && masked.files.count == shown.files.count)
        #expect(masked.files.flatMap(\.findings).compactMap(\.value).isEmpty, "a value in a report made without --show-values")
        let text = String(decoding: masked.raw, as: UTF8.self)
        #expect(planted.filter { text.contains($0) }.isEmpty, "planted values written as they stand")
        #expect(masked.files.flatMap(\.findings).count == shown.files.flatMap(\.findings).count)

        // And the other way: values asked for are shown, not left out by results stored without them.
        let shownAgain = try scratch.scan(["--show-values"])
        #expect(Set(shownAgain.files.flatMap(\.findings).compactMap(\.value)).isSuperset(of: planted))
    }

    /// Each option that shapes an entry makes the results stored without it stale; the same option
    /// again carries them over (so the first expectation is not met by a state that carries nothing).
    @Test(arguments: [
        ["--show-values"], ["--max-seconds-per-file", "100"], ["--max-file-size", "100M"], ["--include", "*"],
        ["--exclude", "*.none"], ["--follow-symlinks"], ["--plain-matcher"], ["--min-confidence", "low"],
        ["--max-findings", "1"], ["--max-member-size", "32M"], ["--max-total-expansion", "2G"], ["--max-expansion-ratio", "100"],
        ["--max-members", "10"], ["--max-archive-depth", "3"], ["--max-memory-per-file", "512M"],
    ])
    func anOptionThatShapesEntriesIsPartOfTheRules(option: [String]) throws {
        let scratch = try StateScratch()
        defer { scratch.remove() }
        let first = try scratch.scan()
        #expect(first.summary?.filesCarriedOver == 0)
        let changed = try scratch.scan(option)
        #expect(changed.summary?.filesCarriedOver == 0, "results stored without \(option) carried into a run with it")
        let again = try scratch.scan(option)
        #expect(again.summary?.filesCarriedOver == first.files.count)
    }

    /// The decisions, the policy and the patterns are part of the rules by their contents.
    @Test func theDecisionsPolicyAndPatternsArePartOfTheRulesByContent() throws {
        let scratch = try StateScratch()
        defer { scratch.remove() }
        let patterns = scratch.dir.appendingPathComponent("patterns")
        try FileManager.default.copyItem(at: root.appendingPathComponent("Patterns"), to: patterns)
        let decisions = scratch.dir.appendingPathComponent("decisions.yaml")
        try Data("decisions: []\n".utf8).write(to: decisions)
        let options = ["--patterns", patterns.path, "--decisions", decisions.path]
        _ = try scratch.scan(options)
        #expect(try scratch.scan(options).summary?.filesCarriedOver ?? 0 > 0)
        let policy = patterns.appendingPathComponent("policy.yaml")
        try (try Data(contentsOf: policy) + Data("\n# changed\n".utf8)).write(to: policy)
        #expect(try scratch.scan(options).summary?.filesCarriedOver == 0, "a changed policy")
        // A decisions file of the YAML format, written over the store, is migrated into a new one.
        let one = "decisions:\n- {fingerprint: 'hmac-sha256:00:00', path: /elsewhere, decision: false_positive, by: dpo, at: '2026-01-01T00:00:00Z'}\n"
        try FileManager.default.removeItem(at: decisions)
        try Data(one.utf8).write(to: decisions)
        #expect(try scratch.scan(options).summary?.filesCarriedOver == 0, "changed decisions")
    }

    /// --findings-only is applied as entries are written, carried over or not: the state keeps
    /// every entry, and a later run without it lists the clean files too.
    @Test func findingsOnlyLeavesTheStateWhole() throws {
        let scratch = try StateScratch()
        defer { scratch.remove() }
        let full = try trawl(["scan", scratch.share.path, "--quiet"], key: scratch.key)
        let only = try scratch.scan(["--findings-only"])
        #expect(only.files.count < full.files.count && only.files.allSatisfy { !$0.findings.isEmpty || $0.outcome != .scanned })
        let after = try scratch.scan()
        #expect(after.summary?.filesCarriedOver == full.files.count)
        #expect(Set(after.files.map(\.path)) == Set(full.files.map(\.path)))
        let onlyAgain = try scratch.scan(["--findings-only"])
        #expect(Set(onlyAgain.files.map(\.path)) == Set(only.files.map(\.path)))
    }
}
