import Foundation
import Testing
import TrawlModel
@testable import TrawlDetect

/// The person a document's prose is about (`ProseNames`), on text written as such documents are:
/// each expectation is a reading of the text, not the detector's output.
@Suite struct ProseNamesSubject {
    static let gazetteer: NameGazetteer = {
        let set = try! loadPatterns().1
        return set.gazetteer!
    }()

    /// The subject's name as written, from a document's chunks (each string a chunk of prose)
    /// and its file name.
    func subject(_ chunks: [String], fileName: String? = nil) -> String? {
        subjectMatch(chunks, fileName: fileName).flatMap { $0.exemption == nil ? $0.value : nil }
    }

    func subjectMatch(_ chunks: [String], fileName: String? = nil) -> Match? {
        var prose = ProseNames()
        if let fileName {
            prose.observeTitle(TextChunk(text: Array(fileName.utf8), part: "file name"), gazetteer: Self.gazetteer)
        }
        var offset = 0
        for text in chunks {
            prose.observe(TextChunk(text: Array(text.utf8), firstLine: 1, offset: offset), gazetteer: Self.gazetteer)
            offset += text.utf8.count + 1
        }
        return prose.subject()
    }

    @Test func thePersonNotesAreAboutIsTheOneNamedMost() {
        let notes = """
            Typed up by Lorraine Kitson from the invigilator's report.
            At approx 10:05 Mrs Pauline Haigh, lead invigilator, saw Shannon Crowther at desk 14 with her phone.
            About ten minutes later Shannon became very distressed and said she could not breathe.
            PHONE CALL WITH SHANNON CROWTHER 13/06/24
            Shannon said she has panic attacks. Check with Gary Firth before closing.
            """
        #expect(subject(["Incident notes, L2 Food Safety exam", notes]) == "Shannon Crowther")
    }

    @Test func aPossessiveAndATitledSurnameAreMentionsToo() {
        let story = "From customer service to team leader. Leah Fairbairn, 19, joined straight from sixth form. "
            + "\"Leah's confidence has grown,\" said her manager. Ms Fairbairn starts her Level 3 in April."
        #expect(subject(["Case study", story]) == "Leah Fairbairn")
    }

