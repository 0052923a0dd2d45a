import Foundation
import Testing
import TrawlModel
import TrawlPatterns
@testable import TrawlDetect
import Hyperscan
import PCRE2

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func loadPatterns() throws -> (PatternLibrary, PatternSet) {
    let library = try PatternLibrary.load(directory: packageRoot.appendingPathComponent("Patterns").path)
    return (library, try PatternSet(library))
}

/// The exemption of the first UK phone number the text gives, "counted" if none, nil if no number.
func phoneExemption(_ text: String) throws -> String? {
    try detect(text).first { $0.typeId == "uk.phone" }.map { $0.exemption?.rawValue ?? "counted" }
}

func detect(_ text: String, cells: [Cell] = [], minimum: Confidence = .medium) throws -> [Match] {
    let (_, set) = try loadPatterns()
    var out: [Match] = []
    Detector(set, minimumConfidence: minimum).detect(TextChunk(text: Array(text.utf8), firstLine: 1, cells: cells), into: &out)
    return out
}

@Suite struct PatternFiles {
    @Test func everyPatternFileIsCleanAndItsExamplesPass() throws {
        let (library, set) = try loadPatterns()
        let problems = PatternChecker.check(library, set).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(library.patterns.count >= 5)
    }

    @Test func theCheckerFailsAnExampleThatIsNotFound() throws {
        // A checker that cannot fail proves nothing: plant a wrong example and a matching non-example.
        var (library, _) = try loadPatterns()
        let i = library.patterns.firstIndex { $0.id == "uk.nino" }!
        var def = library.patterns[i]
        let wrong = try JSONDecoder().decode(PatternExample.self, from: Data(#""NI: «QQ 12 34 56 A»""#.utf8))
        def.examples = [wrong]
        def.negativeExamples = ["NI number AB 12 34 56 C"]
        library.patterns[i] = def
        let problems = PatternChecker.check(library, try PatternSet(library)).filter { $0.patternId == "uk.nino" }
        #expect(problems.count == 2)
    }

    /// A prefilter that promises more than its pattern's matches hold (more digits in a row, more
    /// digits joined, a literal they do not all hold) stops examples being found; the checker
    /// says so and names the promise.
    @Test(arguments: [
        ("payment.card", Prefilter(digits: true, literals: [], reach: 0, digitRun: 5), "5 digits in a row"),
        ("payment.card", Prefilter(digits: true, literals: [], reach: 0, digitRun: 4, joinedDigits: 17), "17 digits joined"),
        ("dob.text", Prefilter(digits: true, literals: [], reach: 64, digitRun: 4, requires: ["jan"]), "one of 'jan'"),
        // Promises about where a match starts: `reach` shows in an example as it is (searched
        // from its first anchor's reach to its last anchor) and `requires_reach` only in a text
        // long enough to be searched window by window, which the checker also makes of each.
        ("email", Prefilter(digits: false, literals: ["@"], reach: 2), "'@' at most 2 bytes after a match's start"),
        ("dob.text", Prefilter(digits: true, literals: [], reach: 64, digitRun: 4, requires: ["mar", "jul", "sep"], requiresReach: 3),
         "one of those literals at most 3 bytes after a match's start"),
    ])
    func theCheckerNamesAPrefilterPromiseTooHigh(_ id: String, _ prefilter: Prefilter, _ named: String) throws {
        var (library, _) = try loadPatterns()
        let i = library.patterns.firstIndex { $0.id == id }!
        library.patterns[i].prefilter = prefilter
        let problems = PatternChecker.check(library, try PatternSet(library)).filter { $0.patternId == id }
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.message.contains(named) }, "\(problems.map(\.message))")
    }
}

@Suite struct Context {
    @Test(arguments: ["date of birth", "Date_of_Birth", "DateOfBirth", "D.O.B.", "DOB", "dateofbirth"])
    func keywordVariantsMatch(_ keyword: String) throws {
        let found = try detect("\(keyword): 12/03/1984")
        #expect(found.map(\.typeId) == ["dob"])
        #expect(found.first?.value == "12/03/1984")
    }

    @Test func keywordInsideAnotherWordDoesNotCount() throws {
        #expect(try detect("adobe 12/03/1984").isEmpty)
    }

    @Test func aKeywordBelongsToTheNearestDate() throws {
        let found = try detect("DOB: 12/03/1984, enrolled 01/09/2020")
        #expect(found.map(\.value) == ["12/03/1984"])
    }

    @Test func aColumnHeaderIsContextForTheValuesUnderIt() throws {
        let text = "Aisha Khan\t17/05/2004"
        let cells = [Cell(range: 0..<10, ref: "A2", label: "Full name"), Cell(range: 11..<21, ref: "B2", label: "Date of Birth")]
        let found = try detect(text, cells: cells).filter { $0.typeId == "dob" }
        #expect(found.count == 1)
        #expect(found.first?.location.cell == "B2")
        #expect(found.first?.location.column == "Date of Birth")
        #expect(found.first?.evidence.first?.contains("column") == true)
        let unlabelled = [Cell(range: 0..<10, ref: "A2", label: "Full name"), Cell(range: 11..<21, ref: "B2", label: "Start date")]
        #expect(try detect(text, cells: unlabelled).filter { $0.typeId == "dob" }.isEmpty)
    }

