// Tables where the format gives no table element: a PDF's cells found from where their characters
// are drawn, and a Word 97 document's rows from its cell marks.
import Poppler
import Testing
import TrawlModel
@testable import TrawlExtract

/// Text as poppler gives it and a box per character: each run is drawn at (x, y), five points
/// a character and ten high, and followed by `after` ("\n", or "" where poppler runs it into the
/// next one).
private func page(_ runs: [(text: String, x: Double, y: Double, after: String)]) -> (String, [PDFBox]) {
    var text = "", boxes: [PDFBox] = []
    for run in runs {
        for (i, _) in run.text.unicodeScalars.enumerated() {
            let x = run.x + Double(i) * 5
            boxes.append(PDFBox(x1: x, y1: run.y, x2: x + 5, y2: run.y + 10))
        }
        text += run.text
        for _ in run.after.unicodeScalars {
            boxes.append(PDFBox(x1: boxes.last!.x2, y1: run.y, x2: boxes.last!.x2, y2: run.y + 10))
        }
        text += run.after
    }
    return (text, boxes)
}

private func lineTexts(_ lines: [[PDFCell]]) -> [[String]] {
    lines.map { $0.map { String(decoding: $0.text, as: UTF8.self) } }
}

@Suite struct PDFTableLayout {
    /// poppler reads a form's table column by column and runs the last label into the first
    /// answer; the boxes put each answer beside its label.
    @Test func cellsDrawnLevelAreOneLine() {
        let (text, boxes) = page([("About you", 72, 100, "\n"), ("Name", 72, 114, "\n"), ("Ethnicity", 72, 128, ""),
                                  ("Amira Haddad", 200, 114, "\n"), ("White - any other", 200, 128, "\n"),
                                  ("Office use only", 72, 160, "")])
        let lines = PDFPageLayout.lines(text: text, boxes: boxes)
        #expect(lineTexts(lines) == [["About you"], ["Name", "Amira Haddad"], ["Ethnicity", "White - any other"],
                                     ["Office use only"]])
        #expect(lines.map { String(decoding: PDFPageLayout.prose($0), as: UTF8.self) }
                == ["About you", "Name: Amira Haddad", "Ethnicity: White - any other", "Office use only"])
    }

    /// A word space is narrower than a line's height: it does not split a cell.
    @Test func wordSpacesStayInTheCell() {
        let (text, boxes) = page([("Date of", 72, 100, " "), ("birth", 112, 100, "\n")])
        #expect(lineTexts(PDFPageLayout.lines(text: text, boxes: boxes)) == [["Date of birth"]])
    }

    /// Prose set in two columns is not a table: three lines or more of five words or more side
    /// by side stay lines of their own, in poppler's order.
    @Test func proseInColumnsIsNotATable() {
        let (text, boxes) = page([("the learners met at the library", 72, 100, "\n"), ("before the trip to the coast", 72, 114, "\n"),
                                  ("and all of them came back", 72, 128, "\n"),
                                  ("our new term begins on the", 320, 100, "\n"), ("first Monday of September this year", 320, 114, "\n"),
                                  ("with classes in every single centre", 320, 128, "")])
        #expect(lineTexts(PDFPageLayout.lines(text: text, boxes: boxes))
                == [["the learners met at the library"], ["before the trip to the coast"], ["and all of them came back"],
                    ["our new term begins on the"], ["first Monday of September this year"], ["with classes in every single centre"]])
    }

    /// A form's long question beside a long answer is a row, and its wrapped rest, straight
    /// below within its column, is joined to it, wherever poppler puts it.
    @Test func wrappedCellsJoinTheirRow() {
        let (text, boxes) = page([("Surname", 72, 100, "\n"), ("Do you consider yourself to have a", 72, 114, "\n"),
                                  ("learning difficulty or disability?", 72, 128, "\n"), ("Ethnicity", 72, 142, "\n"),
                                  ("Religion", 72, 156, "\n"),
                                  ("Okafor", 306, 100, "\n"), ("Yes: hearing impairment, uses hearing", 306, 114, "\n"),
                                  ("aids", 306, 128, "\n"), ("None", 306, 156, "")])
        let lines = PDFPageLayout.lines(text: text, boxes: boxes)
        #expect(lineTexts(lines) == [["Surname", "Okafor"],
                                     ["Do you consider yourself to have a learning difficulty or disability?",
                                      "Yes: hearing impairment, uses hearing aids"],
                                     ["Ethnicity"], ["Religion", "None"]])
        // The unanswered question is a row of its own, so "Religion" is not taken for its answer.
        #expect(PDFPageLayout.formEnd(lines, first: 0) == 4)
    }

    /// A watermark drawn as tall as the page makes no row of the lines it crosses.
    @Test func aTallWatermarkJoinsNoLines() {
        var (text, boxes) = page([("Name", 72, 114, "\n"), ("Amira Haddad", 200, 114, "\n"),
                                  ("Notes", 72, 300, "\n"), ("Seen on Monday", 72, 314, "\n")])
        text += "DRAFT"
        for i in 0..<5 { boxes.append(PDFBox(x1: 300 + Double(i) * 60, y1: 150, x2: 360 + Double(i) * 60, y2: 400)) }
        let lines = lineTexts(PDFPageLayout.lines(text: text, boxes: boxes))
        #expect(lines.contains(["Notes"]))
        #expect(lines.contains(["Seen on Monday"]))
        #expect(lines.contains { $0.starts(with: ["Name", "Amira Haddad"]) })
    }

    /// Without boxes, poppler's lines are read as they come.
    @Test func withoutBoxesEachLineIsOneCell() {
        #expect(lineTexts(PDFPageLayout.lines(text: "NameAmira\nEnd", boxes: [])) == [["NameAmira"], ["End"]])
    }

    /// A value lies under the header its span overlaps, or else the nearest.
    @Test func cellsFindTheirColumn() {
        let header = [PDFCell(text: [], x1: 0, x2: 40), PDFCell(text: [], x1: 130, x2: 190), PDFCell(text: [], x1: 230, x2: 270)]
        #expect(PDFPageLayout.column(of: PDFCell(text: [], x1: 135, x2: 185), under: header) == 1)
        #expect(PDFPageLayout.column(of: PDFCell(text: [], x1: 255, x2: 300), under: header) == 2)
        #expect(PDFPageLayout.column(of: PDFCell(text: [], x1: 200, x2: 215), under: header) == 2)
    }

    @Test func printedFormReadsAnswersByTheirQuestions() throws {
        let t = text(try chunks("pdf/enrolment-form-printed.pdf"))
        #expect(t.contains("NI number:JR 48 27 61 C"))
        #expect(t.contains("Ethnic group:White - any other White background"))
        #expect(t.contains("Disability or learning difficulty?:Yes - dyslexia"))
    }

    @Test func printedRegisterIsATable() throws {
        let c = try chunks("pdf/course-register.pdf")
        let tom = try #require(c.first { String(decoding: $0.text, as: UTF8.self).hasPrefix("Tom Hughes") })
        #expect(tom.cells.map(\.label) == ["Learner", "Date of birth", "Postcode", "Support need"])
        let maria = try #require(c.first { String(decoding: $0.text, as: UTF8.self).hasPrefix("Maria Kowalska") })
        #expect(maria.cells.map(\.label) == ["Learner", "Date of birth", "Postcode"])
    }
}

