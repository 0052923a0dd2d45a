// People a text says have died: "In memory of Eileen Marsh (1938 - 2024)", "Former tenant: Mr
// Walter Haigh - deceased", "the estate of the late W Haigh". The dead are not living
// individuals, so their names are no one's personal data (docs/policy.md). Only words said of
// the name itself count, next to it: "in (loving) memory of", "the late", "estate of", "funeral
// of" before it; "deceased" or "dec'd" just after it; dates of a life of thirty years or more
// in brackets after it. "Died" in a sentence is not read: "her husband died" names no one, and
// "Sam told us his father died" names Sam, who is alive.
//
// A name is kept as its title, its surname and the initial of its first given name, if written;
// a name the entry gives elsewhere is the dead person's when the surname and the initial are the
// same ("Walter Haigh" for "W Haigh"), or, without an initial, the surname and the title ("Mr
// Haigh" for "Mr Walter Haigh"): a widow, a son or an executor of the same surname is not. `ProseNames.readTheDead` reads an
// entry's file name and the first `ProseNames.teachingMarkersWithin` bytes of its prose for them,
// in an entry that names someone.
import TrawlModel

package struct DeceasedPeople: Sendable {
    private struct Key: Hashable {
        var title: [UInt8]?
        var initial: UInt8?
        var surname: [UInt8]

        /// Whether a name with this key is the dead person's (`dead`): the same surname, and the
        /// same initial; a name without one ("Mr Haigh") only with the same title as the dead
        /// person's. A widow, a son or an executor of the same surname is not taken for the dead.
        func isTheSamePerson(as dead: Key) -> Bool {
            guard surname == dead.surname else { return false }
            if let title, let deadTitle = dead.title, title != deadTitle { return false }
            if let initial { return initial == dead.initial }
            return title != nil && title == dead.title
        }
    }

    private var keys: [Key] = []
    /// The most people kept for an entry: a list of the dead is no memorial note.
    static let atMost = 16

    package init() {}

    package var isEmpty: Bool { keys.isEmpty }

    /// Whether `name` (a `person.name` value, title and all) is one of the people the entry says
    /// have died.
    package func contains(name: String) -> Bool {
        guard !keys.isEmpty, let key = Self.key(Self.words(Array(name.utf8)[...])) else { return false }
        return keys.contains { key.isTheSamePerson(as: $0) }
    }

    /// Reads a text for the people it says have died: one pass over its bytes, a phrase compared
    /// only where a word starts with one of the phrases' first letters.
    package mutating func observe(_ text: [UInt8]) {
        guard keys.count < Self.atMost else { return }
        // Held here: each use of a static in the loop asks whether it is made yet.
        let firstLetters = Self.firstLetters, before = Self.before, after = Self.after
        var k = 0
        while k < text.count {
            let b = text[k]
            if b == 40 {
                // "(1938 - 2024)" after a name.
                if Self.lifeDates(text, at: k) { add(Self.key(Self.nameAtEnd(text[..<Self.skipSeparatorsBack(text, from: k)]))) }
            } else if firstLetters & (1 << UInt32(((b | 32) &- 96) & 31)) != 0 && (b | 32) >= 97 && (b | 32) <= 122
                        && (k == 0 || !Self.isLetter(text[k - 1])) {
                let first = b | 32
                for phrase in before where phrase[0] == first && Self.startsWith(text, at: k, phrase) {
                    var rest = text[(k + phrase.count)...]
                    for word in Self.skippedAfter where Self.hasPrefix(rest, word) { rest = rest.dropFirst(word.count) }
                    add(Self.key(Self.nameAtStart(rest)))
                }
                for phrase in after where phrase[0] == first && Self.startsWith(text, at: k, phrase)
                    && (k + phrase.count >= text.count || !Self.isLetter(text[k + phrase.count]))
                    && !Self.isALabel(text, after: k + phrase.count) {
                    add(Self.key(Self.nameAtEnd(text[..<Self.skipSeparatorsBack(text, from: k)])))
                }
            }
            k += 1
        }
    }

    /// Whether `phrase` (lower case) stands at `k`, in any case.
    private static func startsWith(_ text: [UInt8], at k: Int, _ phrase: [UInt8]) -> Bool {
        guard k + phrase.count <= text.count else { return false }
        for (n, p) in phrase.enumerated() where (text[k + n] >= 65 && text[k + n] <= 90 ? text[k + n] + 32 : text[k + n]) != p {
            return false
        }
        return true
    }

    private mutating func add(_ key: Key?) {
        guard let key, keys.count < Self.atMost, !keys.contains(key) else { return }
        keys.append(key)
    }

    /// Phrases that a dead person's name follows, lower case.
    private static let before = ["in memory of ", "in loving memory of ", "the late ", "estate of ", "funeral of "].map { Array($0.utf8) }
    /// The first letters of `before` and `after`, as bits (a = 1): a word starting with none of
    /// them is passed over at once.
    private static let firstLetters: UInt32 = (before + after).reduce(0) { $0 | (1 << UInt32($1[0] - 96)) }
    /// Words passed over between such a phrase and the name ("the estate of the late W Haigh").
    private static let skippedAfter = ["the ", "The ", "late ", "Late "].map { Array($0.utf8) }
    /// Words that a dead person's name precedes, lower case.
    private static let after = ["deceased", "dec'd"].map { Array($0.utf8) }
    private static let titles: Set<[UInt8]> = Set(["mr", "mrs", "ms", "miss", "mx", "dr", "sir", "lady", "lord", "dame", "rev",
                                                   "revd", "prof", "professor", "capt", "captain"].map { Array($0.utf8) })

    /// Whether "deceased" is a label or a name's word rather than said of the name before it
    /// ("Deceased? No", "Deceased: N", "Deceased Estates Officer").
    private static func isALabel(_ text: [UInt8], after end: Int) -> Bool {
        var k = end
        while k < text.count && text[k] == 32 { k += 1 }
        guard k < text.count else { return false }
        return text[k] == 58 || text[k] == 63 || (text[k] >= 65 && text[k] <= 90)
    }

    /// The dates of a life in brackets at `at` ("(1938 - 2024)"): fifty years or more, the
    /// later no later than this century; not a term of office ("(2019 - 2023)") nor a long
    /// service ("(1989 - 2024)").
    private static func lifeDates(_ text: [UInt8], at: Int) -> Bool {
        var k = at + 1
        func year() -> Int? {
            guard k + 4 <= text.count, text[k..<(k + 4)].allSatisfy({ $0 &- 48 < 10 }) else { return nil }
            defer { k += 4 }
            return text[k..<(k + 4)].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let born = year(), born >= 1880 else { return false }
        while k < text.count && (text[k] == 32 || text[k] == 45) { k += 1 }
        // An en dash, in UTF-8.
        if k + 3 <= text.count && text[k] == 0xE2 && text[k + 1] == 0x80 && text[k + 2] == 0x93 { k += 3 }
        while k < text.count && text[k] == 32 { k += 1 }
        guard k > at + 5, let died = year(), died - born >= 50, died <= 2099 else { return false }
        return k < text.count && text[k] == 41
    }

    /// Back over the spaces and the punctuation between a name and what follows it (" - ", ", ",
    /// " (", an en dash).
    private static func skipSeparatorsBack(_ text: [UInt8], from end: Int) -> Int {
        var k = end
        while k > 0 && (text[k - 1] == 32 || text[k - 1] == 44 || text[k - 1] == 45 || text[k - 1] == 40) { k -= 1 }
        if k >= 3 && text[k - 3] == 0xE2 && text[k - 2] == 0x80 && text[k - 1] == 0x93 {
            k -= 3
            while k > 0 && text[k - 1] == 32 { k -= 1 }
        }
        return k
    }

    /// The capitalised words that open `text`: a title, initials, given names and a surname.
    private static func nameAtStart(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        for word in words(text.prefix(64)) {
            guard let first = word.first, first >= 65 && first <= 90, out.count < 4 else { break }
            out.append(word)
        }
        return out
    }

    /// The capitalised words that end `text`.
    private static func nameAtEnd(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var start = text.endIndex
        while start > text.startIndex && text.endIndex - start < 64 && isNameByte(text[start - 1]) { start -= 1 }
        var out: [ArraySlice<UInt8>] = []
        for word in words(text[start...], last: true).reversed() {
            guard let first = word.first, first >= 65 && first <= 90, out.count < 4 else { break }
            out.insert(word, at: 0)
            if titles.contains(word.map { $0 | 32 }) { break }
        }
        return out
    }

    /// The words of a name: runs of letters, apostrophes and hyphens; a full stop ends a title
    /// or an initial, and a sentence after any other word ("Sarah Jones. Walter Haigh").
    /// `last`: the name ends the text, so a sentence's full stop starts the words again rather
    /// than ending them.
    private static func words(_ text: ArraySlice<UInt8>, last: Bool = false) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var k = text.startIndex
        while k < text.endIndex {
            guard isLetter(text[k]) else {
                // Only spaces, and full stops after a title or an initial, lie between the words
                // of a name; a sentence's full stop ends the words before it.
                if text[k] == 46, let word = out.last, word.count > 1, !titles.contains(word.map { $0 | 32 }) {
                    guard last else { break }
                    out.removeAll()
                } else if text[k] != 32 && text[k] != 46 && !out.isEmpty {
                    break
                }
                k += 1
                continue
            }
            let start = k
            while k < text.endIndex && (isLetter(text[k]) || text[k] == 39 || text[k] == 45) { k += 1 }
            out.append(text[start..<k])
        }
        return out
    }

    /// A name's key: its title, its last word, and the initial of its first word after the title.
    private static func key(_ words: [ArraySlice<UInt8>]) -> Key? {
        var words = words
        var title: [UInt8]?
        if let first = words.first, titles.contains(first.map { $0 | 32 }) {
            title = first.map { $0 | 32 }
            words.removeFirst()
        }
        guard let surname = words.last, surname.count >= 2 else { return nil }
        return Key(title: title, initial: words.count >= 2 ? words[0].first.map { $0 | 32 } : nil, surname: surname.map { $0 | 32 })
    }

    private static func hasPrefix(_ text: ArraySlice<UInt8>, _ prefix: [UInt8]) -> Bool {
        text.count >= prefix.count && zip(text.prefix(prefix.count), prefix).allSatisfy { $0 == $1 }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 32) >= 97 && (b | 32) <= 122 }
    private static func isNameByte(_ b: UInt8) -> Bool { isLetter(b) || b == 32 || b == 46 || b == 39 || b == 45 }
}
