// A small safe wrapper over poppler-glib: the text of each page of a PDF held in memory, and its
// document information. It knows nothing of Trawl.
//
// Design: a `PDFDocument` owns the poppler document and the GBytes it reads from (both released
// in deinit); one document is used by one thread. Errors come back as values: encrypted (no
// password is ever tried), unreadable, with poppler's message, or unavailable when poppler-glib
// itself cannot be loaded. poppler-glib is opened when the first PDF is read (see
// `DynamicLibrary`): its functions are called through the pointers `Calls` looks up once.
internal import CPoppler
import DynamicLibrary

public enum PDFError: Error, Sendable {
    case encrypted
    case unreadable(String)
    /// poppler-glib could not be loaded: the loader's reason.
    case unavailable(String)
}

/// poppler-glib's functions, looked up the first time a PDF is opened.
private struct Calls: Sendable {
    let bytesNew: trawl_g_bytes_new
    let bytesUnref: trawl_g_bytes_unref
    let objectUnref: trawl_g_object_unref
    let free: trawl_g_free
    let errorFree: trawl_g_error_free
    let errorQuark: trawl_poppler_error_quark
    let documentNew: trawl_poppler_document_new_from_bytes
    let pageCount: trawl_poppler_document_get_n_pages
    let page: trawl_poppler_document_get_page
    let pageText: trawl_poppler_page_get_text
    let pageTextLayout: trawl_poppler_page_get_text_layout
    let title, author, subject, keywords, creator: trawl_poppler_document_get_string
    let formFieldMapping: trawl_poppler_page_get_form_field_mapping
    let freeFormFieldMapping: trawl_poppler_page_free_form_field_mapping
    let fieldType: trawl_poppler_form_field_get_field_type
    let fieldText, fieldName, fieldLabel: trawl_poppler_form_field_get_string

    /// Loaded once for the process (a `static let` is initialised once, whichever thread asks).
    static let loaded: Result<Calls, LoadError> = Result { () throws(LoadError) in try Calls() }

    private init() throws(LoadError) {
        // The soname of Debian's libpoppler-glib8; the development link name as a fallback.
        let lib = try DynamicLibrary(["libpoppler-glib.so.8", "libpoppler-glib.so"])
        // GLib's functions are found through poppler-glib, which depends on GLib.
        bytesNew = try lib.function("g_bytes_new", as: trawl_g_bytes_new.self)
        bytesUnref = try lib.function("g_bytes_unref", as: trawl_g_bytes_unref.self)
        objectUnref = try lib.function("g_object_unref", as: trawl_g_object_unref.self)
        free = try lib.function("g_free", as: trawl_g_free.self)
        errorFree = try lib.function("g_error_free", as: trawl_g_error_free.self)
        errorQuark = try lib.function("poppler_error_quark", as: trawl_poppler_error_quark.self)
        documentNew = try lib.function("poppler_document_new_from_bytes", as: trawl_poppler_document_new_from_bytes.self)
        pageCount = try lib.function("poppler_document_get_n_pages", as: trawl_poppler_document_get_n_pages.self)
        page = try lib.function("poppler_document_get_page", as: trawl_poppler_document_get_page.self)
        pageText = try lib.function("poppler_page_get_text", as: trawl_poppler_page_get_text.self)
        pageTextLayout = try lib.function("poppler_page_get_text_layout", as: trawl_poppler_page_get_text_layout.self)
        title = try lib.function("poppler_document_get_title", as: trawl_poppler_document_get_string.self)
        author = try lib.function("poppler_document_get_author", as: trawl_poppler_document_get_string.self)
        subject = try lib.function("poppler_document_get_subject", as: trawl_poppler_document_get_string.self)
        keywords = try lib.function("poppler_document_get_keywords", as: trawl_poppler_document_get_string.self)
        creator = try lib.function("poppler_document_get_creator", as: trawl_poppler_document_get_string.self)
        formFieldMapping = try lib.function("poppler_page_get_form_field_mapping", as: trawl_poppler_page_get_form_field_mapping.self)
        freeFormFieldMapping = try lib.function("poppler_page_free_form_field_mapping",
                                                as: trawl_poppler_page_free_form_field_mapping.self)
        fieldType = try lib.function("poppler_form_field_get_field_type", as: trawl_poppler_form_field_get_field_type.self)
        fieldText = try lib.function("poppler_form_field_text_get_text", as: trawl_poppler_form_field_get_string.self)
        fieldName = try lib.function("poppler_form_field_get_partial_name", as: trawl_poppler_form_field_get_string.self)
        fieldLabel = try lib.function("poppler_form_field_get_alternate_ui_name", as: trawl_poppler_form_field_get_string.self)
    }
}

/// Where a character is drawn on its page, in points from the page's top left.
public struct PDFBox: Sendable, Equatable {
    public var x1, y1, x2, y2: Double

    public init(x1: Double, y1: Double, x2: Double, y2: Double) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
    }
}