    @Test func theTitleNamesTheSubject() {
        #expect(subject(["EXIT INTERVIEW - Kayleigh Thornton, Results Administrator\nInterview held by Deborah Fawcett (HR)."])
                == "Kayleigh Thornton")
        #expect(subject(["Member story: Danielle Ashworth\nShe runs the workshop."]) == "Danielle Ashworth")
    }

    @Test func aFileNameNamesTheSubjectOnlyWhenTheTextNamesThemToo() {
        #expect(subject(["Surname: Lewis\nFirst name(s): Kai\nSigned: K. Lewis"], fileName: "Lewis Kai application") == nil)
        #expect(subject(["Leah Fairbairn joined in 2023."], fileName: "DRAFT - case study - Leah Fairbairn") == "Leah Fairbairn")
    }

    @Test func aMessagesSubjectIsItsTitle() {
        let header = "Self cert - Chloe Brown"
        var prose = ProseNames()
        prose.observe(TextChunk(text: Array(header.utf8), part: "headers", cells: [Cell(range: 0..<header.utf8.count, label: "Subject")]),
                      gazetteer: Self.gazetteer)
        #expect(prose.subject()?.value == "Chloe Brown")
    }

    /// A subject that opens with a name before a dash says whom the message is about, with no
    /// casework word, when its body names them too.
    @Test func aSubjectOpeningWithANameNamesWhomItIsAbout() {
        func subject(_ header: String, body: String) -> String? {
            var prose = ProseNames()
            prose.observe(TextChunk(text: Array(header.utf8), part: "headers", cells: [Cell(range: 0..<header.utf8.count, label: "Subject")]),
                          gazetteer: Self.gazetteer)
            prose.observe(TextChunk(text: Array(body.utf8), part: "body", firstLine: 1, offset: 0), gazetteer: Self.gazetteer)
            return prose.subject()?.value
        }
        let body = "Can I put Samira Haddad forward for the hardship fund? She rang me yesterday."
        #expect(subject("Samira Haddad - UC and hardship fund", body: body) == "Samira Haddad")
        #expect(subject("RE: Samira Haddad - UC and hardship fund", body: body) == "Samira Haddad")
        // Not named in the body; not opening the subject before a dash.
        #expect(subject("Samira Haddad - UC and hardship fund", body: "She rang me yesterday.") == nil)
        #expect(subject("Lunch with Samira Haddad on Friday", body: body) == nil)
    }

    @Test func namesInAWorkRoleAreNoSubject() {
        let minutes = """
            SENIOR LEADERSHIP TEAM - MINUTES
            Present: Helen Oakes (Principal), Martin Lumb (VP Curriculum)
            Helen presented the accounts. Helen asked for the forecast. Helen closed the meeting.
            """
        #expect(subject([minutes]) == nil)
        let signed = "Please find the report attached, prepared by Priya Nair. Priya checked the figures; Priya will present them."
        #expect(subject(["Budget report", signed]) == nil)
    }

    @Test func aDocumentNamingSeveralPeopleAlikeIsAboutNoneOfThem() {
        let notes = "Gareth Llewellyn - left a voicemail. Anjali Patel - retiring. Gareth called back. Anjali sent the form. "
            + "Gareth and Anjali both renewed."
        #expect(subject(["Renewals", notes]) == nil)
    }

    @Test func wordsThatAreNamesAndWordsTogetherAreNoName() {
        // "Mark" and "Scheme"/"Brown"..., each a word: a mark scheme, not Mr Mark Scheme.
        let lesson = "Mark Scheme for paper 1. Use the Mark Scheme below. Mark each answer. The Mark Scheme is final."
        #expect(subject(["Maths revision", lesson]) == nil)
    }

    @Test func aTableIsReadByItsColumnsNotHere() {
        let row = "Shannon Crowther\tShannon Crowther\tShannon Crowther"
        var prose = ProseNames()
        prose.observe(TextChunk(text: Array(row.utf8), cells: [Cell(range: 0..<16, label: "Name")]), gazetteer: Self.gazetteer)
        #expect(prose.subject() == nil)
    }

    /// Staff in their work role, as the pages and papers that name them put it.
    @Test func aJobBeforeBesideOrBelowANameIsAWorkRole() {
        let profile = "Dr Anjali Mehta - Head of Science | Oakfield College\nAnjali joined in 2016. Anjali leads a team of "
            + "fourteen. \"Think like a scientist,\" says Anjali. Anjali is a STEM ambassador."
        #expect(subject([profile]) == nil)
        let press = "New STEM centre opens\nPrincipal Helen Oakes said the centre was a milestone. Helen thanked the "
            + "trust. Helen cut the ribbon with Ms Oakes's predecessor."
        #expect(subject([press]) == nil)
        let policy = "Safeguarding policy\nOur Designated Safeguarding Lead (DSL) is Karen Holloway. Contact Karen on "
            + "extension 214. If Karen is absent, ask reception. Karen reviews this policy."
        #expect(subject([policy]) == nil)
        let signature = "Open evening rota\nCan you cover the science stand?\n\nSophie Lang\nHead of Marketing\n"
            + "Sophie Lang is on leave on Friday. Sophie Lang will be back on Monday."
        #expect(subject([signature]) == nil)
        let actions = "SLT actions\n- Action: Neil Foster to draft the plan\n- Action: Neil Foster to cost it\n"
            + "- Action: Neil Foster to report back"
        #expect(subject([actions]) == nil)
        // The subject described by their job is still the subject.
        let investigation = "Disciplinary investigation\nThe allegation is that Daniel Hughes, catering assistant, left "
            + "the kitchen unlocked. Daniel said he had been called away. Daniel accepts the facts. Daniel was upset."
        #expect(subject([investigation]) == "Daniel Hughes")
        #expect(subject(["Exit interview: Mr Tom Ashworth, Science Technician\nLast day 31 May."]) == "Tom Ashworth")
    }

    @Test func aLabelIsAWholeWordOpeningItsLineOrBeforeAColon() {
        // "minutes" and "present" in a sentence are no labels.
        let log = "Behaviour log\nTen minutes into the lesson Kieran Walsh threw a chair. Kieran refused to leave. "
            + "Kieran was present for only part of the lesson. Kieran was collected at 2pm."
        #expect(subject([log]) == "Kieran Walsh")
        #expect(subject(["Minutes\nPresent: Helen Oakes, Martin Lumb\nHelen asked for the accounts. Helen closed. Helen left."]) == nil)
    }

    @Test func greetingsSignOffsAndQuotedLinesAreNoMentions() {
        let thread = "Re: open evening\nHi Sophie,\nThanks for the plan.\nKelly Moore is off sick again this week.\n"
            + "Kelly has a doctor's note. Kelly is back on Monday.\nThanks\nSophie\nSophie Lang\n> Hi Sophie\n> Sophie Lang\n> Sophie"
        #expect(subject([thread]) == "Kelly Moore")
    }

    @Test func aPlacesOrABuildingsNameIsNoPersons() {
        #expect(subject(["Victoria Station meeting arrangements\nMeet at Victoria Station at 8. Victoria Station is busy."]) == nil)
        let notice = "Room changes\nThe Florence Nightingale Building opens in May. Florence Nightingale Building rooms "
            + "FN1-FN4. Lifts in the Florence Nightingale Building are in the east wing."
        #expect(subject([notice]) == nil)
    }

    @Test func teachingMaterialsPeopleAreExamples() throws {
        let lesson = "Learning objectives: describe her work in Scutari.\nFlorence Nightingale was born in 1820. "
            + "Florence trained in Germany. Florence Nightingale used statistics. Florence returned a hero."
        let m = try #require(subjectMatch(["Health and social care - unit 2", lesson]))
        #expect(m.value == "Florence Nightingale" && m.exemption == .exampleData)
        let handout = "Scenario: Priya Sharma is a fictional student. Priya tells her tutor she is on antidepressants. "
            + "Priya asks that it is kept private."
        #expect(subjectMatch(["GDPR training", handout])?.exemption == .exampleData)
    }

    @Test func aListOfManyPeopleIsAboutNone() {
        let givens = ["James", "Oliver", "Harry", "Jack", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie", "Oscar", "Leo"]
        let surnames = ["Smithson", "Jenkins", "Walsh", "Carter", "Evans", "Hughes", "Lloyd", "Morgan", "Price", "Rees"]
        var lines = ["Shannon Crowther - notes"]
        for g in givens { for s in surnames { lines.append("\(g) \(s) attended.") } }
        #expect(subject([lines.joined(separator: "\n")]) == nil)
    }

    @Test func aHyphenatedGivenNameIsKnownByItsFirstPart() {
        #expect(subject(["Welfare check\nEllie-May Carter was seen at 10. Ellie-May was quiet. Ellie-May asked to go home."])
                == "Ellie-May Carter")
    }

    @Test func aDatedLogIsAboutThePeopleItsEntriesOpenWith() {
        func logged(_ text: String) -> [String] {
            var prose = ProseNames()
            prose.observe(TextChunk(text: Array(text.utf8), firstLine: 1), gazetteer: Self.gazetteer)
            return prose.findings().map(\.value)
        }
        let calls = "LAPSED MEMBER CHASERS - JAN 2025\n06/01  Gareth Llewellyn - left VM x2.\n"
            + "06/01  Anjali Patel - retiring end of April, won't renew.\n07/01  Dean Crossland - cancelled the DD by mistake.\n"
            + "08/01  Kelly Barraclough - number not recognised."
        #expect(logged(calls) == ["Gareth Llewellyn", "Anjali Patel", "Dean Crossland", "Kelly Barraclough"])
        // Undated lines of names and tasks are an action list; two entries are not a log.
        #expect(logged("Actions\nNeil Foster - circulate the budget\nKaren Holmes - book the room\nAnjali Patel - draft the letter").isEmpty)
        #expect(logged("06/01  Gareth Llewellyn - left VM x2.\n07/01  Anjali Patel - retiring.").isEmpty)
    }

    @Test func aSurnameMayOpenWithAParticle() {
        #expect(subject(["Notes\nAlfie Da Costa came in. Alfie was upset. Alfie will return Monday."]) == "Alfie Da Costa")
    }
}

