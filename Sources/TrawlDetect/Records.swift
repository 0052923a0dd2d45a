// What one record is, for special-category data (a table row, or the paragraph around a value),
// whether it names its person, and which values of labelled fields are answers at all.
import Foundation
import TrawlModel

/// What counts as one record for special-category data.
enum RecordScope {
    /// A row or record chunk is one record; in prose, the paragraph (blank-line delimited) around
    /// the offset, at most 2,000 bytes each way.
    static func range(around offset: Int, in chunk: TextChunk) -> Range<Int> {
        let text = chunk.text
        if !chunk.cells.isEmpty { return 0..<text.count }
        var start = offset
        while start > 0 && offset - start < 2000 {
            if text[start - 1] == 10, start >= 2, text[start - 2] == 10 || (text[start - 2] == 13 && start >= 3 && text[start - 3] == 10) { break }
            start -= 1
        }
        var end = offset
        while end < text.count && end - offset < 2000 {
            if text[end] == 10, end + 1 < text.count, text[end + 1] == 10 || text[end + 1] == 13 { break }
            end += 1
        }
        return start..<end
    }

    static let nameLabels = ["name", "full name", "first name", "forename", "forenames", "surname", "last name",
                             "learner", "pupil", "student", "employee", "patient", "candidate", "apprentice", "child",
                             "applicant", "staff member", "staff name", "contact name", "client", "member", "young person", "injured person",
                             "service user"].map(Keyword.init)

    /// A filled-in name field in the record: a cell under a name column, or "Name: X" in the text.
    /// `unlessCell`: a cell it says holds something else (an organisation's name under "Client").
    static func hasNameField(_ chunk: TextChunk, in scope: Range<Int>, unlessCell: (Range<Int>) -> Bool = { _ in false }) -> Bool {
        for cell in chunk.cells {
            guard let label = cell.label, scope.contains(cell.range.lowerBound), !unlessCell(cell.range) else { continue }
            let tokens = Tokens(Array(label.utf8))
            if tokens.count <= 3, nameLabels.contains(where: { tokens.firstOccurrence(of: $0) == 0 }) { return true }
        }
        // "Name: Jane Smith", "Pupil name - Jack", "Learner: Callum Reid" in prose.
        let text = chunk.text[scope]
        var i = text.startIndex
        while let colon = text[i...].firstIndex(where: { $0 == 58 }) {
            let labelStart = text[..<colon].lastIndex(where: { $0 == 10 || $0 == 9 || $0 == 46 || $0 == 44 }).map { $0 + 1 } ?? text.startIndex
            let tokens = Tokens(text[labelStart..<colon])
            if tokens.count >= 1, tokens.count <= 3, nameLabels.contains(where: { tokens.firstOccurrence(of: $0) != nil }) {
                let rest = text[(colon + 1)...].prefix(40).prefix { $0 != 10 && $0 != 13 }
                if rest.contains(where: { ($0 >= 65 && $0 <= 90) }) { return true }
            }
            i = colon + 1
        }
        return false
    }
}

extension RecordScope {
    /// Titles that say the capitalised word after them is a person's name.
    private static let titles: [[UInt8]] = ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr"].map { Array($0.utf8) }

    /// The line around `offset` (at most 2,000 bytes each way): a paragraph of a Word document,
    /// a line of text.
    static func line(around offset: Int, in text: [UInt8]) -> Range<Int> {
        var start = min(offset, text.count), end = min(offset, text.count)
        while start > 0 && offset - start < 2000 && text[start - 1] != 10 { start -= 1 }
        while end < text.count && end - offset < 2000 && text[end] != 10 { end += 1 }
        return start..<end
    }

