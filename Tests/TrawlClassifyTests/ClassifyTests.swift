import Foundation
import Testing
import TrawlModel
@testable import TrawlClassify

let policyPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Patterns/policy.yaml").path

func match(_ type: String, _ value: String, exempt: Exemption? = nil, marking: Bool = false) -> Match {
    var m = Match(typeId: type, patternId: type, value: value, normalized: value, confidence: .high, evidence: [],
                  exemption: exempt, location: Location(offset: 0))
    m.isMarking = marking
    return m
}

@Suite struct PolicyRules {
    let classifier: Classifier

    init() throws { classifier = Classifier(policy: try Policy.load(path: policyPath)) }

    @Test func theHighestFindingSetsTheLevel() {
        let c = classifier.classify([match("email", "a@b.com"), match("special.health", "asthma")], path: "/x")
        #expect(c.level == .confidential)
        #expect(c.reasons.first?.rule == "special_category")
    }

    @Test func exemptFindingsCountTowardsNothing() {
        let c = classifier.classify([match("email", "info@x.org", exempt: .roleMailbox)], path: "/x")
        #expect(c.level == .internal)
        #expect(c.findings.first?.level == nil)
    }

    @Test func aThousandDistinctIdentifiersMakeALargeAggregate() {
        let many = (0..<1000).map { match("email", "p\($0)@gmail.com") }
        #expect(classifier.classify(many, path: "/x").level == .confidential)
        #expect(classifier.classify(Array(many.prefix(999)), path: "/x").level == .restricted)
        // The same person a thousand times is one person.
        let same = (0..<1000).map { _ in match("email", "p@gmail.com") }
        #expect(classifier.classify(same, path: "/x").level == .restricted)
    }

    @Test func distinctIdentifiersAreCountedExactlyAmongManyRepeats() {
        // 999 people, each met ten times in turn: past the point where the digests counted so
        // far are sorted and their repeats dropped, more than once.
        let repeated = (0..<10).flatMap { _ in (0..<999).map { match("email", "p\($0)@gmail.com") } }
        let under = classifier.classify(repeated, path: "/x")
        #expect(under.level == .restricted)
        #expect(!under.reasons.contains { $0.rule == "aggregate" })
        // One more person, after them all.
        let over = classifier.classify(repeated + [match("email", "p999@gmail.com"), match("uk.nino", "p0@gmail.com")], path: "/x")
        #expect(over.level == .confidential)
        #expect(over.reasons.first { $0.rule == "aggregate" }?.detail == "1000 people: 1000 distinct email (threshold 1000)")
    }

    /// The aggregate rule counts people, not identifiers: 320 staff with five identifiers each are
    /// 320 people (seed 003 speaks of records), and 1,000 people with two each are 1,000.
    @Test func theAggregateRuleCountsPeopleNotIdentifiers() {
        func staff(_ n: Int) -> [Match] {
            (0..<n).flatMap { i in
                [match("uk.nino", "AB\(100000 + i)C"), match("email", "s\(i)@gmail.com"), match("dob", "1980-01-\(i)"),
                 match("uk.phone", "07700\(900000 + i)"), match("uk.postcode", "SW1A \(i)AA")]
            }
        }
        let few = classifier.classify(staff(320), path: "/x")
        #expect(few.level == .restricted)
        #expect(!few.reasons.contains { $0.rule == "aggregate" })
        let many = classifier.classify(staff(1000), path: "/x")
        #expect(many.level == .confidential)
        #expect(many.reasons.first { $0.rule == "aggregate" }?.detail.hasPrefix("1000 people: ") == true)
    }