    /// A column whose whole header names a person holds names; a generic one (Name, Employee)
    /// in a row that says only what someone does at work names them in a work role.
    @Test func aNameColumnNamesItsPeople() throws {
        func names(_ labels: [String], _ values: [String]) throws -> [String] {
            var text = "", cells: [Cell] = []
            for (label, value) in zip(labels, values) {
                if !text.isEmpty { text += "\t" }
                cells.append(Cell(range: text.utf8.count..<(text.utf8.count + value.utf8.count), label: label))
                text += value
            }
            return try detect(text, cells: cells).filter { $0.typeId == "person.name" }
                .map { "\($0.value) \($0.exemption?.rawValue ?? "counted")" }
        }
        #expect(try names(["Pupil", "Reg", "Behaviour"], ["Zara Thompson", "9DL", "Helping others"]) == ["Zara Thompson counted"])
        #expect(try names(["Pupil", "Class"], ["Kirk, Jessica", "10RW"]) == ["Kirk, Jessica counted"])
        #expect(try names(["Name", "Attendance %", "Notes"], ["Ahmed, Arjun", "65.5", "Letter 2 sent"]) == ["Ahmed, Arjun counted"])
        #expect(try names(["Employee", "Days absent", "Reason"], ["Sarah Whitworth", "4", "Back pain"]) == ["Sarah Whitworth counted"])
        // A training log, a sickness list with roles, a meeting's attendance list: a row that
        // gives the person's job names them in a work role; a pupil's "role" is no job.
        #expect(try names(["Staff member", "Role", "Prevent"], ["Tom Rennie", "Teacher", "Y"]) == ["Tom Rennie work_role"])
        #expect(try names(["Employee", "Job title", "Team"], ["Sarah Whitworth", "Head of Year 10", "Pastoral"]) == ["Sarah Whitworth work_role"])
        #expect(try names(["Name", "Role", "Mobile"], ["Lacey Ward", "Pupil", "07911 123456"]) == ["Lacey Ward counted"])
        // A bare Name column names a person only as "Surname, Forename" or beside another of
        // their values: a directory of names and jobs, rooms, courses, software are not people's.
        #expect(try names(["Name", "Role", "Present"], ["Gareth Lomas", "DSL", "Yes"]).isEmpty)
        #expect(try names(["Name", "Capacity"], ["Lecture Theatre", "120"]).isEmpty)
        // A name the gazetteer knows (a given name, then a surname) is a person's under a bare
        // Name column (a published register), unless the words are both English words ("Grace
        // Hall", a room) or the row gives a job.
        #expect(try names(["Name", "Grade", "Town"], ["Callum Marchetti", "AIFPET", "Norwich"]) == ["Callum Marchetti counted"])
        #expect(try names(["Name", "Capacity"], ["Grace Hall", "120"]).isEmpty)
        #expect(try names(["Name", "Role", "Present"], ["Callum Marchetti", "Treasurer", "Yes"]).isEmpty)
        #expect(try names(["Name", "Email"], ["Amy Hart", "amy.hart@gmail.com"]) == ["Amy Hart counted"])
        #expect(try names(["Name", "Role", "Email"], ["Amy Hart", "Governor", "amy.hart@gmail.com"]) == ["Amy Hart work_role"])
        // A subject's column names them whatever else the row holds.
        #expect(try names(["Student name", "Role"], ["Amira Khan", "Form rep"]) == ["Amira Khan counted"])
        // A name inside another cell (a concern's details) is the pupil's, job column or not.
        #expect(try names(["Reported by", "Role", "Details"], ["Tom Oakes", "Form tutor", "Referral - Kai Brooks - disclosed self-harm"])
            == ["Kai Brooks counted"])
        // Headers that hold a name word but are not name columns.
        #expect(try names(["Pupil premium", "Tutor name", "Course name"], ["Free School Meals", "Sarah Whitworth", "Business Studies"]).isEmpty)
    }

    /// An organisation's address block in prose: the postcode and landline on its name's line or
    /// in the address lines below it are the organisation's, wherever the document names a
    /// person; a labelled field, a recipient's address and a block broken by a blank line are not.
    @Test func anOrganisationsAddressBlockIsItsOwn() throws {
        func postcode(_ text: String) throws -> String {
            let m = try #require(try detect(text).first { $0.typeId == "uk.postcode" })
            return m.exemption?.rawValue ?? "counted"
        }
        #expect(try postcode("Claire Dobson\nHead of HR\nInstitute of Fleet & Plant Engineering Technicians\nKestrel House, 21 Tanners Way, Coalville, LE67 4HX\nT: 01530 812414") == "organisation")
        #expect(try postcode("Invoice from Trent Valley Electrical Ltd, Riverside Works, Canal Street, Nottingham NG1 7HA") == "organisation")
        #expect(try postcode("Employer: Calder Valley Foods Ltd\nHome address: 12 Acacia Avenue, Leeds LS1 1AA") == "counted")
        #expect(try postcode("Fosse Vale College\nMr J Smith\n14 Elm Road\nLeeds LS2 3AB") == "counted")
        #expect(try postcode("Fosse Vale College\n\n14 Elm Road\nLeeds LS2 3AB") == "counted")
    }

    /// A footer or a signature that closes with the organisation's registration: the postcode
    /// and landline in its lines are the organisation's, and so are the same values elsewhere in
    /// the text; the domain of its web address is the organisation's own. A number labelled as
    /// someone's home number, a postcode in the prose far above, and a public mail provider's
    /// domain give nothing.
    @Test func aFooterThatGivesARegistrationIsTheOrganisations() throws {
        func values(_ text: String) throws -> [String: String] {
            Dictionary(try detect(text).map { ($0.value, $0.exemption?.rawValue ?? "counted") }) { a, _ in a }
        }
        let prose = String(repeating: "We run weekly groups and one-to-one sessions for adults across the city, with a cafe. ", count: 2)
        let page = try values(prose + "Call 0114 255 8420 to book.\nSend post to Flat 2, 9 Oak Street, Sheffield S11 8YZ, " + prose + "\n\n"
            + "Kestrel Community Wellbeing, 212 Abbeydale Road, Sheffield S7 1FL | Tel: 0114 255 8420 | www.kestrelwellbeing.org.uk\n\n"
            + "Registered charity no. 1187462 | Company no. 11482937")
        #expect(page["S7 1FL"] == "organisation")
        #expect(page["0114 255 8420"] == "organisation")
        #expect(page["S11 8YZ"] == "counted")
        let signature = try detect("Thanks,\nJoanne Pickering\nClinical Services Manager\nHome tel: 0114 274 5512\n"
            + "212 Abbeydale Road, Sheffield S7 1FL\nwww.kestrelwellbeing.org.uk\nRegistered charity no. 1187462")
        #expect(signature.first { $0.value == "0114 274 5512" }?.exemption == nil)
        #expect(signature.first { $0.value == "S7 1FL" }?.exemption == .organisation)
        #expect(signature.first { $0.typeId == "organisation.registration" }?.organisationDomain == "kestrelwellbeing.org.uk")
        // A client's new address in the message above its sender's sign-off is not the footer's.
        let message = try detect("Her new address is 14 Acacia Avenue, Leeds LS6 2AB.\nKind regards\nJo\nRegistered charity no. 1187462")
        #expect(message.first { $0.typeId == "uk.postcode" }?.exemption == nil)
        let gmail = try detect("Kestrel Friends, kestrelfriends@gmail.com\nRegistered charity number 1187462")
        #expect(gmail.first { $0.typeId == "organisation.registration" }?.organisationDomain == nil)
    }

    /// The site's own domains and details, as the scanner's detectors are made with them: a staff
    /// directory's work addresses and the landline on their line are a work role's; the centre's
    /// own postcode, number and account are the organisation's, and the duty phone in guidance
    /// ties no special-category word to a person; a subdomain, a personal address, another
    /// postcode and a mobile under a home column count as before.
    @Test func theSitesOwnDomainsAndDetailsCountTowardsNothing() throws {
        let (_, set) = try loadPatterns()
        let details = try JSONDecoder().decode(OwnDetails.File.self, from: Data("""
            {"postcodes": ["NG2 3HW"], "phones": ["0115 857 34*", "07956 210448"], "bank_accounts": ["20-17-68 73914062"]}
            """.utf8))
        let detector = Detector(set, workDomains: ["harrowgateskills.co.uk"], ownDetails: try OwnDetails(details))
        func exemptions(_ text: String) -> [String: String] {
            var out: [Match] = []
            detector.detect(TextChunk(text: Array(text.utf8), firstLine: 1), into: &out)
            return Dictionary(out.map { ($0.value, $0.exemption?.rawValue ?? ($0.needsPerson ? "needs a person" : "counted")) }) { a, _ in a }
        }
        let directory = exemptions("Email: Louise.Ackroyd@HarrowgateSkills.co.uk | Tel: 01484 438 201\nEmail: amy.hart@students.harrowgateskills.co.uk")
        #expect(directory["Louise.Ackroyd@HarrowgateSkills.co.uk"] == "work_address")
        #expect(directory["01484 438 201"] == "work_address")
        #expect(directory["amy.hart@students.harrowgateskills.co.uk"] == "counted")
        let invoice = exemptions("Pay to: Meadow Lane, Nottingham NG2 3HW, tel 0115 857 3440, sort code 20-17-68 account 73914062.\nBill to: 4 Elm Road, Nottingham NG7 5DX")
        #expect(invoice["NG2 3HW"] == "organisation")
        #expect(invoice["0115 857 3440"] == "organisation")
        #expect(invoice["NG7 5DX"] == "counted")
        let guidance = exemptions("If a student talks of self-harm, call the duty phone 07956 210448 at once.")
        #expect(guidance["07956 210448"] == "organisation")
        #expect(guidance["self-harm"] == "needs a person")
    }

    /// One worker's detector reads row after row, of one table and then of another: whether a
    /// row gives its person's job follows each row's own labels.
    @Test func aRowGivesAJobByItsOwnLabels() throws {
        let (_, set) = try loadPatterns()
        let detector = Detector(set)
        func names(_ labels: [String], _ values: [String]) -> [String] {
            var text = "", cells: [Cell] = []
            for (label, value) in zip(labels, values) {
                if !text.isEmpty { text += "\t" }
                cells.append(Cell(range: text.utf8.count..<(text.utf8.count + value.utf8.count), label: label))
                text += value
            }
            var out: [Match] = []
            detector.detect(TextChunk(text: Array(text.utf8), firstLine: 1, cells: cells), into: &out)
            return out.filter { $0.typeId == "person.name" }.map { "\($0.value) \($0.exemption?.rawValue ?? "counted")" }
        }
        #expect(names(["Staff member", "Role"], ["Gareth Lomas", "DSL"]) == ["Gareth Lomas work_role"])
        #expect(names(["Staff member", "Role"], ["Tom Rennie", "Teacher"]) == ["Tom Rennie work_role"])
        #expect(names(["Staff member", "Email"], ["Amy Hart", "amy.hart@gmail.com"]) == ["Amy Hart counted"])
        #expect(names(["Staff member", "Email"], ["Ben Hart", "ben.hart@gmail.com"]) == ["Ben Hart counted"])
        #expect(names(["Staff member", "Role", "Present"], ["Gareth Lomas", "DSL", "Yes"]) == ["Gareth Lomas work_role"])
        #expect(names(["Staff member", "Role"], ["Tom Rennie", "Teacher"]) == ["Tom Rennie work_role"])
    }

    @Test func contextRaisesConfidence() throws {
        #expect(try detect("ref AB 12 34 56 C").first?.confidence == .medium)
        #expect(try detect("NI number AB 12 34 56 C").first?.confidence == .high)
    }

    @Test func locationsCountLinesAndOffsets() throws {
        let found = try detect("first line\nsecond\nEmail: sam.jones@gmail.com\n")
        #expect(found.first?.location.line == 3)
        #expect(found.first?.location.offset == 25)
    }
}