    /// Whether the line `range` of `text` names someone with a title: "Mr", "Mrs", "Ms", "Miss",
    /// "Mx" or "Dr" as a word (a full stop after it allowed), then a capitalised word of two
    /// letters or more, or an initial and a full stop ("Dr S. Ramsden"). A title is said only of
    /// a person. A titled name in a work role says nothing of the line's value: a job after it
    /// ("Dr Kavita Joshi, GP Partner at Hollybush Surgery, will open the talk on diabetes") or
    /// before it ("the nurse, Mrs Kaur").
    static func namesSomeoneWithATitle(_ text: [UInt8], in range: Range<Int>) -> Bool {
        func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
        return text.withUnsafeBufferPointer { all in
            let text = all[range]
            var i = text.startIndex
            while i < text.endIndex {
                guard isUpper(text[i]), i == text.startIndex || !(isUpper(text[i - 1]) || isLower(text[i - 1])) else { i += 1; continue }
                for title in titles where text[i...].starts(with: title) {
                    var j = i + title.count
                    if j < text.endIndex && text[j] == 46 { j += 1 }  // "Dr."
                    guard j < text.endIndex, text[j] == 32 else { continue }
                    while j < text.endIndex && text[j] == 32 { j += 1 }
                    guard j + 1 < text.endIndex, isUpper(text[j]), isLower(text[j + 1]) || text[j + 1] == 46 else { continue }
                    // The name's end: up to three capitalised words and initials.
                    var end = j
                    for _ in 0..<3 {
                        var k = end
                        while k < text.endIndex && (isUpper(text[k]) || isLower(text[k]) || text[k] == 46 || text[k] == 45 || text[k] == 39) { k += 1 }
                        end = k
                        var next = k
                        while next < text.endIndex && text[next] == 32 { next += 1 }
                        guard next < text.endIndex, isUpper(text[next]) else { break }
                        end = next
                    }
                    if ProseContext.roleFollows(all, after: end) || ProseContext.roleBefore(all, at: i) { continue }
                    return true
                }
                i += 1
            }
            return false
        }
    }
}

extension RecordScope {
    /// Words for a relative or someone close, whose condition a line may give beside another's name.
    private static let relatives: Set<String> = [
        "husband", "wife", "partner", "mother", "father", "mum", "dad", "son", "daughter", "brother", "sister",
        "grandmother", "grandfather", "grandma", "grandad", "grandson", "granddaughter", "nan", "aunt", "uncle",
        "cousin", "child", "children", "baby", "relative", "friend", "neighbour", "carer", "parent", "parents"]

    /// Whether the words just before `offset` in its sentence (at most 48 bytes back) name a
    /// relative: "told them about her husband's dementia", "his mother has MS".
    static func saysOfARelative(_ text: [UInt8], before offset: Int) -> Bool {
        wordsBefore(offset, in: text).contains { relatives.contains(String(decoding: $0, as: UTF8.self).lowercased()) }
    }

    /// Whether the words before a value in its sentence speak in the first person ("my asthma
    /// has flared up", "I've got diabetes"): the writer says it of themselves.
    static func saysInTheFirstPerson(_ text: [UInt8], before offset: Int) -> Bool {
        wordsBefore(offset, in: text).contains { $0.count <= 2 && ($0.elementsEqual("my".utf8) || $0.elementsEqual("My".utf8) || $0.elementsEqual("I".utf8)) }
    }

    /// The words of a value's sentence before it, at most 48 bytes back.
    private static func wordsBefore(_ offset: Int, in text: [UInt8]) -> [ArraySlice<UInt8>] {
        var start = max(0, offset - 48)
        if let stop = text[start..<min(offset, text.count)].lastIndex(where: { $0 == 10 || $0 == 46 }) { start = stop + 1 }
        return text[start..<min(offset, text.count)].split { !(($0 | 32) >= 97 && ($0 | 32) <= 122) }
    }
}

/// Values of labelled fields.
enum FieldValue {
    /// Answers that say there is nothing to say (made once: this runs for every field value).
    static let emptyAnswers: Set<String> = [
        "none", "no", "na", "n a", "nil", "not known", "unknown", "not applicable", "not disclosed", "prefer not to say",
        "not stated", "not recorded", "tbc", "nothing", "no known", "none known", "none declared", "not provided", "refused",
        "information refused", "see below", "see above", "yes no",
        // The school census's codes for refused and not obtained.
        "refu", "nobt"]

    /// Tick boxes as forms print them: an empty box, and a ticked one.
    static let emptyBoxes = ["[ ]", "[  ]", "\u{2610}"]
    static let tickedBoxes = ["[x]", "[X]", "[\u{2713}]", "[\u{2714}]", "\u{2612}", "\u{2611}"]