    /// A table's row is one person's record: 1,240 learners with a date of birth each are 1,240
    /// people, though they share 882 dates; a row holding several identifiers is counted once;
    /// the same row numbers in two sheets are two rows; rows holding only a phone number or a
    /// postcode that repeats are not people.
    @Test func theAggregateRuleCountsTableRowsHoldingAnIdentifier() {
        func row(_ type: String, _ value: String, sheet: String, row: Int, column: String) -> Match {
            Match(typeId: type, patternId: type, value: value, normalized: value, confidence: .high, evidence: [],
                  location: Location(part: sheet, cell: "\(column)\(row)", offset: row))
        }
        let learners = (2..<1242).map { row("dob", "2007-01-\($0 % 882)", sheet: "Learners", row: $0, column: "D") }
        let list = classifier.classify(learners, path: "/x")
        #expect(list.level == .confidential)
        #expect(list.reasons.first { $0.rule == "aggregate" }?.detail == "1240 people: 1240 table rows holding an identifier (threshold 1000)")
        // 600 rows of two identifiers each, in each of two sheets: 1,200 rows, each counted once.
        let twoSheets = ["A", "B"].flatMap { sheet in
            (2..<602).flatMap { r in
                [row("dob", "1990-02-\(r % 28)", sheet: sheet, row: r, column: "C"),
                 row("email", "\(sheet)\(r)@gmail.com", sheet: sheet, row: r, column: "D")]
            }
        }
        let both = classifier.classify(twoSheets, path: "/x")
        #expect(both.reasons.first { $0.rule == "aggregate" }?.detail == "1200 people: 1200 distinct email (threshold 1000)")
        // The same landline and postcode on 1,500 rows (a room-booking export): not 1,500 people.
        let bookings = (2..<1502).flatMap { r in
            [row("uk.phone", "01274 496 000", sheet: "Bookings", row: r, column: "C"),
             row("uk.postcode", "BD18 3JW", sheet: "Bookings", row: r, column: "D")]
        }
        let rooms = classifier.classify(bookings, path: "/x")
        #expect(!rooms.reasons.contains { $0.rule == "aggregate" })
        let oneSheet = classifier.classify(Array(twoSheets.prefix(1_000)), path: "/x")
        #expect(oneSheet.level == .restricted, "500 rows of one sheet")
        #expect(!oneSheet.reasons.contains { $0.rule == "aggregate" })
        // A results file: 520 candidates, each on two to three rows with their candidate number,
        // 1,460 rows. A number no two people share counts its people, not its rows.
        let results = (2..<1462).map { row("student.id", "2310\(6000 + ($0 - 2) % 520)", sheet: "Results", row: $0, column: "A") }
        let unitResults = classifier.classify(results, path: "/x")
        #expect(unitResults.level == .restricted)
        #expect(!unitResults.reasons.contains { $0.rule == "aggregate" })
    }

    /// A form about one person is one record: a special-category answer far from the form's
    /// identifiers belongs to its person. In a document about several people (two dates of birth)
    /// or about no one, such an answer counts for nothing and is not listed.
    @Test func anAnswerWithNoPersonInItsRecordCountsInADocumentAboutOnePerson() {
        var answer = match("special.ethnicity", "Chinese")
        answer.needsPerson = true
        let form = classifier.classify([match("dob", "2004-11-11"), match("email", "hh@live.co.uk"), answer], path: "/x")
        #expect(form.level == .confidential)
        #expect(form.findings.first { $0.match.typeId == "special.ethnicity" }?.match.evidence.contains("in a document about one person") == true)
        let two = classifier.classify([match("dob", "2004-11-11"), match("dob", "1999-01-02"), answer], path: "/x")
        #expect(two.level == .restricted)
        #expect(!two.findings.contains { $0.match.typeId == "special.ethnicity" })
        let policy = classifier.classify([answer], path: "/x")
        #expect(policy.level == .internal)
        #expect(policy.findings.isEmpty)
        // Phone numbers and postcodes do not say whom a document is about (an emergency contact's
        // are on the form too).
        let contactsOnly = classifier.classify([match("uk.phone", "07700 111111"), answer], path: "/x")
        #expect(contactsOnly.level == .restricted)
    }