public final class PDFDocument {
    private let calls: Calls
    private let document: UnsafeMutableRawPointer
    private let bytes: UnsafeMutableRawPointer

    /// Opens a PDF from memory (the bytes are copied once into glib's buffer).
    /// - Throws: `PDFError.encrypted` for a PDF that needs a password, `.unavailable` when
    ///   poppler-glib cannot be loaded, `.unreadable` otherwise.
    public init(_ data: [UInt8]) throws(PDFError) {
        let calls: Calls
        switch Calls.loaded {
        case .success(let c): calls = c
        case .failure(let e): throw .unavailable("poppler-glib could not be loaded: \(e)")
        }
        guard let gbytes = data.withUnsafeBytes({ calls.bytesNew($0.baseAddress, $0.count) }) else {
            throw .unreadable("glib could not hold the document")
        }
        var error: UnsafeMutablePointer<TrawlGError>?
        guard let doc = calls.documentNew(gbytes, nil, &error) else {
            defer {
                if let error { calls.errorFree(error) }
                calls.bytesUnref(gbytes)
            }
            if let e = error?.pointee, e.domain == calls.errorQuark(), e.code == Int32(TRAWL_POPPLER_ERROR_ENCRYPTED) {
                throw .encrypted
            }
            throw .unreadable(error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "poppler could not open the document")
        }
        self.calls = calls
        document = doc
        bytes = gbytes
    }

    deinit {
        calls.objectUnref(document)
        calls.bytesUnref(bytes)
    }

    public var pageCount: Int { Int(calls.pageCount(document)) }

    /// The text of page `index` (0-based) with the box of each of its characters (Unicode
    /// scalars, newlines included), from which a reader can tell where a table's cells meet:
    /// poppler joins the texts of cells on one line with no space between them. `boxes` is empty
    /// when poppler gives no layout, or one that does not match the text.
    public func textWithBoxes(ofPage index: Int) -> (text: String, boxes: [PDFBox]) {
        guard let page = calls.page(document, Int32(index)) else { return ("", []) }
        defer { calls.objectUnref(page) }
        guard let raw = calls.pageText(page) else { return ("", []) }
        let text = String(cString: raw)
        calls.free(raw)
        var rectangles: UnsafeMutablePointer<TrawlPopplerRectangle>?
        var count: UInt32 = 0
        guard calls.pageTextLayout(page, &rectangles, &count) != 0, let rectangles else { return (text, []) }
        defer { calls.free(rectangles) }
        guard Int(count) == text.unicodeScalars.count else { return (text, []) }
        let boxes = UnsafeBufferPointer(start: rectangles, count: Int(count)).map {
            PDFBox(x1: $0.x1, y1: $0.y1, x2: $0.x2, y2: $0.y2)
        }
        return (text, boxes)
    }

    /// The filled-in text fields of page `index`'s form, in the page's order, each with the name a
    /// person reads (the field's tooltip, or else its own name). A form's values are not in the
    /// page's text: they are drawn as annotations, which text extraction leaves out.
    public func formFields(ofPage index: Int) -> [(name: String?, value: String)] {
        guard let page = calls.page(document, Int32(index)) else { return [] }
        defer { calls.objectUnref(page) }
        guard let mapping = calls.formFieldMapping(page) else { return [] }
        defer { calls.freeFormFieldMapping(mapping) }
        var out: [(String?, String)] = []
        var node: UnsafeMutablePointer<TrawlGList>? = mapping
        while let n = node {
            defer { node = n.pointee.next }
            guard let field = n.pointee.data?.assumingMemoryBound(to: TrawlPopplerFormFieldMapping.self).pointee.field,
                  calls.fieldType(field) == Int32(TRAWL_POPPLER_FORM_FIELD_TEXT),
                  let value = take(calls.fieldText(field)), !value.isEmpty else { continue }
            out.append((take(calls.fieldLabel(field)).flatMap { $0.isEmpty ? nil : $0 } ?? take(calls.fieldName(field)), value))
        }
        // poppler lists the page's fields last first.
        return out.reversed()
    }

    /// A string poppler gave, freed.
    private func take(_ s: UnsafeMutablePointer<CChar>?) -> String? {
        guard let s else { return nil }
        defer { calls.free(s) }
        return String(cString: s)
    }

    /// Document information fields that are set: title, author, subject, keywords, creator.
    public var information: [(name: String, value: String)] {
        let fields: [(String, trawl_poppler_document_get_string)] = [
            ("Title", calls.title), ("Author", calls.author), ("Subject", calls.subject),
            ("Keywords", calls.keywords), ("Creator", calls.creator),
        ]
        var out: [(String, String)] = []
        for (name, get) in fields {
            guard let value = get(document) else { continue }
            let s = String(cString: value)
            calls.free(value)
            if !s.isEmpty { out.append((name, s)) }
        }
        return out
    }
}