    /// "none", "N/A", "no", "prefer not to say", a blank line of underscores: not data. An
    /// answer of tick boxes is data only when a box is ticked. An ASCII value is read on its
    /// bytes; anything else on its characters (`isMeaningfulCharacters`, the definition the byte
    /// path is tested against). Foundation's searches and trimming, which the character path
    /// calls, cost tens of thousands of instructions a value: a name column's every cell.
    static func isMeaningful(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 128 }) else { return isMeaningfulCharacters(String(decoding: bytes, as: UTF8.self)) }
            // Of the tick boxes, these are the ASCII ones.
            if holds(bytes, "[ ]") || holds(bytes, "[  ]"), !holds(bytes, "[x]") && !holds(bytes, "[X]") { return false }
            // The runs of letters, lower-cased, with bracketed asides and the brackets left out
            // (a run goes on across them, as across the characters they are cut from).
            var tokens: [String] = []
            var token: [UInt8] = []
            var letters = 0, depth = 0
            for b in bytes {
                switch b {
                case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
                default:
                    guard depth == 0 else { break }
                    let lower = b | 0x20
                    if lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z") {
                        token.append(lower)
                        letters += 1
                    } else if !token.isEmpty {
                        tokens.append(String(decoding: token, as: UTF8.self))
                        token.removeAll(keepingCapacity: true)
                    }
                }
            }
            if !token.isEmpty { tokens.append(String(decoding: token, as: UTF8.self)) }
            return letters >= 2 && isAnswer(tokens)
        }
    }

    /// `isMeaningful` on characters, for a value that is not ASCII (and the definition the byte
    /// path is held to).
    static func isMeaningfulCharacters(_ value: String) -> Bool {
        if emptyBoxes.contains(where: value.contains) && !tickedBoxes.contains(where: value.contains) { return false }
        // Bracketed asides ("(optional)") and tick boxes are form furniture, not answers.
        var plain = ""
        var depth = 0
        for c in value {
            if c == "(" || c == "[" { depth += 1; continue }
            if c == ")" || c == "]" { depth = max(0, depth - 1); continue }
            if depth == 0 { plain.append(c) }
        }
        let lower = plain.lowercased().trimmingCharacters(in: .whitespaces)
        let letters = lower.filter { $0.isLetter }
        guard letters.count >= 2 else { return false }
        return isAnswer(lower.split(whereSeparator: { !$0.isLetter }).map(String.init))
    }

    /// Whether an answer's words (its runs of letters, lower-cased) say something: not one of
    /// the empty answers, nor a blank form's choices ("Yes / No / Prefer not to say").
    private static func isAnswer(_ tokens: [String]) -> Bool {
        let words = tokens.joined(separator: " ")
        if emptyAnswers.contains(words) { return false }
        if tokens.contains("yes") && tokens.contains("no") { return false }
        return !(words.hasPrefix("none ") || words.hasPrefix("no known") || words.hasPrefix("not "))
    }

    /// Whether `bytes` holds `run`.
    private static func holds(_ bytes: UnsafeBufferPointer<UInt8>, _ run: StaticString) -> Bool {
        let run = UnsafeBufferPointer(start: run.utf8Start, count: run.utf8CodeUnitCount)
        guard bytes.count >= run.count else { return false }
        return (0...bytes.count - run.count).contains { bytes[$0..<$0 + run.count].elementsEqual(run) }
    }

    /// Whether the whole value (spaces around it aside) is one of a field's codes, given
    /// lower-cased.
    static func isCode(_ value: String, of codes: Set<String>) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.utf8.count <= 8 && codes.contains(trimmed.lowercased())
    }

    /// Whether a label's words are exactly those of one of `labels` ("LLDDHealthProb" is "lldd
    /// health prob"; "Send newsletter" is not "send"); separators around it do not count.
    static func label<C: Collection>(_ text: C, isOneOf labels: [Keyword]) -> Bool where C.Element == UInt8 {
        let joined = Tokens(text).joined
        return labels.contains { $0.joined == joined }
    }

    /// Whether one of the value's words is one of `terms` (lower-cased), or starts with one of
    /// four letters or more: "Work-related stress" names "stress", "Gastroenteritis" "gastro",
    /// "Ill" names "ill" and "Illegal" does not.
    static func names(_ value: String, oneOf terms: [String]) -> Bool {
        let words = value.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.contains { word in terms.contains { word == $0 || ($0.count >= 4 && word.hasPrefix($0)) } }
    }

    /// The value ends at the end of its clause: ". " or a closing bracket; trailing punctuation goes.
    static func trim(_ range: Range<Int>, in subject: UnsafeRawBufferPointer) -> Range<Int> {
        var end = range.upperBound
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            if subject[i] == 46 && subject[i + 1] == 32 { end = i; break }
            i += 1
        }
        while end > range.lowerBound, [32, 46, 44, 59, 58, 13].contains(subject[end - 1]) { end -= 1 }
        var start = range.lowerBound
        while start < end, subject[start] == 32 { start += 1 }
        return start..<end
    }
}
