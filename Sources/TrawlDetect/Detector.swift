// Detection: compiled patterns run over the bytes of each text chunk; validators check what the
// scheme defines (prefix rules, calendar dates, postcode areas); context raises confidence.
//
// Key decisions:
// - PCRE2 is compiled and JIT-compiled once per pattern (`PatternSet`, shared by all workers);
//   every worker has its own `Detector` with its own match data. The subject is always bytes.
// - Context is a property of the text, not the regex: keywords are matched on word tokens, so
//   "date of birth", "Date_of_Birth", "DateOfBirth" and "D.O.B." all match the keyword "date of
//   birth" / "dob", while "adobe" does not. A keyword belongs to the nearest value of the same
//   pattern: in "DOB: 12/03/1984, start date 01/09/2020" only the first date is a birth date.
// - A column header (or JSON/XML field name) is context for every value in its column.
import PCRE2
import TrawlModel
import TrawlPatterns

/// A pattern definition with its compiled regex and its keywords in token form. Immutable.
package struct CompiledDefinition: Sendable {
    package let definition: PatternDefinition
    let regex: CompiledPattern
    let keywords: [Keyword]
}

/// The whole set of compiled patterns, shared by every worker.
package final class PatternSet: Sendable {
    package let patterns: [CompiledDefinition]

    /// Compiles every pattern of the library.
    /// - Throws: `PatternProblem` naming the pattern whose regex does not compile or whose
    ///   validator is unknown.
    package init(_ library: PatternLibrary) throws(PatternProblem) {
        var out: [CompiledDefinition] = []
        for def in library.patterns {
            let regex: CompiledPattern
            do {
                regex = try CompiledPattern(def.regex, options: def.caseless ? [.caseless] : [])
            } catch {
                throw PatternProblem(severity: .error, source: def.source, patternId: def.id, message: "regex does not compile: \(error)")
            }
            if let v = def.validator, Validators.named(v) == nil {
                throw PatternProblem(severity: .error, source: def.source, patternId: def.id, message: "unknown validator '\(v)'")
            }
            if def.valueGroup > regex.captureCount {
                throw PatternProblem(severity: .error, source: def.source, patternId: def.id, message: "value_group \(def.valueGroup) does not exist")
            }
            out.append(CompiledDefinition(definition: def, regex: regex, keywords: (def.context?.keywords ?? []).map(Keyword.init)))
        }
        patterns = out
    }
}