@Suite struct ValidatorRules {
    @Test(arguments: [
        ("JT482793C", true), ("AB123456C", false), ("QQ123456A", false), ("GB123456A", false), ("TN123456A", false), ("DA123456A", false),
        ("AO123456A", false), ("AB123456E", false), ("OO123456A", false), ("PP123456A", false),
        ("CR123456A", true), ("MW123456B", true), ("NC123456C", true), ("PY123456D", true), ("PZ123456A", true),
    ])
    func niNumberPrefixAndSuffix(_ value: String, _ valid: Bool) {
        #expect((Validators.ukNINO(value) == .valid) == valid)
    }

    /// The example NI numbers of HMRC (QQ 12 34 56) and of forms and guidance (AB 12 34 56), any
    /// suffix A-D, however written, are example data; a neighbour of either is not.
    @Test(arguments: [
        ("QQ 12 34 56 C", true), ("AB 12 34 56 C", true), ("ab123456a", true), ("AB-12-34-56-D", true),
        ("AB 12 34 56 E", false), ("AB 12 34 57 C", false), ("AC 12 34 56 C", false), ("AB 21 34 56 C", false),
    ])
    func textbookNINumbersAreExampleData(_ value: String, _ example: Bool) {
        #expect((Validators.ukNINO(value) == .exempt(.exampleData)) == example, "\(value)")
        #expect(Validators.ukNINO(value) == Validators.ukNINOCharacters(value))
    }

    @Test(arguments: [("SW1A 2AA", true), ("M1 1AE", true), ("AA9 9AA", false), ("GIR 0AA", true), ("ZZ1 1AA", false)])
    func postcodeAreas(_ value: String, _ valid: Bool) {
        #expect((Validators.ukPostcode(value) == .valid) == valid)
    }

    @Test(arguments: [
        ("12/03/1984", true), ("31/02/1984", false), ("29/02/2004", true), ("29/02/2003", false), ("1899-12-31", false),
        ("12 March 1984", true), ("March 12, 1984", true), ("12/13/1984", false), ("01/01/2999", false),
    ])
    func datesOfBirth(_ value: String, _ valid: Bool) {
        #expect((Validators.dateOfBirth(value) == .valid) == valid)
    }

    @Test(arguments: [
        ("info", true), ("enquiries", true), ("dataquestions", true), ("dpo", true), ("no-reply", true),
        ("matthew.jones", false), ("priya.sharma2006", false), ("jo", false),
        ("headteacher", true), ("hrteam", true), ("studentservices", true), ("data.protection", true), ("infox", false),
        ("officer", false), ("theoffice", true), ("ukadmissions", true), ("aisha.khan04", false),
    ])
    func roleMailboxes(_ local: String, _ role: Bool) {
        #expect(RoleMailbox.isRole(localPart: local) == role)
    }

    @Test func normalisingASCIIOnBytesIsNormalisingCharacters() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let value = String(decoding: (0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 32..<127, using: &rng) }, as: UTF8.self)
            #expect(Normalization.apply(.alphanumericUpper, to: value) == String(value.uppercased().filter { $0.isLetter || $0.isNumber }), "\(value)")
            #expect(Normalization.apply(.lower, to: value) == value.lowercased(), "\(value)")
        }
        #expect(Normalization.apply(.alphanumericUpper, to: "zoë-1") == "ZOË1")
        #expect(Normalization.apply(.lower, to: "ZOË@X.COM") == "zoë@x.com")
    }

    @Test func datesNormaliseToOneFingerprintInput() {
        #expect(Normalization.apply(.isoDate, to: "12/03/1984") == "1984-03-12")
        #expect(Normalization.apply(.isoDate, to: "12th March 1984") == "1984-03-12")
        #expect(Normalization.apply(.alphanumericUpper, to: "ab 12 34 56 c") == "AB123456C")
    }
}

