import Foundation
import Testing
import TrawlModel
import TrawlPatterns
@testable import TrawlDetect

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func loadPatterns() throws -> (PatternLibrary, PatternSet) {
    let library = try PatternLibrary.load(directory: packageRoot.appendingPathComponent("Patterns").path)
    return (library, try PatternSet(library))
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
        let found = try detect(text, cells: cells)
        #expect(found.count == 1)
        #expect(found.first?.location.cell == "B2")
        #expect(found.first?.location.column == "Date of Birth")
        #expect(found.first?.evidence.first?.contains("column") == true)
        let unlabelled = [Cell(range: 0..<10, ref: "A2", label: "Full name"), Cell(range: 11..<21, ref: "B2", label: "Start date")]
        #expect(try detect(text, cells: unlabelled).isEmpty)
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
        ("AB123456C", true), ("QQ123456A", false), ("GB123456A", false), ("TN123456A", false), ("DA123456A", false),
        ("AO123456A", false), ("AB123456E", false), ("OO123456A", false), ("CR123456A", false),
    ])
    func niNumberPrefixAndSuffix(_ value: String, _ valid: Bool) {
        #expect((Validators.ukNINO(value) == .valid) == valid)
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
    ])
    func roleMailboxes(_ local: String, _ role: Bool) {
        #expect(RoleMailbox.isRole(localPart: local) == role)
    }

    @Test func datesNormaliseToOneFingerprintInput() {
        #expect(Normalization.apply(.isoDate, to: "12/03/1984") == "1984-03-12")
        #expect(Normalization.apply(.isoDate, to: "12th March 1984") == "1984-03-12")
        #expect(Normalization.apply(.alphanumericUpper, to: "ab 12 34 56 c") == "AB123456C")
    }
}