    /// A letterhead's landline and postcode are the organisation's; a mobile beside them stays a
    /// person's however it is written, "+44 (0)7911 ..." included.
    @Test func anOrganisationsLetterheadKeepsAMobileAsAPersons() {
        var name = match("organisation.name", "Colne Valley Print Ltd")
        name.isOrganisation = true
        for mobile in ["07911123456", "447911123456", "4407911123456"] {
            let c = classifier.classify([name, match("uk.postcode", "HD1 1QX"), match("uk.phone", "01484438200"),
                                         match("uk.phone", mobile)], path: "/x")
            #expect(c.level == .restricted, "\(mobile)")
            #expect(c.findings.first { $0.match.value == "01484438200" }?.match.exemption == .organisation)
            #expect(c.findings.first { $0.match.value == mobile }?.match.exemption == nil, "\(mobile)")
        }
    }

    /// A specimen paper's case study: its person's NI number is HMRC's specimen, so its name,
    /// date of birth and what it says of health are examples too. A real NI number beside it, or
    /// the specimen given as a format hint, leaves the document personal.
    @Test func aDocumentAboutAnExamplePersonIsExampleData() {
        var pregnant = match("special.health", "pregnant")
        pregnant.needsPerson = true
        let specimen = [match("person.name", "Sam Fletcher"), match("dob", "1998-03-14"),
                        match("uk.nino", "QQ123456C", exempt: .exampleData), pregnant]
        let paper = classifier.classify(specimen, path: "/x")
        #expect(paper.level == .internal)
        #expect(paper.findings.allSatisfy { $0.level == nil })
        #expect(classifier.classify(specimen + [match("uk.nino", "JT482793C")], path: "/x").level == .confidential)
        var hint = match("uk.nino", "QQ123456C", exempt: .exampleData)
        hint.evidence = [Evidence.givenAsExample]
        #expect(classifier.classify([match("person.name", "Sam Fletcher"), match("dob", "1998-03-14"), hint, pregnant], path: "/x").level == .confidential)
    }

    /// A tenancy form gives a child's date of birth in its household table beside the tenant's:
    /// the form is still about the tenant, and the equality answers are theirs. A register's
    /// rows are many people, and a document of them is about no one.
    @Test func aHouseholdTablesPeopleAreNotWhomTheFormIsAbout() {
        var religion = match("special.religion", "Christian")
        religion.needsPerson = true
        func inRow(_ m: Match) -> Match {
            var m = m
            m.evidence = [Evidence.ofTheRowsPerson]
            return m
        }
        var child = match("person.name", "Adaeze Okonkwo")
        child.location = Location(column: "Name", offset: 0)
        let form = [match("dob", "1987-03-14"), match("uk.nino", "JR482173B"), child, inRow(match("dob", "2016-08-09")), religion]
        #expect(classifier.classify(form, path: "/x").level == .confidential)
        let register = [match("email", "tutor@gmail.com"), religion] + (1...5).map { inRow(match("dob", "2010-01-0\($0)")) }
        #expect(classifier.classify(register, path: "/x").level == .restricted)
    }

    /// A lesson about a historical figure: its person is teaching material's, so the date of
    /// birth and the condition the lesson gives are examples. A real name beside them counts.
    @Test func aLessonsPersonIsExampleData() {
        var mnd = match("special.health", "motor neurone disease")
        mnd.needsPerson = true
        var hawking = match("person.name", "Stephen Hawking", exempt: .exampleData)
        hawking.evidence = [Evidence.inTeachingMaterial]
        let lesson = [hawking, match("dob", "1942-01-08"), mnd]
        #expect(classifier.classify(lesson, path: "/x").level == .internal)
        #expect(classifier.classify(lesson + [match("person.name", "Kyle Dunn")], path: "/x").level == .confidential)
    }