/// The person a line of prose names, for the special-category value on that line
/// (`ProseNames.person(onLineAt:)`): a page about several people says on one person's line what
/// it says of them.
@Suite struct ProseNamesOnALine {
    /// The person named on the line holding `marker` in `text`, read as one chunk of prose.
    func person(onLineOf marker: String, in text: String) -> String? {
        var prose = ProseNames()
        let chunk = TextChunk(text: Array(text.utf8), part: "body", firstLine: 1, offset: 0)
        prose.observe(chunk, gazetteer: ProseNamesSubject.gazetteer)
        guard let at = text.range(of: marker) else { return nil }
        let offset = text.utf8.distance(from: text.startIndex, to: at.lowerBound)
        return prose.person(onLineAt: Location(part: "body", offset: offset)).map(\.value)
    }

    static let awards = """
        Celebrating our 2025 award winners
        Three learners from across Westshire were honoured at County Hall on Friday.
        Maureen Jackson, 71, joined a digital skills class after she had a stroke in 2022.
        Wojciech Nowak came to ESOL classes in 2023 and now volunteers at the job club.
        Grace Adeyemi completed her Level 2 Maths. Grace has type 1 diabetes and never missed a class.
        Head of Service Helen Oakes said: "Every one of them shows what learning can do." Helen Oakes lives with MS.
        """

    @Test func theLineNamesOnePerson() {
        #expect(person(onLineOf: "had a stroke", in: Self.awards) == "Maureen Jackson")
    }

