// What the words around a name in prose say of it, for `ProseNames`: a work role (a label on
// its line, a job before or after it, a job on the line below a name that stands alone), a
// title that says what the document is about someone, a place named after a person, a greeting.
// Word lists are compared by their gazetteer digests, on the text's bytes.
import TrawlModel

enum ProseContext {
    // MARK: Work labels

    /// Labels that put the names after them on their line in a work role. A label counts as a
    /// whole word, followed by a colon ("Present:", "From:") or, for one of five letters or
    /// more, opening its line ("Apologies Helen Oakes, ...").
    static let workLabels = ["present", "attendees", "attending", "in attendance", "apologies", "from", "to", "cc", "bcc",
                             "sent by", "author", "authors", "prepared by", "approved by", "reviewed by", "written by",
                             "signed", "chair", "chaired by", "clerk", "minute taker", "minutes", "owner", "contact",
                             "speaker", "speakers", "presenter", "facilitator", "trainer", "action", "actions", "lead", "host"]
    private static let workLabelBytes: [[UInt8]] = workLabels.map { Array($0.utf8) }

    /// The longest work label, in bytes, with its colon.
    static let longestLabel = (workLabels.map(\.utf8.count).max() ?? 0) + 1

    /// Whether `line` (part of a line that starts at `lineStart`) holds a work label.
    static func holdsLabel(_ line: Slice<UnsafeBufferPointer<UInt8>>, lineStart: Int) -> Bool {
        let text = line.base
        func lower(_ b: UInt8) -> UInt8 { b &- 65 < 26 ? b | 32 : b }
        var i = line.startIndex
        while i < line.endIndex {
            defer { i += 1 }
            guard ProseText.isLetter(text[i]), i == 0 || !ProseText.isLetter(text[i - 1]) else { continue }
            let first = lower(text[i])
            for label in workLabelBytes where label[0] == first && i + label.count <= line.endIndex {
                let end = i + label.count
                guard zip(label, text[i..<end]).allSatisfy({ $0 == lower($1) }), end >= text.count || !ProseText.isLetter(text[end])
                else { continue }
                var k = end
                while k < text.count && text[k] == 32 { k += 1 }
                if k < text.count && text[k] == 58 { return true }
                if label.count >= 5 && text[lineStart..<i].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 45 || $0 == 42 || $0 == 62 }) {
                    return true
                }
            }
        }
        return false
    }

    /// Whether the line before a name ends in "by " ("typed up by ...", "Interview held by ...").
    static func endsInBy(_ before: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard before.count >= 3 else { return false }
        let e = before.endIndex
        return before[e - 3] | 32 == 98 && before[e - 2] | 32 == 121 && before[e - 1] == 32
    }

    // MARK: Jobs

    /// Words of a job.
    static let roleWords: [String] = [
        "principal", "head", "headteacher", "manager", "officer", "director", "lecturer", "teacher", "tutor", "coordinator",
        "co-ordinator", "administrator", "assistant", "lead", "leader", "clerk", "chair", "governor", "invigilator", "adviser",
        "advisor", "consultant", "secretary", "receptionist", "technician", "dsl", "senco", "ceo", "cfo", "coo", "vp", "deputy",
        "trustee", "registrar", "coach", "assessor", "supervisor", "mentor", "examiner", "inspector", "representative",
        "nurse", "counsellor", "librarian", "editor", "hr", "specialist", "analyst", "engineer", "controller", "caseworker",
        "solicitor", "interviewer", "president", "treasurer", "partner", "executive", "chief", "headmaster", "headmistress",
        "chairman", "chairwoman", "chairperson", "mayor", "councillor", "minister", "professor", "dean", "provost", "vice-principal"]
    /// A job's word, and its plural before several names ("Tutors Kemi Adeyemi and Rhys Evans").
    private static let roleDigests = Set((roleWords + roleWords.map { $0 + "s" }).map { NameGazetteer.digest($0.utf8) })

    /// Words that may stand between a job and the name it gives ("the DSL is Karen Holloway",
    /// "our new Principal, Helen Oakes").
    private static let betweenDigests = Set(["is", "was", "our", "the", "of", "and", "new", "acting", "interim", "college", "school",
                                             "trust"].map { NameGazetteer.digest($0.utf8) })

    /// Whether a job follows the name, in brackets, after a comma or after a dash or a bar,
    /// within its clause ("Helen Oakes (Principal)", "Pauline Haigh, lead invigilator", "Dr
    /// Anjali Mehta - Head of Science").
    static func roleFollows(_ text: UnsafeBufferPointer<UInt8>, after end: Int) -> Bool {
        var k = end
        while k < text.count && text[k] == 32 { k += 1 }
        guard k < text.count else { return false }
        var from = k + 1
        if text[k] == 0xE2 && k + 2 < text.count && text[k + 1] == 0x80 && (text[k + 2] == 0x93 || text[k + 2] == 0x94) {
            from = k + 3
        } else {
            guard [40, 44, 45, 124].contains(text[k]) else { return false }
        }
        return holdsRole(text, from: from, to: min(text.count, from + 60), stopAtPunctuation: true)
    }

    /// Whether a job stands just before the name (a title before it skipped): "Principal Helen
    /// Oakes", "(DSL) is Karen Holloway", "Head of Science, Dr Anjali Mehta". The words walked
    /// back over are a job's own ("Head of Science") and a few that join it to the name; the
    /// first other word ends the walk ("the tutor met Shannon Crowther" gives her no job).
    static func roleBefore(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var k = start
        for _ in 0..<5 {
            while k > 0 && !ProseText.isLetter(text[k - 1]) {
                if text[k - 1] == 10 || text[k - 1] == 46 { return false }
                k -= 1
            }
            guard k > 0 else { return false }
            let end = k
            while k > 0 && (ProseText.isLetter(text[k - 1]) || text[k - 1] == 45) { k -= 1 }
            let word = text[k..<end]
            let digest = NameGazetteer.digest(word)
            if roleDigests.contains(digest) { return true }
            let capitalised = text[k] &- 65 < 26
            guard betweenDigests.contains(digest) || capitalised else { return false }
        }
        return false
    }

    /// Whether a name that stands alone on its line (a signature, a profile's heading; a title
    /// may stand before it) has a job on the next line ("Claire Dobson" above "Head of HR").
    static func roleBelow(_ text: UnsafeBufferPointer<UInt8>, lineStart: Int, name: Range<Int>) -> Bool {
        guard standsAlone(text, lineStart: lineStart, word: name, titleBefore: true) else { return false }
        var below = name.upperBound
        while below < text.count && text[below] != 10 { below += 1 }
        below += 1
        guard below < text.count else { return false }
        var end = below
        while end < text.count && text[end] != 10 && end - below < 80 { end += 1 }
        return holdsRole(text, from: below, to: end, stopAtPunctuation: false)
    }

    private static func holdsRole(_ text: UnsafeBufferPointer<UInt8>, from: Int, to stop: Int, stopAtPunctuation: Bool) -> Bool {
        var i = from
        while i < stop {
            if stopAtPunctuation && [41, 44, 46, 59, 10].contains(text[i]) { return false }
            guard ProseText.isLetter(text[i]) else { i += 1; continue }
            let start = i
            while i < stop && (ProseText.isLetter(text[i]) || text[i] == 45) { i += 1 }
            if roleDigests.contains(NameGazetteer.digest(text[start..<i])) { return true }
        }
        return false
    }

    // MARK: Titles

    /// Words of a title that says what a document is about someone: notes, an interview, a
    /// reference, a referral, a case, a leaver... ("EXIT INTERVIEW - Kayleigh Thornton", "Member
    /// story: Danielle Ashworth"). A title without one names a topic ("Florence Nightingale -
    /// The Lady with the Lamp", "Victoria Station meeting arrangements").
    static let caseworkWords = ["notes", "note", "interview", "reference", "referral", "investigation", "complaint", "grievance",
                                "disciplinary", "concern", "concerns", "case", "leaver", "leavers", "leaving", "absence",
                                "sickness", "appraisal", "supervision", "welfare", "wellbeing", "statement", "record", "file",
                                "study", "story", "incident", "outcome", "hearing", "appeal", "review", "application",
                                "assessment", "maternity", "paternity", "safeguarding", "exclusion", "suspension", "warning",
                                "dismissal", "resignation", "cert", "certification", "conversation", "call", "progress",
                                "tutorial", "mentoring", "counselling", "plan", "profile", "meeting", "letter", "check-in",
                                "return", "accident", "injury", "allegation", "allegations"]
    private static let caseworkDigests = Set(caseworkWords.map { NameGazetteer.digest($0.utf8) })
    /// Of them, the ones a topic's title holds as well (a trip's meeting, a principal's report):
    /// they make a title casework only with the name after a dash or colon, not opening it.
    private static let weakCaseworkDigests = Set(["meeting", "letter", "profile", "review", "plan", "study"]
        .map { NameGazetteer.digest($0.utf8) })

    /// Whether a title line holds a casework word; `strongOnly`: one of those that are not also
    /// a topic's.
    static func isCasework(_ line: Slice<UnsafeBufferPointer<UInt8>>, strongOnly: Bool) -> Bool {
        let text = line.base
        var i = line.startIndex
        while i < line.endIndex {
            guard ProseText.isLetter(text[i]) else { i += 1; continue }
            let start = i
            while i < line.endIndex && (ProseText.isLetter(text[i]) || text[i] == 45) { i += 1 }
            let digest = NameGazetteer.digest(text[start..<i])
            if caseworkDigests.contains(digest) && !(strongOnly && weakCaseworkDigests.contains(digest)) { return true }
        }
        return false
    }

    /// Where a name stands on its title line: opening it (a title word such as "Mr" may stand
    /// first), after a dash or a colon, or elsewhere (nil).
    enum TitlePlace { case opens, afterDash }

    static func titlePlace(_ before: Slice<UnsafeBufferPointer<UInt8>>) -> TitlePlace? {
        var k = before.endIndex
        func skipSpaces() { while k > before.startIndex && (before[k - 1] == 32 || before[k - 1] == 9) { k -= 1 } }
        skipSpaces()
        // A title word before the name: "Exit interview: Mr Tom Ashworth".
        var t = k
        while t > before.startIndex && ProseText.isLetter(before[t - 1]) { t -= 1 }
        if t < k && ProseText.isOneOf(ProseText.titleBytes, before[t..<k]) {
            k = t
            skipSpaces()
        } else if t < k - 1 && before[k - 1] == 46, ProseText.isOneOf(ProseText.titleBytes, before[t..<(k - 1)]) {
            k = t
            skipSpaces()
        }
        guard k > before.startIndex else { return .opens }
        let last = before[k - 1]
        let dash = last == 45 || last == 58 || last == 124
            || ((last == 0x93 || last == 0x94) && k - 3 >= before.startIndex && before[k - 3] == 0xE2)
        return dash ? .afterDash : nil
    }

    // MARK: Logs

    /// Whether the name opens an entry of a dated log: the line holds a date, a time or a number
    /// (a student number) before it and nothing else, and a dash or a colon and a note after it
    /// ("06/01  Gareth Llewellyn - left VM x2", "2410306 Chenxi Zhou: missed two sessions").
    static func opensLogEntry(_ text: UnsafeBufferPointer<UInt8>, lineStart: Int, name: Range<Int>) -> Bool {
        let before = text[lineStart..<name.lowerBound]
        var digits = 0
        for b in before {
            if b &- 48 < 10 { digits += 1; continue }
            guard b == 32 || b == 9 || b == 47 || b == 45 || b == 46 || b == 58 else { return false }
        }
        guard digits >= 2 else { return false }
        var k = name.upperBound
        while k < text.count && (text[k] == 32 || text[k] == 9) { k += 1 }
        guard k < text.count else { return false }
        if text[k] == 45 || text[k] == 58 {
            k += 1
        } else if text[k] == 0xE2 && k + 2 < text.count && text[k + 1] == 0x80 && (text[k + 2] == 0x93 || text[k + 2] == 0x94) {
            k += 3
        } else {
            return false
        }
        var letters = 0
        while k < text.count && text[k] != 10 && letters < 3 {
            if ProseText.isLetter(text[k]) { letters += 1 }
            k += 1
        }
        return letters >= 3
    }

    // MARK: Teaching material

    /// What teaching and training material says of itself near its start (a lesson's "Learning
    /// objectives", an exam question's "(4 marks)", a scenario's "fictional student", a set
    /// text's "the novel"): its people are examples, historical figures or characters. Searched
    /// as bytes, the first letter left out so that a heading's capital matches too.
    static let teachingMarkers = ["earning objective", "earning outcome", "cheme of work", "esson plan", "lenary", "marks)",
                                  "ictional", "ictitious", "he novel", "et text"]
    /// Each marker's bytes, and the index of its rarest byte in English (memchr looks for it).
    private static let teachingMarkerBytes: [(bytes: [UInt8], pivot: Int)] = teachingMarkers.map { marker in
        let rarity = Array("zqxjkvbpygfwmucldrhsnioate ".utf8)
        let bytes = Array(marker.utf8)
        let pivot = bytes.indices.min { (rarity.firstIndex(of: bytes[$0]) ?? -1) < (rarity.firstIndex(of: bytes[$1]) ?? -1) } ?? 0
        return (bytes, pivot)
    }

    /// Whether the text says it is teaching or training material.
    static func isTeachingMaterial(_ text: UnsafeRawBufferPointer) -> Bool {
        teachingMarkerBytes.contains { marker in
            var found = false
            ByteSearch.forEach(marker.bytes, in: text, pivot: marker.pivot) { _ in
                found = true
                return false
            }
            return found
        }
    }

    // MARK: Places and greetings

    /// Words that, as a "surname", make a place of a name ("Victoria Station", "Harley Street").
    private static let placeSurnameDigests = Set(["station", "street", "road", "square", "castle", "centre", "campus", "theatre",
                                                  "library", "avenue", "lane", "gardens", "bridge", "airport", "stadium",
                                                  "cathedral", "church", "chapel", "abbey", "building", "hospital", "way",
                                                  "close", "crescent", "drive", "terrace", "quay", "wharf", "bay", "falls"]
        .map { NameGazetteer.digest($0.utf8) })
    /// Words that, after a name, make it a place's, a building's or an award's ("Florence
    /// Nightingale Building", "Stanley Park", "Duke of Edinburgh Award").
    private static let placeAfterDigests = Set(["building", "centre", "center", "hall", "house", "wing", "block", "room", "ward",
                                                "trust", "school", "college", "academy", "park", "street", "road", "station",
                                                "theatre", "library", "campus", "court", "lecture", "suite", "unit", "award",
                                                "prize", "scholarship", "fund", "foundation", "institute", "university",
                                                "memorial", "hospital", "primary", "infant", "junior", "bus", "line", "stadium",
                                                "centre's", "avenue", "lane", "close", "way", "drive", "square", "gardens", "bridge"]
        .map { NameGazetteer.digest($0.utf8) })

    /// Whether a "given name, surname" pair is a place's name: its surname a place's word, or a
    /// place's word right after it.
    static func isPlace(surname: Slice<UnsafeBufferPointer<UInt8>>, then next: Slice<UnsafeBufferPointer<UInt8>>?) -> Bool {
        placeSurnameDigests.contains(NameGazetteer.digest(surname)) || next.map { placeAfterDigests.contains(NameGazetteer.digest($0)) } ?? false
    }

    /// Words before a given name that greet or thank its person ("Hi Sophie", "Thanks Sophie"):
    /// the one a message is to or from, not the one it is about.
    private static let greetingDigests = Set(["hi", "hello", "hey", "dear", "thanks", "cheers", "regards", "morning", "afternoon",
                                              "evening", "best", "love", "from"].map { NameGazetteer.digest($0.utf8) })

    static func isGreeting(_ word: Slice<UnsafeBufferPointer<UInt8>>) -> Bool { greetingDigests.contains(NameGazetteer.digest(word)) }

    /// Whether a line is quoted from an earlier message ("> Thanks, Sophie").
    static func isQuoted(_ text: UnsafeBufferPointer<UInt8>, lineStart: Int) -> Bool {
        var k = lineStart
        while k < text.count && (text[k] == 32 || text[k] == 9) { k += 1 }
        return k < text.count && text[k] == 62
    }

    /// Whether the word is all its line holds, but for spaces and punctuation (a sign-off);
    /// `titleBefore`: a title may stand before it ("Dr Anjali Mehta" as a heading). Looked at
    /// from the word outwards: a word with letters beside it is known at the first.
    static func standsAlone(_ text: UnsafeBufferPointer<UInt8>, lineStart: Int, word: Range<Int>, titleBefore: Bool = false) -> Bool {
        var k = word.lowerBound
        while k > lineStart && !ProseText.isLetter(text[k - 1]) { k -= 1 }
        if k > lineStart {
            guard titleBefore else { return false }
            let end = k
            while k > lineStart && ProseText.isLetter(text[k - 1]) { k -= 1 }
            guard ProseText.isOneOf(ProseText.titleBytes, text[k..<end]) else { return false }
            while k > lineStart && !ProseText.isLetter(text[k - 1]) { k -= 1 }
            guard k == lineStart else { return false }
        }
        var e = word.upperBound
        while e < text.count && text[e] != 10 {
            if ProseText.isLetter(text[e]) { return false }
            e += 1
        }
        return true
    }
}
