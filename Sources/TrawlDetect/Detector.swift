// Detection: compiled patterns run over the bytes of each text chunk; validators check what the
// scheme defines (prefix rules, checksums, calendar dates, postcode areas); context raises
// confidence; special-category values count only in a record that is about a person.
//
// Key decisions:
// - PCRE2 is compiled and JIT-compiled once per pattern (`PatternSet`, shared by all workers);
//   every worker has its own `Detector` with its own match data. The subject is always bytes.
// - Context is a property of the text, not the regex: keywords are matched on word tokens, so
//   "date of birth", "Date_of_Birth", "DateOfBirth" and "D.O.B." all match the keyword "date of
//   birth" / "dob", while "adobe" does not. A keyword belongs to the nearest value of the same
//   pattern: in "DOB: 12/03/1984, start date 01/09/2020" only the first date is a birth date.
// - A column header (or JSON/XML field name) is context for every value in its column, and for a
//   `field` pattern (special categories) the header is the field: a value under "Ethnicity" is an
//   ethnicity.
// - A special-category value is about a person only when its record (the table row, the JSON or
//   XML record, or the paragraph) also holds a personal identifier or a person's name field. Text
//   that merely names the categories (a policy, a blank form) is not special-category data.
import Foundation
import Hyperscan
import PCRE2
import TrawlModel
import TrawlPatterns

/// A pattern definition with its compiled regexes and its keywords in token form. Immutable.
/// A class, and the fields the detector reads for every chunk and value held apart from the
/// definition: copying the definition (a struct of strings and lists) for each of a million
/// spreadsheet rows was most of the time spent on them.
package final class CompiledDefinition: Sendable {
    package let definition: PatternDefinition
    let regex: CompiledPattern
    /// The capture group holding the value.
    let valueGroup: Int
    let keywords: [Keyword]
    /// Field labels, for matching column headers.
    let fieldLabels: [Keyword]
    let nearby: CompiledPattern?
    let isField: Bool
    /// An identifying pattern (category personal): its values claim the keywords before them.
    let isPersonal: Bool
    let prefilter: Prefilter?
    let validator: Validators.Check?
    let context: ContextRule?
    /// The prefilter's literals, as indexes into the set's `literalTexts`.
    let literalIds: [Int]
    /// The prefilter's `requires`, as indexes into the set's `literalTexts`: one must be in a text
    /// for the pattern to search it.
    let requiredIds: [Int]
    /// What every match of the pattern carries, read here for each value rather than through a
    /// copy of the whole definition.
    let typeId: String
    let patternId: String
    let confidence: Confidence
    let normalize: Normalizer
    let mask: MaskStyle
    let category: PatternCategory
    let contextRequired: Bool
    /// The context rule's window, bytes before and after a value; nil without a rule. Held apart
    /// from the rule: reading the rule itself copies it, retaining each of its arrays, for every
    /// value.
    let contextWindow: (before: Int, after: Int)?

    init(definition: PatternDefinition, regex: CompiledPattern, valueGroup: Int, keywords: [Keyword], fieldLabels: [Keyword],
         nearby: CompiledPattern?, literalIds: [Int], requiredIds: [Int]) {
        self.literalIds = literalIds
        self.requiredIds = requiredIds
        self.definition = definition
        self.regex = regex
        self.valueGroup = valueGroup
        self.keywords = keywords
        self.fieldLabels = fieldLabels
        self.nearby = nearby
        isField = definition.field != nil
        isPersonal = definition.category == .personal
        prefilter = definition.prefilter
        validator = definition.validator.flatMap(Validators.named)
        context = definition.context
        typeId = definition.type
        patternId = definition.id
        confidence = definition.confidence
        normalize = definition.normalize
        mask = definition.mask
        category = definition.category
        contextRequired = definition.context?.required == true
        contextWindow = definition.context.map { ($0.before, $0.after) }
    }
}

