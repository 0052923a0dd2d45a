// The detector: one worker's search of a chunk of text by every pattern, in two passes. Pass 1
// (`search`) runs each pattern that can match here (the prefilter's anchors) and keeps its valid
// candidates and the shapes of every match; pass 2 (`assess`) gives each candidate its context,
// confidence and location. The chunk passes (`ChunkPasses.swift`) then settle overlaps,
// corroborate and keep special-category values only in records about people.
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

/// One worker's detector. Not Sendable: it owns PCRE2 match data. A class, so that handing the
/// worker's detector to each file takes one reference, not a copy of every field.
package final class Detector {
    let set: PatternSet
    private let scratch: [MatchScratch]
    let nearbyScratch: [MatchScratch?]
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
    /// The passes over a chunk's matches, in order.
    private let passes: [any ChunkPass]
    /// The set's names gazetteer, for reading an entry's prose (`ProseNames`).
    package var gazetteer: NameGazetteer? { self.set.gazetteer }

    /// `workDomains` and `ownDetails`: the policy's own email domains (`work_domains`), whose
    /// addresses are staff's work addresses, and the organisation's own postcodes, landlines and
    /// bank accounts (`own_details`), marked before the record passes look for a person.
    package init(_ set: PatternSet, minimumConfidence: Confidence = .medium, usePrefilter: Bool = true, workDomains: Set<String> = [],
                 ownDetails: OwnDetails = OwnDetails()) {
        self.set = set
        self.usePrefilter = usePrefilter
        self.literalScanner = set.literals.flatMap { try? LiteralScanner(for: $0) }
        self.scratch = set.patterns.map { MatchScratch(for: $0.regex) }
        self.nearbyScratch = set.patterns.map { $0.nearby.map { MatchScratch(for: $0) } }
        self.unionScratch = set.unions.map { MatchScratch(for: $0) }
        self.minimumConfidence = minimumConfidence
        passes = [OverlapResolution(), DrivingLicenceCorroboration(), BirthDateCutoffs(), ExamplesInText(), ExampleRows(), WorkAddresses(domains: workDomains), OwnDetailsPass(details: ownDetails), RoleMailboxLines(), OfficeLines(), OrganisationAddressLines(), PersonAddressLines(), OrganisationRows(), NameColumnRows(gazetteer: set.gazetteer), RowsOfTheirOwnPerson(), SpecialCategoryRecords(minimumConfidence: minimumConfidence)]
    }

    struct Candidate {
        var range: Range<Int>
        var value: String
        var validation: Validation
        /// Evidence that comes with the candidate itself (the column that named a field).
        var evidence: [String] = []
    }

    /// A match kept for this chunk, with what the later passes need.
    struct Found {
        var offset: Int
        var end: Int
        var match: Match
        var category: PatternCategory
    }

    /// The patterns with candidates in a chunk, in pattern order: each one's candidates and
    /// shapes are a stretch of the sink's buffers, which hold every pattern's one after another.
    typealias PatternHits = (index: Int, candidates: Range<Int>, shapes: Range<Int>)

    /// Chunks longer than this are searched only near their anchors; a shorter one (a table row,
    /// a short paragraph) is searched once by each pattern whose anchors it holds, from the first
    /// place a match can start to the last (`Anchors.span`): a search per window there costs more
    /// than the one search it would save (measured on spreadsheets, Word files and small files).
    static let prefilterAbove = 128

    /// Finds every match in `chunk` and appends it to `matches`, in text order.
    package func detect(_ chunk: TextChunk, into matches: inout [Match]) {
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
            var labels = CellLabels(chunk, meanings: labelMeanings, set: set)
            var perPattern: [PatternHits] = []
            swap(&perPattern, &sink.perPattern)
            defer { swap(&perPattern, &sink.perPattern) }
            search(chunk, subject, anchors: &anchors, anchored: anchored, labels: &labels, into: &perPattern)
            assess(chunk, subject, perPattern, labels: &labels, into: &found)
            labels.remember()
        }
        // Report order is text order, then pattern order: stable across runs and worker counts.
        found.sort { $0.offset < $1.offset }
        for pass in passes { pass.apply(to: &found, chunk: chunk) }
        for f in found where f.match.confidence >= minimumConfidence { matches.append(f.match) }
        found.removeAll(keepingCapacity: true)
        swap(&found, &sink.found)
    }

    /// Pass 1: every pattern's shapes and valid candidates, into the sink's buffers; the
    /// patterns with candidates into `perPattern`. Only those patterns are kept, in pattern
    /// order: nothing is kept, and no reference taken, for the others (most patterns in most
    /// chunks).
    private func search(_ chunk: TextChunk, _ subject: UnsafeRawBufferPointer, anchors: inout Anchors, anchored: [Bool],
                        labels: inout CellLabels, into perPattern: inout [PatternHits]) {
        let sink = self.sink
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
                let labelStart = groups[0]?.lowerBound ?? range.lowerBound
                let validation = Self.validate(value, compiled) {
                    FieldValue.label(subject[labelStart..<range.lowerBound], isOneOf: compiled.fieldLabels)
                }
                if case .invalid = validation { return true }
                sink.candidates.append(Candidate(range: range, value: value, validation: validation))
                return true
            }
            if usePrefilter, searched, let rule = compiled.anchorRule, subject.count > Self.prefilterAbove {
                var windows = anchors.windows(rule, literals: compiled.literalIds, required: compiled.requiredIds)
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
            } else if usePrefilter, searched, let rule = compiled.anchorRule,
                      let span = anchors.span(rule, literals: compiled.literalIds) {
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
    }

    /// Pass 2: context, confidence and location for each candidate of pass 1, as matches.
    private func assess(_ chunk: TextChunk, _ subject: UnsafeRawBufferPointer, _ perPattern: [PatternHits],
                        labels: inout CellLabels, into found: inout [Found]) {
        let sink = self.sink
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

        var lines = LineCounter(chunk)
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
            let shapes = ContextShapes(ranges: withClaimants ? sink.merged[...] : allShapes[shapeRange])
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
                match.isOrganisation = compiled.category == .organisation
                found.append(Found(offset: candidate.range.lowerBound, end: candidate.range.upperBound, match: consume match, category: compiled.category))
            }
        }
    }

    /// `labelIsTheField` says whether the value's label is one of the field's labels and nothing
    /// more; asked only of a code, which counts only there ("Disability: Y", not "Send
    /// newsletter: Y").
    private static func validate(_ value: String, _ compiled: CompiledDefinition, labelIsTheField: () -> Bool) -> Validation {
        if compiled.isField {
            if !compiled.fieldCodes.isEmpty, FieldValue.isCode(value, of: compiled.fieldCodes), labelIsTheField() {
                return compiled.validator.map { $0(value) } ?? .valid
            }
            guard FieldValue.isMeaningful(value) else { return .invalid }
            if !compiled.answerTerms.isEmpty, !FieldValue.names(value, oneOf: compiled.answerTerms) { return .invalid }
        }
        return compiled.validator.map { $0(value) } ?? .valid
    }

    /// Whether the cell is the question of a document's row of two cells, which reads "question:
    /// answer" (`RowBuilder.joinPairAsField`). A form's table opens with a question too, which is
    /// taken for the column's header ("Ethnic origin | Prefer not to say", then "Religion or
    /// belief | Christian"): its questions are not special-category values of that column. (A
    /// table of two columns that does have a header keeps its first column's names: "Pupil | NI
    /// number", then "Jack Turner | ...".)
    static func isQuestion(_ cell: Cell, of chunk: TextChunk) -> Bool {
        guard chunk.cells.count == 2, cell.range == chunk.cells[0].range, let end = cell.range.last else { return false }
        let separator = cell.range.upperBound
        return chunk.text[end] == 58 || (separator < chunk.text.count && chunk.text[separator] == 58)
    }

    /// Cells whose column header names the field: the whole cell is the value.
    private func fieldCells(_ chunk: TextChunk, _ compiled: CompiledDefinition, index: Int, labels: inout CellLabels,
                            excluding: ArraySlice<Candidate>) -> [Candidate] {
        var out: [Candidate] = []
        guard labels.someCellNames(field: index) else { return out }
        for (i, cell) in chunk.cells.enumerated() {
            guard let label = cell.label, let meaning = labels.meaning(i), meaning.namesField[index],
                  !excluding.contains(where: { cell.range.contains($0.range.lowerBound) }),
                  !(compiled.category == .special && Self.isQuestion(cell, of: chunk)) else { continue }
            let value = String(decoding: chunk.text[cell.range], as: UTF8.self)
            let validation = Self.validate(value, compiled) { FieldValue.label(label.utf8, isOneOf: compiled.fieldLabels) }
            if case .invalid = validation { continue }
            out.append(Candidate(range: cell.range, value: value, validation: validation, evidence: ["column '\(label)'"]))
        }
        return out
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
    @exclusivity(unchecked) var perPattern: [Detector.PatternHits] = []
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