/// One worker's detector. Not Sendable: it owns PCRE2 match data.
package struct Detector {
    private let set: PatternSet
    private let scratch: [MatchScratch]
    /// Matches below this confidence are not returned.
    package var minimumConfidence: Confidence

    package init(_ set: PatternSet, minimumConfidence: Confidence = .medium) {
        self.set = set
        self.scratch = set.patterns.map { MatchScratch(for: $0.regex) }
        self.minimumConfidence = minimumConfidence
    }

    private struct Candidate {
        var range: Range<Int>
        var value: String
        var validation: Validation
    }

    /// Every place the regex matched, valid or not: each bounds its neighbours' context windows,
    /// since a keyword next to an invalid value still belongs to that value.
    private struct Shapes {
        var ranges: [Range<Int>] = []

        func previousEnd(before start: Int) -> Int {
            ranges.last { $0.upperBound <= start }?.upperBound ?? 0
        }

        func nextStart(after end: Int, limit: Int) -> Int {
            ranges.first { $0.lowerBound >= end }?.lowerBound ?? limit
        }
    }

    /// Finds every match in `chunk` and appends it to `matches`.
    package func detect(_ chunk: TextChunk, into matches: inout [Match]) {
        var lines = LineCounter(chunk)
        var found: [(offset: Int, match: Match)] = []
        chunk.text.withUnsafeBytes { subject in
            for (index, compiled) in set.patterns.enumerated() {
                let def = compiled.definition
                var candidates: [Candidate] = []
                var shapes = Shapes()
                // A matching error (a resource limit on a pathological subject) ends this pattern
                // on this chunk only; the rest of the chunk and the scan go on.
                try? scratch[index].forEachMatch(in: subject) { groups in
                    guard let range = groups[def.valueGroup] ?? groups[0] else { return true }
                    shapes.ranges.append(range)
                    let value = String(decoding: subject[range], as: UTF8.self)
                    let validation = def.validator.flatMap(Validators.named).map { $0(value) } ?? .valid
                    if case .invalid = validation { return true }
                    candidates.append(Candidate(range: range, value: value, validation: validation))
                    return true
                }
                for candidate in candidates {
                    let evidence = context(for: candidate.range, shapes: shapes, chunk: chunk, subject: subject, compiled: compiled)
                    var confidence = def.confidence
                    if !evidence.isEmpty { confidence = confidence.raised }
                    if def.context?.required == true && evidence.isEmpty { continue }
                    if confidence < minimumConfidence { continue }
                    var exemption: Exemption?
                    if case .exempt(let e) = candidate.validation { exemption = e }
                    let cell = chunk.cells.first { $0.range.contains(candidate.range.lowerBound) }
                    let location = Location(part: chunk.part, line: lines.line(at: candidate.range.lowerBound),
                                            cell: cell?.ref, column: cell?.label, offset: chunk.offset + candidate.range.lowerBound)
                    let match = Match(
                        typeId: def.type, patternId: def.id, value: candidate.value,
                        normalized: Normalization.apply(def.normalize, to: candidate.value),
                        confidence: confidence, evidence: evidence, exemption: exemption, location: location, mask: def.mask)
                    found.append((candidate.range.lowerBound, match))
                }
            }
        }
        // Report order is text order, then pattern order: stable across runs and worker counts.
        found.sort { $0.offset < $1.offset }
        resolveOverlaps(&found)
        matches.append(contentsOf: found.map(\.match))
    }

    /// Where two patterns claim overlapping text, the more confident (then the longer, then the
    /// earlier-defined) wins: "12/03/1984" is not also part of a phone number.
    private func resolveOverlaps(_ found: inout [(offset: Int, match: Match)]) {
        guard found.count > 1 else { return }
        var keep = [Bool](repeating: true, count: found.count)
        for i in found.indices {
            let a = found[i]
            let aEnd = a.offset + a.match.value.utf8.count
            var j = i + 1
            while j < found.count && found[j].offset < aEnd {
                let b = found[j]
                if keep[i] && keep[j] && a.match.typeId != b.match.typeId {
                    let aKey = (a.match.confidence.rawRank, a.match.value.utf8.count)
                    let bKey = (b.match.confidence.rawRank, b.match.value.utf8.count)
                    if bKey > aKey { keep[i] = false } else { keep[j] = false }
                }
                j += 1
            }
        }
        found = found.indices.filter { keep[$0] }.map { found[$0] }
    }

    /// The context that supports a value: a keyword within its window (not nearer another value of
    /// the same pattern), or a keyword in the label of the cell it sits in. The window after a value
    /// ends at the end of its line: a keyword on the next line labels what follows it.
    private func context(for range: Range<Int>, shapes: Shapes, chunk: TextChunk, subject: UnsafeRawBufferPointer,
                         compiled: CompiledDefinition) -> [String] {
        guard let rule = compiled.definition.context, !compiled.keywords.isEmpty else { return [] }
        var evidence: [String] = []
        if let cell = chunk.cells.first(where: { $0.range.contains(range.lowerBound) }), let label = cell.label {
            let tokens = Tokens(Array(label.utf8))
            if let k = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil }) {
                evidence.append("column '\(label)' (keyword '\(k.text)')")
            }
        }
        // Before: from the end of the previous candidate (or the window start) to this value.
        let previousEnd = shapes.previousEnd(before: range.lowerBound)
        let beforeStart = max(previousEnd, range.lowerBound - rule.before, 0)
        if beforeStart < range.lowerBound {
            let tokens = Tokens(Array(subject[beforeStart..<range.lowerBound]))
            if let k = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil }) {
                evidence.append("keyword '\(k.text)' before")
            }
        }
        // After: from this value to the next candidate (or the window end).
        let nextStart = shapes.nextStart(after: range.upperBound, limit: subject.count)
        var afterEnd = min(nextStart, range.upperBound + rule.after, subject.count)
        if let newline = subject[range.upperBound..<afterEnd].firstIndex(of: 10) { afterEnd = newline }
        if range.upperBound < afterEnd && evidence.isEmpty {
            let tokens = Tokens(Array(subject[range.upperBound..<afterEnd]))
            if let k = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil }) {
                evidence.append("keyword '\(k.text)' after")
            }
        }
        return evidence
    }
}

extension Confidence {
    fileprivate var rawRank: Int { Confidence.allCases.firstIndex(of: self)! }
}

/// Counts lines lazily: offsets are asked for in increasing order within one pattern, so the count
/// restarts only when an offset goes backwards.
private struct LineCounter {
    let chunk: TextChunk
    var position = 0
    var line: Int

    init(_ chunk: TextChunk) {
        self.chunk = chunk
        self.line = chunk.firstLine ?? 0
    }

    mutating func line(at offset: Int) -> Int? {
        guard let first = chunk.firstLine else { return nil }
        if offset < position { position = 0; line = first }
        while position < offset {
            if chunk.text[position] == 10 { line += 1 }
            position += 1
        }
        return line
    }
}
