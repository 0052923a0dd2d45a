// The passes over one chunk's matches after every pattern has searched it, in text order: each
// may change matches (raise a confidence, add evidence) or drop them. They run in the order the
// detector lists them: overlaps first, so that the later passes see only the values that stand.
import TrawlModel

/// A pass over one chunk's matches, sorted by offset.
protocol ChunkPass {
    func apply(to found: inout [Detector.Found], chunk: TextChunk)
}

/// Where two patterns claim overlapping text, the more confident (then the longer, then the
/// earlier-defined) wins: "12/03/1984" is not also part of a phone number, and a password two
/// patterns of its type both find is one finding. Special-category values overlap what else
/// they like (they are read from fields, not from the shape of a value), but two answers of one
/// special type in the same words are one.
struct OverlapResolution: ChunkPass {
    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard found.count > 1 else { return }
        // On the stack for a chunk's usual handful.
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: found.count) { keep in
            keep.initialize(repeating: true)
            var dropped = false
            for i in found.indices {
                var j = i + 1
                while j < found.count && found[j].offset < found[i].end {
                    // Read in place: a copy of a Found retains each of its match's strings.
                    if keep[i] && keep[j] && found[i].match.patternId != found[j].match.patternId && Self.compete(found[i], found[j]) {
                        let aKey = (found[i].match.confidence.rank, found[i].end - found[i].offset)
                        let bKey = (found[j].match.confidence.rank, found[j].end - found[j].offset)
                        if bKey > aKey { keep[i] = false } else { keep[j] = false }
                        dropped = true
                    }
                    j += 1
                }
            }
            if dropped { found.keepOnly(keep) }
        }
    }

    /// Whether two overlapping values are one claim on the text: any two but special-category
    /// values, which stand beside what they overlap; two of one special type are one answer.
    private static func compete(_ a: Detector.Found, _ b: Detector.Found) -> Bool {
        if a.category == .special || b.category == .special {
            return a.category == b.category && a.match.typeId == b.match.typeId
        }
        return true
    }
}

/// A driving licence number encodes its holder's birth date (characters 6-11: decade, month,
/// +50 for women, day, year). A date of birth in the same record that agrees makes it certain.
struct DrivingLicenceCorroboration: ChunkPass {
    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        for i in found.indices where found[i].match.typeId == "uk.driving_licence" {
            guard let encoded = Validators.drivingLicenceBirthDate(found[i].match.value) else { continue }
            let scope = RecordScope.range(around: found[i].offset, in: chunk)
            let agrees = found.contains { f in
                guard f.match.typeId == "dob", scope.contains(f.offset) else { return false }
                let n = f.match.normalized  // yyyy-mm-dd
                guard n.count == 10, let year = Int(n.prefix(4)), let month = Int(n.dropFirst(5).prefix(2)), let day = Int(n.suffix(2)) else { return false }
                return year % 100 == encoded.yearInCentury && month == encoded.month && day == encoded.day
            }
            if agrees {
                found[i].match.confidence = .high
                found[i].match.evidence.append("encoded birth date agrees with a date of birth in the record")
            }
        }
    }
}

