// Reading prose a word at a time on its bytes, for `ProseNames`: the words that open with a
// capital letter, what the gazetteer knows of each, and where lines start. Nothing here makes a
// string: most of prose is skipped eight bytes at a time.
import Glibc
import TrawlModel

enum ProseText {
    /// A word of the text: its bytes, what the gazetteer knows of it, and its shape.
    struct Word {
        var start: Int
        var end: Int
        /// Where reading goes on after the word (past a possessive's "'s").
        var resume: Int
        var kind: NameGazetteer.Kind
        var capitalised: Bool
        /// Followed by "'s": "Leah's story".
        var possessive: Bool
        /// Mr, Mrs, Ms, Miss, Mx or Dr.
        var isTitle: Bool
    }

    /// The line and line start of a place in a chunk, worked out going forward through it (a
    /// line at a time, by memchr), and whether the line holds a work label before that place.
    struct LineCursor {
        var at = 0
        var newlines = 0
        var lineStart = 0
        /// How far the current line has been searched for a work label, and whether one was found.
        var labelsSearched = 0
        var labelled = false

        mutating func advance(to offset: Int, in text: UnsafeBufferPointer<UInt8>) {
            guard let base = text.baseAddress else { return }
            while at < offset, let found = memchr(base + at, 10, offset - at) {
                let k = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                newlines += 1
                lineStart = k + 1
                at = k + 1
            }
            at = max(at, offset)
            if labelsSearched < lineStart { labelsSearched = lineStart; labelled = false }
        }

        /// Whether the line before `offset` holds a work label (`ProseContext.workLabels`), in
        /// its last 200 bytes; each stretch of the line searched once.
        mutating func isLabelled(before offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
            let from = max(lineStart, offset - 200, labelsSearched - ProseContext.longestLabel)
            if !labelled && offset > from { labelled = ProseContext.holdsLabel(text[from..<offset], lineStart: lineStart) }
            labelsSearched = max(labelsSearched, offset)
            return labelled
        }
    }

    /// Whether any of eight bytes is a capital letter A-Z ("hasbetween" of Bit Twiddling Hacks;
    /// a byte beyond ASCII is never taken for one).
    static func holdsCapital(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, low = x & (ones &* 127)
        return ((ones &* (127 + 91)) &- low) & ~x & (low &+ ones &* (127 - 64)) & (ones &* 128) != 0
    }

    /// Whether a byte before a letter leaves that letter opening a word (not a letter, an
    /// apostrophe or a byte of a character beyond ASCII).
    static func endsWord(_ b: UInt8) -> Bool { !isLetter(b) && b < 128 && b != 39 }

    static func isLetter(_ b: UInt8) -> Bool { (b | 32) &- 97 < 26 }

    /// The word that starts at `start`: ASCII letters with inner apostrophes and hyphens; a word
    /// with other letters in it ("Zoë") is read whole and known to no gazetteer. A hyphenated
    /// word the gazetteer does not hold is known by its first part ("Ellie-May").
    static func word(at start: Int, in text: UnsafeBufferPointer<UInt8>, gazetteer: NameGazetteer) -> Word {
        let n = text.count
        var i = start
        var ascii = true, possessive = false, resume = -1, hyphen = -1
        while i < n {
            let c = text[i]
            if isLetter(c) { i += 1; continue }
            // "'s" or "’s" that ends the word: a possessive, not part of the name.
            let apostrophe = c == 39 ? 1 : (c == 0xE2 && i + 2 < n && text[i + 1] == 0x80 && text[i + 2] == 0x99 ? 3 : 0)
            if apostrophe > 0, i + apostrophe < n, text[i + apostrophe] | 32 == 115,
               i + apostrophe + 1 >= n || !isLetter(text[i + apostrophe + 1]) {
                possessive = true
                resume = i + apostrophe + 1
                break
            }
            if (c == 39 || c == 45) && i + 1 < n && isLetter(text[i + 1]) {
                if c == 45 && hyphen < 0 { hyphen = i }
                i += 1
                continue
            }
            if c >= 128 { ascii = false; i += 1; continue }
            break
        }
        let word = text[start..<i]
        let capitalised = ascii && text[start] &- 65 < 26 && word.count >= 2
        var kind: NameGazetteer.Kind = []
        if capitalised {
            kind = gazetteer.kind(of: word)
            if kind.isEmpty && hyphen > start + 1 { kind = gazetteer.kind(of: text[start..<hyphen]) }
        }
        return Word(start: start, end: i, resume: resume < 0 ? i : resume, kind: kind, capitalised: capitalised,
                    possessive: possessive, isTitle: capitalised && isOneOf(titleBytes, word))
    }

    /// Past the spaces and tabs (and a full stop) from `start`, three at most: farther is no
    /// longer one name.
    static func skipSpaces(from start: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        var k = start
        while k < text.count && k - start < 4 && (text[k] == 32 || text[k] == 9 || text[k] == 46) { k += 1 }
        return k
    }

    /// Whether only spaces (or, with `stop`, a title's or an initial's full stop) stand between
    /// one word's end and the next word's start, on one line; the next word must start there.
    static func adjacent(_ end: Int, _ next: Int, stop: Bool, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard next > end, next - end <= 3, next < text.count, isLetter(text[next]) else { return false }
        let gap = text[end..<next]
        return gap.allSatisfy { $0 == 32 || $0 == 9 } || (stop && gap.first == 46 && gap.dropFirst().allSatisfy { $0 == 32 })
    }

    /// The capitalised word after `end` when only spaces stand between, if any.
    static func nextWord(after end: Int, in text: UnsafeBufferPointer<UInt8>, gazetteer: NameGazetteer) -> Word? {
        let next = skipSpaces(from: end, in: text)
        guard adjacent(end, next, stop: false, in: text) else { return nil }
        return word(at: next, in: text, gazetteer: gazetteer)
    }

    /// Whether the word, in any case, is one of `list` (lower-case ASCII).
    static func isOneOf(_ list: [[UInt8]], _ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        list.contains { $0.count == word.count && zip($0, word).allSatisfy { $0 == $1 | 32 } }
    }

    /// Titles before a name (`PersonNames.titles`).
    static let titleBytes: [[UInt8]] = PersonNames.titles.sorted().map { Array($0.utf8) }
    /// Words that open a surname of two words.
    static let particleBytes: [[UInt8]] = ["da", "de", "di", "du", "dos", "das", "van", "von", "der", "den", "del", "della",
                                           "le", "la", "al", "el", "bin", "ibn", "st"].map { Array($0.utf8) }
}
