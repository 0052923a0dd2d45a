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
        // As it is, an example is shorter than `Detector.prefilterAbove` and searched once, from
        // the first place near its anchors where a match can start to the last. Followed by a
        // blank paragraph that takes it over that length, it is searched window by window near
        // its anchors. Both try the promises about a whole text and about where a match starts
        // (`reach`; `requires_reach` the second only).
        let padding = "\n\n" + String(repeating: " ", count: Detector.prefilterAbove)
        for compiled in set.patterns {
            let def = compiled.definition
            func fail(_ m: String) {
                problems.append(PatternProblem(severity: .error, source: def.source, patternId: def.id, message: m))
            }
            for (i, example) in def.examples.enumerated() {
                let (text, spans) = example.unmarked
                for long in [false, true] {
                    var matches: [Match] = []
                    detector.detect(TextChunk(text: Array((long ? text + padding : text).utf8), firstLine: 1), into: &matches)
                    // An example stands alone: a value that counts only in a document about one
                    // person does not count in it.
                    let ofType = matches.filter { $0.typeId == def.type && !$0.needsPerson }
                    var failed = false
                    for span in spans {
                        let value = String(decoding: Array(text.utf8)[span], as: UTF8.self)
                        guard let m = ofType.first(where: { $0.location.offset == span.lowerBound && $0.value.utf8.count == span.count }) else {
                            let got = ofType.map { "'\($0.value)'" }.joined(separator: ", ")
                            // An over-promising prefilter shows here: name its promise.
                            let promises = def.prefilter.map(Self.promises) ?? []
                            let run = promises.isEmpty ? "" : "; the prefilter promises " + promises.joined(separator: " and ")
                            let form = long ? " in a text over \(Detector.prefilterAbove) bytes" : ""
                            fail("example \(i + 1): '\(value)' not found\(form)\(got.isEmpty ? "" : " (found \(got))")\(run)")
                            failed = true
                            continue
                        }
                        if m.exemption != example.exempt {
                            fail("example \(i + 1): '\(value)' exemption is \(m.exemption?.rawValue ?? "none"), expected \(example.exempt?.rawValue ?? "none")")
                            failed = true
                        }
                    }
                    let extra = ofType.filter { m in !spans.contains { $0.lowerBound == m.location.offset } }
                    for m in extra { fail("example \(i + 1): unexpected extra match '\(m.value)'") }
                    // One report of an example that fails either way.
                    if failed || !extra.isEmpty { break }
                }
            }
            for (i, text) in def.negativeExamples.enumerated() {
                var matches: [Match] = []
                detector.detect(TextChunk(text: Array(text.utf8), firstLine: 1), into: &matches)
                for m in matches where m.typeId == def.type && !m.needsPerson {
                    fail("negative example \(i + 1): '\(m.value)' matched (\(m.patternId))")
                }
            }
        }
        return problems
    }

    /// What a prefilter promises about a whole text and about where in it a match starts, as the
    /// checker names them.
    static func promises(_ p: Prefilter) -> [String] {
        var out: [String] = []
        if p.digitRun > 1 { out.append("\(p.digitRun) digits in a row") }
        if p.joinedDigits > 0 { out.append("\(p.joinedDigits) digits joined") }
        let required = p.requires.map { "'\($0)'" }.joined(separator: ", ")
        if !p.requires.isEmpty { out.append("one of " + required) }
        let anchors = (p.digits ? ["a digit"] : []) + p.literals.map { "'\($0)'" }
        if !anchors.isEmpty { out.append("\(anchors.joined(separator: " or ")) at most \(p.reach) bytes after a match's start") }
        if let r = p.requiresReach { out.append("one of those literals at most \(r) bytes after a match's start") }
        return out
    }
}