    /// A special-category value whose record names no one counts when its line names one person;
    /// that person is handed back once, to be counted. One whose line names no one does not.
    @Test func aValueOnALineNamingOnePersonIsTheirs() {
        var stroke = match("special.health", "stroke")
        stroke.needsPerson = true
        var dementia = match("special.health", "dementia")
        dementia.needsPerson = true
        var tally = FindingTally()
        for m in [match("person.name", "Grace Adeyemi"), match("person.name", "Wojciech Nowak"), stroke, dementia] {
            classifier.add(m, to: &tally)
        }
        // The line's person is given for the stroke; none for the dementia.
        let people = classifier.attributeByLine(&tally) { $0.value == "stroke" ? match("person.name", "Maureen Jackson") : nil }
        #expect(people.map(\.value) == ["Maureen Jackson"])
        // A person the tally holds already is not handed back.
        var again = FindingTally()
        for m in [match("person.name", "Maureen Jackson"), stroke] { classifier.add(m, to: &again) }
        #expect(classifier.attributeByLine(&again) { _ in match("person.name", "Maureen Jackson") }.isEmpty)
        let c = classifier.classify(tally, path: "/x")
        #expect(c.level == .confidential)
        #expect(c.findings.filter { $0.match.typeId == "special.health" }.map(\.match.value) == ["stroke"])
    }

    /// A message's addresses are its correspondents': an email between two colleagues about a
    /// named apprentice is a document about the apprentice. Elsewhere a few addresses beside an
    /// identifier of another kind (a date of birth) are contacts' (a referee's, a line manager's
    /// on a form); more than a few are as many people, and so are two beside only a name.
    @Test func aMessagesCorrespondentsAreNotWhomItIsAbout() {
        var injury = match("special.health", "broken his right wrist")
        injury.needsPerson = true
        let two = [match("email", "joe.brannigan@hsp.co.uk"), match("email", "lisa.bentley@erfreight.co.uk")]
        let four = two + [match("email", "amy.hart@gmail.com"), match("email", "ravi.bose@gmail.com")]
        func classify(_ emails: [Match], message: Bool, dob: Bool = false) -> Classification {
            var tally = FindingTally()
            tally.isMessage = message
            let person = [match("person.name", "Kyle Denton")] + (dob ? [match("dob", "2007-03-14")] : [])
            for m in emails + person + [injury] { classifier.add(m, to: &tally) }
            return classifier.classify(tally, path: "/x")
        }
        #expect(classify(two, message: true).level == .confidential)
        #expect(classify(four, message: true).level == .confidential)
        #expect(classify(two, message: false).level == .restricted)
        #expect(classify(two, message: false, dob: true).level == .confidential)
        #expect(classify(four, message: false, dob: true).level == .restricted)
        // Without another identifier, two addresses are two people.
        var alone = FindingTally()
        for m in two + [injury] { classifier.add(m, to: &alone) }
        #expect(classifier.classify(alone, path: "/x").level == .restricted)
    }

    /// A message's addresses come before its signature: those at the domain its footer gives as
    /// the organisation's own are work addresses, counted towards nothing; another domain's and
    /// a public mail provider's still count.
    @Test func addressesAtTheDomainAFooterGivesAreWorkAddresses() {
        var registration = match("organisation.registration", "Registered charity no. 1187462")
        registration.isOrganisation = true
        registration.organisationDomain = "kestrelwellbeing.org.uk"
        func classify(_ emails: [Match], footer: Bool) -> Classification {
            var tally = FindingTally()
            tally.isMessage = true
            for m in emails + (footer ? [registration] : []) { classifier.add(m, to: &tally) }
            return classifier.classify(tally, path: "/x")
        }
        let colleagues = [match("email", "joanne.pickering@kestrelwellbeing.org.uk"), match("email", "farhan.ali@kestrelwellbeing.org.uk")]
        let signed = classify(colleagues, footer: true)
        #expect(signed.level == .internal)
        #expect(signed.findings.allSatisfy { $0.match.exemption == .workAddress && $0.level == nil })
        #expect(classify(colleagues, footer: false).level == .restricted)
        #expect(classify(colleagues + [match("email", "sam.lee@gmail.com")], footer: true).level == .restricted)
    }

