// Names in prose: the person a document is about where only its prose says whose it is
// (malpractice notes, a case study, an exit interview, a member's story). One entry's prose is
// read for the names the gazetteer knows ("Shannon Crowther": a given name, then a surname), and
// for later mentions of the same person by given name ("Shannon said") or by title and surname
// ("Ms Crowther"). When the entry is read, the person it is about, if any, is one `person.name`
// finding:
// - the person named in its title, where the name opens the title or follows a dash or a colon:
//   the first line of its text ("EXIT INTERVIEW - Kayleigh Thornton"), a message's subject, or
//   the file's name when
//   the text names the person too (a file name alone is weak: "Lewis_Kai_application" is
//   surname first, and names a Mr Kai Lewis);
// - otherwise the person it names most, when named at least three times and at least twice as
//   often as anyone else.
// A name in a work role is no subject: after a label such as "From:", "Present:", "Author" or
// "by" on its line, or followed by a role in brackets or after a comma ("Helen Oakes
// (Principal)", "Pauline Haigh, lead invigilator"). A table's names are its columns' (the name
// fields and `NameColumnRows`), so a chunk with cells is not read here; nor is prose past the
// first `readAtMost` bytes, as a document about one person is a few pages.
//
// Key decision: a rule of the document, not of a line. Prose names people in passing (authors,
// staff, historical figures); counting mentions is what tells the one a document is about, and
// lets the classifier's one-person rule give that person the document's special-category answers.
import Glibc
import TrawlModel

