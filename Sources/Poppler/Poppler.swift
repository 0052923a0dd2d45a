// A small safe wrapper over poppler-glib: the text of each page of a PDF held in memory, and its
// document information. It knows nothing of Trawl.
//
// Design: a `PDFDocument` owns the poppler document and the GBytes it reads from (both released
// in deinit); one document is used by one thread. Errors come back as values: encrypted (no
// password is ever tried) or unreadable, with poppler's message.
internal import CPoppler

public enum PDFError: Error, Sendable {
    case encrypted
    case unreadable(String)
}

public final class PDFDocument {
    private let document: OpaquePointer
    private let bytes: OpaquePointer

    /// Opens a PDF from memory (the bytes are copied once into glib's buffer).
    /// - Throws: `PDFError.encrypted` for a PDF that needs a password, `.unreadable` otherwise.
    public init(_ data: [UInt8]) throws(PDFError) {
        let gbytes = data.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }!
        var error: UnsafeMutablePointer<GError>?
        guard let doc = poppler_document_new_from_bytes(gbytes, nil, &error) else {
            defer {
                if let error { g_error_free(error) }
                g_bytes_unref(gbytes)
            }
            if trawl_poppler_error_is_encrypted(error) != 0 { throw .encrypted }
            throw .unreadable(error.map { String(cString: $0.pointee.message) } ?? "poppler could not open the document")
        }
        document = doc
        bytes = gbytes
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(document))
        g_bytes_unref(bytes)
    }

    public var pageCount: Int { Int(poppler_document_get_n_pages(document)) }

    /// The text of page `index` (0-based), in reading order as poppler lays it out.
    public func text(ofPage index: Int) -> String {
        guard let page = poppler_document_get_page(document, Int32(index)) else { return "" }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        guard let text = poppler_page_get_text(page) else { return "" }
        defer { g_free(text) }
        return String(cString: text)
    }

    /// Document information fields that are set: title, author, subject, keywords, creator.
    public var information: [(name: String, value: String)] {
        let doc = document
        let fields: [(String, UnsafeMutablePointer<gchar>?)] = [
            ("Title", poppler_document_get_title(doc)), ("Author", poppler_document_get_author(doc)),
            ("Subject", poppler_document_get_subject(doc)), ("Keywords", poppler_document_get_keywords(doc)),
            ("Creator", poppler_document_get_creator(doc)),
        ]
        var out: [(String, String)] = []
        for (name, value) in fields {
            guard let value else { continue }
            let s = String(cString: value)
            g_free(value)
            if !s.isEmpty { out.append((name, s)) }
        }
        return out
    }
}
