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
        var prose = ProseNames()
        if let fileName {
            prose.observeTitle(TextChunk(text: Array(fileName.utf8), part: "file name"), gazetteer: Self.gazetteer)
        }
        var offset = 0
        for text in chunks {
            prose.observe(TextChunk(text: Array(text.utf8), firstLine: 1, offset: offset), gazetteer: Self.gazetteer)
            offset += text.utf8.count + 1
        }
        return prose.subject()?.value
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

    @Test func aSurnameMayOpenWithAParticle() {
        #expect(subject(["Notes\nAlfie Da Costa came in. Alfie was upset. Alfie will return Monday."]) == "Alfie Da Costa")
    }
}