/// The whole set of compiled patterns, shared by every worker.
package final class PatternSet: Sendable {
    package let patterns: [CompiledDefinition]
    /// Every prefilter literal of every pattern (anchors and `requires` alike), lower case, each
    /// once: first, sorted, those whose every occurrence is needed (anchors, and the literals a
    /// pattern requires near a match's start); then, sorted, those that only decide whether a
    /// text is searched at all (`LiteralNeedles.scanned` counts the first).
    let literalTexts: [String]
    /// The same literals as bytes, each with the byte a search for it looks for first.
    let literalNeedles: LiteralNeedles
    /// The literals whose every occurrence is needed, in one Hyperscan database, found in one pass
    /// per chunk (ids are indexes into `literalTexts`); nil where Hyperscan cannot build it (a CPU
    /// it does not support), and each literal is then searched for on its own. The others are
    /// looked for only where a pattern that requires them is otherwise anchored, and only up to
    /// their first occurrence: a comma, which a GPS position requires, is in every sentence, and
    /// reporting each one was a fifth of the pass over prose.
    let literals: LiteralSet?
    /// By pattern index: whether a digit is an anchor of the pattern.
    let anchoredOnDigits: [Bool]
    /// By pattern index: the run of digits every match holds (`Prefilter.digitRun`; 1 without).
    let digitRun: [Int]
    /// By pattern index: the joined run of digits every match holds (`Prefilter.joinedDigits`; 0
    /// without).
    let joinedDigits: [Int]
    /// Whether any pattern is anchored on digits (else a chunk's digit runs are not looked for).
    let anyAnchoredOnDigits: Bool
    /// By literal index: the patterns that literal is an anchor of.
    let patternsOfLiteral: [[Int]]
    /// By pattern index: whether the pattern has no prefilter (it is searched in every chunk).
    let unfiltered: [Bool]
    /// The patterns whose prefilter `requires` literals.
    let requiringPatterns: [Int]
    /// By pattern index: whether column labels can name the pattern's field.
    let hasFieldLabels: [Bool]
    /// Patterns searched in the same windows (the same anchors and reach, the same options, the
    /// same required literals where their `requiresReach` narrows the windows), each
    /// group's regexes joined in one alternation: where it does not match, none of them can, so
    /// one search of a window rules it out for the whole group. In prose most digit runs are no
    /// pattern's, and a search per pattern per run was most of the regex time.
    let unions: [CompiledPattern]
    /// By pattern index: the index of its group's alternation in `unions`, if it is in a group.
    let unionOf: [Int?]

    /// Compiles every pattern of the library.
    /// - Throws: `PatternProblem` naming the pattern whose regex does not compile or whose
    ///   validator is unknown.
    package init(_ library: PatternLibrary) throws(PatternProblem) {
        var out: [CompiledDefinition] = []
        var sources: [(regex: String, options: CompileOptions)] = []
        let scanned = Set(library.patterns.flatMap { p in
            (p.prefilter?.literals ?? []) + (p.prefilter?.requiresReach == nil ? [] : p.prefilter?.requires ?? [])
        }.map { $0.lowercased() })
        let checked = Set(library.patterns.flatMap { $0.prefilter?.requires ?? [] }.map { $0.lowercased() }).subtracting(scanned)
        let literalTexts = scanned.sorted() + checked.sorted()
        let literalId = Dictionary(uniqueKeysWithValues: literalTexts.enumerated().map { ($0.element, $0.offset) })
        for def in library.patterns {
            func problem(_ m: String) -> PatternProblem {
                PatternProblem(severity: .error, source: def.source, patternId: def.id, message: m)
            }
            let source = def.regex ?? FieldRegex.build(labels: def.field?.labels ?? [])
            let valueGroup = def.regex == nil ? 1 : def.valueGroup
            let regex: CompiledPattern
            var nearby: CompiledPattern?
            let options: CompileOptions = def.caseless || def.regex == nil ? [.caseless] : []
            sources.append((source, options))
            do {
                regex = try CompiledPattern(source, options: options)
                if let n = def.context?.nearby { nearby = try CompiledPattern(n, options: [.caseless]) }
            } catch {
                throw problem("regex does not compile: \(error)")
            }
            if let v = def.validator, Validators.named(v) == nil { throw problem("unknown validator '\(v)'") }
            if valueGroup > regex.captureCount { throw problem("value_group \(valueGroup) does not exist") }
            out.append(CompiledDefinition(
                definition: def, regex: regex, valueGroup: valueGroup, keywords: (def.context?.keywords ?? []).map(Keyword.init),
                fieldLabels: (def.field?.labels ?? []).map(Keyword.init), nearby: nearby,
                literalIds: (def.prefilter?.literals ?? []).compactMap { literalId[$0.lowercased()] },
                requiredIds: (def.prefilter?.requires ?? []).compactMap { literalId[$0.lowercased()] }))
        }
        patterns = out
        self.literalTexts = literalTexts
        literalNeedles = LiteralNeedles(literalTexts, scanned: scanned.count)
        anchoredOnDigits = out.map { $0.prefilter?.digits == true }
        digitRun = out.map { $0.prefilter?.digitRun ?? 1 }
        joinedDigits = out.map { $0.prefilter?.joinedDigits ?? 0 }
        anyAnchoredOnDigits = anchoredOnDigits.contains(true)
        var patternsOfLiteral = [[Int]](repeating: [], count: literalTexts.count)
        for (index, compiled) in out.enumerated() {
            for id in compiled.literalIds { patternsOfLiteral[id].append(index) }
        }
        self.patternsOfLiteral = patternsOfLiteral
        unfiltered = out.map { $0.prefilter == nil }
        requiringPatterns = out.indices.filter { !out[$0].requiredIds.isEmpty }
        hasFieldLabels = out.map { !$0.fieldLabels.isEmpty }
        literals = scanned.isEmpty ? nil : try? LiteralSet(literalTexts.prefix(scanned.count).map { Array($0.utf8) }, caseless: true)
        (unions, unionOf) = Self.unions(out, sources: sources)
    }

    /// Groups the patterns that are searched in the same windows and compiles each group of two
    /// or more into one alternation. Branch reset, `(?|(?:A)|(?:B))`, numbers each alternative's
    /// groups from 1 as in its own regex, so a backreference keeps its meaning; each regex sits
    /// in a group of its own, so an option it sets inline stays inside it. A regex that could
    /// mean something else as an alternative is left out (`RegexJoining.canJoin`), and so is a
    /// group whose alternation does not compile: its patterns are then searched as before.
    private static func unions(_ patterns: [CompiledDefinition], sources: [(regex: String, options: CompileOptions)])
        -> ([CompiledPattern], [Int?]) {
        var groups: [[Int]] = []
        var groupOfKey: [String: Int] = [:]
        for (index, compiled) in patterns.enumerated() {
            guard let p = compiled.prefilter, RegexJoining.canJoin(sources[index].regex) else { continue }
            let narrowed = p.requiresReach.map { " requires \(compiled.requiredIds) within \($0)" } ?? ""
            let key = "\(p.digits) \(p.reach) \(compiled.literalIds) \(sources[index].options.rawValue)\(narrowed)"
            if let g = groupOfKey[key] { groups[g].append(index) } else { groupOfKey[key] = groups.count; groups.append([index]) }
        }
        var unions: [CompiledPattern] = []
        var unionOf = [Int?](repeating: nil, count: patterns.count)
        for members in groups where members.count > 1 {
            let source = "(?|" + members.map { "(?:" + sources[$0].regex + ")" }.joined(separator: "|") + ")"
            guard let union = try? CompiledPattern(source, options: sources[members[0]].options) else { continue }
            for m in members { unionOf[m] = unions.count }
            unions.append(union)
        }
        return (unions, unionOf)
    }
}

/// Which regexes keep their meaning as one alternative of a larger alternation.
enum RegexJoining {
    /// False for a regex with a backtracking verb (a `(*COMMIT)` would end the other
    /// alternatives' attempts too), `\K` (a match would not start where it says), a subroutine
    /// call or recursion (group numbers change), a named group (names would clash), a callout,
    /// or extended mode (a comment would run on past the closing parenthesis). Escaped
    /// characters are skipped; anything in doubt is refused, which only costs speed.
    static func canJoin(_ regex: String) -> Bool {
        let b = Array(regex.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 92 {  // "\"
                guard i + 1 < b.count else { return false }
                if b[i + 1] == 75 || b[i + 1] == 103 { return false }  // \K, \g
                i += 2
                continue
            }
            if b[i] == 40 && i + 1 < b.count && b[i + 1] == 42 { return false }  // "(*"
            if b[i] == 40 && i + 1 < b.count && b[i + 1] == 63 {  // "(?"
                let next: UInt8 = i + 2 < b.count ? b[i + 2] : 0
                switch next {
                case 58, 61, 33, 124, 62:  // (?:  (?=  (?!  (?|  (?>
                    break
                case 60:  // (?<= and (?<! are lookbehinds; (?<name> is a named group
                    let after: UInt8 = i + 3 < b.count ? b[i + 3] : 0
                    if after != 61 && after != 33 { return false }
                default:
                    // Inline options, "(?i)" or "(?i-m:", of the letters i, m, n, s, U, J (not x),
                    // "-" and "^", up to ")" or ":"; anything else ((?R), (?1), (?P<name>...) is refused.
                    var j = i + 2
                    while j < b.count, b[j] != 41, b[j] != 58 {
                        guard Array("imnsUJ-^".utf8).contains(b[j]) else { return false }
                        j += 1
                    }
                    if j == i + 2 || j == b.count { return false }
                }
            }
            i += 1
        }
        return true
    }
}

/// Builds the text form of a labelled field: "Label: value" or "Label = value", the label
/// tolerant of spaces, underscores and hyphens between its words, the value up to the end of the
/// line, cell or clause.
enum FieldRegex {
    static func build(labels: [String]) -> String {
        let alternatives = labels.map { label in
            label.split(separator: " ").map { word in
                word.map { c in c.isLetter || c.isNumber ? String(c) : "\\" + String(c) }.joined()
            }.joined(separator: "[\\s_-]*")
        }.joined(separator: "|")
        return "(?<![A-Za-z0-9])(?:\(alternatives))(?:[ \\t]*\\([^)\\n]{0,40}\\))?[ \\t]*[:=][ \\t]*([^\\n\\t;|]{1,80})"
    }
}

