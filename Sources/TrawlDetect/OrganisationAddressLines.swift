// An organisation's address block in prose: the postcode and landline that follow its name, on
// the name's own line ("Trent Valley Electrical Ltd, Riverside Works, Nottingham NG1 7HA") or in
// the block of address lines below it (a letterhead, an email signature, a form's heading:
// "Institute of Fleet & Plant Engineering Technicians" then "Kestrel House, 21 Tanners Way,
// Coalville, LE67 4HX"). They are the organisation's details wherever the document names a
// person as well, as a staff member's signature or a supplier's letterhead on a letter about
// someone is. A table's rows have their own rule (`OrganisationRows`).
//
// The block ends at a blank line, at a labelled line ("Home address: ..." is a form's field, not
// a letterhead), at a line that opens with a title ("Mr J Smith", a recipient's address) and
// after a few lines: a person's address set below a company name is not taken for the company's.
import TrawlModel

struct OrganisationAddressLines: ChunkPass {
    /// The most lines from the organisation's name down to the value's line.
    static let linesAtMost = 5
    /// The longest line an address block holds.
    static let lineAtMost = 160

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard chunk.cells.isEmpty, found.contains(where: { $0.match.isOrganisation }) else { return }
        let text = chunk.text
        for i in found.indices where found[i].match.exemption == nil && found[i].offset < text.count {
            let type = found[i].match.typeId
            guard type == "uk.postcode" || (type == "uk.phone" && !PersonIdentifiers.isUKMobile(found[i].match.normalized)) else { continue }
            guard let block = Self.block(above: found[i].offset, in: text) else { continue }
            let named = found.contains { $0.match.isOrganisation && block.contains($0.offset) && $0.end <= found[i].offset }
            if named {
                found[i].match.exemption = .organisation
                found[i].match.evidence.append("an organisation's address: below or beside its name")
            }
        }
    }

    /// The lines from the value's line up to `linesAtMost` lines above it, as far as they look
    /// like one address block; nil when the value's own line is labelled or too long.
    static func block(above offset: Int, in text: [UInt8]) -> Range<Int>? {
        var lineStart = offset
        while lineStart > 0 && text[lineStart - 1] != 10 { lineStart -= 1 }
        guard offset - lineStart <= lineAtMost, !isLabelled(text[lineStart..<offset]) else { return nil }
        var start = lineStart
        for _ in 1..<linesAtMost {
            guard start > 0 else { break }
            var above = start - 1
            while above > 0 && text[above - 1] != 10 { above -= 1 }
            let line = text[above..<(start - 1)]
            guard line.count <= lineAtMost, line.contains(where: { $0 > 32 }), !isLabelled(line), !opensWithTitle(line) else { break }
            start = above
        }
        return start..<offset
    }

    /// A line with a label: a colon that is not part of a time ("Home address: ...").
    private static func isLabelled(_ line: ArraySlice<UInt8>) -> Bool {
        line.indices.contains { k in
            line[k] == 58 && !(k > line.startIndex && k + 1 < line.endIndex && line[k - 1] &- 48 < 10 && line[k + 1] &- 48 < 10)
        }
    }

    /// A line that opens with a title: the name of a person an address is for.
    private static func opensWithTitle(_ line: ArraySlice<UInt8>) -> Bool {
        let words = line.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 46 || $0 == 13 })
        guard let first = words.first else { return false }
        return PersonNames.titles.contains(String(decoding: first, as: UTF8.self).lowercased())
    }
}