@Suite struct WordBinaryTables {
    private func read(_ text: String) -> [TextChunk] {
        var out: [TextChunk] = []
        WordBinaryText.emit(Array(text.utf8)) { out.append($0) }
        return out
    }

    /// Cells end with 0x07 and rows with one more; the first row labels the columns, and an empty
    /// cell is told from the row's mark by the first row's count of cells.
    @Test func rowsAreLabelledByTheFirstRow() {
        let c = read("Classes\r" + "Course\u{07}Tutor\u{07}Room\u{07}\u{07}" + "Pottery\u{07}\u{07}B12\u{07}\u{07}"
                     + "French\u{07}Ann Lee\u{07}C3\u{07}\u{07}" + "After the table\r")
        #expect(c.map { String(decoding: $0.text, as: UTF8.self) }
                == ["Classes", "Course\tTutor\tRoom", "Pottery\tB12", "French\tAnn Lee\tC3", "After the table"])
        #expect(c[2].cells.map(\.label) == ["Course", "Room"])
        #expect(c[3].cells.map(\.label) == ["Course", "Tutor", "Room"])
    }

    /// A form's table of questions and answers reads "question: answer", with no header.
    @Test func twoCellRowsAreQuestionsAndAnswers() {
        let c = read("Do you have a disability?\u{07}Yes\u{07}\u{07}" + "Religion or belief\u{07}Sikh\u{07}\u{07}")
        #expect(c.map { String(decoding: $0.text, as: UTF8.self) } == ["Do you have a disability?:Yes", "Religion or belief:Sikh"])
        #expect(c[1].cells.map(\.label) == [nil, nil])
    }

    @Test func legacySampleTableHasItsHeaders() throws {
        let c = try chunks("legacy/referral.doc")
        let row = try #require(c.first { String(decoding: $0.text, as: UTF8.self).hasPrefix("Ethan Brooks") })
        #expect(row.cells.map(\.label) == ["Name", "Date of Birth", "Postcode"])
    }
}
