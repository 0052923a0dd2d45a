// A PDF's text through poppler-glib: its document information as a record labelled by field, each
// page's text as prose and tables (`PDFPageLayout`), and a filled-in form's values under their
// fields' names.
import Poppler
import TrawlModel

enum PDFText {
    static func extract(_ bytes: [UInt8], emit: (TextChunk) -> Void) throws(ExtractError) {
        let document: PDFDocument
        do { document = try PDFDocument(bytes) } catch {
            switch error {
            case .encrypted: throw ExtractError.encrypted("the PDF is encrypted (it needs a password)")
            case .unreadable(let m): throw ExtractError.corrupt("pdf: \(m)")
            case .unavailable(let m): throw ExtractError.unsupported("PDF reading is not available on this machine: \(m)")
            }
        }
        // Document information names people (Author): a record labelled by field.
        var info = RowBuilder()
        for (name, value) in document.information { info.add(Array(value.utf8), label: name) }
        var infoCursor = PartCursor(part: "document information")
        if let c = infoCursor.row(info) { emit(c) }
        for page in 0..<document.pageCount {
            var cursor = PartCursor(part: "page \(page + 1)")
            var block = ProseBlock()
            let (text, boxes) = document.textWithBoxes(ofPage: page)
            PDFPageLayout.read(text: text, boxes: boxes, block: &block, cursor: &cursor, emit: emit)
            if let c = block.take(&cursor) { emit(c) }
            // A filled-in form's values, each under its field's name.
            let fields = document.formFields(ofPage: page)
            if !fields.isEmpty {
                var row = RowBuilder()
                for (name, value) in fields { row.add(Array(value.utf8), label: name.flatMap(label(from:))) }
                var formCursor = PartCursor(part: "page \(page + 1) form")
                if let c = formCursor.row(row) { emit(c) }
            }
        }
    }
}