@Suite struct SchemeChecks {
    @Test(arguments: [
        ("4532 0151 1283 0366", Validation.valid), ("4532 0151 1283 0367", .invalid), ("2223 0004 8863 1133", .valid),
        ("4111 1111 1111 1111", .exempt(.exampleData)), ("1234 5678 9012 3452", .invalid), ("3782 123456 78903", .valid),
    ])
    func paymentCards(_ value: String, _ expected: Validation) {
        #expect(IdentifierChecks.paymentCard(value) == expected)
    }

    @Test(arguments: [
        ("GB72 BARC 2003 5341 2345 67", Validation.valid), ("GB72 BARC 2003 5341 2345 68", .invalid),
        ("GB82WEST12345698765432", .exempt(.exampleData)), ("GB72BARC200353412345", .invalid),
    ])
    func ibans(_ value: String, _ expected: Validation) {
        #expect(IdentifierChecks.iban(value) == expected)
    }

    @Test(arguments: [
        ("943 476 5919", Validation.valid), ("943 476 5918", .invalid), ("999 000 0018", .exempt(.exampleData)),
        ("1111111111", .exempt(.exampleData)),
    ])
    func nhsNumbers(_ value: String, _ expected: Validation) {
        #expect(IdentifierChecks.nhs(value) == expected)
    }

    @Test func ulnAndNHSNeverAgree() {
        // NHS needs remainder 0, the ULN remainder 10: no ten digits pass both.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let s = String((0..<10).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            #expect(!(IdentifierChecks.uln(s) == .valid && IdentifierChecks.nhs(s) == .valid))
        }
        #expect(IdentifierChecks.uln("9276308686") == .valid)
        #expect(IdentifierChecks.uln("9276308687") == .invalid)
    }

    @Test func upnAndUTR() {
        #expect(IdentifierChecks.upn("B801200005001") == .valid)
        #expect(IdentifierChecks.upn("A801200005001") == .invalid)
        #expect(IdentifierChecks.upn("B101200005001") == .invalid)
        #expect(IdentifierChecks.utr("1955839661") == .valid)
        #expect(IdentifierChecks.utr("1955839662") == .invalid)
    }

    @Test(arguments: [
        ("07911 123456", Validation.valid), ("+44 20 7123 4567", .valid), ("07700 900123", .exempt(.exampleData)),
        ("0113 496 0000", .exempt(.exampleData)), ("020 7946 0958", .exempt(.exampleData)), ("09098 765432", .invalid),
        ("0791 112", .invalid),
    ])
    func phones(_ value: String, _ expected: Validation) {
        #expect(IdentifierChecks.ukPhone(value) == expected)
    }

    @Test func passwordsMustLookLikePasswords() {
        #expect(IdentifierChecks.password("Summer2024") == .valid)
        #expect(IdentifierChecks.password("must") == .invalid)
        #expect(IdentifierChecks.password("********") == .invalid)
        #expect(IdentifierChecks.password("${DB_PASSWORD}") == .invalid)
    }
}

@Suite struct Records {
    @Test func aDrivingLicenceAgreeingWithABirthDateIsCertain() throws {
        let agreeing = try detect("DOB 11/03/1976, licence MORGA753116SM9IJ")
        let licence = try #require(agreeing.first { $0.typeId == "uk.driving_licence" })
        #expect(licence.confidence == .high)
        #expect(licence.evidence.contains { $0.contains("agrees") })
        let other = try detect("DOB 12/03/1976, code MORGA753116SM9IJ")
        #expect(other.first { $0.typeId == "uk.driving_licence" }?.confidence == .medium)
    }

    /// A special-category value about a person: its record holds an identifier or a name field.
    /// One whose record names no one is marked as needing a person, for the classifier to keep
    /// only in a document about one person.
    @Test func specialCategoryValuesNeedAPersonInTheRecord() throws {
        func special(_ text: String, _ type: String) throws -> Match? { try detect(text).first { $0.typeId == type } }
        #expect(try special("Name: Ruby Hughes\nMedical conditions: asthma", "special.health")?.needsPerson == false)
        #expect(try special("NI number JT 48 27 93 C\nEthnicity: Indian", "special.ethnicity")?.needsPerson == false)
        // A blank line ends the record: the identifier above is in another paragraph.
        #expect(try special("NI number JT 48 27 93 C\n\nEthnicity: Indian", "special.ethnicity")?.needsPerson == true)
        #expect(try special("Medical conditions: asthma", "special.health")?.needsPerson == true)
        #expect(try special("Name: Ruby Hughes\nMedical conditions: None", "special.health") == nil)
    }

    /// A titled name on the value's line is the person it is about, unless a job goes with the
    /// name: a speaker at a talk on diabetes, a nurse.
    @Test func aTitledNameInAWorkRoleNamesNoOneOnTheLine() throws {
        func special(_ text: String) throws -> Match? { try detect(text).first { $0.typeId == "special.health" } }
        #expect(try special("The centre was told Mrs Nowak has epilepsy.")?.needsPerson == false)
        #expect(try special("Dr Kavita Joshi, GP Partner at Hollybush Surgery, will talk about living with diabetes.")?.needsPerson == true)
        #expect(try special("Our nurse, Mrs Gill Kaur, will talk about living with diabetes.")?.needsPerson == true)
    }

    /// A condition said of a relative is marked so: no name on its line is given it.
    @Test func aRelativesConditionIsMarked() throws {
        func special(_ text: String) throws -> Match? { try detect(text).first { $0.typeId == "special.health" } }
        let husband = try #require(try special("Kemi told them how hard it had been to explain her husband's dementia."))
        #expect(husband.evidence.contains(Evidence.ofARelative))
        let own = try #require(try special("After the summer Kemi said she has dementia."))
        #expect(!own.evidence.contains(Evidence.ofARelative))
    }

    /// A titled name alone over an address a postcode ends is a letter's sender or addressee;
    /// a block that names a job or an organisation between them is a member of staff's at work.
    @Test func aTitledNameOverAnAddressIsAPerson() throws {
        func names(_ text: String) throws -> [String] {
            try detect(text).filter { $0.typeId == "person.name" && $0.exemption == nil }.map(\.value)
        }
        #expect(try names("Mr Stuart Heptonstall\n31 Bradley Avenue\nCastleford\nWF10 3HS\nTel: 01977 603145") == ["Mr Stuart Heptonstall"])
        #expect(try names("Mrs A. Kowalczyk\n17 Saxon Grove, Ossett WF5 9JB") == ["Mrs A. Kowalczyk"])
        #expect(try names("Ms Jane Reid\nHousing Officer\nBrunswick House\nWakefield WF1 2DY").isEmpty)
        #expect(try names("Mr Stuart Heptonstall\n\n31 Bradley Avenue, Castleford WF10 3HS").isEmpty)
        #expect(try names("Items and problems were sent to 31 Bradley Avenue, Castleford WF10 3HS").isEmpty)
    }

