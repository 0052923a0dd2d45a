// Reading one document's text: the extract stage's formats, and the text an image shows (OCR).
//
// Two readers do it with the same code: `LocalReader` in this process, and `SupervisedReader`,
// which hands the formats whose reading runs inside C libraries or could not be bounded (PDF,
// legacy Office, OCR) to a worker process of its own and kills it past the file's deadline.
// Within the process a time limit can only be checked between chunks; a call into poppler or
// Tesseract cannot be interrupted, and a crash or an allocation past the memory limit there
// would end the whole scan.
import Foundation
import OCR
import TrawlExtract
import TrawlModel

/// Reads documents for one scan worker (its scratch: not shared between threads).
protocol DocumentReader: AnyObject {
    /// Extracts the text of `bytes`, calling `emit` with each chunk in document order.
    /// - Returns: problems that did not stop the reading. A reading stopped at `deadline` returns
    ///   normally, with what was read emitted: the caller reports the time limit.
    /// - Throws: `ExtractError` when the document cannot be read.
    func read(_ bytes: [UInt8], format: DocumentFormat, deadline: Date, emit: (TextChunk) -> Void) throws(ExtractError) -> [ScanIssue]
}

/// Reads in this process.
final class LocalReader: DocumentReader {
    private let limits: ExtractLimits
    private let recognizeText: Bool
    /// Tesseract, loaded on the first image (loading the model takes a moment).
    private var recognizer: TextRecognizer?
    private var recognizerLoaded = false

    init(limits: ExtractLimits, recognizeText: Bool) {
        self.limits = limits
        self.recognizeText = recognizeText
    }

    func read(_ bytes: [UInt8], format: DocumentFormat, deadline: Date, emit: (TextChunk) -> Void) throws(ExtractError) -> [ScanIssue] {
        var issues = try Extraction.extractText(bytes, format: format, limits: limits, emit: emit)
        guard recognizeText, format.image != nil, Date() < deadline else { return issues }
        if !recognizerLoaded {
            recognizerLoaded = true
            recognizer = TextRecognizer()
        }
        // What the picture shows: a scanned form, a photographed passport.
        if let text = recognizer?.text(of: bytes) {
            Extraction.ocrChunks(text).forEach(emit)
        } else {
            issues.append(ScanIssue(.malformed, "the image could not be decoded for OCR"))
        }
        return issues
    }
}

/// How documents are read in worker processes.
package struct IsolationOptions: Sendable {
    /// The trawl executable, started as `trawl extract-worker`.
    package var executable: String
    /// The address space a worker may use (`RLIMIT_AS`); past it, its allocations fail and the
    /// document it was reading is reported as not read.
    package var maxMemory: Int

    package init(executable: String, maxMemory: Int) {
        self.executable = executable
        self.maxMemory = maxMemory
    }

    /// The formats read in a worker: those read through C libraries (poppler, Tesseract) and
    /// the legacy Office formats, whose records declare sizes and counts that the file controls.
    static func isolates(_ format: DocumentFormat, recognizeText: Bool) -> Bool {
        switch format {
        case .pdf, .doc, .xls, .ppt, .ole2: true
        default: recognizeText && format.image != nil
        }
    }
}
