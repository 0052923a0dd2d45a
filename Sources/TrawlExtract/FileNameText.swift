// A file's own name as text: people name files after whom they are about ("Reference - Priya
// Nair - draft v3.docx", "J Smith DOB 12-03-2001.pdf"), so the name is searched like a
// document's title.
import TrawlModel

extension Extraction {
    /// The part a file name's findings are located in.
    package static let fileNamePart = "file name"

    /// The last component of `name` (a path or a member's name) without its extension, with
    /// underscores read as spaces ("Case_notes_Ama_Jones"), as one chunk; nil when nothing is
    /// left.
    package static func fileNameChunk(_ name: [UInt8]) -> TextChunk? {
        var base = name.split(separator: 47, omittingEmptySubsequences: false).last ?? name[...]
        if let dot = base.lastIndex(of: 46), dot > base.startIndex, base.endIndex - dot <= 6 { base = base[..<dot] }
        let text = base.map { $0 == 95 ? 32 : $0 }
        guard text.contains(where: { $0 != 32 }) else { return nil }
        return TextChunk(text: text, part: fileNamePart)
    }
}
