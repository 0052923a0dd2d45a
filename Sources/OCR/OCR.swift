// A small safe wrapper over Tesseract's C API with Leptonica image reading: the text of an image
// held in memory. It knows nothing of Trawl.
//
// A `TextRecognizer` owns one Tesseract engine and is used by one thread (Tesseract engines are
// not thread-safe); creating one loads the language model, so workers keep theirs for the run.
// libtesseract is opened when the first engine is made (see `DynamicLibrary`): its functions are
// called through the pointers `Calls` looks up once.
internal import CTesseract
import DynamicLibrary

#if canImport(Glibc)
import Glibc
#endif

/// Tesseract's and Leptonica's functions, looked up the first time an engine is made.
private struct Calls: Sendable {
    let create: trawl_TessBaseAPICreate
    let delete, end, clear: trawl_TessBaseAPIHandle
    let setVariable: trawl_TessBaseAPISetVariable
    let initialise: trawl_TessBaseAPIInit3
    let setImage: trawl_TessBaseAPISetImage2
    let text: trawl_TessBaseAPIGetUTF8Text
    let deleteText: trawl_TessDeleteText
    let readImage: trawl_pixReadMem
    let destroyImage: trawl_pixDestroy

    /// Loaded once for the process (a `static let` is initialised once, whichever thread asks).
    static let loaded: Result<Calls, LoadError> = Result { () throws(LoadError) in
        // One thread per engine: Trawl's workers already use every core. Set before the library
        // (and the OpenMP runtime it brings) is loaded, which reads it then.
        setenv("OMP_THREAD_LIMIT", "1", 0)
        return try Calls()
    }

    private init() throws(LoadError) {
        // The soname of Debian's libtesseract5; the development link name as a fallback.
        // Leptonica's functions are found through libtesseract, which depends on it.
        let lib = try DynamicLibrary(["libtesseract.so.5", "libtesseract.so"])
        create = try lib.function("TessBaseAPICreate", as: trawl_TessBaseAPICreate.self)
        delete = try lib.function("TessBaseAPIDelete", as: trawl_TessBaseAPIHandle.self)
        end = try lib.function("TessBaseAPIEnd", as: trawl_TessBaseAPIHandle.self)
        clear = try lib.function("TessBaseAPIClear", as: trawl_TessBaseAPIHandle.self)
        setVariable = try lib.function("TessBaseAPISetVariable", as: trawl_TessBaseAPISetVariable.self)
        initialise = try lib.function("TessBaseAPIInit3", as: trawl_TessBaseAPIInit3.self)
        setImage = try lib.function("TessBaseAPISetImage2", as: trawl_TessBaseAPISetImage2.self)
        text = try lib.function("TessBaseAPIGetUTF8Text", as: trawl_TessBaseAPIGetUTF8Text.self)
        deleteText = try lib.function("TessDeleteText", as: trawl_TessDeleteText.self)
        readImage = try lib.function("pixReadMem", as: trawl_pixReadMem.self)
        destroyImage = try lib.function("pixDestroy", as: trawl_pixDestroy.self)
    }
}

public final class TextRecognizer {
    private let calls: Calls
    private let api: UnsafeMutableRawPointer

    /// Why no engine can be made for `language` on this machine (the library or the language
    /// data cannot be loaded), or nil when one can: for a configuration check before any image
    /// is read. Makes one engine and lets it go.
    public static func problem(language: String = "eng") -> String? {
        if case .failure(let e) = Calls.loaded { return "Tesseract could not be loaded: \(e)" }
        return TextRecognizer(language: language) == nil ? "Tesseract could not load the language data '\(language)'" : nil
    }

    /// Loads Tesseract with `language` ("eng": Debian's tesseract-ocr-eng). Nil when the library,
    /// the engine or the language data cannot be loaded.
    public init?(language: String = "eng") {
        guard case .success(let calls) = Calls.loaded, let api = calls.create() else { return nil }
        // Tesseract writes notes ("Estimating resolution...") to stderr unless told otherwise.
        _ = calls.setVariable(api, "debug_file", "/dev/null")
        guard calls.initialise(api, nil, language) == 0 else {
            calls.delete(api)
            return nil
        }
        self.calls = calls
        self.api = api
    }

    deinit {
        calls.end(api)
        calls.delete(api)
    }

    /// The text Tesseract reads in the image (PNG, JPEG, TIFF, GIF, BMP...), or nil when Leptonica
    /// cannot decode it.
    public func text(of image: [UInt8]) -> String? {
        let pix = image.withUnsafeBytes { calls.readImage($0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
        guard let pix else { return nil }
        defer {
            var p: UnsafeMutableRawPointer? = pix
            calls.destroyImage(&p)
            calls.clear(api)
        }
        calls.setImage(api, pix)
        guard let text = calls.text(api) else { return nil }
        defer { calls.deleteText(text) }
        return String(cString: text)
    }
}
