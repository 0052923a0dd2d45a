// `trawl export --format sarif`: valid against the OASIS SARIF 2.1.0 schema (scripts/check-sarif.py),
// one result per finding at its file, and no value in clear even from a report that shows them.
import Foundation
import Testing
import TrawlReport

@Suite struct ExportSARIF {
    /// Runs scripts/check-sarif.py on `file`: its exit status and what it said.
    static func check(_ file: URL) throws -> (Int32, String) {
        let run = try runScript("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/check-sarif.py").path, file.path])
        return (run.status, run.err)
    }

    @Test func findingsAreValidSARIFWithMaskedValuesOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-sarif-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Text with a line for each finding, an archive (members), and a name that is not UTF-8.
        let scan = try trawl(["scan", "Samples/text", "Samples/archives/nested.zip", "--show-values", "--quiet"])
        let report = dir.appendingPathComponent("report.json"), out = dir.appendingPathComponent("findings.sarif")
        try scan.raw.write(to: report)
        let (status, _, stderr) = try run(["export", report.path, "--format", "sarif", "-o", out.path])
        #expect(status == 0, "\(stderr)")

        let (valid, errors) = try Self.check(out)
        #expect(valid == 0, "not valid SARIF 2.1.0: \(errors)")

        let text = try String(contentsOf: out, encoding: .utf8)
        let findings = scan.files.flatMap(\.findings)
        #expect(findings.count > 10)
        for value in findings.compactMap(\.value) where value.count > 4 {
            #expect(!text.contains(value), "a value in clear: \(value)")
        }
        let log = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let sarifRun = try #require((log?["runs"] as? [[String: Any]])?.first)
        let results = try #require(sarifRun["results"] as? [[String: Any]])
        #expect(results.count == findings.count)
        let rules = ((sarifRun["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(Set(rules.compactMap { $0["id"] as? String }) == Set(findings.map(\.type)))
        // The note of a learner: its NI number is Restricted (warning) on line 4.
        let nino = try #require(results.first { r in
            (artifactURI(r)?.hasSuffix("Samples/text/learner-note.txt") ?? false) && r["ruleId"] as? String == "uk.nino" })
        #expect(nino["level"] as? String == "warning")
        let region = ((nino["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]
        #expect(region?["startLine"] as? Int == 4)
        // A Latin-1 name keeps its bytes, percent-encoded.
        #expect(results.contains { artifactURI($0)?.hasSuffix("Samples/text/r%E9sum%E9.txt") ?? false })
        // A member of an archive is named as a logical location inside the archive's file.
        #expect(results.contains { r in
            let location = (r["locations"] as? [[String: Any]])?.first
            let logical = (location?["logicalLocations"] as? [[String: Any]])?.first?["fullyQualifiedName"] as? String
            return (artifactURI(r)?.hasSuffix("nested.zip") ?? false) && logical?.contains("nested.zip!/") == true
        })

        // The check can fail: a log without its version is refused.
        let broken = dir.appendingPathComponent("broken.sarif")
        try Data(text.replacingOccurrences(of: "\"version\" : \"2.1.0\"", with: "\"version\" : \"2.0\"").utf8).write(to: broken)
        #expect(try Self.check(broken).0 == 1)
    }
}

/// The artifact URI of a SARIF result's first location.
private func artifactURI(_ result: [String: Any]) -> String? {
    let location = (result["locations"] as? [[String: Any]])?.first
    return ((location?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
}