    /// A household table's row names its own person: its date of birth is marked as theirs.
    @Test func aRowThatNamesItsPersonMarksItsValues() throws {
        let text = "Adaeze Okonkwo\tDaughter\t09/08/2016"
        let cells = [Cell(range: 0..<14, label: "Name"), Cell(range: 15..<23, label: "Relationship"),
                     Cell(range: 24..<34, label: "Date of birth")]
        let dob = try #require(try detect(text, cells: cells).first { $0.typeId == "dob" })
        #expect(dob.evidence.contains(Evidence.ofTheRowsPerson))
        let alone = try #require(try detect("Date of birth: 14/03/1987").first { $0.typeId == "dob" })
        #expect(!alone.evidence.contains(Evidence.ofTheRowsPerson))
    }

    /// A Word form's table opens with a question taken for its header: the questions below it
    /// are not values of that column, and each answer is read by its own question.
    @Test func aFormsQuestionIsNoValueOfTheFirstRowsColumn() throws {
        let text = "Religion or belief:Christian"
        let cells = [Cell(range: 0..<18, label: "Ethnic origin"), Cell(range: 19..<28, label: "Black or Black British - African")]
        let found = try detect(text, cells: cells).filter { $0.typeId.hasPrefix("special.") }
        #expect(found.map(\.typeId) == ["special.religion"])
        #expect(found.first?.value == "Christian")
    }

    /// A family learning register: its parents and carers are people, and a header's bracketed
    /// aside ("Child (year group)") says what the values look like, not what they are.
    @Test func parentAndChildColumnsNamePeople() throws {
        let text = "Ollie Price (Y2)\tSarah Price\tYes"
        let cells = [Cell(range: 0..<16, ref: "B2", label: "Child (year group)"), Cell(range: 17..<28, ref: "C2", label: "Parent/carer"),
                     Cell(range: 29..<32, ref: "D2", label: "Attended")]
        let names = try detect(text, cells: cells).filter { $0.typeId == "person.name" }
        #expect(names.map(\.location.column) == ["Child (year group)", "Parent/carer"])
    }

    @Test func aColumnNamedForAFieldMakesItsCellsThatField() throws {
        let text = "Isla Murray\tWhite Scottish"
        let cells = [Cell(range: 0..<11, ref: "A2", label: "Pupil"), Cell(range: 12..<26, ref: "B2", label: "Ethnicity")]
        let found = try detect(text, cells: cells)
        #expect(found.map(\.typeId) == ["person.name", "special.ethnicity"])
        #expect(found.last?.value == "White Scottish")
    }

    /// A landline on a role mailbox's line is the office's; a mobile there, or a landline on
    /// another line, is counted as before.
    @Test func anOfficesLandlineBesideItsRoleMailboxIsTheOrganisations() throws {
        #expect(try phoneExemption("If you are worried, contact safeguarding@hsp.co.uk or call 01484 438219.") == "organisation")
        #expect(try phoneExemption("If you are worried, contact safeguarding@hsp.co.uk or call 07911 123456.") == "counted")
        #expect(try phoneExemption("Contact safeguarding@hsp.co.uk.\nOr call Amy on 01484 438219.") == "counted")
    }

    /// A special-category value its writer says of themselves carries that, for a message's
    /// classification; one said of a relative does not.
    @Test func aValueSaidInTheFirstPersonSaysSo() throws {
        func evidence(_ text: String) throws -> [String] {
            try #require(try detect(text).first { $0.typeId == "special.health" }).evidence
        }
        #expect(try evidence("The midwife has flagged my blood pressure is running a bit high.").contains(Evidence.inTheFirstPerson))
        #expect(try evidence("I have asthma and it has flared up again.").contains(Evidence.inTheFirstPerson))
        let relative = try evidence("My husband has dementia and I am his carer.")
        #expect(relative.contains(Evidence.ofARelative) && !relative.contains(Evidence.inTheFirstPerson))
    }

    /// A landline the text gives as the office's line is the organisation's; a staff member's
    /// "Office:" line and a mobile are not.
    @Test func aLandlineGivenAsTheOfficesLineIsTheOrganisations() throws {
        #expect(try phoneExemption("Text the buddy (duty mobile or the office on 0114 255 8420) when you arrive.") == "organisation")
        #expect(try phoneExemption("Switchboard tel: 0114 255 8420") == "organisation")
        #expect(try phoneExemption("Helen Marsh, Centre Manager\nOffice tel: 0114 255 8431") == "counted")
        #expect(try phoneExemption("Call the office on 07911 123456 out of hours.") == "counted")
        #expect(try phoneExemption("Ring me, not the office number, on my home tel 0114 274 5512.") == "counted")
    }