    /// A value said of a relative, or one whose record names someone already, asks for no one.
    @Test func aRelativesConditionIsGivenToNoOne() {
        var prose = ProseNames()
        let text = "Maureen Jackson joined after her husband had a stroke.\n"
        prose.observe(TextChunk(text: Array(text.utf8), part: "body", firstLine: 1, offset: 0), gazetteer: ProseNamesSubject.gazetteer)
        var stroke = Match(typeId: "special.health", patternId: "special.health.condition", value: "stroke", normalized: "stroke",
                           confidence: .medium, evidence: [], exemption: nil, location: Location(part: "body", offset: 47))
        stroke.needsPerson = true
        #expect(prose.person(saying: stroke)?.value == "Maureen Jackson")
        stroke.evidence = [Evidence.ofARelative]
        #expect(prose.person(saying: stroke) == nil)
        stroke.evidence = []
        stroke.needsPerson = false
        #expect(prose.person(saying: stroke) == nil)
    }

    /// A given name alone is the person named in full who has it.
    @Test func aGivenNameAloneIsThePersonWhoHasIt() {
        #expect(person(onLineOf: "type 1 diabetes", in: Self.awards) == "Grace Adeyemi")
    }

    /// A name in a work role anywhere in the entry (after a job) is no one's line.
    @Test func aWorkRoleIsNoOnesLine() {
        #expect(person(onLineOf: "lives with MS", in: Self.awards) == nil)
    }

    /// A job's plural before several names gives each of them the job.
    @Test func aJobBeforeSeveralNamesIsEachOnesRole() {
        let text = "Tutors Kemi Adeyemi and Rhys Evans have designed a course for families living with dementia.\n"
        #expect(person(onLineOf: "dementia", in: text) == nil)
    }

    @Test func twoPeopleOnALineAreNeitherOne() {
        let text = "Notes from the trip\nAmira Haddad and Tom Hughes helped a visitor who had a seizure on the coach.\n"
        #expect(person(onLineOf: "seizure", in: text) == nil)
    }

    @Test func aLineNamingNoOneIsNoOnes() {
        let text = "Maureen Jackson joined in 2022.\nOne learner had a stroke last year.\n"
        #expect(person(onLineOf: "stroke", in: text) == nil)
    }

    /// A lesson's people are examples, figures or characters.
    @Test func teachingMaterialNamesNoOne() {
        let text = "Learning objectives: describe a neurological condition.\nStephen Hawking had motor neurone disease for 55 years.\n"
        #expect(person(onLineOf: "motor neurone", in: text) == nil)
    }
}

/// Words said of a name next to it mark its person dead; "died" in a sentence, a term of office
/// and another person of the same family do not.
@Suite struct TheDead {
    @Test func wordsSaidOfANameMarkItsPersonDead() {
        func dead(_ text: String, _ name: String) -> Bool {
            var people = DeceasedPeople()
            people.observe(Array(text.utf8))
            return people.contains(name: name)
        }
        #expect(dead("In memory of Eileen Marsh (1938 - 2024)", "Eileen Marsh"))
        #expect(dead("Former tenant:   Mr Walter Haigh - deceased", "Walter Haigh"))
        #expect(dead("Void - 12 Jubilee Terrace - estate of late W Haigh", "Mr Walter Haigh"))
        #expect(dead("We remember Rajesh Chauhan (1951\u{2013}2022), a much-loved driver.", "Rajesh Chauhan"))
        #expect(dead("the funeral of the late Mrs Joan Pickles", "Mrs Pickles"))
        #expect(!dead("Sam Jones told us his father died last year.", "Sam Jones"))
        #expect(!dead("Chair: Jane Smith (2019 - 2023)", "Jane Smith"))
        #expect(!dead("In memory of Eileen Marsh", "Ken Marsh"))
        #expect(!dead("The late shift was covered by Amy Hart.", "Amy Hart"))
        #expect(!dead("Is the applicant deceased? No. Applicant: Amy Hart", "Amy Hart"))
        #expect(!dead("Applicant: Amy Hart. Deceased? No", "Amy Hart"))
        #expect(!dead("Jane Smith, Deceased Estates Officer", "Jane Smith"))
        #expect(!dead("Thanks to Margaret Hall (1989 - 2024) for 35 years' service.", "Margaret Hall"))
        // A widow, a son or an executor of the same surname is not the dead person.
        #expect(!dead("Estate of the late Mr Haigh. Executor: Mrs Susan Haigh", "Mrs Susan Haigh"))
        #expect(!dead("Former tenant: Mr Walter Haigh - deceased", "Mrs Haigh"))
        #expect(dead("Former tenant: Mr Walter Haigh - deceased", "Mr Haigh"))
        // A sentence's full stop ends a name.
        #expect(!dead("We spoke to Sarah Jones. Walter Haigh - deceased", "Susan Jones"))
        #expect(dead("We spoke to Sarah Jones. Walter Haigh - deceased", "Walter Haigh"))
        #expect(dead("In memory of Eileen Marsh. Sarah Jones read a poem.", "Eileen Marsh"))
        #expect(!dead("In memory of Eileen Marsh. Sarah Jones read a poem.", "Sarah Jones"))
    }
}
