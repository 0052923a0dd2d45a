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

    private struct Shapes: Decodable, Equatable {
        var name: String
        var count: Int
        var flags: [Bool]
        var nothing: String?
        var absent: Int?
        var levels: [String: Int]
        var nested: [[String]]
        var first: Inner
        var second: Inner
        struct Inner: Decodable, Equatable { var words: [String]; var reach: Int? }
    }

    @Test func scalarsMapsListsNullsAndAliasesAsYamsReadsThem() throws {
        let yaml = """
            name: '007'
            count: 1_000
            flags: [true, no, On, FALSE]
            nothing: ~
            levels: {uk.nino: 2, email: 3}
            nested: [[a, b], [], ['12']]
            first: &shared
              words: [date of birth, dob]
              reach: 40
            second: *shared
            """
        let data = Data(yaml.utf8)
        let decoded = try YAMLFiles.decode(Shapes.self, from: data)
        #expect(decoded == (try YAMLDecoder().decode(Shapes.self, from: data)))
        #expect(decoded.name == "007" && decoded.count == 1000 && decoded.flags == [true, false, true, false])
        #expect(decoded.nothing == nil && decoded.levels == ["uk.nino": 2, "email": 3] && decoded.second.reach == 40)
    }

    @Test func aValueOfTheWrongShapeIsAnErrorNamingItsLine() {
        let yaml = "name: x\ncount: many\n"
        #expect {
            try YAMLFiles.decode(Shapes.self, from: Data(yaml.utf8))
        } throws: { error in
            "\(error)".contains("line 2") && "\(error)".contains("'many'")
        }
    }

    @Test func aFileThatIsNotUTF8IsAnError() {
        #expect(throws: (any Error).self) { try YAMLFiles.decode([String].self, from: Data([0x2D, 0x20, 0xFF, 0xFE])) }
    }
}
