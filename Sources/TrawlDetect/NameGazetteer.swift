// The names gazetteer: the given names and surnames (Patterns/names, written by
// scripts/make-name-gazetteer.py from the US census's name files and Faker's person providers)
// that tell a person's name in prose ("Shannon Crowther said ...") from two capitalised words.
//
// Key decision: a name is looked up by a 64-bit FNV-1a digest of its lower-case ASCII letters,
// worked out from the text's bytes as a word is read, so that no string is made for the
// capitalised words of prose that are no name; the digests are kept in a table of their own
// (loading the gazetteer is part of every run's start). At about 110,000 names, two names sharing a
// digest is a chance of about one in 10^9: it would make one more word a name.
import TrawlModel

/// What the gazetteer knows of one word. Immutable, shared by every worker.
package struct NameGazetteer: Sendable {
    package struct Kind: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// A given name ("shannon").
        package static let given = Kind(rawValue: 1)
        /// A given name that is also a common English word ("mark", "will", "grace").
        package static let givenWord = Kind(rawValue: 2)
        /// A surname ("crowther").
        package static let surname = Kind(rawValue: 4)
        /// A surname that is also a common English word ("hall", "power").
        package static let surnameWord = Kind(rawValue: 8)
    }

    /// An open-addressing table of digests (0: an empty slot) and what each names, sized to a
    /// power of two at least twice the names: built and searched with no hashing beyond the
    /// digest itself (a Dictionary hashed each digest again, and most of loading the
    /// gazetteer went on that).
    private var keys: [UInt64]
    private var kinds: [Kind]
    private let mask: Int

    /// The gazetteer of the two files' bytes: a name a line, `#` comments, " word" after a name
    /// that is also an English word.
    package init(given: [UInt8], surnames: [UInt8]) {
        let lines = given.reduce(0) { $1 == 10 ? $0 + 1 : $0 } + surnames.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
        var size = 1024
        while size < 2 * lines { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        kinds = Array(repeating: [], count: size)
        mask = size - 1
        add(given, as: .given, word: .givenWord)
        add(surnames, as: .surname, word: .surnameWord)
    }

    private mutating func add(_ file: [UInt8], as kind: Kind, word: Kind) {
        var start = 0
        while start < file.count {
            var end = start
            while end < file.count && file[end] != 10 { end += 1 }
            defer { start = end + 1 }
            guard end > start, file[start] != UInt8(ascii: "#") else { continue }
            var nameEnd = start
            while nameEnd < end && file[nameEnd] != 32 { nameEnd += 1 }
            let isWord = end - nameEnd == 5 && file[(nameEnd + 1)..<end].elementsEqual("word".utf8)
            let slot = self.slot(Self.digest(file[start..<nameEnd]))
            keys[slot] = Self.digest(file[start..<nameEnd])
            kinds[slot].formUnion(isWord ? [kind, word] : kind)
        }
    }

    /// The slot that holds `digest`, or the empty one where it would go.
    private func slot(_ digest: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: (digest &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while keys[i] != 0 && keys[i] != digest { i = (i + 1) & mask }
        return i
    }

    /// What the gazetteer knows of the word (any case; apostrophes are skipped, as the census
    /// writes O'Brien "obrien"); empty for a word it does not hold.
    package func kind<C: Collection>(of word: C) -> Kind where C.Element == UInt8 {
        let d = Self.digest(word)
        let i = slot(d)
        return keys[i] == d ? kinds[i] : []
    }

    /// Whether a value is a name the gazetteer knows as a whole: two or three words, the first a
    /// given name, the last a surname, not both of them also English words ("Grace Hall" is a
    /// building as often as a person).
    package func isFullName<C: Collection>(_ value: C) -> Bool where C.Element == UInt8 {
        let words = value.split(whereSeparator: { $0 == 32 || $0 == 9 })
        guard words.count == 2 || words.count == 3, let first = words.first, let last = words.last else { return false }
        return Self.isName(given: kind(of: first), surname: kind(of: last))
    }

    /// Whether two words the gazetteer knows make a name: a given name, then a surname, not both
    /// of them also English words.
    package static func isName(given: Kind, surname: Kind) -> Bool {
        given.contains(.given) && surname.contains(.surname) && !(given.contains(.givenWord) && surname.contains(.surnameWord))
    }

    /// FNV-1a over the word's letters in lower case.
    static func digest<C: Collection>(_ word: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in word where b != UInt8(ascii: "'") {
            h = (h ^ UInt64(b >= 65 && b <= 90 ? b | 0x20 : b)) &* 0x100_0000_01b3
        }
        // 0 marks an empty slot of the table.
        return h == 0 ? 1 : h
    }
}
