// A file's own name as text: people name files after whom they are about ("Reference - Priya
// Nair - draft v3.docx", "J Smith DOB 12-03-2001.pdf"), so the name is searched like a
// document's title.
import TrawlModel

extension Extraction {
    /// The part a file name's findings are located in.
    package static let fileNamePart = "file name"

    /// The last component of `name` (a path or a member's name) without its extension, with
    /// underscores read as spaces ("Case_notes_Ama_Jones"), as one chunk; nil unless it holds
    /// two words of two letters or more: a name of one word ("IMG_1234", an export's
    /// "n000123") names no one, and is not searched (most of a tree of small files).
    package static func fileNameChunk(_ name: [UInt8]) -> TextChunk? {
        var base = name.split(separator: 47, omittingEmptySubsequences: false).last ?? name[...]
        // An extension is a few letters and digits after the last dot ("docx", "7z"); "Mr J. Lim"
        // ends in a name.
        if let dot = base.lastIndex(of: 46), dot > base.startIndex, base.endIndex - dot <= 6,
           base[(dot + 1)...].allSatisfy({ ($0 | 32) >= 97 && ($0 | 32) <= 122 || ($0 >= 48 && $0 <= 57) }) {
            base = base[..<dot]
        }
        var words = 0, run = 0
        for b in base {
            if (b | 32) >= 97 && (b | 32) <= 122 {
                run += 1
                if run == 2 { words += 1 }
            } else {
                run = 0
            }
        }
        guard words >= 2 else { return nil }
        return TextChunk(text: base.map { $0 == 95 ? 32 : $0 }, part: fileNamePart)
    }

    /// Whether a match in a file name's chunk counts: a person's name only where the name opens
    /// the title or follows a dash or a colon ("Reference - Priya Nair - draft v3", "Megan Tully
    /// - review notes"), as a title's parts are set apart; "Notes on Jane Eyre" is a set text's
    /// title, not a person's file. Other values count wherever they are.
    package static func countsInFileName(_ match: Match, in chunk: TextChunk) -> Bool {
        guard match.typeId == "person.name" else { return true }
        var k = min(max(0, match.location.offset - chunk.offset), chunk.text.count)
        while k > 0 && chunk.text[k - 1] == 32 { k -= 1 }
        guard k > 0 else { return true }
        let before = chunk.text[k - 1]
        // "-", ":", or the last byte of an en or em dash (E2 80 93, E2 80 94).
        return before == 45 || before == 58 || ((before == 0x93 || before == 0x94) && k >= 3 && chunk.text[k - 3] == 0xE2)
    }
}
