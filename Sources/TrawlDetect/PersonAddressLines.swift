// A person's address block in prose: a name with its title alone on a line, over the lines of an
// address that a postcode ends within a few lines (a letter's sender or addressee: "Mr Stuart
// Heptonstall", "31 Bradley Avenue", "Castleford", "WF10 3HS"). The name is a `person.name`
// finding, so that a letter naming the organisation it is sent to is still a person's. A block
// that names an organisation, a team or a job between the name and the postcode (a member of
// staff at work: "Ms Jane Reid", "Housing Officer", "Calder Moor Homes") is not a person's.
//
// Why a pass and not a pattern: the block is found from its postcode, which the postcode pattern
// has already found; a pattern anchored on the titles ("mr", "ms", "dr") ran near every "items",
// "address" and "problems" of a text, and cost two thirds again of a scan of prose.
import TrawlModel

struct PersonAddressLines: ChunkPass {
    /// The most lines from the name down to the postcode's line.
    static let linesAtMost = 5
    /// Words that say a block is an organisation's or a member of staff's at work.
    static let workWords: Set<String> = ["Ltd", "Limited", "plc", "PLC", "College", "Council", "Trust", "Homes", "Housing",
                                         "School", "Academy", "University", "Surgery", "Office", "Team", "Department", "Service",
                                         "Services", "Centre", "Officer", "Manager", "Adviser", "Advisor", "Assistant", "Coordinator",
                                         "Co-ordinator"]

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard chunk.cells.isEmpty,
              found.contains(where: { $0.match.typeId == "uk.postcode" && $0.match.exemption == nil }) else { return }
        let text = chunk.text
        var names: [Detector.Found] = []
        for f in found where f.match.typeId == "uk.postcode" && f.match.exemption == nil && f.offset < text.count {
            guard let name = Self.name(above: f.offset, in: text),
                  !found.contains(where: { $0.match.isOrganisation && $0.offset >= name.lowerBound && $0.offset < f.offset }),
                  !names.contains(where: { $0.offset == name.lowerBound }),
                  !found.contains(where: { $0.match.typeId == "person.name" && $0.offset == name.lowerBound }) else { continue }
            let value = String(decoding: text[name], as: UTF8.self)
            var exemption: Exemption?
            if case .exempt(let why) = PersonNames.check(value) { exemption = why }
            let line = chunk.firstLine.map { $0 + text[..<name.lowerBound].lazy.filter { $0 == 10 }.count }
            let match = Match(typeId: "person.name", patternId: "person.name.address_block", value: value,
                              normalized: Normalization.apply(.lower, to: value), confidence: .medium,
                              evidence: ["heads a postal address"], exemption: exemption,
                              location: Location(part: chunk.part, line: line, offset: chunk.offset + name.lowerBound))
            names.append(Detector.Found(offset: name.lowerBound, end: name.upperBound, match: match, category: .personal))
        }
        found += names
    }

    /// The titled name heading the address block whose postcode is at `offset`: the first line
    /// of the block, up to `linesAtMost` lines above, that is a title and a name alone; nil at a
    /// blank or a long line (an address line is short), or when a line between names an
    /// organisation, a team or a job. Lines are looked at only near the postcode, and their
    /// words only when a name heads them: most postcodes stand in prose, not in a block.
    static func name(above offset: Int, in text: [UInt8]) -> Range<Int>? {
        text.withUnsafeBufferPointer { text in
            /// Where the line that ends at `end` (a newline, or the postcode) starts, if it is short.
            func start(ofLineEndingAt end: Int) -> Int? {
                var k = end
                while k > 0 && text[k - 1] != 10 {
                    k -= 1
                    if end - k > lineAtMost { return nil }
                }
                return k
            }
            guard var lineStart = start(ofLineEndingAt: offset) else { return nil }
            var lines: [Range<Int>] = []
            for _ in 0..<linesAtMost {
                var lineEnd = lineStart
                while lineEnd < text.count && text[lineEnd] != 10 && lineEnd - lineStart <= lineAtMost { lineEnd += 1 }
                let line = text[lineStart..<lineEnd]
                guard line.contains(where: { $0 > 32 }) else { return nil }
                if let name = titledName(line) {
                    // The lines from below the name to the postcode's say no organisation or job.
                    for l in lines where holdsWorkWord(text[l]) { return nil }
                    return name
                }
                lines.append(lineStart..<lineEnd)
                guard lineStart > 0, let above = start(ofLineEndingAt: lineStart - 1) else { return nil }
                lineStart = above
            }
            return nil
        }
    }

    /// The longest line an address block holds.
    static let lineAtMost = 160

    private static func holdsWorkWord(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        line.split(whereSeparator: { !(($0 | 32) &- 97 < 26 || $0 == 45) })
            .contains { workWords.contains(String(decoding: $0, as: UTF8.self)) }
    }

    /// The line's name when the line is a title and a name and nothing else: "Mr Stuart
    /// Heptonstall", "Mrs A. Kowalczyk", "Dr S Ramsden".
    static func titledName(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Range<Int>? {
        // A title opens with M or D: most lines are let go at their first letter.
        guard let opening = line.first(where: { $0 != 32 && $0 != 9 }), opening == 77 || opening == 68 else { return nil }
        let words = line.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 13 })
        guard words.count >= 2, words.count <= 5, let first = words.first,
              PersonNames.titles.contains(String(decoding: first.last == 46 ? first.dropLast() : first, as: UTF8.self).lowercased())
        else { return nil }
        var capitalised = 0
        for w in words.dropFirst() {
            guard let c = w.first, c &- 65 < 26, w.allSatisfy({ ($0 | 32) &- 97 < 26 || $0 == 45 || $0 == 39 || $0 == 46 }) else { return nil }
            if w.count > 2 || w.last != 46 && w.count > 1 { capitalised += 1 }
        }
        guard capitalised >= 1, let last = words.last else { return nil }
        return first.startIndex..<last.endIndex
    }
}
