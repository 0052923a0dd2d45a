// Names in prose: the person a document is about where only its prose says whose it is
// (malpractice notes, a case study, an exit interview, a member's story). One entry's prose is
// read for the names the gazetteer knows ("Shannon Crowther": a given name, then a surname), and
// for later mentions of the same person by given name ("Shannon said") or by title and surname
// ("Ms Crowther"). When the entry is read, the person it is about, if any, is one `person.name`
// finding:
// - the person named in its title, where the title says what the document is about them (a
//   casework word: notes, interview, reference, leaver, case study...) and the name opens it or
//   follows a dash or a colon: the first line of its text ("EXIT INTERVIEW - Kayleigh
//   Thornton"), a message's subject, or the file's name when the text names the person too (a
//   file name alone is weak: "Lewis_Kai_application" is surname first); a message's subject
//   that opens with the name before a dash, with no casework word ("Samira Haddad - UC and
//   hardship fund"), when its body names them too (by given name alone: "Jordan rang back");
// - otherwise the person it names most, when named at least three times and at least twice as
//   often as anyone else;
// - otherwise, in a dated log whose entries open with people's names ("06/01  Gareth Llewellyn
//   - left VM x2"), each of those people, when there are at least three.
// A name in a work role is no subject (`ProseContext`): after a label on its line ("Present:",
// "From:", "by"), after a job ("Principal Helen Oakes"), or alone on its line above a job (a
// signature). A job after the name ("Pauline Haigh, lead invigilator") leaves that one mention
// uncounted. A place's name is no person's ("Victoria Station", "Florence Nightingale
// Building"); a greeting's or a sign-off's given name is no mention ("Hi Sophie"), nor is a
// quoted line's. A table's names are its columns' (the name fields and `NameColumnRows`), so a
// chunk with cells is not read here; nor is prose past the first `readAtMost` bytes, as a
// document about one person is a few pages; nor a document naming `peopleAtMost` people. In
// teaching material (a lesson, an exam question, a scenario that says it is fictional) the
// person is shown as example data: a historical figure, a character, a made-up learner.
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
    /// The fewest people whose names open a dated log's entries for the log to be about them.
    static let loggedAtLeast = 3
    /// How far into its prose teaching material says what it is (`ProseContext.teachingMarkers`).
    static let teachingMarkersWithin = 8 * 1024
    /// The most lines naming someone kept for an entry (`person(onLineAt:)`).
    static let namedLinesAtMost = 4096

    private struct Person {
        var given: UInt64
        var surname: UInt64
        var value: String
        var location: Location
        /// Written in capitals where first met: shown as written in prose once met there.
        var isCapitals = false
        /// Mentions by full name in the text (not the file name).
        var inText = 0
        /// Lines of a dated log that open with the name ("06/01  Gareth Llewellyn - left VM").
        var logEntries = 0
        var workRole = false
        var inTitle = false
        var inFileName = false
        /// Opens a message's subject before a dash, with no casework word.
        var inSubject = false
    }

    /// A line of the entry's prose that names someone, by full name (`person`, an index into
    /// `people`) or by given name alone (`given`, its digest): where in its part the line lies.
    private struct NamedLine {
        var part: String?
        var range: Range<Int>
        var person: Int?
        var given: UInt64?
    }

    private var people: [Person] = []
    /// The people the entry says have died, once `readTheDead` has read its title and the head of
    /// its prose for them.
    package private(set) var deceased = DeceasedPeople()
    private var deadRead = false
    /// The entry's file name, as its title.
    private var titleText: [UInt8] = []
    private var namedLines: [NamedLine] = []
    private var givenOnly: [UInt64: Int] = [:]
    private var titledSurname: [UInt64: Int] = [:]
    private var read = 0
    private var sawProse = false
    private var readingFileName = false
    private var readingSubject = false
    /// The entry names `peopleAtMost` people or more: it is about none of them.
    private var crowded = false
    /// The first `teachingMarkersWithin` bytes of the entry's prose, where teaching material
    /// says what it is (`ProseContext.isTeachingMaterial`): searched only when a person is found.
    private var head: [UInt8] = []

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
                readingSubject = true
                scan(subject, gazetteer: gazetteer, titleLineEnd: subject.text.count)
                readingSubject = false
            }
            return
        }
        let isTitle = !sawProse && chunk.offset == 0
        sawProse = true
        // A long chunk (a whole text file) is read to the limit only.
        let upTo = min(chunk.text.count, Self.readAtMost - read)
        read += upTo
        if head.count < Self.teachingMarkersWithin {
            if !head.isEmpty { head.append(10) }
            head += chunk.text[..<min(upTo, Self.teachingMarkersWithin - head.count)]
        }
        scan(chunk, gazetteer: gazetteer, titleLineEnd: isTitle ? (chunk.text.firstIndex(of: 10) ?? chunk.text.count) : 0, upTo: upTo)
    }

    /// Reads the entry's file name (`Extraction.fileNameChunk`) as its title.
    package mutating func observeTitle(_ chunk: TextChunk, gazetteer: NameGazetteer) {
        readingFileName = true
        scan(chunk, gazetteer: gazetteer, titleLineEnd: chunk.text.count)
        readingFileName = false
        titleText = chunk.text
    }

    /// Whether the entry's prose names anyone the gazetteer knows.
    package var namesSomeone: Bool { !people.isEmpty }

    /// Reads the entry's file name and the head of its prose (`teachingMarkersWithin` bytes: a
    /// document about someone who has died says so near its start) for the people it says have
    /// died. Asked only of an entry that names someone, as the teaching markers are.
    package mutating func readTheDead() {
        guard !deadRead else { return }
        deadRead = true
        deceased.observe(titleText)
        deceased.observe(head)
    }

    /// Whether a match is the name of someone the entry says has died.
    package func isDead(_ m: Match) -> Bool {
        m.typeId == "person.name" && deceased.contains(name: m.value)
    }

    /// The findings of the entry's prose: the person it is about, or else the people a dated
    /// log's entries are about.
    package func findings() -> [Match] {
        if let one = subject() { return [one] }
        return logged()
    }

    /// The people of a dated log, when its entries open with at least `loggedAtLeast` people's
    /// names: a log of calls, visits or welfare checks is about each of them.
    package func logged() -> [Match] {
        let entries = people.filter { $0.logEntries > 0 && !$0.workRole }
        guard !crowded, entries.count >= Self.loggedAtLeast else { return [] }
        let teaching = isTeachingMaterial
        return entries.map { match($0, evidence: "an entry of a dated log of notes opens with their name", teaching: teaching) }
    }

    /// The finding for the person the entry is about, if any (see the file's opening comment).
    package func subject() -> Match? {
        guard !crowded else { return nil }
        if let p = people.first(where: { $0.inTitle || ($0.inFileName && $0.inText > 0) || ($0.inSubject && mentions(of: $0) > 1) }) {
            return match(p, evidence: "the person the document's title names", teaching: isTeachingMaterial)
        }
        let totals = people.map { mentions(of: $0) }
        guard let best = totals.indices.filter({ !people[$0].workRole }).max(by: { totals[$0] < totals[$1] }),
              totals[best] >= Self.namedAtLeast,
              !totals.indices.contains(where: { $0 != best && totals[$0] * Self.timesOthers > totals[best] }) else { return nil }
        return match(people[best], evidence: "the person the document is about: named \(totals[best]) times",
                     teaching: isTeachingMaterial)
    }

    /// The person a special-category value whose record names no one (`Match.needsPerson`) is
    /// about, from its line (`person(onLineAt:)`); none for a value said of a relative. A scan
    /// and `trawl patterns test` both ask here.
    package func person(saying value: Match) -> Match? {
        guard value.needsPerson, !value.evidence.contains(Evidence.ofARelative) else { return nil }
        // The dead person's, and no living person's.
        guard let who = person(onLineAt: value.location), who.exemption != .deceased else { return nil }
        return who
    }

    /// The person the line of prose at `location` is about, when it names one person and no
    /// other: by full name, or by a given name that only one person named in the entry has
    /// ("Maureen had a stroke in 2021", below "Maureen Jackson, 71"). An awards page about three
    /// learners says on one learner's line what it says of them. Nil in a work role (a name
    /// after a label or a job anywhere in the entry), in teaching material, and in an entry
    /// naming too many people to be about any of them.
    package func person(onLineAt location: Location) -> Match? {
        guard !crowded else { return nil }
        var found: Int?
        for line in namedLines where line.part == location.part && line.range.contains(location.offset) {
            var who = line.person
            if who == nil, let g = line.given {
                // A given name alone is the one person named in full who has it.
                let named = people.indices.filter { people[$0].given == g }
                guard named.count <= 1 else { return nil }
                who = named.first
            }
            guard let who else { continue }
            if let f = found, f != who { return nil }
            found = who
        }
        guard let found, !people[found].workRole, !isTeachingMaterial else { return nil }
        return match(people[found], evidence: "named on the line that gives their special-category data", teaching: false)
    }

    /// A person's mentions in the text: by full name, and by given name or title and surname
    /// where no one else named has the same one.
    private func mentions(of p: Person) -> Int {
        var n = p.inText
        if !people.contains(where: { $0.given == p.given && $0.surname != p.surname }) { n += givenOnly[p.given] ?? 0 }
        if !people.contains(where: { $0.surname == p.surname && $0.given != p.given }) { n += titledSurname[p.surname] ?? 0 }
        return n
    }

    /// Whether the entry's first bytes say it is teaching or training material.
    private var isTeachingMaterial: Bool { head.withUnsafeBytes(ProseContext.isTeachingMaterial) }

    private func match(_ p: Person, evidence: String, teaching: Bool) -> Match {
        var exemption: Exemption?
        var evidence = [evidence]
        if case .exempt(let why) = PersonNames.check(p.value) { exemption = why }
        if teaching {
            exemption = .exampleData
            evidence.append(Evidence.inTeachingMaterial)
        } else if deceased.contains(name: p.value) {
            exemption = .deceased
            evidence.append(Evidence.deceased)
        }
        return Match(typeId: "person.name", patternId: "person.name.prose", value: p.value,
                     normalized: Normalization.apply(.lower, to: p.value),
                     confidence: .medium, evidence: evidence, exemption: exemption, location: p.location)
    }

    // MARK: Reading

    private typealias Word = ProseText.Word

    private mutating func scan(_ chunk: TextChunk, gazetteer: NameGazetteer, titleLineEnd: Int, upTo: Int = .max) {
        chunk.text.withUnsafeBufferPointer { text in
            let end = min(upTo, chunk.matchStartLimit.map { min(text.count, max(0, $0 - chunk.offset)) } ?? text.count)
            var lines = ProseText.LineCursor()
            // Where the last title ("Mr"), the last initial ("K") and the last capitalised word
            // ended, for the word after them.
            var titleEnd = -1, initialEnd = -1
            var previous: Range<Int>?
            var i = 0
            // Only words that open with a capital letter are read: most of prose is skipped a
            // byte at a time, eight at a time where none of them is a capital.
            while i < end {
                if i + 8 <= end && !ProseText.holdsCapital(UnsafeRawPointer(text.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                guard text[i] &- 65 < 26, i == 0 || ProseText.endsWord(text[i - 1]) else { i += 1; continue }
                let w = ProseText.word(at: i, in: text, gazetteer: gazetteer)
                let before = previous
                previous = w.start..<w.end
                i = w.resume
                if w.end - w.start == 1 { initialEnd = w.end; continue }
                guard w.capitalised else { continue }
                if w.isTitle { titleEnd = w.end; continue }
                let afterTitle = titleEnd >= 0 && ProseText.adjacent(titleEnd, w.start, stop: true, in: text)
                let afterInitial = initialEnd >= 0 && ProseText.adjacent(initialEnd, w.start, stop: true, in: text)
                if afterTitle { titledSurname[NameGazetteer.digest(text[w.start..<w.end]), default: 0] += 1 }
                guard w.kind.contains(.given) else { continue }
                // The next word, when only spaces stand between: a surname, perhaps after a
                // particle ("Alfie Da Costa", "Lotte van Dijk").
                var next = w.possessive ? nil : ProseText.nextWord(after: w.end, in: text, gazetteer: gazetteer)
                if let p = next, p.end - p.start <= 5, ProseText.isOneOf(ProseText.particleBytes, text[p.start..<p.end]),
                   let n = ProseText.nextWord(after: p.end, in: text, gazetteer: gazetteer) {
                    next = n
                }
                lines.advance(to: w.start, in: text)
                let lineStart = lines.lineStart
                if let s = next, s.capitalised, NameGazetteer.isName(given: w.kind, surname: s.kind) {
                    let after = s.possessive ? nil : ProseText.nextWord(after: s.end, in: text, gazetteer: gazetteer)
                    if !ProseContext.isPlace(surname: text[s.start..<s.end], then: after.map { text[$0.start..<$0.end] }) {
                        mention(given: w, surname: s, in: text, chunk: chunk, lines: &lines, titleLineEnd: titleLineEnd)
                        guard people.count < Self.peopleAtMost else {
                            crowded = true
                            read = Self.readAtMost
                            return
                        }
                    }
                    i = s.resume
                    continue
                }
                // A given name alone: not after a title or an initial ("Mr Lewis", "K. Lewis"),
                // nor a greeting's or a sign-off's ("Hi Sophie", "Sophie" on a line of its own),
                // nor in a quoted line.
                let greeted = before.map { b in ProseText.adjacent(b.upperBound, w.start, stop: false, in: text)
                    && ProseContext.isGreeting(text[b]) } ?? false
                if !(next?.capitalised ?? false), !afterTitle, !afterInitial, !greeted,
                   !ProseContext.standsAlone(text, lineStart: lineStart, word: w.start..<w.end),
                   !ProseContext.isQuoted(text, lineStart: lineStart) {
                    let given = NameGazetteer.digest(text[w.start..<w.end])
                    givenOnly[given, default: 0] += 1
                    noteLine(at: w.start, in: text, chunk: chunk, lineStart: lineStart, person: nil, given: given)
                }
            }
        }
    }

    /// Whether a dash, a colon or a bar follows the name (spaces aside).
    private static func dashFollows(_ text: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        var k = end
        while k < text.count && text[k] == 32 { k += 1 }
        guard k < text.count else { return false }
        if text[k] == 45 || text[k] == 58 || text[k] == 124 { return true }
        return text[k] == 0xE2 && k + 2 < text.count && text[k + 1] == 0x80 && (text[k + 2] == 0x93 || text[k + 2] == 0x94)
    }

    /// Keeps the line around `offset` as one that names someone.
    private mutating func noteLine(at offset: Int, in text: UnsafeBufferPointer<UInt8>, chunk: TextChunk, lineStart: Int,
                                   person: Int?, given: UInt64?) {
        guard namedLines.count < Self.namedLinesAtMost, !readingFileName, let base = text.baseAddress else { return }
        let end = memchr(base + offset, 10, text.count - offset).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
            ?? text.count
        namedLines.append(NamedLine(part: chunk.part, range: (chunk.offset + lineStart)..<(chunk.offset + end),
                                    person: person, given: given))
    }

    /// The validator's check of the surname (no role, team, place or month: "Shannon Student").
    /// The given name is the gazetteer's alone: a given name that is also a word of the
    /// validator's list ("Dean", "May") names a person before a surname that is no common word
    /// ("Dean Crossland"), and two common words are refused before this.
    private static func isSurname(_ surname: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let s = String(decoding: surname, as: UTF8.self).lowercased()
        return !PersonNames.notNames.contains(s) || PersonNames.alsoSurnames.contains(s)
    }

    private mutating func mention(given: Word, surname: Word, in text: UnsafeBufferPointer<UInt8>, chunk: TextChunk,
                                  lines: inout ProseText.LineCursor, titleLineEnd: Int) {
        guard !ProseContext.isQuoted(text, lineStart: lines.lineStart) else { return }
        let g = NameGazetteer.digest(text[given.start..<given.end]), s = NameGazetteer.digest(text[surname.start..<surname.end])
        let before = text[lines.lineStart..<given.start]
        let labelled = lines.isLabelled(before: given.start, in: text) || ProseContext.endsInBy(before)
        // A job after the name leaves this mention uncounted; on the title line it says what the
        // document is (a staff profile: "Dr Anjali Mehta - Head of Science").
        let roleAfter = ProseContext.roleFollows(text, after: surname.end)
        let counted = !readingFileName && !roleAfter
        // A lasting work role: a label, a job before the name, a job below a name alone on its
        // line, a job after the name in the title.
        let workRole = labelled || ProseContext.roleBefore(text, at: given.start)
            || ProseContext.roleBelow(text, lineStart: lines.lineStart, name: given.start..<surname.end)
            || (roleAfter && given.start < titleLineEnd)
        var inTitle = false, namesSubject = false
        if given.start < titleLineEnd, !labelled, let place = ProseContext.titlePlace(before) {
            inTitle = ProseContext.isCasework(text[lines.lineStart..<titleLineEnd], strongOnly: place == .opens)
            // A message's subject that opens with a name and a dash ("Samira Haddad - UC and
            // hardship fund", "RE: Martin Bairstow - phased return") says whom it is about.
            namesSubject = readingSubject && Self.dashFollows(text, after: surname.end)
        }
        func value() -> String { String(decoding: text[given.start..<surname.end], as: UTF8.self) }
        let logEntry = !readingFileName && ProseContext.opensLogEntry(text, lineStart: lines.lineStart, name: given.start..<surname.end)
        let aboutThem = counted && !workRole && !logEntry
        if let i = people.firstIndex(where: { $0.given == g && $0.surname == s }) {
            if aboutThem { noteLine(at: given.start, in: text, chunk: chunk, lineStart: lines.lineStart, person: i, given: nil) }
            people[i].inText += counted ? 1 : 0
            people[i].logEntries += logEntry ? 1 : 0
            people[i].workRole = people[i].workRole || workRole
            people[i].inTitle = people[i].inTitle || (inTitle && !readingFileName)
            people[i].inSubject = people[i].inSubject || namesSubject
            people[i].inFileName = people[i].inFileName || (inTitle && readingFileName)
            // A name first seen in capitals ("PHONE CALL WITH SHANNON CROWTHER") is shown as written in prose.
            if people[i].isCapitals && text[given.start + 1] &- 97 < 26 {
                people[i].value = value()
                people[i].isCapitals = false
            }
            return
        }
        guard Self.isSurname(text[surname.start..<surname.end]) else { return }
        if aboutThem { noteLine(at: given.start, in: text, chunk: chunk, lineStart: lines.lineStart, person: people.count, given: nil) }
        people.append(Person(given: g, surname: s, value: value(),
                             location: Location(part: chunk.part, line: chunk.firstLine.map { $0 + lines.newlines },
                                                offset: chunk.offset + given.start),
                             isCapitals: !(text[given.start + 1] &- 97 < 26), inText: counted ? 1 : 0,
                             logEntries: logEntry ? 1 : 0, workRole: workRole,
                             inTitle: inTitle && !readingFileName, inFileName: inTitle && readingFileName,
                             inSubject: namesSubject))
    }
}