    /// A list of centres: a row that names an organisation and no person gives the
    /// organisation's postcode and landline; a row with a contact's name column keeps them, and
    /// a name column that holds the organisation's own name ("Client": a care home) names no one.
    @Test func aRowThatNamesAnOrganisationAndNoPersonGivesItsDetails() throws {
        func row(_ labels: [String], _ values: [String]) throws -> [String: String] {
            var cells: [Cell] = [], at = 0
            for (value, label) in zip(values, labels) {
                cells.append(Cell(range: at..<(at + value.utf8.count), label: label))
                at += value.utf8.count + 1
            }
            return Dictionary(try detect(values.joined(separator: "\t"), cells: cells).filter { !$0.isOrganisation && $0.typeId != "person.name" }
                .map { ($0.typeId, $0.exemption?.rawValue ?? "counted") }) { a, _ in a }
        }
        let details = ["HD6 1QT", "01484 717 300"], labels = ["Postcode", "Telephone"]
        #expect(try row(["Centre name"] + labels, ["Pennine Catering Academy"] + details) == ["uk.postcode": "organisation", "uk.phone": "organisation"])
        #expect(try row(["Centre name", "Contact name"] + labels, ["Pennine Catering Academy", "Jane Whitworth"] + details)
            == ["uk.postcode": "counted", "uk.phone": "counted"])
        #expect(try row(["Client"] + labels, ["Oakfield Lodge Care Home"] + details) == ["uk.postcode": "organisation", "uk.phone": "organisation"])
    }

    /// A list of referral agencies: a name under an "Agency" column names an organisation
    /// whatever its words, and its row's postcode, landline and mailbox are the agency's; an
    /// address at a public mail provider in the row is someone's own, and keeps them all.
    @Test func aNameUnderAnAgencyColumnNamesAnOrganisation() throws {
        func row(_ email: String) throws -> [String: String] {
            let name = "Firth Park Surgery Reception", postcode = "S5 6HH", phone = "0114 242 6406"
            let text = [name, postcode, phone, email].joined(separator: "\t")
            var cells: [Cell] = [], at = 0
            for (value, label) in zip([name, postcode, phone, email], ["Agency", "Postcode", "Phone", "Contact"]) {
                cells.append(Cell(range: at..<(at + value.utf8.count), label: label))
                at += value.utf8.count + 1
            }
            return Dictionary(try detect(text, cells: cells).filter { !$0.isOrganisation }
                .map { ($0.typeId, $0.exemption?.rawValue ?? "counted") }) { a, _ in a }
        }
        #expect(try row("reception.firthpark@nhs.net") == ["uk.postcode": "organisation", "uk.phone": "organisation", "email": "organisation"])
        #expect(try row("firthpark.reception@gmail.com") == ["uk.postcode": "counted", "uk.phone": "counted", "email": "counted"])
        // An address that holds no word of the organisation's name is someone's own.
        #expect(try row("j.hughes@cityofbristol.ac.uk") == ["uk.postcode": "counted", "uk.phone": "counted", "email": "counted"])
    }

    /// An exercise's sample data: a row whose person is an example (a reserved domain's address)
    /// is an example record, its date of birth included; a real address's row is not.
    @Test func aRowOfAnExamplePersonIsExampleData() throws {
        func row(_ email: String) throws -> [String: String] {
            let text = "Sam Sample\t\(email)\t04/02/1964"
            let e = 11 + email.utf8.count
            let cells = [Cell(range: 0..<10, ref: "A3", label: "Name"), Cell(range: 11..<e, ref: "B3", label: "Email"),
                         Cell(range: (e + 1)..<(e + 11), ref: "C3", label: "Date of birth")]
            return Dictionary(try detect(text, cells: cells).map { ($0.typeId, $0.exemption?.rawValue ?? "counted") }) { a, _ in a }
        }
        #expect(try row("sam.sample@example.com") == ["person.name": "example_data", "email": "example_data", "dob": "example_data"])
        #expect(try row("sam.sample@gmail.com") == ["person.name": "counted", "email": "counted", "dob": "counted"])
    }

    /// A register whose only identifier is its staff's names: the name column ties the row's
    /// answers to its person, and a condition under a column that names no field is a value.
    @Test func aStaffNameColumnMakesTheRowAPersonsRecord() throws {
        func row(_ label: String, _ answer: String, _ answerLabel: String) throws -> Match? {
            let text = "Shannon Roberts\tCleaner\t\(answer)"
            let start = 24
            let cells = [Cell(range: 0..<15, ref: "A4", label: label), Cell(range: 16..<23, ref: "B4", label: "Role"),
                         Cell(range: start..<(start + answer.utf8.count), ref: "H4", label: answerLabel)]
            return try detect(text, cells: cells).first { $0.typeId.hasPrefix("special.") }
        }
        let conviction = try row("Staff name", "Yes - conviction 2014, drink driving", "Disclosure content")
        #expect(conviction?.typeId == "special.criminal")
        #expect(conviction?.needsPerson == false)
        // A column headed by something other than a person's name identifies no one.
        #expect(try row("Cost centre", "Yes - conviction 2014, drink driving", "Disclosure content")?.needsPerson == true)
        let need = try row("Staff name", "ADHD - letter from paediatrician", "Evidence of need")
        #expect(need?.typeId == "special.health")
        #expect(need?.value == "ADHD")
        #expect(need?.needsPerson == false)
        #expect(try row("Staff name", "Autism awareness (Level 2)", "Training") == nil)
    }

    /// An ILR record holds ethnicity and LLDD as codes: a code of the field's set is its answer,
    /// and the set's "not provided" codes are not.
    @Test func aCodedAnswerUnderAFieldsColumnIsThatField() throws {
        func row(_ ethnicity: String, _ lldd: String) throws -> [String] {
            let text = "6636370393\t\(ethnicity)\t\(lldd)"
            let e = 11 + ethnicity.utf8.count
            let cells = [Cell(range: 0..<10, label: "ULN"), Cell(range: 11..<e, label: "Ethnicity"),
                         Cell(range: (e + 1)..<(e + 1 + lldd.utf8.count), label: "LLDDHealthProb")]
            return try detect(text, cells: cells).filter { $0.typeId.hasPrefix("special.") }.map { "\($0.typeId)=\($0.value)" }
        }
        #expect(try row("38", "1") == ["special.ethnicity=38", "special.health=1"])
        #expect(try row("99", "2").isEmpty)
        #expect(try row("98", "9") == ["special.ethnicity=98"])
        // A code counts only under a column named for the field itself: a flag under "Send
        // newsletter" is no SEND answer.
        let text = "6636370393\t1"
        let cells = [Cell(range: 0..<10, label: "ULN"), Cell(range: 11..<12, label: "Send newsletter")]
        #expect(try detect(text, cells: cells).filter { $0.typeId.hasPrefix("special.") }.isEmpty)
    }

    @Test func aKeywordBeforeAnotherIdentifierDoesNotReachPastIt() throws {
        // "device" belongs to the MAC address; the version number after it is not an IP address.
        let found = try detect("User: Chloe, device a4-83-e7-12-34-56\nBuild server version 2.4.1.3")
        #expect(found.map(\.typeId) == ["mac.address"])
    }
}

@Suite struct LiteralSearch {
    @Test func oneHyperscanPassFindsTheSameAnchorsAsSearchingEachLiteral() throws {
        let (_, set) = try loadPatterns()
        let literals = try #require(set.literals, "Hyperscan built no database")
        let scanner = try LiteralScanner(for: literals)
        // Real documents, plus literals in mixed case, overlapping (":::", "----"), and at the very
        // start and end of the text.
        var text = Array("PASS:word Internal\n".utf8)
        for name in ["text/hr-record.txt", "text/board-paper.txt", "web/emergency-contacts.html", "config/finance.env", "tables/learners.csv"] {
            let file = packageRoot.appendingPathComponent("Samples/\(name)")
            try #require(FileManager.default.fileExists(atPath: file.path), "\(name)")
            text += Array(try Data(contentsOf: file))
        }
        text += Array("a:::b----c===Official CONFIDENTIAL eyJ xoxb- diagnosed Spent public classification pwd".utf8)
        var searched = 0
        for compiled in set.patterns {
            guard let prefilter = compiled.prefilter, !prefilter.literals.isEmpty else { continue }
            #expect(compiled.literalIds.count == Set(prefilter.literals.map { $0.lowercased() }).count)
            var fast = Anchors(text, literals: set.literalNeedles, scanner: scanner)
            var plain = Anchors(text, literals: set.literalNeedles)
            let windows = fast.windows(AnchorRule(prefilter), literals: compiled.literalIds, required: compiled.requiredIds)
            #expect(windows == plain.windows(AnchorRule(prefilter), literals: compiled.literalIds, required: compiled.requiredIds), "\(compiled.definition.id)")
            searched += windows.count
        }
        #expect(searched > 20)
    }