/// A value the text gives as an example ("such as 192.168.1.10", "e.g. 943 476 5919", "written
/// like 00:1A:2B:3C:4D:5E", "for example diabetes") is example data: shown, counted towards
/// nothing. Teaching notes, guidance and templates are full of them. The phrase must stand just
/// before the value, on its line.
struct ExamplesInText: ChunkPass {
    static let phrases = ["e.g.", "e.g", "eg.", "for example", "for instance", "such as", "written like", "looks like", "look like",
                          "in the format", "in the form", "like this:", "like this", "example:", "examples:", "sample:", "format:"].map { Array($0.utf8) }
    /// The phrases by their first byte, so that a window is compared only where a word starts
    /// with one of them (this runs for every value).
    static let byFirstByte: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: 256)
        for phrase in phrases { table[Int(phrase[0])].append(phrase) }
        return table
    }()
    /// How far before a value its phrase may end.
    static let reach = 24

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        chunk.text.withUnsafeBufferPointer { text in
            for i in found.indices where found[i].match.exemption == nil && !found[i].match.isMarking {
                if Self.givenAsExample(text, before: min(found[i].offset, text.count)) {
                    found[i].match.exemption = .exampleData
                    found[i].match.evidence.append(Evidence.givenAsExample)
                }
            }
        }
    }

    /// Whether a phrase starts at a word start in the line before `end` and ends at most
    /// `reach` bytes before it.
    static func givenAsExample(_ text: UnsafeBufferPointer<UInt8>, before end: Int) -> Bool {
        let longest = 13
        var k = end - 1
        while k >= 0 && end - k <= reach + longest {
            let b = text[k]
            if b == 10 { return false }
            let atWordStart = k == 0 || !isAlphanumeric(text[k - 1])
            if atWordStart {
                for phrase in byFirstByte[Int(lower(b))] where k + phrase.count <= end && end - (k + phrase.count) <= reach {
                    var same = true
                    for (n, p) in phrase.enumerated() where lower(text[k + n]) != p { same = false; break }
                    if same { return true }
                }
            }
            k -= 1
        }
        return false
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { (b | 32) >= 97 && (b | 32) <= 122 || (b >= 48 && b <= 57) }
}

/// An address at one of the organisation's own email domains (the policy's `work_domains`,
/// exactly that domain, in any case: students.college.ac.uk is the students' own) is a member of
/// staff's work address: contact details in a work role, counted towards nothing
/// (docs/policy.md). Marked here, the one place, before `RoleMailboxLines` looks for the
/// landlines given with it; the scanner's detectors are made with the policy's domains.
struct WorkAddresses: ChunkPass {
    let domains: Set<String>

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !domains.isEmpty else { return }
        for i in found.indices where found[i].match.typeId == "email" && found[i].match.exemption == nil {
            guard let at = found[i].match.value.lastIndex(of: "@"),
                  domains.contains(found[i].match.value[found[i].match.value.index(after: at)...].lowercased()) else { continue }
            found[i].match.exemption = .workAddress
            found[i].match.evidence.append(Evidence.workAddress)
        }
    }
}

/// The organisation's own postcodes, landlines and bank accounts, as the policy declares them
/// (`own_details`): the organisation's wherever they appear, counted towards nothing. Marked
/// before the record passes, so that the duty phone in guidance is no person's identifier.
struct OwnDetailsPass: ChunkPass {
    let details: OwnDetails

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !details.isEmpty else { return }
        for i in found.indices where found[i].match.exemption == nil
            && details.contains(type: found[i].match.typeId, normalized: found[i].match.normalized) {
            found[i].match.exemption = .organisation
            found[i].match.evidence.append(Evidence.ownDetails)
        }
    }
}

/// A landline given with a role mailbox on the same line ("contact safeguarding@... or call
/// 01484 438219") is that office's number, as the mailbox is the office's address: an
/// organisation's details, counted towards nothing. One given with a member of staff's work
/// address (`work_domains`) on the same line or in the same table row ("Helen Marsh, Centre
/// Director, helen.marsh@... , tel 0115 857 3401") is their work number: contact details in a
/// work role, as the address is. A mobile number stays a person's.
struct RoleMailboxLines: ChunkPass {
    static let reach = 160
    /// Words of a column header that make its number a person's own.
    static let personalWords: Set<String> = ["home", "personal", "private", "mobile", "kin", "emergency", "parent", "carer", "contact"]

