// The prefilter: where a chunk's anchors are (runs of digits, the set's literals), found once per
// chunk and shared by the patterns, and the windows each pattern's matches can start in. A
// pattern whose anchors are absent is not searched at all; one whose anchors are present is
// searched only near them (docs/architecture.md).
import Foundation
import Hyperscan
import TrawlModel
import TrawlPatterns

/// A pattern set's literals as bytes (lower case), each with the byte a search for it looks for
/// first: its rarest by English letter frequency (symbols and digits are rarer still), for few
/// false starts on prose. Made once for the set: made again for every chunk, when Hyperscan is not
/// there to find the literals, they cost ten times the scan of a tree of small files.
struct LiteralNeedles: Sendable {
    let bytes: [[UInt8]]
    let pivots: [Int]
    /// The first `scanned` literals are those found in the Hyperscan pass; those up to `anchors`
    /// (the short ones, `PatternSet.shortestInPass`) are found one by one right after it, every
    /// occurrence; the others are looked for one at a time, when needed.
    let scanned: Int
    let anchors: Int
    /// By literal: whether it holds an ASCII letter (else it is searched for in the text as it is,
    /// not in a lower-cased copy).
    let hasLetters: [Bool]
    var count: Int { bytes.count }

    init(_ literals: [String], scanned: Int, anchors: Int) {
        bytes = literals.map { Array($0.lowercased().utf8) }
        pivots = bytes.map { n in n.indices.max { Self.rarity(n[$0]) < Self.rarity(n[$1]) } ?? 0 }
        self.scanned = scanned
        self.anchors = anchors
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

/// What `Anchors` reads of a pattern's prefilter: whether digits anchor it, how far before an
/// anchor a match can start, and how far before a required literal. The compiled pattern holds it
/// apart from the prefilter: copying the whole prefilter, with its two lists, for every pattern
/// searched in every table row costs 2% of a scan of workbooks.
struct AnchorRule: Sendable {
    let digits: Bool
    let reach: Int
    let requiresReach: Int?

    init(_ p: Prefilter) {
        digits = p.digits
        reach = p.reach
        requiresReach = p.requiresReach
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

    /// One Hyperscan pass for the set's literals, then a search for each short anchor; on
    /// failure, each literal is searched for on its own, with the same result.
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
        for id in literals.scanned..<literals.anchors {
            let ranges = find(id)
            if !ranges.isEmpty { all.append((id, ranges)) }
        }
        hits = all
    }

    /// Runs of digits, found the first time they are asked for.
    private mutating func digits() -> [Range<Int>] {
        if digitRuns == nil { digitRuns = Self.digitRuns(text) }
        return digitRuns!
    }

    /// Where the literal with this index occurs: from the one pass over every anchor, or searched
    /// for on its own without a scanner.
    private mutating func positions(ofLiteral id: Int) -> [Range<Int>] {
        if id < literals.anchors {
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

    /// The windows a match of a pattern with this prefilter rule can start in; `literals` and
    /// `required` are the prefilter's literals and `requires` as indexes into the set's list.
    mutating func windows(_ p: AnchorRule, literals: [Int], required: [Int]) -> [Range<Int>] {
        let near = anchorWindows(p, literals: literals)
        guard let reach = p.requiresReach, !near.isEmpty else { return near }
        // A match also starts at most `requiresReach` before one of the literals it requires.
        return Self.intersection(near, Self.windows(around: occurrences(of: required), reach: reach, limit: text.count))
    }

    /// From the first place a match can start near the prefilter's anchors to the last (every
    /// window of `windows` lies within it), or nil where there is no anchor.
    mutating func span(_ p: AnchorRule, literals: [Int]) -> Range<Int>? {
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
    private mutating func anchorWindows(_ p: AnchorRule, literals: [Int]) -> [Range<Int>] {
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
        if id < literals.anchors && !oneByOne { return !positions(ofLiteral: id).isEmpty }
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
