// Context: what supports a value besides its own shape. A keyword near it (on word tokens, and
// not nearer another value of the same pattern), a nearby regex (an expiry date), or the label of
// the column it sits in; and what each column label means to each pattern, worked out once per
// label by one worker's detector.
import Foundation
import PCRE2
import TrawlModel

/// Every place the regex matched, valid or not: each bounds its neighbours' context windows,
/// since a keyword next to an invalid value still belongs to that value.
struct ContextShapes {
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

extension Detector {
    /// The context that supports a value: a keyword within its window (not nearer another value of
    /// the same pattern), a nearby regex (an expiry date), or a keyword in the label of the cell it
    /// sits in. The window after a value ends at the end of its line: a keyword on the next line
    /// labels what follows it.
    func context(for range: Range<Int>, shapes: ContextShapes, chunk: TextChunk, labels: inout CellLabels,
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
        // A header's bracketed aside says what its values look like, not what they are:
        // "Child (year group)" is a Child column.
        let whole = Tokens(Self.withoutAsides(Array(label.utf8)))
        let m = Meaning(
            keywordEvidence: set.patterns.map { compiled in
                guard compiled.contextWindow != nil, let k = compiled.keywords.first(where: { tokens.firstOccurrence(of: $0) != nil }) else { return nil }
                return ["column '\(label)' (keyword '\(k.text)')"]
            },
            namesField: set.patterns.map { compiled in
                compiled.fieldWholeLabel ? compiled.fieldLabels.contains { $0.joined == whole.joined }
                    : compiled.fieldLabels.contains { tokens.firstOccurrence(of: $0) != nil }
            })
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[label] = m
        return m
    }

    /// The label without what it holds in brackets.
    static func withoutAsides(_ label: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [], depth = 0
        for b in label {
            if b == 40 || b == 91 { depth += 1; continue }
            if b == 41 || b == 93 { depth = max(0, depth - 1); continue }
            if depth == 0 { out.append(b) }
        }
        return out
    }
}