    static func personalColumn(_ label: String) -> Bool {
        label.lowercased().split(whereSeparator: { !$0.isLetter }).contains { personalWords.contains(String($0)) }
    }

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard found.indices.contains(where: { found[$0].match.exemption == .roleMailbox || found[$0].match.exemption == .workAddress })
        else { return }
        for i in found.indices where found[i].match.typeId == "uk.phone" && found[i].match.exemption == nil
            && !PersonIdentifiers.isUKMobile(found[i].match.normalized) {
            var beside: Exemption?
            for j in found.indices {
                guard let e = found[j].match.exemption, e == .roleMailbox || e == .workAddress else { continue }
                // A home or next of kin's number in a staff record is the person's, beside their work address.
                if e == .workAddress, let column = found[i].match.location.column, Self.personalColumn(column) { continue }
                let (a, b) = (min(found[i].offset, found[j].offset), max(found[i].end, found[j].end))
                if b - a <= Self.reach && !chunk.text[a..<b].contains(10) {
                    beside = e
                    if e == .roleMailbox { break }
                }
            }
            if beside == .roleMailbox {
                found[i].match.exemption = .organisation
                found[i].match.evidence.append("an office's landline, given with its role mailbox")
            } else if beside == .workAddress {
                found[i].match.exemption = .workAddress
                found[i].match.evidence.append("a work landline, given with a work address at the organisation's own domain (work_domains)")
            }
        }
    }
}

/// A landline the text gives as the organisation's own line ("call the office on 0114 255 8420",
/// "the switchboard, 0115 857 3400", "our helpline on ...") is an organisation's details,
/// counted towards nothing, as one given with a role mailbox is. The words must stand just
/// before the number on its line ("Switchboard: ..." too). A mobile stays a person's, and
/// "Office: 0115 ..." in a signature is a member of staff's direct line: "office" alone is no
/// such phrase.
struct OfficeLines: ChunkPass {
    static let phrases = ["the office on", "our office on", "the office number", "our office number", "main office",
                          "switchboard", "reception on", "reception desk", "helpline", "main number", "main line"].map { Array($0.utf8) }
    /// How far before a number its phrase may end.
    static let reach = 24

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        for i in found.indices where found[i].match.typeId == "uk.phone" && found[i].match.exemption == nil
            && !PersonIdentifiers.isUKMobile(found[i].match.normalized) && found[i].offset <= chunk.text.count
            && Self.givenAsTheOffice(chunk.text, before: found[i].offset) {
            found[i].match.exemption = .organisation
            found[i].match.evidence.append("an organisation's landline: the text gives it as its office's line")
        }
    }

    /// The words that may stand between a phrase and its number ("the office on 0114 ...",
    /// "switchboard tel: ...", "main number is ...").
    static let between: Set<String> = ["on", "is", "tel", "telephone", "phone", "number", "no", "line", "call"]

    /// Whether a phrase ends at most `reach` bytes before `end`, on its line, with nothing but
    /// punctuation and the words `between` after it.
    static func givenAsTheOffice(_ text: [UInt8], before end: Int) -> Bool {
        var start = max(0, end - reach - 20)
        if let newline = text[start..<end].lastIndex(of: 10) { start = newline + 1 }
        for k in start..<end where k == 0 || !Self.isLetter(text[k - 1]) {
            for phrase in phrases where k + phrase.count <= end && end - (k + phrase.count) <= reach {
                var same = true
                for (n, p) in phrase.enumerated() where (text[k + n] >= 65 && text[k + n] <= 90 ? text[k + n] + 32 : text[k + n]) != p {
                    same = false
                    break
                }
                if same && String(decoding: text[(k + phrase.count)..<end], as: UTF8.self).lowercased()
                    .split(whereSeparator: { !$0.isLetter }).allSatisfy({ between.contains(String($0)) }) {
                    return true
                }
            }
        }
        return false
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 32) >= 97 && (b | 32) <= 122 }
}