    /// Anchors of one or two bytes are found with memchr, not in the Hyperscan pass, where they
    /// cost a third of the pass over prose; a text's windows are the same either way (above).
    @Test func shortAnchorsAreFoundOutsideTheHyperscanPass() throws {
        let (_, set) = try loadPatterns()
        let literals = try #require(set.literals, "Hyperscan built no database")
        for short in [":", "@", "/"] {
            let id = try #require(set.literalTexts.firstIndex(of: short), "\(short)")
            #expect(id >= set.literalNeedles.scanned && id < set.literalNeedles.anchors, "\(short)")
            let inPass = literals.literals.contains(Array(short.utf8))
            #expect(!inPass, "\(short)")
        }
        #expect(literals.literals.allSatisfy { $0.count >= PatternSet.shortestInPass })
        let scanner = try LiteralScanner(for: literals)
        let text = Array("Router fe80::1 seen by ann@example.org".utf8)
        var anchors = Anchors(text, literals: set.literalNeedles, scanner: scanner)
        let anchored = anchors.anchoredPatterns(set)
        for id in ["ip.v6", "email"] {
            let index = try #require(set.patterns.firstIndex { $0.patternId == id }, "\(id)")
            #expect(anchored[index], "\(id)")
        }
    }
}

@Suite struct RequiredLiterals {
    @Test func windowsIntersect() {
        #expect(Anchors.intersection([0..<5, 10..<20, 30..<31], [3..<12, 19..<25, 31..<40]) == [3..<5, 10..<12, 19..<20])
        #expect(Anchors.intersection([0..<5], []) == [])
        #expect(Anchors.intersection([0..<50], [0..<50]) == [0..<50])
    }

    /// A pattern that promises where its required literals stand (`requires_reach`) is searched
    /// only where one stands that near a match's start as well as an anchor: in prose that says
    /// "may" and cites years, fewer windows, and the same matches.
    @Test func aRequiredLiteralNearTheStartNarrowsTheWindowsAndKeepsEveryMatch() throws {
        let (_, set) = try loadPatterns()
        let compiled = try #require(set.patterns.first { $0.patternId == "dob.text" })
        let prefilter = try #require(compiled.prefilter)
        #expect(prefilter.requiresReach != nil, "dob.text promises where its month stands")
        var wide = prefilter
        wide.requiresReach = nil
        let text = Array((String(repeating: "Learners may ask for a review. ", count: 4) + "Date of birth: 5 July 1964. "
            + String(repeating: "Section 4.2 of the 2018 Act applies to records kept since 2019. ", count: 6)
            + "DOB March 12, 1984. Marked 2024.").utf8)
        var anchors = Anchors(text, literals: set.literalNeedles)
        let narrowed = anchors.windows(AnchorRule(prefilter), literals: compiled.literalIds, required: compiled.requiredIds)
        let all = anchors.windows(AnchorRule(wide), literals: compiled.literalIds, required: compiled.requiredIds)
        func size(_ windows: [Range<Int>]) -> Int { windows.reduce(0) { $0 + $1.count } }
        #expect(size(narrowed) * 3 < size(all), "narrowed \(narrowed), all \(all)")
        func matches(_ windows: [Range<Int>]) -> [String] {
            var out: [String] = []
            text.withUnsafeBytes { subject in
                try? MatchScratch(for: compiled.regex).forEachMatch(in: subject, windows: windows) { groups in
                    out.append(String(decoding: subject[groups[0]!], as: UTF8.self))
                    return true
                }
            }
            return out
        }
        #expect(matches(narrowed) == ["5 July 1964", "March 12, 1984"])
        #expect(matches(narrowed) == matches(all))
    }
}

extension RequiredLiterals {
    /// A literal that only decides whether a text is searched at all (a GPS position's comma) is
    /// not reported at every occurrence by the one pass: it is looked for on its own, and still
    /// decides.
    @Test func aLiteralThatOnlyDecidesWhetherATextIsSearchedIsLookedForOnItsOwn() throws {
        let (_, set) = try loadPatterns()
        let literals = try #require(set.literals, "Hyperscan built no database")
        let scanner = try LiteralScanner(for: literals)
        let comma = try #require(set.literalTexts.firstIndex(of: ","))
        #expect(comma >= set.literalNeedles.scanned)
        #expect(!literals.literals.contains(Array(",".utf8)))
        #expect(literals.literals.contains(Array("may".utf8)), "a month narrows where a written date can start")
        let gps = try #require(set.patterns.firstIndex { $0.patternId == "location.gps" })
        for (text, anchored) in [("Location 53.800755 -1.549077 logged", false), ("Location 53.800755, -1.549077 logged", true)] {
            for scanner in [scanner, nil] {
                var anchors = Anchors(Array(text.utf8), literals: set.literalNeedles, scanner: scanner)
                #expect(anchors.anchoredPatterns(set)[gps] == anchored, "\(text)")
            }
        }
    }
}

@Suite struct Alternations {
    @Test(arguments: [
        ("(?<![0-9])[0-9]{3}[ -]?[0-9]{4}(?![0-9])", true), ("(?i)(?<![A-Za-z])(?:diagnosed)", true),
        ("(?<![0-9./-])[0-9]{1,2}([/.-])[0-9]{1,2}\\1[0-9]{4}", true), ("\\(?0[0-9]{4}\\)? ?[0-9]{6}", true),
        ("(?m)^PUBLIC$|(?i)public", true), ("(?>a+)b(?=c)(?!d)", true), ("(?i-m:a)", true),
        ("a(*COMMIT)b", false), ("(*UCP)a", false), ("ab\\Kc", false), ("(a)(?R)?", false), ("(a)(?1)", false),
        ("(?<name>a)", false), ("(?P<name>a)", false), ("(?'name'a)", false), ("(?x)a # comment", false),
        ("(?#comment)a", false), ("(a)\\g{1}", false), ("(?C1)a", false), ("(?&name)", false),
    ] as [(String, Bool)])
    func whichRegexesCanBeJoined(_ regex: String, _ expected: Bool) {
        #expect(RegexJoining.canJoin(regex) == expected)
    }

    /// For every group of patterns searched as one alternation, each pattern finds the same
    /// matches in the windows the alternation keeps as in all its windows, on real documents.
    @Test func theWindowsAGroupRulesOutHoldNoMatchOfItsPatterns() throws {
        let (_, set) = try loadPatterns()
        #expect(set.unions.count >= 2, "the default patterns form groups")
        var text: [UInt8] = []
        // Every plain-text sample, one after another (the generated corpora are checked end to end).
        for folder in ["text", "tables", "web", "email", "config", "data"] {
            let dir = packageRoot.appendingPathComponent("Samples/\(folder)")
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
                // A name that is not UTF-8 (a hostile sample) does not come back as a path: skipped.
                if let data = try? Data(contentsOf: dir.appendingPathComponent(name)) { text += Array(data) }
            }
        }
        #expect(text.count > 20_000)
        var matched = 0, ruledOut = 0
        text.withUnsafeBytes { subject in
            var anchors = Anchors(text, literals: set.literalNeedles)
            for (index, compiled) in set.patterns.enumerated() {
                guard let union = set.unionOf[index], let prefilter = compiled.prefilter else { continue }
                let windows = anchors.windows(AnchorRule(prefilter), literals: compiled.literalIds, required: compiled.requiredIds)
                let kept = MatchScratch(for: set.unions[union]).windowsWithMatches(in: subject, windows: windows)
                func matches(_ windows: [Range<Int>]) -> [Range<Int>] {
                    var out: [Range<Int>] = []
                    try? MatchScratch(for: compiled.regex).forEachMatch(in: subject, windows: windows) { groups in
                        out.append(groups[0]!)
                        return true
                    }
                    return out
                }
                let everywhere = matches(windows)
                #expect(matches(kept) == everywhere, "\(compiled.patternId)")
                matched += everywhere.count
                ruledOut += windows.count - kept.count
            }
        }
        #expect(matched > 20 && ruledOut > 100, "matched \(matched), windows ruled out \(ruledOut)")
    }
}

