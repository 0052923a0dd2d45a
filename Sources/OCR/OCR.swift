// A small safe wrapper over Tesseract's C API with Leptonica image reading: the text of an image
// held in memory. It knows nothing of Trawl.
//
// A `TextRecognizer` owns one Tesseract engine and is used by one thread (Tesseract engines are
// not thread-safe); creating one loads the language model, so workers keep theirs for the run.
internal import CTesseract

#if canImport(Glibc)
import Glibc
#endif

public final class TextRecognizer {
    private let api: OpaquePointer

    /// Loads Tesseract with `language` ("eng": Debian's tesseract-ocr-eng). Nil when the engine or
    /// the language data cannot be loaded.
    public init?(language: String = "eng") {
        // One thread per engine: Trawl's workers already use every core.
        setenv("OMP_THREAD_LIMIT", "1", 0)
        guard let api = TessBaseAPICreate() else { return nil }
        // Tesseract writes notes ("Estimating resolution...") to stderr unless told otherwise.
        TessBaseAPISetVariable(api, "debug_file", "/dev/null")
        guard TessBaseAPIInit3(api, nil, language) == 0 else {
            TessBaseAPIDelete(api)
            return nil
        }
        self.api = api
    }

    deinit {
        TessBaseAPIEnd(api)
        TessBaseAPIDelete(api)
    }

    /// The text Tesseract reads in the image (PNG, JPEG, TIFF, GIF, BMP...), or nil when Leptonica
    /// cannot decode it.
    public func text(of image: [UInt8]) -> String? {
        let pix: UnsafeMutablePointer<PIX>? = image.withUnsafeBytes {
            pixReadMem($0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count)
        }
        guard let pix else { return nil }
        defer {
            var p: UnsafeMutablePointer<PIX>? = pix
            pixDestroy(&p)
            TessBaseAPIClear(api)
        }
        TessBaseAPISetImage2(api, pix)
        guard let text = TessBaseAPIGetUTF8Text(api) else { return nil }
        defer { TessDeleteText(text) }
        return String(cString: text)
    }
}
