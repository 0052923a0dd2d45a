// The rules a stored result is made under: the key that decides whether the state may carry a
// file's entries over into this run's report.
//
// Design decision: the key is derived from the command's own options by reflection, every option
// by name and value, less a short list of options that shape no entry, each named with its reason.
// An option added to `Scan` is then part of the key without anyone remembering to add it; leaving
// one out takes a line here that says why. An option missing from the key lets results made under
// it reach reports made without it: the raw values of a `--show-values` run, for one.
import Foundation
import LibCrypto
import TrawlClassify
import TrawlDecisions
import TrawlPatterns
import TrawlReport

extension Scan {
    /// Options that change no entry of the report, each with its reason. Every other option of
    /// `Scan` is part of the state's rules.
    static let optionsThatShapeNoEntry: [String: String] = [
        "roots": "results are stored and looked up by path",
        "output": "where the report goes, not what it holds",
        "jobs": "how many files are read at once",
        "state": "the state database itself",
        "findingsOnly": "applied as each entry is written, read or carried over alike",
        "failOn": "the exit status only",
        "quiet": "standard error only",
        "logFormat": "standard error only",
        "progressInterval": "standard error only",
        "keyFile": "the key's id is in the rules (a path says nothing of the key in it)",
        "patterns": "a digest of the pattern files is in the rules",
        "policy": "a digest of the policy file is in the rules",
        "decisions": "a digest of the decisions file is in the rules",
    ]

    /// The command's options as "name=value", those in `optionsThatShapeNoEntry` left out, sorted
    /// by name.
    func shapingOptions() -> [String] {
        let all = Mirror(reflecting: self).children.compactMap { child -> (String, String)? in
            // ArgumentParser's property wrappers are stored as `_name`; each describes its value.
            guard let label = child.label else { return nil }
            return (label.hasPrefix("_") ? String(label.dropFirst()) : label, String(describing: child.value))
        }
        assert(Set(Self.optionsThatShapeNoEntry.keys).isSubset(of: all.map(\.0)), "an option left out of the state's rules does not exist")
        return all.filter { Self.optionsThatShapeNoEntry[$0.0] == nil }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
    }

    /// Identity of everything that shapes a stored result: this build of trawl, the contents of the
    /// patterns, policy and decisions, the key's id, and every option that shapes an entry.
    func stateRules(library: PatternLibrary, policy: Policy, key: Keyring, decisions: DecisionBook?) -> String {
        let identities = [
            "trawl \(Trawl.version)", Self.buildIdentity(),
            library.sources.isEmpty ? "" : RuleSetIdentity.of(files: library.sources, name: "").id,
            RuleSetIdentity.of(files: [("policy.yaml", policy.source)], name: "").id, key.id,
            RuleSetIdentity.of(files: [("decisions", decisions?.source ?? [])], name: "").id,
        ]
        return (identities + shapingOptions()).joined(separator: "|")
    }

    /// This build of trawl: a digest of its own executable. Another build may read a file
    /// differently (an extractor mended, a validator changed), so the state keeps no result of one
    /// build for another; the version alone does not change with every build.
    static func buildIdentity() -> String {
        guard let file = fopen("/proc/self/exe", "rb") else { return "build unknown" }
        defer { fclose(file) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
        return hasher.finalize().withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }
}
