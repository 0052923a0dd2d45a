// Runs every pattern's examples and non-examples through the real detector, as
// `trawl patterns check` and the test suite both do (one function, so they cannot disagree).
import TrawlModel
import TrawlPatterns

package enum PatternChecker {
    /// Lints the library and runs its examples. An example must be found exactly at its marked
    /// span, by a pattern of the same type, at the default minimum confidence, with the expected
    /// exemption; a non-example must produce no match of the pattern's type at all.
    package static func check(_ library: PatternLibrary, _ set: PatternSet) -> [PatternProblem] {
        var problems = library.lint()
        let detector = Detector(set)
        for compiled in set.patterns {
            let def = compiled.definition
            func fail(_ m: String) {
                problems.append(PatternProblem(severity: .error, source: def.source, patternId: def.id, message: m))
            }
            for (i, example) in def.examples.enumerated() {
                let (text, spans) = example.unmarked
                var matches: [Match] = []
                detector.detect(TextChunk(text: Array(text.utf8), firstLine: 1), into: &matches)
                let ofType = matches.filter { $0.typeId == def.type }
                for span in spans {
                    let value = String(decoding: Array(text.utf8)[span], as: UTF8.self)
                    guard let m = ofType.first(where: { $0.location.offset == span.lowerBound && $0.value.utf8.count == span.count }) else {
                        let got = ofType.map { "'\($0.value)'" }.joined(separator: ", ")
                        // An over-promising prefilter shows here: name its promise.
                        let promises = def.prefilter.map { p in
                            (p.digitRun > 1 ? ["\(p.digitRun) digits in a row"] : []) + (p.joinedDigits > 0 ? ["\(p.joinedDigits) digits joined"] : [])
                                + (p.requires.isEmpty ? [] : ["one of " + p.requires.map { "'\($0)'" }.joined(separator: ", ")])
                        } ?? []
                        let run = promises.isEmpty ? "" : "; the prefilter promises " + promises.joined(separator: " and ")
                        fail("example \(i + 1): '\(value)' not found\(got.isEmpty ? "" : " (found \(got))")\(run)")
                        continue
                    }
                    if m.exemption != example.exempt {
                        fail("example \(i + 1): '\(value)' exemption is \(m.exemption?.rawValue ?? "none"), expected \(example.exempt?.rawValue ?? "none")")
                    }
                }
                let extra = ofType.filter { m in !spans.contains { $0.lowerBound == m.location.offset } }
                for m in extra { fail("example \(i + 1): unexpected extra match '\(m.value)'") }
            }
            for (i, text) in def.negativeExamples.enumerated() {
                var matches: [Match] = []
                detector.detect(TextChunk(text: Array(text.utf8), firstLine: 1), into: &matches)
                for m in matches where m.typeId == def.type {
                    fail("negative example \(i + 1): '\(m.value)' matched (\(m.patternId))")
                }
            }
        }
        return problems
    }
}