/// One worker's detector. Not Sendable: it owns PCRE2 match data. A class, so that handing the
/// worker's detector to each file takes one reference, not a copy of every field.
package final class Detector {
    private let set: PatternSet
    private let scratch: [MatchScratch]
    private let nearbyScratch: [MatchScratch?]
    /// Match data for each group's alternation (`PatternSet.unions`).
    private let unionScratch: [MatchScratch]
    /// Matches below this confidence are not returned.
    package let minimumConfidence: Confidence
    /// Run each pattern only near its anchors (`Prefilter`); false runs every pattern over the
    /// whole text, one after another: the plain path the fast one is checked against.
    package let usePrefilter: Bool
    /// This worker's Hyperscan scratch for the set's literals.
    private let literalScanner: LiteralScanner?
    /// This worker's memory of what column labels mean to the patterns.
    private let labelMeanings = LabelMeanings()
    /// Where this worker's searches collect their matches.
    private let sink = MatchSink()

    package init(_ set: PatternSet, minimumConfidence: Confidence = .medium, usePrefilter: Bool = true) {
        self.set = set
        self.usePrefilter = usePrefilter
        self.literalScanner = set.literals.flatMap { try? LiteralScanner(for: $0) }
        self.scratch = set.patterns.map { MatchScratch(for: $0.regex) }
        self.nearbyScratch = set.patterns.map { $0.nearby.map { MatchScratch(for: $0) } }
        self.unionScratch = set.unions.map { MatchScratch(for: $0) }
        self.minimumConfidence = minimumConfidence
    }

    fileprivate struct Candidate {
        var range: Range<Int>
        var value: String
        var validation: Validation
        /// Evidence that comes with the candidate itself (the column that named a field).
        var evidence: [String] = []
    }

    /// A match kept for this chunk, with what the later passes need.
    fileprivate struct Found {
        var offset: Int
        var end: Int
        var match: Match
        var category: PatternCategory
    }

    /// Every place the regex matched, valid or not: each bounds its neighbours' context windows,
    /// since a keyword next to an invalid value still belongs to that value.
    private struct Shapes {
        /// A part of the chunk's buffer of every pattern's shapes, or of the buffer they are
        /// merged in with the claimants.
        var ranges: ArraySlice<Range<Int>>

        /// The end of the nearest range wholly before `start` (ranges overlapping the value itself,
        /// such as the same digits read as another type, do not count). `ranges` are sorted by
        /// their start: a binary search finds where to look back from (a chunk can hold
        /// thousands of values, and a scan per value would be quadratic).
        func previousEnd(before start: Int) -> Int {
            var i = ranges.startIndex + ranges.prefixCount { $0.lowerBound <= start }
            while i > ranges.startIndex {
                i -= 1
                if ranges[i].upperBound <= start { return ranges[i].upperBound }
            }
            return 0
        }

        func nextStart(after end: Int, limit: Int) -> Int {
            let i = ranges.startIndex + ranges.prefixCount { $0.lowerBound < end }
            return i < ranges.endIndex ? ranges[i].lowerBound : limit
        }
    }

    /// Chunks longer than this are searched only near their anchors; a shorter one (a table row,
    /// a short paragraph) is searched once by each pattern whose anchors it holds, from the first
    /// place a match can start to the last (`Anchors.span`): a search per window there costs more
    /// than the one search it would save (measured on spreadsheets, Word files and small files).
    static let prefilterAbove = 128

    /// Finds every match in `chunk` and appends it to `matches`, in text order.
    package func detect(_ chunk: TextChunk, into matches: inout [Match]) {
        let start = matches.count
        detect(chunk, lastFirstInto: &matches)
        matches[start...].reverse()
    }

    /// Finds every match in `chunk` and appends it to `matches` in reverse text order, the last
    /// first: for a caller that takes them from the end of the array (`popLast`), which moves
    /// each out in text order where reversing the array copied each twice, retaining every one
    /// of its strings.
    package func detect(_ chunk: TextChunk, lastFirstInto matches: inout [Match]) {
        var anchors = Anchors(chunk.text, literals: set.literalNeedles, scanner: literalScanner)
        // Which patterns can match here at all: worked out once for the chunk, so that a pattern
        // whose anchors are absent costs nothing more (no windows, no search, no reference taken).
        let anchored = usePrefilter ? anchors.anchoredPatterns(set) : []
        // A chunk that holds no anchor of any pattern (most small files: no digit, no literal)
        // cannot match: nothing more is made for it. Column labels can name a field without an
        // anchor, so a chunk with cells goes on.
        if usePrefilter && chunk.cells.isEmpty && !anchored.contains(true) {
            return
        }
        var lines = LineCounter(chunk)
        // What the patterns' searches collect goes into the worker's one sink, whose buffers are
        // taken for the chunk and handed back empty: a table row's values, each pattern's in
        // arrays of their own and the chunk's lists growing through each size, were several
        // allocations a value. (A callback that captured local arrays had them boxed on the
        // heap besides.)
        let sink = self.sink
        sink.empty()
        var found: [Found] = []
        swap(&found, &sink.found)
        chunk.text.withUnsafeBytes { subject in
            // Pass 1: every pattern's shapes and valid candidates.
            var labels = CellLabels(chunk, meanings: labelMeanings, set: set)
            // Only the patterns with candidates here, in pattern order: nothing is kept, and no
            // reference taken, for the others (most patterns in most chunks). Each pattern's
            // candidates and shapes are a stretch of the sink's buffers, which hold every
            // pattern's one after another.
            var perPattern: [(index: Int, candidates: Range<Int>, shapes: Range<Int>)] = []
            swap(&perPattern, &sink.perPattern)
            defer { swap(&perPattern, &sink.perPattern) }
            // By group (`PatternSet.unions`): its windows where a match can start, once worked out.
            var liveWindows: [[Range<Int>]?] = []
            for index in set.patterns.indices {
                let searched = !usePrefilter || anchored[index]
                // A field pattern reads the cells under a column its labels name, when some column
                // here is so named (worked out once for the chunk, and kept for the rows below
                // the same headers): in a table where none is, it costs a row nothing.
                let readsCells = set.hasFieldLabels[index] && !chunk.cells.isEmpty && labels.someCellNames(field: index)
                guard searched || readsCells else { continue }
                let compiled = set.patterns[index]
                let candidatesStart = sink.candidates.count, shapesStart = sink.shapes.count
                // A matching error (a resource limit on a pathological subject) ends this pattern
                // on this chunk only; the rest of the chunk and the scan go on.
                func onMatch(_ groups: MatchGroups) -> Bool {
                    guard var range = groups[compiled.valueGroup] ?? groups[0] else { return true }
                    sink.shapes.append(range)
                    if compiled.isField { range = FieldValue.trim(range, in: subject) }
                    let value = String(decoding: subject[range], as: UTF8.self)
                    let validation = Self.validate(value, compiled)
                    if case .invalid = validation { return true }
                    sink.candidates.append(Candidate(range: range, value: value, validation: validation))
                    return true
                }
                if usePrefilter, searched, let prefilter = compiled.prefilter, subject.count > Self.prefilterAbove {
                    var windows = anchors.windows(prefilter, literals: compiled.literalIds, required: compiled.requiredIds)
                    if let union = set.unionOf[index] {
                        // The windows where some pattern of the group can start a match, found
                        // once for the group by its alternation.
                        if liveWindows.isEmpty { liveWindows = Array(repeating: nil, count: set.unions.count) }
                        if let known = liveWindows[union] {
                            windows = known
                        } else {
                            windows = unionScratch[union].windowsWithMatches(in: subject, windows: windows)
                            liveWindows[union] = windows
                        }
                    }
                    if !windows.isEmpty { try? scratch[index].forEachMatch(in: subject, windows: windows, onMatch) }
                } else if usePrefilter, searched, let prefilter = compiled.prefilter,
                          let span = anchors.span(prefilter, literals: compiled.literalIds) {
                    // A short chunk (a table row) holding the pattern's anchors: one search, over
                    // the span where a match can start. Past a match at the end of a row no search
                    // is made for another, and none runs on through the row's last words.
                    try? scratch[index].forEachMatch(in: subject, startingIn: span, onMatch)
                } else if searched {
                    // Without the prefilter, or a pattern without one: one search of the whole
                    // chunk.
                    try? scratch[index].forEachMatch(in: subject, onMatch)
                }
                if readsCells {
                    let named = fieldCells(chunk, compiled, index: index, labels: &labels,
                                           excluding: sink.candidates[candidatesStart...])
                    if !named.isEmpty {
                        sink.candidates += named
                        sink.candidates[candidatesStart...].sort { $0.range.lowerBound < $1.range.lowerBound }
                    }
                }
                if sink.candidates.count > candidatesStart {
                    perPattern.append((index, candidatesStart..<sink.candidates.count, shapesStart..<sink.shapes.count))
                }
            }
            let allCandidates = sink.candidates, allShapes = sink.shapes
            // Every candidate can become a match: room for all of them at once.
            found.reserveCapacity(allCandidates.count)
            // Valid values of identifying patterns: each claims the keywords just before it, so a
            // keyword does not reach past another identifier to a value further on.
            var claimants: [Range<Int>] = []
            swap(&claimants, &sink.claimants)
            defer { swap(&claimants, &sink.claimants) }
            for entry in perPattern where set.patterns[entry.index].isPersonal {
                for candidate in allCandidates[entry.candidates] { claimants.append(candidate.range) }
            }
            claimants.sort { $0.lowerBound < $1.lowerBound }

            // Pass 2: context, confidence and location for each candidate.
            var tokenStorage = TokenStorage()
            for (index, candidateRange, shapeRange) in perPattern {
                let compiled = set.patterns[index]
                let withClaimants = compiled.contextWindow != nil && !claimants.isEmpty
                if withClaimants {
                    // The pattern's shapes and the claimants, merged in the sink's buffer.
                    sink.merged.removeAll(keepingCapacity: true)
                    sink.merged += allShapes[shapeRange]
                    sink.merged += claimants
                    sink.merged.sort { $0.lowerBound < $1.lowerBound }
                }
                let shapes = Shapes(ranges: withClaimants ? sink.merged[...] : allShapes[shapeRange])
                for candidate in allCandidates[candidateRange] {
                    if let limit = chunk.matchStartLimit, candidate.range.lowerBound >= limit { continue }
                    let said = context(for: candidate.range, shapes: shapes, chunk: chunk, labels: &labels, subject: subject, index: index,
                                       tokens: &tokenStorage)
                    // Appending to an empty array copies into a new one: take the context's own
                    // array when the candidate brings no evidence of its own (nearly always).
                    let evidence = candidate.evidence.isEmpty ? said : candidate.evidence + said
                    var confidence = compiled.confidence
                    if !evidence.isEmpty { confidence = confidence.raised }
                    if compiled.contextRequired && evidence.isEmpty { continue }
                    var exemption: Exemption?
                    if case .exempt(let e) = candidate.validation { exemption = e }
                    let cell = labels.cell(containing: candidate.range.lowerBound).map { chunk.cells[$0] }
                    let location = Location(part: chunk.part, line: lines.line(at: candidate.range.lowerBound),
                                            cell: cell?.ref, column: cell?.label, offset: chunk.offset + candidate.range.lowerBound)
                    var match = Match(
                        typeId: compiled.typeId, patternId: compiled.patternId, value: candidate.value,
                        normalized: Normalization.apply(compiled.normalize, to: candidate.value),
                        confidence: confidence, evidence: evidence, exemption: exemption, location: location, mask: compiled.mask)
                    match.isMarking = compiled.category == .marking
                    found.append(Found(offset: candidate.range.lowerBound, end: candidate.range.upperBound, match: consume match, category: compiled.category))
                }
            }
            labels.remember()
        }
        // Report order is text order, then pattern order: stable across runs and worker counts.
        found.sort { $0.offset < $1.offset }
        resolveOverlaps(&found)
        corroborateDrivingLicences(&found, chunk: chunk)
        keepSpecialCategoriesAboutPeople(&found, chunk: chunk)
        // Moved out from the end, the last first: a copy would retain each of a match's strings
        // once more.
        while let f = found.popLast() {
            if f.match.confidence >= minimumConfidence { matches.append(f.match) }
        }
        swap(&found, &sink.found)
    }

    private static func validate(_ value: String, _ compiled: CompiledDefinition) -> Validation {
        if compiled.isField, !FieldValue.isMeaningful(value) { return .invalid }
        return compiled.validator.map { $0(value) } ?? .valid
    }

    /// Cells whose column header names the field: the whole cell is the value.
    private func fieldCells(_ chunk: TextChunk, _ compiled: CompiledDefinition, index: Int, labels: inout CellLabels,
                            excluding: ArraySlice<Candidate>) -> [Candidate] {
        var out: [Candidate] = []
        guard labels.someCellNames(field: index) else { return out }
        for (i, cell) in chunk.cells.enumerated() {
            guard let label = cell.label, let meaning = labels.meaning(i), meaning.namesField[index],
                  !excluding.contains(where: { cell.range.contains($0.range.lowerBound) }) else { continue }
            let value = String(decoding: chunk.text[cell.range], as: UTF8.self)
            let validation = Self.validate(value, compiled)
            if case .invalid = validation { continue }
            out.append(Candidate(range: cell.range, value: value, validation: validation, evidence: ["column '\(label)'"]))
        }
        return out
    }

    /// Where two patterns claim overlapping text, the more confident (then the longer, then the
    /// earlier-defined) wins: "12/03/1984" is not also part of a phone number.
    private func resolveOverlaps(_ found: inout [Found]) {
        guard found.count > 1 else { return }
        // On the stack for a chunk's usual handful.
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: found.count) { keep in
            keep.initialize(repeating: true)
            var dropped = false
            for i in found.indices {
                var j = i + 1
                while j < found.count && found[j].offset < found[i].end {
                    // Read in place: a copy of a Found retains each of its match's strings.
                    if keep[i] && keep[j] && found[i].match.typeId != found[j].match.typeId
                        && found[i].category != .special && found[j].category != .special {
                        let aKey = (found[i].match.confidence.rawRank, found[i].end - found[i].offset)
                        let bKey = (found[j].match.confidence.rawRank, found[j].end - found[j].offset)
                        if bKey > aKey { keep[i] = false } else { keep[j] = false }
                        dropped = true
                    }
                    j += 1
                }
            }
            if dropped { Self.keepOnly(&found, keep) }
        }
    }

    /// Drops the entries whose flag is false, keeping the order of the rest; entries are moved
    /// (swapped), not copied.
    private static func keepOnly<Flags: RandomAccessCollection<Bool>>(_ found: inout [Found], _ keep: Flags) where Flags.Index == Int {
        var kept = 0
        for i in found.indices where keep[i] {
            if kept != i { found.swapAt(kept, i) }
            kept += 1
        }
        found.removeLast(found.count - kept)
    }

    /// A driving licence number encodes its holder's birth date (characters 6-11: decade, month,
    /// +50 for women, day, year). A date of birth in the same record that agrees makes it certain.
    private func corroborateDrivingLicences(_ found: inout [Found], chunk: TextChunk) {
        for i in found.indices where found[i].match.typeId == "uk.driving_licence" {
            guard let encoded = Validators.drivingLicenceBirthDate(found[i].match.value) else { continue }
            let scope = RecordScope.range(around: found[i].offset, in: chunk)
            let agrees = found.contains { f in
                guard f.match.typeId == "dob", scope.contains(f.offset) else { return false }
                let n = f.match.normalized  // yyyy-mm-dd
                guard n.count == 10, let year = Int(n.prefix(4)), let month = Int(n.dropFirst(5).prefix(2)), let day = Int(n.suffix(2)) else { return false }
                return year % 100 == encoded.yearInCentury && month == encoded.month && day == encoded.day
            }
            if agrees {
                found[i].match.confidence = .high
                found[i].match.evidence.append("encoded birth date agrees with a date of birth in the record")
            }
        }
    }

    /// Drops special-category values whose record holds no personal identifier and no name field.
    private func keepSpecialCategoriesAboutPeople(_ found: inout [Found], chunk: TextChunk) {
        // By index: `contains(where:)` copied every entry out, retaining each of its strings.
        guard found.indices.contains(where: { found[$0].category == .special }) else { return }
        // Decided for every entry before any is changed or dropped, as one filter over the
        // original list; then changed and dropped in place.
        let keep = found.indices.map { i in
            guard found[i].category == .special else { return true }
            let scope = RecordScope.range(around: found[i].offset, in: chunk)
            let identifier = found.contains { other in
                other.category == .personal && other.match.exemption == nil && scope.contains(other.offset)
                    && other.match.confidence >= minimumConfidence
            }
            return identifier || RecordScope.hasNameField(chunk, in: scope)
        }
        for i in found.indices where keep[i] && found[i].category == .special {
            found[i].match.evidence.append("in a record about a person")
        }
        Self.keepOnly(&found, keep)
    }

    /// The context that supports a value: a keyword within its window (not nearer another value of
    /// the same pattern), a nearby regex (an expiry date), or a keyword in the label of the cell it
    /// sits in. The window after a value ends at the end of its line: a keyword on the next line
    /// labels what follows it.
    private func context(for range: Range<Int>, shapes: Shapes, chunk: TextChunk, labels: inout CellLabels,
                         subject: UnsafeRawBufferPointer, index: Int, tokens storage: inout TokenStorage) -> [String] {
        let compiled = set.patterns[index]
        guard let rule = compiled.contextWindow else { return [] }
        // The first of these that holds is the evidence (one item): the column's label, a keyword
        // before the value, one after it, a nearby pattern.
        if let i = labels.cell(containing: range.lowerBound), let meaning = labels.meaning(i), let said = meaning.keywordEvidence[index] {
            return said
        }
        let previousEnd = shapes.previousEnd(before: range.lowerBound)
        let beforeStart = max(previousEnd, range.lowerBound - rule.before, 0)
        let nextStart = shapes.nextStart(after: range.upperBound, limit: subject.count)
        var afterEnd = min(nextStart, range.upperBound + rule.after, subject.count)
        if let newline = subject[range.upperBound..<afterEnd].firstIndex(of: 10) { afterEnd = newline }
        if beforeStart < range.lowerBound {
            let tokens = Tokens(subject[beforeStart..<range.lowerBound], storage: &storage)
            let keyword = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil })
            tokens.recycle(into: &storage)
            if let keyword { return keyword.foundBefore }
        }
        if range.upperBound < afterEnd {
            let tokens = Tokens(subject[range.upperBound..<afterEnd], storage: &storage)
            let keyword = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil })
            tokens.recycle(into: &storage)
            if let keyword { return keyword.foundAfter }
        }
        if let nearby = nearbyScratch[index] {
            // Searched on each side of the value separately, so the value itself is never its own context.
            for window in [beforeStart..<range.lowerBound, range.upperBound..<afterEnd] where !window.isEmpty {
                var hit: String?
                try? nearby.forEachMatch(in: UnsafeRawBufferPointer(rebasing: subject[window])) { groups in
                    if let g = groups[0] { hit = String(decoding: subject[(window.lowerBound + g.lowerBound)..<(window.lowerBound + g.upperBound)], as: UTF8.self) }
                    return false
                }
                if let hit { return ["'\(hit)' nearby"] }
            }
        }
        return []
    }
}