/// One entry's reading of names in prose. A value per entry: nested entries (an email's
/// attachments) have their own.
package struct ProseNames {
    /// Prose past this many bytes of an entry is not read for names.
    static let readAtMost = 64 * 1024
    /// The fewest mentions of the person a document is about...
    static let namedAtLeast = 3
    /// ...and how many times anyone else's mentions theirs must be.
    static let timesOthers = 2
    /// The most people kept for an entry (a list of hundreds of names is about none of them).
    static let peopleAtMost = 64

    private struct Person {
        var given: UInt64
        var surname: UInt64
        var value: String
        var location: Location
        /// Written in capitals where first met: shown as written in prose once met there.
        var isCapitals = false
        /// Mentions by full name in the text (not the file name).
        var inText = 0
        var workRole = false
        var inTitle = false
        var inFileName = false
    }

    /// A word of the text: its bytes, what the gazetteer knows of it, and its shape.
    private struct Word {
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

    private var people: [Person] = []
    private var givenOnly: [UInt64: Int] = [:]
    private var titledSurname: [UInt64: Int] = [:]
    private var read = 0
    private var sawProse = false
    private var readingFileName = false

    package init() {}

    /// Reads a chunk of the entry's text: prose only, and only within the first `readAtMost`
    /// bytes. The first line of the entry's first prose chunk, when it opens the text, is its title.
    package mutating func observe(_ chunk: TextChunk, gazetteer: NameGazetteer) {
        guard read < Self.readAtMost else { return }
        guard chunk.cells.isEmpty else {
            // A message's subject is its title ("Subject: Maternity leave - Hannah Price - plan").
            guard chunk.part == "headers" else { return }
            for cell in chunk.cells where cell.label?.lowercased() == "subject" {
                let subject = TextChunk(text: Array(chunk.text[cell.range]), part: chunk.part,
                                        offset: chunk.offset + cell.range.lowerBound)
                scan(subject, gazetteer: gazetteer, titleLineEnd: subject.text.count)
            }
            return
        }
        let isTitle = !sawProse && chunk.offset == 0
        sawProse = true
        // A long chunk (a whole text file) is read to the limit only.
        let upTo = min(chunk.text.count, Self.readAtMost - read)
        read += upTo
        scan(chunk, gazetteer: gazetteer, titleLineEnd: isTitle ? (chunk.text.firstIndex(of: 10) ?? chunk.text.count) : 0, upTo: upTo)
    }

    /// Reads the entry's file name (`Extraction.fileNameChunk`) as its title.
    package mutating func observeTitle(_ chunk: TextChunk, gazetteer: NameGazetteer) {
        readingFileName = true
        scan(chunk, gazetteer: gazetteer, titleLineEnd: chunk.text.count)
        readingFileName = false
    }

    /// The finding for the person the entry is about, if any (see the file's opening comment).
    package func subject() -> Match? {
        if let p = people.first(where: { $0.inTitle || ($0.inFileName && $0.inText > 0) }) {
            return match(p, evidence: "the person the document's title names")
        }
        let totals = people.map { mentions(of: $0) }
        guard let best = totals.indices.filter({ !people[$0].workRole }).max(by: { totals[$0] < totals[$1] }),
              totals[best] >= Self.namedAtLeast,
              !totals.indices.contains(where: { $0 != best && totals[$0] * Self.timesOthers > totals[best] }) else { return nil }
        return match(people[best], evidence: "the person the document is about: named \(totals[best]) times")
    }

    /// A person's mentions in the text: by full name, and by given name or title and surname
    /// where no one else named has the same one.
    private func mentions(of p: Person) -> Int {
        var n = p.inText
        if !people.contains(where: { $0.given == p.given && $0.surname != p.surname }) { n += givenOnly[p.given] ?? 0 }
        if !people.contains(where: { $0.surname == p.surname && $0.given != p.given }) { n += titledSurname[p.surname] ?? 0 }
        return n
    }

    private func match(_ p: Person, evidence: String) -> Match {
        let normalized = String(decoding: p.value.utf8.map { $0 &- 65 < 26 ? $0 + 32 : $0 }, as: UTF8.self)
        var exemption: Exemption?
        if case .exempt(let why) = PersonNames.check(p.value) { exemption = why }
        return Match(typeId: "person.name", patternId: "person.name.prose", value: p.value, normalized: normalized,
                     confidence: .medium, evidence: [evidence], exemption: exemption, location: p.location)
    }

    // MARK: Reading

    private mutating func scan(_ chunk: TextChunk, gazetteer: NameGazetteer, titleLineEnd: Int, upTo: Int = .max) {
        chunk.text.withUnsafeBufferPointer { text in
            let end = min(upTo, chunk.matchStartLimit.map { min(text.count, max(0, $0 - chunk.offset)) } ?? text.count)
            var lines = LineCursor()
            // Where the last title ("Mr") and the last initial ("K") ended, for the word after them.
            var titleEnd = -1, initialEnd = -1
            var i = 0
            // Only words that open with a capital letter are read: most of prose is skipped a
            // byte at a time.
            while i < end {
                // Eight bytes at a time past those with no capital letter.
                if i + 8 <= end && !Self.holdsCapital(UnsafeRawPointer(text.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                guard text[i] &- 65 < 26, i == 0 || Self.endsWord(text[i - 1]) else { i += 1; continue }
                let w = Self.word(at: i, in: text, gazetteer: gazetteer)
                i = w.resume
                if w.end - w.start == 1 { initialEnd = w.end; continue }
                guard w.capitalised else { continue }
                if w.isTitle { titleEnd = w.end; continue }
                let afterTitle = titleEnd >= 0 && Self.adjacent(titleEnd, w.start, stop: true, in: text)
                let afterInitial = initialEnd >= 0 && Self.adjacent(initialEnd, w.start, stop: true, in: text)
                if afterTitle { titledSurname[NameGazetteer.digest(text[w.start..<w.end]), default: 0] += 1 }
                guard w.kind.contains(.given) else { continue }
                // The next word, when only spaces stand between: a surname, perhaps after a
                // particle ("Alfie Da Costa", "Lotte van Dijk").
                var next: Word?
                if !w.possessive, w.end < text.count, Self.adjacent(w.end, Self.skipSpaces(from: w.end, in: text), stop: false, in: text) {
                    var n = Self.word(at: Self.skipSpaces(from: w.end, in: text), in: text, gazetteer: gazetteer)
                    if n.end - n.start <= 5, Self.isParticle(text[n.start..<n.end]),
                       Self.adjacent(n.end, Self.skipSpaces(from: n.end, in: text), stop: false, in: text) {
                        n = Self.word(at: Self.skipSpaces(from: n.end, in: text), in: text, gazetteer: gazetteer)
                    }
                    next = n
                }
                if let s = next, s.capitalised, s.kind.contains(.surname), !(w.kind.contains(.givenWord) && s.kind.contains(.surnameWord)) {
                    lines.advance(to: w.start, in: text)
                    mention(given: w, surname: s, in: text, chunk: chunk, lines: &lines, titleLineEnd: titleLineEnd)
                    guard people.count < Self.peopleAtMost else {
                        // A list of so many people is about none of them: nothing more is read.
                        read = Self.readAtMost
                        return
                    }
                    i = s.resume
                    continue
                }
                // A given name alone, not after a title or an initial ("Mr Lewis", "K. Lewis").
                if !(next?.capitalised ?? false), !afterTitle, !afterInitial {
                    givenOnly[NameGazetteer.digest(text[w.start..<w.end]), default: 0] += 1
                }
            }
        }
    }

    /// The line and line start of a place in a chunk, worked out going forward through it (a
    /// line at a time, by memchr), and whether the line holds a work label before that place.
    private struct LineCursor {
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

        /// Whether the line before `offset` holds a work label (`ProseNames.workLabels`), its
        /// last 200 bytes, in any case; each stretch of the line searched once.
        mutating func isLabelled(before offset: Int, in text: UnsafeBufferPointer<UInt8>) -> Bool {
            let from = max(lineStart, offset - 200, labelsSearched - ProseNames.longestLabel)
            if !labelled && offset > from { labelled = ProseNames.holdsLabel(text[from..<offset]) }
            labelsSearched = max(labelsSearched, offset)
            return labelled
        }
    }

    /// Whether any of eight bytes is a capital letter A-Z ("hasbetween" of Bit Twiddling Hacks:
    /// exact for bytes below 128; a byte beyond ASCII may only be taken for one, and is then
    /// looked at alone).
    private static func holdsCapital(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, low = x & (ones &* 127)
        return ((ones &* (127 + 91)) &- low) & ~x & (low &+ ones &* (127 - 64)) & (ones &* 128) != 0
    }

    /// Whether a byte before a letter leaves that letter opening a word (not a letter, an
    /// apostrophe or a byte of a character beyond ASCII).
    private static func endsWord(_ b: UInt8) -> Bool { !isLetter(b) && b < 128 && b != 39 }

    /// The word that starts at `start`: ASCII letters with inner apostrophes and hyphens; a word
    /// with other letters in it ("Zoë") is read whole and known to no gazetteer.
    private static func word(at start: Int, in text: UnsafeBufferPointer<UInt8>, gazetteer: NameGazetteer) -> Word {
        let n = text.count
        var i = start
        var ascii = true, possessive = false, resume = -1
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
            if (c == 39 || c == 45) && i + 1 < n && isLetter(text[i + 1]) { i += 1; continue }
            if c >= 128 { ascii = false; i += 1; continue }
            break
        }
        let word = text[start..<i]
        let capitalised = ascii && text[start] &- 65 < 26 && word.count >= 2
        return Word(start: start, end: i, resume: resume < 0 ? i : resume, kind: capitalised ? gazetteer.kind(of: word) : [],
                    capitalised: capitalised, possessive: possessive, isTitle: capitalised && isOneOf(titleBytes, word))
    }

    /// Past the spaces and tabs from `start` (three at most: farther is no longer one name).
    private static func skipSpaces(from start: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        var k = start
        while k < text.count && k - start < 4 && (text[k] == 32 || text[k] == 9 || text[k] == 46) { k += 1 }
        return k
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 32) &- 97 < 26 }

    /// Whether the word, in any case, is one of `list` (lower-case ASCII).
    private static func isOneOf(_ list: [[UInt8]], _ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        list.contains { $0.count == word.count && zip($0, word).allSatisfy { $0 == $1 | 32 } }
    }

    private static func isParticle(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool { isOneOf(particleBytes, word) }

    /// Titles before a name (`PersonNames.titles`).
    private static let titleBytes: [[UInt8]] = PersonNames.titles.sorted().map { Array($0.utf8) }
    /// Words that open a surname of two words.
    private static let particleBytes: [[UInt8]] = ["da", "de", "di", "du", "dos", "das", "van", "von", "der", "den", "del", "della",
                                                   "le", "la", "al", "el", "bin", "ibn", "st"].map { Array($0.utf8) }

    /// Whether only spaces (or, with `stop`, a title's or an initial's full stop) stand between
    /// one word's end and the next word's start, on one line; the next word must start there.
    private static func adjacent(_ end: Int, _ next: Int, stop: Bool, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard next > end, next - end <= 3, next < text.count, isLetter(text[next]) else { return false }
        let gap = text[end..<next]
        return gap.allSatisfy { $0 == 32 || $0 == 9 } || (stop && gap.first == 46 && gap.dropFirst().allSatisfy { $0 == 32 })
    }

    /// The validator's check of the two words (no role, team, place or month).
    private static func isName(_ given: String, _ surname: String) -> Bool {
        let g = given.lowercased(), s = surname.lowercased()
        return !PersonNames.notNames.contains(g) && (!PersonNames.notNames.contains(s) || PersonNames.alsoSurnames.contains(s))
    }

    private mutating func mention(given: Word, surname: Word, in text: UnsafeBufferPointer<UInt8>, chunk: TextChunk,
                                  lines: inout LineCursor, titleLineEnd: Int) {
        let g = NameGazetteer.digest(text[given.start..<given.end]), s = NameGazetteer.digest(text[surname.start..<surname.end])
        let before = text[lines.lineStart..<given.start]
        let labelled = lines.isLabelled(before: given.start, in: text) || Self.endsInBy(before)
        let workRole = labelled || Self.roleFollows(text, after: surname.end)
        let inTitle = given.start < titleLineEnd && !labelled && Self.opensTitle(before)
        let fromText = readingFileName ? 0 : 1
        func value() -> String { String(decoding: text[given.start..<surname.end], as: UTF8.self) }
        if let i = people.firstIndex(where: { $0.given == g && $0.surname == s }) {
            people[i].inText += fromText
            people[i].workRole = people[i].workRole || workRole
            people[i].inTitle = people[i].inTitle || (inTitle && !readingFileName)
            people[i].inFileName = people[i].inFileName || (inTitle && readingFileName)
            // A name first seen in capitals ("PHONE CALL WITH SHANNON CROWTHER") is shown as written in prose.
            if people[i].isCapitals && text[given.start + 1] &- 97 < 26 {
                people[i].value = value()
                people[i].isCapitals = false
            }
            return
        }
        let written = value()
        guard Self.isName(String(decoding: text[given.start..<given.end], as: UTF8.self),
                          String(decoding: text[surname.start..<surname.end], as: UTF8.self)) else { return }
        people.append(Person(given: g, surname: s, value: written,
                             location: Location(part: chunk.part, line: chunk.firstLine.map { $0 + lines.newlines },
                                                offset: chunk.offset + given.start),
                             isCapitals: !(text[given.start + 1] &- 97 < 26), inText: fromText, workRole: workRole,
                             inTitle: inTitle && !readingFileName, inFileName: inTitle && readingFileName))
    }

    /// Whether what stands before a name on its title line sets it apart as the title's subject:
    /// nothing, or a dash or a colon.
    private static func opensTitle(_ before: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var k = before.endIndex
        while k > before.startIndex && (before[k - 1] == 32 || before[k - 1] == 9) { k -= 1 }
        guard k > before.startIndex else { return true }
        let last = before[k - 1]
        return last == 45 || last == 58 || ((last == 0x93 || last == 0x94) && k - 3 >= before.startIndex && before[k - 3] == 0xE2)
    }

    /// Labels that put the names after them on their line in a work role.
    static let workLabels = ["present", "attendees", "attending", "in attendance", "apologies", "from:", "to:", "cc:", "sent by",
                             "author", "prepared by", "approved by", "reviewed by", "written by", "signed", "chair", "clerk",
                             "minute", "owner", "contact:", "speaker", "presenter", "facilitator", "trainer"]
    private static let workLabelBytes: [[UInt8]] = workLabels.map { Array($0.utf8) }

    /// The longest work label, in bytes.
    static let longestLabel = workLabels.map(\.utf8.count).max() ?? 0

    /// Whether the bytes hold a work label, in any case.
    static func holdsLabel(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 32 : b }
        // A label opens a word: only the bytes that do are compared.
        var i = line.startIndex
        while i < line.endIndex {
            defer { i += 1 }
            guard isLetter(line[i]), i == line.startIndex || !isLetter(line[i - 1]) else { continue }
            let first = lower(line[i])
            for label in workLabelBytes where label[0] == first && i + label.count <= line.endIndex {
                if zip(label, line[i..<(i + label.count)]).allSatisfy({ $0 == lower($1) }) { return true }
            }
        }
        return false
    }

    /// Whether the line before a name ends in "by " ("typed up by ...").
    private static func endsInBy(_ before: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard before.count >= 3 else { return false }
        let e = before.endIndex
        return before[e - 3] | 32 == 98 && before[e - 2] | 32 == 121 && before[e - 1] == 32
    }

    /// Words of a job that, in brackets or after a comma just after a name, give it a work role.
    static let roleWords: Set<String> = [
        "principal", "head", "headteacher", "manager", "officer", "director", "lecturer", "teacher", "tutor", "coordinator",
        "co-ordinator", "administrator", "assistant", "lead", "leader", "clerk", "chair", "governor", "invigilator", "adviser",
        "advisor", "consultant", "secretary", "receptionist", "technician", "dsl", "senco", "ceo", "cfo", "coo", "vp", "deputy",
        "trustee", "registrar", "coach", "assessor", "supervisor", "mentor", "examiner", "inspector", "representative",
        "nurse", "counsellor", "librarian", "editor", "hr", "specialist", "analyst", "engineer", "controller", "caseworker",
        "solicitor", "interviewer", "president", "treasurer", "partner", "executive", "chief"]

    /// Whether a role follows the name, in brackets or after a comma, within its clause.
    private static func roleFollows(_ text: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        var k = end
        while k < text.count && text[k] == 32 { k += 1 }
        guard k < text.count, text[k] == 40 || text[k] == 44 else { return false }
        let stop = min(text.count, k + 60)
        var i = k + 1
        while i < stop && ![41, 44, 46, 59, 10].contains(text[i]) {
            guard isLetter(text[i]) else { i += 1; continue }
            let start = i
            while i < stop && (isLetter(text[i]) || text[i] == 45) { i += 1 }
            if roleDigests.contains(NameGazetteer.digest(text[start..<i])) { return true }
        }
        return false
    }

    private static let roleDigests = Set(roleWords.map { NameGazetteer.digest($0.utf8) })
}