@Suite struct DigitRuns {
    @Test func theWordAtATimeTestFindsEveryDigitAndNothingElse() {
        // Every byte value in every position of a word.
        for value in 0...255 {
            for position in 0..<8 {
                var bytes = [UInt8](repeating: 65, count: 8)
                bytes[position] = UInt8(value)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(Anchors.hasDigit(word) == (value >= 48 && value <= 57), "byte \(value) at \(position)")
            }
        }
    }

    @Test func runsAreTheSameAsAByteByByteReading() {
        var rng = SystemRandomNumberGenerator()
        // Dense digits, and sparse ones (prose), where whole blocks of 32 and 8 bytes are skipped.
        for (length, every) in [(0, 4), (1, 4), (7, 4), (8, 4), (9, 4), (63, 4), (64, 4), (65, 4), (1000, 4),
                                (31, 100), (32, 100), (33, 100), (100, 100), (1000, 100), (5000, 300), (5000, 3000)] {
            // One byte in `every` a digit; the others any byte but a digit.
            let text = (0..<length).map { _ in
                Int.random(in: 0..<every, using: &rng) == 0 ? UInt8.random(in: 48...57, using: &rng)
                    : [UInt8.random(in: 0...47, using: &rng), UInt8.random(in: 58...255, using: &rng)].randomElement(using: &rng)!
            }
            var expected: [Range<Int>] = []
            var i = 0
            while i < text.count {
                guard text[i] >= 48 && text[i] <= 57 else { i += 1; continue }
                var j = i + 1
                while j < text.count && text[j] >= 48 && text[j] <= 57 { j += 1 }
                expected.append(i..<j)
                i = j
            }
            #expect(Anchors.digitRuns(text) == expected, "length \(length)")
        }
    }

    /// Digits joined by at most two of space, hyphen, dot, slash and parentheses count as one run
    /// for `joined_digits`; anything else, or three joiners, ends it.
    @Test(arguments: [
        ("4929 1234 5678 9012", 16), ("(0161) 496 0000", 11), ("+44 (0)20 7946 0958", 13), ("01/09/2003\tRJ 84 26 06 C", 8),
        ("12 - 34", 2), ("12 -34", 4), ("12a34", 2), ("", 0), ("no digits", 0), ("7", 1), ("1,234,567", 3), ("51.5074, -0.1278", 6),
    ])
    func joinedRunsCountTheDigitsOfTheLongest(_ text: String, _ expected: Int) {
        let bytes = Array(text.utf8)
        #expect(Anchors.longestJoinedRun(Anchors.digitRuns(bytes), in: bytes) == expected)
    }
}

@Suite struct KeywordTokens {
    @Test(arguments: [
        ("Date of Birth", "date of birth", 0, 3), ("date_of_birth", "date of birth", 0, 3), ("DATEOFBIRTH", "date of birth", 0, 1),
        ("DateOfBirth", "date of birth", 0, 3), ("the D.O.B. is", "dob", 1, 5), ("adobe", "dob", nil, 1),
        ("NINumber", "ni number", 0, 2), ("brpNumber:", "brp number", 0, 2), ("ABCdef", "ab", 0, 2), ("x9Y", "x9", nil, 1),
        ("", "dob", nil, 0), ("...", "dob", nil, 0), ("Pupil name", "name", 1, 2),
        // A host name's words are no field's: "login" in a proxy log's upstream host is not a login.
        ("GET https://login.microsoftonline.com/ 10.1.2.3", "login", nil, 6), ("Login.Live.COM", "login", nil, 0),
        ("Date.of.Birth", "date of birth", 0, 3), ("user login.php", "login", 1, 3), ("e.g. jsmith", "eg", 0, 3),
    ] as [(String, String, Int?, Int)])
    func tokensAndKeywords(_ text: String, _ keyword: String, _ at: Int?, _ count: Int) {
        let tokens = Tokens(Array(text.utf8))
        #expect(tokens.firstOccurrence(of: Keyword(keyword)) == at, "\(text) / \(keyword)")
        #expect(tokens.count == count, "\(text)")
    }
}

@Suite struct Credentials {
    /// A spreadsheet or CSV of accounts: every cell under a Password column is a password, a
    /// plain word included; placeholders and blanks are not.
    @Test func everyCellUnderAPasswordColumnIsAPassword() throws {
        func row(_ user: String, _ password: String) -> (String, [Cell]) {
            let text = "\(user)\t\(password)"
            let split = user.utf8.count + 1
            return (text, [Cell(range: 0..<user.utf8.count, ref: "A2", label: "Username"),
                           Cell(range: split..<text.utf8.count, ref: "B2", label: "Password")])
        }
        for (password, expected) in [("tulips", true), ("Kx9-pLm2", true), ("changeme", false), ("********", false), ("N/A", false)] {
            let (text, cells) = row("jsmith", password)
            let found = try detect(text, cells: cells).filter { $0.typeId == "credential.password" }
            #expect(found.map(\.value) == (expected ? [password] : []), "\(password)")
        }
    }

    /// Placeholders in a token's format are shown as example data, never counted.
    @Test func placeholderTokensAreExampleData() throws {
        for text in ["OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                     "GITHUB_TOKEN=ghp_000000000000000000000000000000000000",
                     "aws_access_key_id=AKIAAAAAAAAAAAAAAAAA"] {
            let found = try detect(text).filter { $0.typeId == "credential.token" }
            #expect(!found.isEmpty, "\(text)")
            #expect(found.allSatisfy { $0.exemption == .exampleData }, "\(text)")
        }
    }
}

@Suite struct ExamplesGiven {
    /// A value the text gives as an example is example data; the same value stated is not.
    @Test func aValueGivenAsAnExampleIsExampleData() throws {
        let given = try detect("An NHS number has ten digits, e.g. 943 476 5919.").first { $0.typeId == "uk.nhs" }
        #expect(given?.exemption == .exampleData)
        let mac = try detect("A MAC address is written like 00:1A:2B:3C:4D:5F - the first half is the maker.").first { $0.typeId == "mac.address" }
        #expect(mac?.exemption == .exampleData)
        let stated = try detect("Patient NHS number: 943 476 5919.").first { $0.typeId == "uk.nhs" }
        #expect(stated != nil && stated?.exemption == nil)
        // The phrase must stand just before the value, on its line.
        let far = try detect("For example, see the register below.\nNHS number: 943 476 5919").first { $0.typeId == "uk.nhs" }
        #expect(far?.exemption == nil)
    }
}