/// What the patterns' searches collect in a chunk, one pattern's after another's. One worker's
/// detector keeps one, and with it the buffers' storage from chunk to chunk: a table row's
/// values, each pattern's in arrays of their own, were three allocations a value.
private final class MatchSink {
    // Unchecked exclusivity: touched only by the detector's own loop and the search callback it
    // runs, one access at a time.
    @exclusivity(unchecked) var candidates: [Detector.Candidate] = []
    @exclusivity(unchecked) var shapes: [Range<Int>] = []
    /// One pattern's shapes merged with the chunk's claimants (`Detector.detect`).
    @exclusivity(unchecked) var merged: [Range<Int>] = []
    /// Storage for a chunk's lists (`Detector.detect`), which swap it out for the chunk and
    /// back after it: moved, not shared, so that appending copies nothing. Emptied by `empty`.
    @exclusivity(unchecked) var found: [Detector.Found] = []
    @exclusivity(unchecked) var perPattern: [(index: Int, candidates: Range<Int>, shapes: Range<Int>)] = []
    @exclusivity(unchecked) var claimants: [Range<Int>] = []

    /// More candidates than this (a chunk dense with values) are not kept for the next chunk.
    private static let keptCapacity = 4096

    /// Ready for the next chunk; the storage is kept unless a large chunk grew it.
    func empty() {
        if candidates.capacity > Self.keptCapacity { candidates = [] } else { candidates.removeAll(keepingCapacity: true) }
        if shapes.capacity > Self.keptCapacity { shapes = [] } else { shapes.removeAll(keepingCapacity: true) }
        if merged.capacity > Self.keptCapacity { merged = [] }
        // A chunk's matches come back empty (each was moved out); its claimants and patterns'
        // entries, which hold no reference, are emptied here.
        if found.capacity > Self.keptCapacity { found = [] }
        if claimants.capacity > Self.keptCapacity { claimants = [] } else { claimants.removeAll(keepingCapacity: true) }
        perPattern.removeAll(keepingCapacity: true)
    }
}