/// A date just after "born on or after", "born before", "born between" (and the second date of
/// "born between X and Y") is an eligibility cut-off ("Students born after 12/09/2008 will be
/// under 18"), not anyone's date of birth: dropped. A date of birth further on the line ("Date
/// of birth (you must be born between 01/09/2007 and 31/08/2008): 12/03/2008") stays.
struct BirthDateCutoffs: ChunkPass {
    static let phrases = ["born on or after", "born on or before", "born in or after", "born in or before", "born after",
                          "born before", "born between", "born from", "born since"].map { Array($0.utf8) }
    /// How far before a date its phrase may start, on its line.
    static let reach = 48

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        // By index: a copy of a Found retains each of its match's strings.
        guard found.indices.contains(where: { found[$0].match.typeId == "dob" }) else { return }
        let keep = found.indices.map { i in
            found[i].match.typeId != "dob" || !Self.cutOff(chunk.text, before: min(found[i].offset, chunk.text.count))
        }
        if keep.contains(false) { found.keepOnly(keep) }
    }

    /// Whether one of the phrases ends just before `end` on its line: nothing but spaces between
    /// them, or a date and "and" (the second date of "between").
    static func cutOff(_ text: [UInt8], before end: Int) -> Bool {
        var start = max(0, end - reach)
        if let newline = text[start..<end].lastIndex(of: 10) { start = newline + 1 }
        for k in start..<end {
            for phrase in phrases where k + phrase.count <= end {
                var same = true
                for (n, p) in phrase.enumerated() where (text[k + n] >= 65 && text[k + n] <= 90 ? text[k + n] + 32 : text[k + n]) != p {
                    same = false
                    break
                }
                guard same else { continue }
                // What stands between the phrase and the date: only spaces, or a date and "and".
                let gap = text[(k + phrase.count)..<end].filter { !(($0 >= 48 && $0 <= 57) || $0 == 47 || $0 == 46 || $0 == 45 || $0 == 32) }
                if gap.isEmpty || gap.map({ $0 | 32 }) == Array("and".utf8) { return true }
            }
        }
        return false
    }
}

/// A table row that names an organisation and no person (a list of approved centres, of
/// suppliers, of referral agencies: "Pennine Catering Academy, Unit 12 ..., HD6 1QT, 01484 717
/// 300", or any name under an "Agency" column) gives that organisation's address, landline and
/// contact address, as a letterhead does: organisation's details, counted towards nothing. A row
/// with another of a person's identifiers (a date of birth, an NI number...), an email address
/// that holds no word of the organisation's name, or a filled-in name column (a contact's name; not one holding the
/// organisation's name, as a client list's "Client" column does) keeps them all; a mobile
/// number stays a person's. Bank details stay as they are: a payment run's row names the college
/// in its reference and the student under "Account name", which no rule reads as a person's
/// column.
struct OrganisationRows: ChunkPass {
    /// What an organisation's row gives of its own, besides a landline and an email address.
    static let details: Set<String> = ["uk.postcode"]

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty, found.indices.contains(where: { found[$0].match.isOrganisation }) else { return }
        let names = Self.words(ofNames: found)
        guard !found.indices.contains(where: { found[$0].match.exemption == nil && PersonIdentifiers.onePerPerson.contains(found[$0].match.typeId)
                  && !Self.organisationsAddress(found[$0].match, names: names) }),
              // A name column that holds an organisation's name ("Client": a care home) names no person.
              !RecordScope.hasNameField(chunk, in: 0..<chunk.text.count, unlessCell: { cell in
                  found.contains { $0.match.isOrganisation && cell.contains($0.offset) }
              })
        else { return }
        for i in found.indices where found[i].match.exemption == nil {
            let type = found[i].match.typeId
            guard Self.details.contains(type) || (type == "uk.phone" && !PersonIdentifiers.isUKMobile(found[i].match.normalized))
                    || Self.organisationsAddress(found[i].match, names: names) else { continue }
            found[i].match.exemption = .organisation
            found[i].match.evidence.append("an organisation's details: its row names the organisation and no person")
        }
    }

    /// An email address that, in an organisation's row, is the organisation's: one that holds a
    /// word of the organisation's name ("reception.firthpark@nhs.net" for Firth Park Surgery,
    /// "info@idas.org.uk" for IDAS), not at a public mail provider. An apprentice's address in
    /// a row that names their employer holds none.
    private static func organisationsAddress(_ m: Match, names: [Substring]) -> Bool {
        guard m.typeId == "email", let at = m.normalized.lastIndex(of: "@"),
              !PersonalMailDomains.contains(m.normalized[m.normalized.index(after: at)...].lowercased()) else { return false }
        let address = m.normalized.lowercased()
        return names.contains { address.contains($0) }
    }

    /// The words of four letters or more of the organisations' names the row gives.
    private static func words(ofNames found: [Detector.Found]) -> [Substring] {
        found.filter(\.match.isOrganisation).flatMap { f in
            f.match.normalized.lowercased().split(whereSeparator: { !$0.isLetter }).filter { $0.count >= 4 }
        }
    }
}