    /// What a message's writer says of themselves is theirs: "my blood pressure" in an email
    /// whose addresses are all work addresses is Confidential. Outside a message, or not said in
    /// the first person, a value whose record names no one counts for nothing.
    @Test func aMessagesWriterSpeaksOfThemselves() {
        var firstPerson = match("special.health", "blood pressure")
        firstPerson.needsPerson = true
        firstPerson.evidence = [Evidence.inTheFirstPerson]
        var unsaid = firstPerson
        unsaid.evidence = []
        func level(_ m: Match, message: Bool) -> Level {
            var tally = FindingTally()
            tally.isMessage = message
            classifier.add(m, to: &tally)
            return classifier.classify(tally, path: "/x").level
        }
        #expect(level(firstPerson, message: true) == .confidential)
        #expect(level(firstPerson, message: false) == .internal)
        #expect(level(unsaid, message: true) == .internal)
    }

    @Test func markingsSetAFloorAndPublicMarksCleanFilesPublic() {
        #expect(classifier.classify([match("marking.confidential", "CONFIDENTIAL", marking: true)], path: "/x").level == .confidential)
        #expect(classifier.classify([match("marking.public", "PUBLIC", marking: true)], path: "/x").level == .public)
        let exposed = classifier.classify([match("marking.public", "PUBLIC", marking: true), match("uk.nino", "AB123456C")], path: "/x")
        #expect(exposed.level == .restricted)
        #expect(exposed.reasons.contains { $0.rule == "exposure" })
        #expect(exposed.markings == ["marking.public"])
    }

    @Test func aPolicyCanChangeLevelsWithoutARebuild() throws {
        let text = try String(contentsOfFile: policyPath, encoding: .utf8).replacingOccurrences(of: "  email: Restricted", with: "  email: Confidential")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).yaml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let strict = Classifier(policy: try Policy.load(path: file.path))
        #expect(strict.classify([match("email", "a@b.com")], path: "/x").level == .confidential)
    }

    /// What only the site knows, as its policy file says it: its staff domains (exact, any case)
    /// and its own postcodes, landlines (a block by a trailing "*") and bank accounts (either
    /// form of a UK account matches the other). Detection applies them (DetectTests).
    @Test func aPolicyDeclaresTheOrganisationsDomainsAndDetails() throws {
        func policy(_ lines: String) throws -> Policy {
            let text = try String(contentsOfFile: policyPath, encoding: .utf8).replacingOccurrences(of: "work_domains: []", with: lines)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID()).yaml")
            try Data(text.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            return try Policy.load(path: file.path)
        }
        let site = try policy("""
            work_domains: [HarrowgateSkills.co.uk]
            own_details:
              postcodes: [NG2 3HW]
              phones: ["0115 857 34*", "0114 299 6100"]
              bank_accounts: ["20-17-68 73914062"]
            """)
        #expect(site.workDomains == ["harrowgateskills.co.uk"])
        let own = site.ownDetails
        #expect(own.contains(type: "uk.postcode", normalized: "NG23HW"))
        #expect(own.contains(type: "uk.phone", normalized: "4401158573440"))  // +44 (0)115 857 3440, in the block
        #expect(own.contains(type: "uk.phone", normalized: "01142996100"))
        #expect(own.contains(type: "uk.bank.account", normalized: "201768ACCOUNT73914062"))
        #expect(own.contains(type: "iban", normalized: "GB33BUKB20176873914062"))  // the same account as an IBAN
        #expect(!own.contains(type: "uk.postcode", normalized: "NG75DX"))
        #expect(!own.contains(type: "uk.phone", normalized: "01158573500"))
        #expect(!own.contains(type: "uk.bank.account", normalized: "201768ACCOUNT11112222"))
        #expect(try policy("work_domains: []").ownDetails.isEmpty)
        #expect(throws: PolicyError.self) { try policy("work_domains: [\"staff@harrowgateskills.co.uk\"]") }
        #expect(throws: PolicyError.self) { try policy("own_details:\n  postcodes: [\"not a postcode\"]") }
        #expect(throws: PolicyError.self) { try policy("own_details:\n  phones: [\"0116*\"]") }
    }
}