/// A chunk's cells for the detector: what each cell's column label means to the patterns, and the
/// cell that holds an offset.
struct CellLabels {
    private let cells: [Cell]
    private var found: [LabelMeanings.Meaning?]
    private let meanings: LabelMeanings
    private let set: PatternSet

    init(_ chunk: TextChunk, meanings: LabelMeanings, set: PatternSet) {
        cells = chunk.cells
        self.meanings = meanings
        self.set = set
        // The rows of a table carry the same labels one after another: what the last chunk's
        // labels meant is taken over when they are the same (labels of one column share their
        // storage, so the comparison is quick).
        let last = meanings.lastRow, cells = chunk.cells
        if last.labels.count == cells.count, cells.indices.allSatisfy({ cells[$0].label == last.labels[$0] }) {
            found = last.found
            namedFields = last.named
            sameLabelsAsLast = true
        } else {
            found = Array(repeating: nil, count: chunk.cells.count)
        }
    }

    /// Whether the labels are the last chunk's, whose meanings were taken over.
    private var sameLabelsAsLast = false

    /// Leaves what was worked out for these labels for the next chunk.
    func remember() {
        guard !cells.isEmpty else { return }
        meanings.lastRow = (sameLabelsAsLast ? meanings.lastRow.labels : cells.map(\.label), found, namedFields)
    }

    /// By pattern index, whether some cell's label names the pattern's field; worked out on the
    /// first question, so that the field patterns no column names pass the row at once.
    private var namedFields: [Bool]?

