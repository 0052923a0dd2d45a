// Personal names where a document says whose it is: the subject of case notes, a reference or a
// referral ("Case notes: Ama Jones", "Reference for Grace Reid"), a person's field on a form or
// record ("Student: Yasmin Patel", "Employee name: Liam Patel") and a letter's salutation
// ("Dear Ms Reid"), a table's name column. These need no list of names: the context says a
// person is named, and the validator refuses what is a role, a team, a place or a course rather
// than a person. Names in a work role in prose (attendees, authors, signatories, "From:") have no
// such context and are not found; in a table, `NameColumnRows` tells them apart. The person a
// document's prose is about is found by the names gazetteer (`ProseNames`).
import Foundation
import TrawlModel

enum PersonNames {
    /// Capitalised words that are not names: roles, teams, organisations, places, courses and
    /// the words of headings, as they follow a subject's label in real documents.
    static let notNames: Set<String> = Set("""
        academy access account accounts action address admin amount administration admissions adult advice all and annual applicant
        applicants application apprentice apprentices apprenticeship april art arts assessment assessor assistant august
        award board british building business campus candidate care carer carers case centre chair child children class
        college colleague colleagues committee community concern council counselling course courses curriculum customer
        data date day dean december department deputy design desk development diploma director disability disciplinary district dsl
        education employee employees engineering english enquiries equality estates evening event exam examinations exams extended faculty family
        february finance first foundation friday further governor governors group guidance hall head health hearing
        higher history house human incident information january july june learner learners learning level library
        limited ltd madam manager march may meeting member members mental monday morning national network new night notes november
        october office officer online open outcome panel parent parents partnership pastoral payroll personal placement plan
        policy principal programme progress reception record records referral report resources review road room safeguarding
        saturday school science september service services sir social staff street student students studies status study
        sunday support switchboard teacher teaching team term the thursday training trust tuesday tutor unit university vice wednesday
        week welfare wellbeing year young your block safety drive suite stage levels factor tec btec body governing
        site upgrade framework guide style basics template blank induction inspection ofsted kitchen temperatures fire
        drill planning debrief excel moodle classroom google fair christmas sports hub early door
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Words of `notNames` that are also common surnames ("Zofia Hall", "Amy Young"): refused
    /// only as a name's first word.
    static let alsoSurnames: Set<String> = ["hall", "house", "young", "dean", "may", "march", "head", "new", "day", "page",
                                             "law", "chair", "green", "room", "street", "road", "park", "bishop", "rose"]

    /// Words that make any name a made-up one ("Mr Bloggs", "Mrs Example").
    static let placeholderWords: Set<String> = ["bloggs", "example", "specimen"]

    /// Titles that may stand before a surname.
    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr"]

    /// The names English forms and teaching material use for a made-up person ("Employee name:
    /// Joe Bloggs" on a specimen payslip): shown as example data, as HMRC's QQ 12 34 56 C is.
    static let placeholders: Set<String> = ["joe bloggs", "jo bloggs", "fred bloggs", "joe public", "john doe", "jane doe",
                                            "joe soap", "a n other", "an other"]

    /// A person's name: two or three capitalised words (a title may stand first, an initial may
    /// stand for the first name), none of them a word that is not a name. An ASCII value is split
    /// into its words on its bytes; anything else on its characters (`checkCharacters`, the
    /// definition the byte path is tested against).
    @Sendable static func check(_ value: String) -> Validation {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 128 }) else { return checkCharacters(String(decoding: bytes, as: UTF8.self)) }
            // Trimmed here, not by Foundation: its trimming of each word cost several times the
            // rest of the check.
            let punctuation = asciiPunctuation
            var words: [String] = []
            for word in bytes.split(whereSeparator: { $0 == 32 || $0 == 9 }) {
                var start = word.startIndex, end = word.endIndex
                while start < end && punctuation[Int(word[start])] { start += 1 }
                while end > start && punctuation[Int(word[end - 1])] { end -= 1 }
                words.append(String(decoding: word[start..<end], as: UTF8.self))
            }
            return check(words: words)
        }
    }

    /// `check` on characters, for a value that is not ASCII (and the definition the byte path is
    /// held to).
    static func checkCharacters(_ value: String) -> Validation {
        check(words: value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.trimmingCharacters(in: .punctuationCharacters) })
    }

    /// Whether `CharacterSet.punctuationCharacters` (Unicode's P categories) holds each ASCII
    /// byte: !"#%&'()*,-./:;?@[\]_{}.
    private static let asciiPunctuation: [Bool] = (0..<128).map {
        CharacterSet.punctuationCharacters.contains(Unicode.Scalar(UInt8($0)))
    }

    /// The check of a value's words, each trimmed of the punctuation around it.
    private static func check(words: [String]) -> Validation {
        let named = words.filter { !titles.contains($0.lowercased()) }
        guard !named.isEmpty, words.count >= 2 || words.count == named.count + 1, named.count <= 3 else { return .invalid }
        for (k, word) in named.enumerated() {
            // An initial may stand for the first name ("R Hallworth"), not for the surname.
            guard let first = word.first, first.isUppercase, word.count >= 2 || (k == 0 && named.count >= 2) else { return .invalid }
            let lower = word.lowercased()
            if notNames.contains(lower) && (k == 0 || !alsoSurnames.contains(lower)) { return .invalid }
        }
        let lower = named.map { $0.lowercased() }
        return placeholders.contains(lower.joined(separator: " ")) || lower.contains(where: placeholderWords.contains)
            ? .exempt(.exampleData) : .valid
    }
}
