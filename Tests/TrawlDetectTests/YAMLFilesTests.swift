import Foundation
import Testing
import TrawlPatterns
import YAMLFiles
import Yams

/// The quick YAML decoding (no tag rules) against Yams' own decoder, on every pattern file: the
/// same definitions, field by field (strings, numbers, flags, enums, anchors and aliases).
@Suite struct YAMLDecoding {
    private struct PatternFile: Decodable { var patterns: [PatternDefinition] }

    @Test func everyPatternFileDecodesAsYamsDecodesIt() throws {
        let directory = packageRoot.appendingPathComponent("Patterns")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "policy.yaml" }.sorted()
        #expect(names.count >= 10)
        var patterns = 0
        for name in names {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            var quick = "", reference = ""
            let decoded = try YAMLFiles.decode(PatternFile.self, from: data)
            dump(decoded, to: &quick)
            dump(try YAMLDecoder().decode(PatternFile.self, from: data), to: &reference)
            #expect(quick == reference, "\(name)")
            patterns += decoded.patterns.count
        }
        #expect(patterns >= 30)
    }

    @Test func aFileThatIsNotUTF8IsAnError() {
        #expect(throws: (any Error).self) { try YAMLFiles.decode([String].self, from: Data([0x2D, 0x20, 0xFF, 0xFE])) }
    }
}