    mutating func someCellNames(field index: Int) -> Bool {
        if let namedFields { return namedFields[index] }
        var named = [Bool](repeating: false, count: set.patterns.count)
        for i in cells.indices {
            guard let m = meaning(i) else { continue }
            for (p, names) in m.namesField.enumerated() where names { named[p] = true }
        }
        namedFields = named
        return named[index]
    }

    mutating func meaning(_ i: Int) -> LabelMeanings.Meaning? {
        if let m = found[i] { return m }
        guard let label = cells[i].label else { return nil }
        let m = meanings.meaning(of: label, in: set)
        found[i] = m
        return m
    }

    /// The first cell whose range holds `offset`.
    func cell(containing offset: Int) -> Int? {
        cells.firstIndex { $0.range.contains(offset) }
    }
}

/// What column labels mean to each pattern, worked out once per label and kept by one worker's
/// detector: a spreadsheet or CSV repeats the same few labels on every row, and tokenising each
/// label and matching every pattern's keywords against it again for every cell was a large part
/// of reading one.
final class LabelMeanings {
    struct Meaning {
        /// By pattern index: the evidence a value in this column gets from the pattern's keywords
        /// (["column 'Date of Birth' (keyword 'date of birth')"], the list a match carries), or nil.
        let keywordEvidence: [[String]?]
        /// By pattern index: whether the label names the pattern's field (a value under
        /// "Ethnicity" is an ethnicity).
        let namesField: [Bool]
    }

    private var table: [String: Meaning] = [:]
    /// Labels kept at most; past it the table starts again (JSON and XML field names can be many).
    private let capacity = 4096
    /// The last chunk's cell labels, their meanings as far as they were looked up, and which
    /// patterns' fields they name, if that was worked out (`CellLabels`).
    var lastRow: (labels: [String?], found: [Meaning?], named: [Bool]?) = ([], [], nil)

    func meaning(of label: String, in set: PatternSet) -> Meaning {
        if let m = table[label] { return m }
        let tokens = Tokens(Array(label.utf8))
        let m = Meaning(
            keywordEvidence: set.patterns.map { compiled in
                guard compiled.contextWindow != nil, let k = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil }) else { return nil }
                return ["column '\(label)' (keyword '\(k.text)')"]
            },
            namesField: set.patterns.map { compiled in compiled.fieldLabels.contains { tokens.firstOccurrence(of: $0) != nil } })
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[label] = m
        return m
    }
}

/// A pattern set's literals as bytes (lower case), each with the byte a search for it looks for
/// first: its rarest by English letter frequency (symbols and digits are rarer still), for few
/// false starts on prose. Made once for the set: made again for every chunk, when Hyperscan is not
/// there to find the literals, they cost ten times the scan of a tree of small files.
struct LiteralNeedles: Sendable {
    let bytes: [[UInt8]]
    let pivots: [Int]
    /// The first `scanned` literals are those found in the one pass over every literal; the
    /// others are looked for one at a time, when needed.
    let scanned: Int
    /// By literal: whether it holds an ASCII letter (else it is searched for in the text as it is,
    /// not in a lower-cased copy).
    let hasLetters: [Bool]
    var count: Int { bytes.count }

    init(_ literals: [String], scanned: Int) {
        bytes = literals.map { Array($0.lowercased().utf8) }
        pivots = bytes.map { n in n.indices.max { Self.rarity(n[$0]) < Self.rarity(n[$1]) } ?? 0 }
        self.scanned = scanned
        hasLetters = bytes.map { $0.contains { $0 >= 97 && $0 <= 122 } }
    }

    private static let common = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)

    /// How rare a (lower-case) byte is in English prose: higher is rarer.
    static func rarity(_ b: UInt8) -> Int {
        if b == 32 { return -1 }
        if let i = common.firstIndex(of: b) { return i }
        return 100  // digits, punctuation, symbols
    }
}

/// Where a chunk's anchors are (digits, literals), found once per chunk and shared by the
/// patterns that use them; gives each pattern the windows its matches can start in.
struct Anchors {
    private let text: [UInt8]
    private var lowered: [UInt8]?
    /// Runs of digits, as ranges.
    private var digitRuns: [Range<Int>]?
    /// The pattern set's literals (lower case).
    private let literals: LiteralNeedles
    /// Finds every literal of the set in one pass, the first time any is asked for.
    private let scanner: LiteralScanner?
    /// After that pass, the literals found, each with where it occurs, in the order they were
    /// first found; empty when none occurs at all (most small files and rows: nothing is made for
    /// them). Nil before the pass, or when there is no scanner. Only the literals found have an
    /// entry: a list by index of every literal, mostly empty, cost a table row more to make and
    /// free than its search for them.
    private var hits: [(literal: Int, ranges: [Range<Int>])]?
    /// Without a scanner (or when its pass failed), each literal is searched for on its own.
    private var oneByOne = false
    private var found: [[Range<Int>]?] = []
    /// The windows of the prefilters that have digits and no literal, by reach: nineteen
    /// patterns share seven reaches, and a finding-dense chunk has thousands of digit runs.
    private var digitWindows: [Int: [Range<Int>]] = [:]

    init(_ text: [UInt8], literals: LiteralNeedles, scanner: LiteralScanner? = nil) {
        self.text = text
        self.literals = literals
        self.scanner = scanner
    }

    /// One Hyperscan pass for every literal of the set; on failure, each literal is searched for
    /// on its own, with the same result.
    private mutating func scanAllLiterals() {
        guard let scanner else {
            oneByOne = true
            return
        }
        var all: [(literal: Int, ranges: [Range<Int>])] = []
        let literalCount = literals.count
        let scanned: Bool = withUnsafeTemporaryAllocation(of: Int.self, capacity: literalCount) { entry in
            // Each literal's entry in `all`, or -1; on the stack, made only for the literals met.
            var made = false
            return (try? text.withUnsafeBytes { subject in
                // Reported in order of their end; for one literal that is also the order of
                // their start.
                try scanner.forEachOccurrence(in: subject) { id, start in
                    if !made {
                        entry.initialize(repeating: -1)
                        made = true
                    }
                    let range = start..<(start + scanner.set.literals[id].count)
                    if entry[id] >= 0 {
                        all[entry[id]].ranges.append(range)
                    } else {
                        entry[id] = all.count
                        all.append((id, [range]))
                    }
                }
            }) != nil
        }
        guard scanned else {
            oneByOne = true
            return
        }
        hits = all
    }

    /// Runs of digits, found the first time they are asked for.
    private mutating func digits() -> [Range<Int>] {
        if digitRuns == nil { digitRuns = Self.digitRuns(text) }
        return digitRuns!
    }

    /// Where the literal with this index occurs: from the one pass over every literal, or searched
    /// for on its own without a scanner.
    private mutating func positions(ofLiteral id: Int) -> [Range<Int>] {
        if id < literals.scanned {
            if hits == nil && !oneByOne { scanAllLiterals() }
            if let hits { return hits.first { $0.literal == id }?.ranges ?? [] }
        }
        if found.isEmpty { found = Array(repeating: nil, count: literals.count) }
        if found[id] == nil { found[id] = find(id) }
        return found[id]!
    }