/// A table row whose person is an example (an address at a reserved domain such as
/// example.com, a stock name such as Joe Bloggs) is an example record, as an exercise's sample
/// data or a template's filled-in row is: its other values (a date of birth, a phone number) are
/// example data too.
struct ExampleRows: ChunkPass {
    static let personTypes: Set<String> = ["email", "person.name"]

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty, found.indices.contains(where: {
            found[$0].match.exemption == .exampleData && Self.personTypes.contains(found[$0].match.typeId)
        }) else { return }
        for i in found.indices where found[i].match.exemption == nil && !found[i].match.isMarking && found[i].category == .personal {
            found[i].match.exemption = .exampleData
            found[i].match.evidence.append("in a row of example data")
        }
    }
}

/// A table row that names its person in a name column (a household member's row on a tenancy
/// form: Name, Relationship, Date of birth) gives that person's values: they are marked so, for
/// the classifier to tell them from the values of the person a form is about.
struct RowsOfTheirOwnPerson: ChunkPass {
    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty,
              found.contains(where: { $0.match.typeId == "person.name" && $0.match.exemption == nil && $0.match.location.column != nil })
        else { return }
        for i in found.indices where found[i].category == .personal && found[i].match.typeId != "person.name" {
            found[i].match.evidence.append(Evidence.ofTheRowsPerson)
        }
    }
}

/// Special-category values count only about a person: in a record that also holds a personal
/// identifier (at the reported confidence) or a filled-in name field, or on a line that names
/// someone with a title; a value whose record names
/// no one is marked `needsPerson`, for the classifier to keep if the whole document is about
/// one person (a form whose answers sit far from its identifiers) and to drop otherwise.
struct SpecialCategoryRecords: ChunkPass {
    let minimumConfidence: Confidence

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        // By index: `contains(where:)` copied every entry out, retaining each of its strings.
        guard found.indices.contains(where: { found[$0].category == .special }) else { return }
        // Decided for every entry before any is changed, over the original list.
        let inRecord = found.indices.map { i in
            guard found[i].category == .special else { return true }
            let scope = RecordScope.range(around: found[i].offset, in: chunk)
            let identifier = found.contains { other in
                other.category == .personal && other.match.exemption == nil && scope.contains(other.offset)
                    && other.match.confidence >= minimumConfidence
            }
            // A person named with a title on the value's own line ("The centre dismissed Mrs
            // Nowak ... reported as suspected fraud") is the one it is about; a title further
            // off (minutes' "Present: Mrs Oakes (Chair)") says nothing of the value.
            return identifier || RecordScope.hasNameField(chunk, in: scope)
                || RecordScope.namesSomeoneWithATitle(chunk.text, in: RecordScope.line(around: found[i].offset, in: chunk.text))
        }
        for i in found.indices where found[i].category == .special {
            if inRecord[i] {
                found[i].match.evidence.append("in a record about a person")
            } else {
                found[i].match.needsPerson = true
                if RecordScope.saysOfARelative(chunk.text, before: found[i].offset) {
                    found[i].match.evidence.append(Evidence.ofARelative)
                } else if RecordScope.saysInTheFirstPerson(chunk.text, before: found[i].offset) {
                    found[i].match.evidence.append(Evidence.inTheFirstPerson)
                }
            }
        }
    }
}

extension Array where Element == Detector.Found {
    /// Drops the entries whose flag is false, keeping the order of the rest; entries are moved
    /// (swapped), not copied.
    mutating func keepOnly<Flags: RandomAccessCollection<Bool>>(_ keep: Flags) where Flags.Index == Int {
        var kept = 0
        for i in indices where keep[i] {
            if kept != i { swapAt(kept, i) }
            kept += 1
        }
        removeLast(count - kept)
    }
}