    /// By pattern index: whether any anchor of the pattern occurs in the text (its windows would
    /// not be empty), or the pattern has no prefilter.
    mutating func anchoredPatterns(_ set: PatternSet) -> [Bool] {
        var out = set.unfiltered
        if set.anyAnchoredOnDigits && !digits().isEmpty {
            // A pattern whose matches hold a longer run of digits than any here cannot match (a
            // table row with a date in it is not searched for ten-digit numbers).
            let longest = digits().reduce(0) { max($0, $1.count) }
            // A pattern whose matches hold more digits joined by spaces, hyphens and the like
            // than any run here cannot match either (a row with a date is not searched for card
            // numbers).
            let joined = Self.longestJoinedRun(digits(), in: text)
            for (i, d) in set.anchoredOnDigits.enumerated() where d && longest >= set.digitRun[i] && joined >= set.joinedDigits[i] {
                out[i] = true
            }
        }
        if hits == nil && !oneByOne { scanAllLiterals() }
        if let hits {
            for (id, _) in hits {
                for p in set.patternsOfLiteral[id] { out[p] = true }
            }
        } else {
            for id in set.patternsOfLiteral.indices where !set.patternsOfLiteral[id].isEmpty && !positions(ofLiteral: id).isEmpty {
                for p in set.patternsOfLiteral[id] { out[p] = true }
            }
        }
        // A pattern that requires one of some literals cannot match where none of them is.
        for p in set.requiringPatterns where out[p] {
            out[p] = set.patterns[p].requiredIds.contains { occurs(literal: $0) }
        }
        return out
    }

    /// The windows a match of a pattern with this prefilter can start in; `literals` and
    /// `required` are the prefilter's literals and `requires` as indexes into the set's list.
    mutating func windows(_ p: Prefilter, literals: [Int], required: [Int]) -> [Range<Int>] {
        let near = anchorWindows(p, literals: literals)
        guard let reach = p.requiresReach, !near.isEmpty else { return near }
        // A match also starts at most `requiresReach` before one of the literals it requires.
        return Self.intersection(near, Self.windows(around: occurrences(of: required), reach: reach, limit: text.count))
    }

    /// From the first place a match can start near the prefilter's anchors to the last (every
    /// window of `windows` lies within it), or nil where there is no anchor.
    mutating func span(_ p: Prefilter, literals: [Int]) -> Range<Int>? {
        var first = Int.max, end = Int.min
        if p.digits {
            let runs = digits()
            if let a = runs.first, let z = runs.last {
                first = a.lowerBound
                end = z.upperBound
            }
        }
        for id in literals {
            // One literal's positions are in order of start (and all of its length).
            let at = positions(ofLiteral: id)
            if let a = at.first, let z = at.last {
                first = min(first, a.lowerBound)
                end = max(end, z.upperBound)
            }
        }
        guard first < end else { return nil }
        // A match holding an anchor run [a, e) starts in [a - reach, e) (`windows(around:)`).
        return max(0, first - p.reach)..<min(end, text.count)
    }

    /// The windows near the prefilter's anchors.
    private mutating func anchorWindows(_ p: Prefilter, literals: [Int]) -> [Range<Int>] {
        if p.digits && literals.isEmpty {
            if let known = digitWindows[p.reach] { return known }
            let made = Self.windows(around: digits(), reach: p.reach, limit: text.count)
            digitWindows[p.reach] = made
            return made
        }
        var points: [Range<Int>] = p.digits ? digits() : []
        points += occurrences(of: literals)
        guard !points.isEmpty else { return [] }
        // One source's anchors are in order already (digit runs; one literal's occurrences).
        if literals.count + (p.digits ? 1 : 0) > 1 { points.sort { $0.lowerBound < $1.lowerBound } }
        return Self.windows(around: points, reach: p.reach, limit: text.count)
    }

    /// Where any of these literals occurs, sorted by start where there are several.
    private mutating func occurrences(of literals: [Int]) -> [Range<Int>] {
        var points: [Range<Int>] = []
        for id in literals { points += positions(ofLiteral: id) }
        if literals.count > 1 { points.sort { $0.lowerBound < $1.lowerBound } }
        return points
    }

    /// The positions in both `a` and `b`, two lists of windows sorted and apart.
    static func intersection(_ a: [Range<Int>], _ b: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0, j = 0
        while i < a.count && j < b.count {
            let lo = max(a[i].lowerBound, b[j].lowerBound), hi = min(a[i].upperBound, b[j].upperBound)
            if lo < hi { out.append(lo..<hi) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return out
    }

    /// The windows around anchors sorted by their start, merged where they touch or overlap.
    static func windows(around points: [Range<Int>], reach: Int, limit: Int) -> [Range<Int>] {
        // A match holding an anchor at d starts in [d - reach, d]: for an anchor run [a, e), in
        // [a - reach, e).
        var windows: [Range<Int>] = []
        windows.reserveCapacity(points.count)
        for a in points {
            let lo = max(0, a.lowerBound - reach), hi = min(limit, a.upperBound)
            if let last = windows.last, lo <= last.upperBound {
                windows[windows.count - 1] = last.lowerBound..<max(last.upperBound, hi)
            } else {
                windows.append(lo..<hi)
            }
        }
        return windows
    }

    /// The most digits in one run of `runs` (sorted digit runs of `text`) joined where at most
    /// `Prefilter.joinerGap` of `Prefilter.joiners` stand between them.
    static func longestJoinedRun(_ runs: [Range<Int>], in text: [UInt8]) -> Int {
        var longest = 0, current = 0, end = -1
        for run in runs {
            let gap = run.lowerBound - end
            let joined = end >= 0 && gap <= Prefilter.joinerGap
                && text[end..<run.lowerBound].allSatisfy { Prefilter.joiners.contains($0) }
            current = joined ? current + run.count : run.count
            longest = max(longest, current)
            end = run.upperBound
        }
        return longest
    }

    /// Runs of ASCII digits.
    static func digitRuns(_ text: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        text.withUnsafeBytes { b in
            let n = b.count
            func isDigit(_ i: Int) -> Bool { b[i] &- 48 < 10 }
            var i = 0
            func word(_ at: Int) -> UInt64 { b.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
            while i < n {
                // Thirty-two bytes without a digit are skipped at once (most of prose), then eight.
                // Four words tested apart and their results or'ed: the SIMD32 compare it replaces
                // spent its time in a call to the stdlib's generic `any`, which was not inlined.
                if i + 32 <= n && digitBits(word(i)) | digitBits(word(i + 8)) | digitBits(word(i + 16)) | digitBits(word(i + 24)) == 0 {
                    i += 32
                    continue
                }
                if i + 8 <= n {
                    let bits = digitBits(word(i))
                    if bits == 0 { i += 8; continue }
                    // Straight to the word's first digit (the lowest byte is the first), where
                    // stepping a byte at a time to it was a twentieth of a scan of prose full of
                    // numbers.
                    i += bits.trailingZeroBitCount >> 3
                }
                if isDigit(i) {
                    var j = i + 1
                    while j < n && isDigit(j) { j += 1 }
                    if out.isEmpty { out.reserveCapacity(16) }  // a table row's worth, in one allocation
                    out.append(i..<j)
                    i = j
                } else {
                    i += 1
                }
            }
        }
        return out
    }

    /// Whether any byte of `x` is an ASCII digit: "hasbetween(x, '/', ':')" of the Bit Twiddling
    /// Hacks (a byte strictly between 0x2F and 0x3A; bytes of 0x80 and over never count).
    static func hasDigit(_ x: UInt64) -> Bool { digitBits(x) != 0 }

    /// The high bit of every byte of `x` that is an ASCII digit, and no other bit.
    @inline(__always)
    static func digitBits(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low = x & (ones &* 127)
        return ((ones &* (127 + 0x3A)) &- low) & ~x & (low &+ (ones &* (127 - 0x2F))) & (ones &* 128)
    }

    /// Whether the literal with this index occurs in the text: from its positions where they are
    /// known or come from the one pass, else searched for up to its first occurrence.
    private mutating func occurs(literal id: Int) -> Bool {
        if id < literals.scanned && !oneByOne { return !positions(ofLiteral: id).isEmpty }
        if !found.isEmpty, let known = found[id] { return !known.isEmpty }
        var any = false
        search(id) { _ in
            any = true
            return false
        }
        return any
    }

    /// Every position of the literal with this index in the text, ASCII case-insensitively.
    private mutating func find(_ id: Int) -> [Range<Int>] {
        let length = literals.bytes[id].count
        var out: [Range<Int>] = []
        search(id) { at in
            out.append(at..<(at + length))
            return true
        }
        return out
    }

    /// Calls `body` with each position of the literal with this index, ASCII case-insensitively,
    /// while it returns true. A literal without letters is looked for in the text as it is.
    private mutating func search(_ id: Int, _ body: (Int) -> Bool) {
        let needle = literals.bytes[id], pivot = literals.pivots[id]
        guard !needle.isEmpty else { return }
        if !literals.hasLetters[id] {
            ByteSearch.forEach(needle, in: text, pivot: pivot, body)
            return
        }
        if lowered == nil { lowered = text.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
        ByteSearch.forEach(needle, in: lowered!, pivot: pivot, body)
    }
}

extension Confidence {
    fileprivate var rawRank: Int { Confidence.allCases.firstIndex(of: self)! }
}

/// What counts as one record for special-category data.
enum RecordScope {
    /// A row or record chunk is one record; in prose, the paragraph (blank-line delimited) around
    /// the offset, at most 2,000 bytes each way.
    static func range(around offset: Int, in chunk: TextChunk) -> Range<Int> {
        let text = chunk.text
        if !chunk.cells.isEmpty { return 0..<text.count }
        var start = offset
        while start > 0 && offset - start < 2000 {
            if text[start - 1] == 10, start >= 2, text[start - 2] == 10 || (text[start - 2] == 13 && start >= 3 && text[start - 3] == 10) { break }
            start -= 1
        }
        var end = offset
        while end < text.count && end - offset < 2000 {
            if text[end] == 10, end + 1 < text.count, text[end + 1] == 10 || text[end + 1] == 13 { break }
            end += 1
        }
        return start..<end
    }

    static let nameLabels = ["name", "full name", "first name", "forename", "forenames", "surname", "last name",
                             "learner", "pupil", "student", "employee", "patient", "candidate", "apprentice", "child",
                             "applicant", "staff member", "client", "member"].map(Keyword.init)

    /// A filled-in name field in the record: a cell under a name column, or "Name: X" in the text.
    static func hasNameField(_ chunk: TextChunk, in scope: Range<Int>) -> Bool {
        for cell in chunk.cells {
            guard let label = cell.label, scope.contains(cell.range.lowerBound) else { continue }
            let tokens = Tokens(Array(label.utf8))
            if tokens.count <= 3, nameLabels.contains(where: { tokens.firstOccurrence(of: $0) == 0 }) { return true }
        }
        // "Name: Jane Smith", "Pupil name - Jack", "Learner: Callum Reid" in prose.
        let text = chunk.text[scope]
        var i = text.startIndex
        while let colon = text[i...].firstIndex(where: { $0 == 58 }) {
            let labelStart = text[..<colon].lastIndex(where: { $0 == 10 || $0 == 9 || $0 == 46 || $0 == 44 }).map { $0 + 1 } ?? text.startIndex
            let tokens = Tokens(text[labelStart..<colon])
            if tokens.count >= 1, tokens.count <= 3, nameLabels.contains(where: { tokens.firstOccurrence(of: $0) != nil }) {
                let rest = text[(colon + 1)...].prefix(40).prefix { $0 != 10 && $0 != 13 }
                if rest.contains(where: { ($0 >= 65 && $0 <= 90) }) { return true }
            }
            i = colon + 1
        }
        return false
    }
}

/// Values of labelled fields.
enum FieldValue {
    /// Answers that say there is nothing to say (made once: this runs for every field value).
    static let emptyAnswers: Set<String> = [
        "none", "no", "na", "n a", "nil", "not known", "unknown", "not applicable", "not disclosed", "prefer not to say",
        "not stated", "not recorded", "tbc", "nothing", "no known", "none known", "none declared", "not provided", "refused",
        "information refused", "see below", "see above", "yes no"]

    /// "none", "N/A", "no", "prefer not to say", a blank line of underscores: not data.
    static func isMeaningful(_ value: String) -> Bool {
        // Bracketed asides ("(optional)") and tick boxes are form furniture, not answers.
        var plain = ""
        var depth = 0
        for c in value {
            if c == "(" || c == "[" { depth += 1; continue }
            if c == ")" || c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { plain.append(c) }
        }
        let lower = plain.lowercased().trimmingCharacters(in: .whitespaces)
        let letters = lower.filter { $0.isLetter }
        guard letters.count >= 2 else { return false }
        let words = lower.split(whereSeparator: { !$0.isLetter }).joined(separator: " ")
        if emptyAnswers.contains(words) { return false }
        return !(words.hasPrefix("none ") || words.hasPrefix("no known") || words.hasPrefix("not "))
    }

    /// The value ends at the end of its clause: ". " or a closing bracket; trailing punctuation goes.
    static func trim(_ range: Range<Int>, in subject: UnsafeRawBufferPointer) -> Range<Int> {
        var end = range.upperBound
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            if subject[i] == 46 && subject[i + 1] == 32 { end = i; break }
            i += 1
        }
        while end > range.lowerBound, [32, 46, 44, 59, 58, 13].contains(subject[end - 1]) { end -= 1 }
        var start = range.lowerBound
        while start < end, subject[start] == 32 { start += 1 }
        return start..<end
    }
}

/// The line of an offset in a chunk: the chunk's newlines are found once, when a line is first
/// asked for, and each offset's line is a binary search among them (values are asked for pattern
/// by pattern, so offsets do not come in order).
private struct LineCounter {
    let chunk: TextChunk
    /// Offsets of the chunk's newlines, found (with memchr) the first time a line is asked for.
    private var newlines: [Int]?

    init(_ chunk: TextChunk) { self.chunk = chunk }

    mutating func line(at offset: Int) -> Int? {
        guard let first = chunk.firstLine else { return nil }
        if newlines == nil {
            var found: [Int] = []
            chunk.text.withUnsafeBytes { b in
                guard let base = b.baseAddress else { return }
                var at = 0
                while at < b.count, let hit = memchr(base + at, 10, b.count - at) {
                    let i = base.distance(to: UnsafeRawPointer(hit))
                    found.append(i)
                    at = i + 1
                }
            }
            newlines = found
        }
        // The line is the first line plus the newlines before the offset.
        return first + newlines!.prefixCount { $0 < offset }
    }
}

extension RandomAccessCollection where Index == Int {
    /// How many leading elements satisfy `holds`, by binary search: `holds` must be true for a
    /// prefix of the collection and false after it.
    func prefixCount(where holds: (Element) -> Bool) -> Int {
        var lo = startIndex, hi = endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if holds(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo - startIndex
    }
}
