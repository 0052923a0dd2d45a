// The fuzz targets: one per format family, each feeding bytes through the calls the scanner makes
// for one file (sniff, extract or open as a container, search the chunks with the detector).
//
// A target names the formats it forces its input through, so a mutated zip that no longer sniffs
// as a workbook still reaches the workbook reader; the sniffer runs on every input as well, under
// the name of a file of that format. Containers are opened and each member is taken through the
// same path once more (one level of nesting), as the scanner does with its depth limit. The
// limits are tighter than a scan's defaults so that a rightful gigabyte of expansion is not taken
// for a leak: with them, memory past libFuzzer's RSS limit is a bug.
import Foundation
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlPatterns

/// A format a target forces its input through.
enum ForcedFormat {
    case document(DocumentFormat)
    case container(ContainerFormat)
}

/// One fuzz target: a format family and the way its input is read.
struct FuzzTarget {
    let name: String
    /// The name the sniffer is given (its extension is a hint for text formats).
    let fileName: String
    /// None: the input is read as whatever the sniffer says it is, as a scan reads a file.
    let formats: [ForcedFormat]
    /// Folders of Samples/ and file extensions ("*": any) whose files seed the corpus.
    let seedFolders: [String]
    let seedExtensions: [String]
    /// Largest input libFuzzer makes (Samples' files of the format fit with room to grow).
    let maxLength: Int
    /// For a parts target: the package parts its input holds, separated by NUL bytes in this
    /// order, which the target zips (stored) before reading; an empty piece leaves its part out.
    var parts: [String] = []
    /// For a MIME target: the input is the body of a multipart message whose boundary is "b"
    /// (its parts begin at lines "--b"), so that mutations start among the parts' headers,
    /// parameters, encodings and attached messages rather than in the message's own headers.
    var multipartBody = false

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "text", fileName: "notes.txt", formats: [.document(.text), .document(.csv), .document(.tsv)],
                   seedFolders: ["text", "tables", "config"], seedExtensions: ["txt", "csv", "tsv", "env"], maxLength: 16 << 10),
        FuzzTarget(name: "html", fileName: "page.html", formats: [.document(.html)],
                   seedFolders: ["web"], seedExtensions: ["html", "htm"], maxLength: 32 << 10),
        FuzzTarget(name: "xml", fileName: "records.xml", formats: [.document(.xml)],
                   seedFolders: ["data"], seedExtensions: ["xml"], maxLength: 32 << 10),
        FuzzTarget(name: "json", fileName: "records.json", formats: [.document(.json)],
                   seedFolders: ["data"], seedExtensions: ["json"], maxLength: 32 << 10),
        FuzzTarget(name: "rtf", fileName: "letter.rtf", formats: [.document(.rtf)],
                   seedFolders: ["rtf"], seedExtensions: ["rtf"], maxLength: 32 << 10),
        FuzzTarget(name: "docx", fileName: "letter.docx", formats: [.document(.docx)],
                   seedFolders: ["office"], seedExtensions: ["docx"], maxLength: 64 << 10),
        FuzzTarget(name: "xlsx", fileName: "sheet.xlsx", formats: [.document(.xlsx)],
                   seedFolders: ["office"], seedExtensions: ["xlsx"], maxLength: 64 << 10),
        FuzzTarget(name: "pptx", fileName: "slides.pptx", formats: [.document(.pptx)],
                   seedFolders: ["office"], seedExtensions: ["pptx"], maxLength: 64 << 10),
        FuzzTarget(name: "odf", fileName: "document.odt", formats: [.document(.odt), .document(.ods)],
                   seedFolders: ["opendocument"], seedExtensions: ["odt", "ods", "odp"], maxLength: 64 << 10),
        FuzzTarget(name: "mail", fileName: "message.eml", formats: [.container(.email), .container(.mbox)],
                   seedFolders: ["email"], seedExtensions: ["eml", "mbox"], maxLength: 32 << 10),
        // GMime's parser from inside a message: the parts of a multipart.
        FuzzTarget(name: "mime-parts", fileName: "message.eml", formats: [.container(.email)],
                   seedFolders: ["email"], seedExtensions: ["eml"], maxLength: 32 << 10, multipartBody: true),
        FuzzTarget(name: "msg", fileName: "message.msg", formats: [.container(.outlook)],
                   seedFolders: ["email"], seedExtensions: ["msg"], maxLength: 64 << 10),
        FuzzTarget(name: "ole2", fileName: "legacy.doc", formats: [.document(.doc), .document(.xls), .document(.ppt), .document(.ole2)],
                   seedFolders: ["legacy"], seedExtensions: ["doc", "xls", "ppt"], maxLength: 64 << 10),
        FuzzTarget(name: "pdf", fileName: "document.pdf", formats: [.document(.pdf)],
                   seedFolders: ["pdf"], seedExtensions: ["pdf"], maxLength: 32 << 10),
        FuzzTarget(name: "archive", fileName: "bundle.zip",
                   formats: [.container(.zip), .container(.tar), .container(.gzip), .container(.sevenZip)],
                   seedFolders: ["archives"], seedExtensions: ["zip", "7z", "gz", "bz2", "xz", "tar", "rar"], maxLength: 64 << 10),
        FuzzTarget(name: "image", fileName: "picture.jpg",
                   formats: [.document(.jpeg), .document(.png), .document(.tiff), .document(.gif)],
                   seedFolders: ["images", "other"], seedExtensions: ["jpg", "jpeg", "png", "tif", "tiff", "gif"], maxLength: 32 << 10),
        // Any file, read as the scanner reads it: the sniffer alone decides what it is.
        FuzzTarget(name: "any", fileName: "file", formats: [],
                   seedFolders: ["text", "tables", "web", "data", "rtf", "email", "archives", "legacy", "office", "opendocument", "pdf", "images"],
                   seedExtensions: ["*"], maxLength: 64 << 10),
        // The Office readers behind a well-formed zip: the input is the XML of the parts.
        FuzzTarget(name: "docx-parts", fileName: "letter.docx", formats: [.document(.docx)],
                   seedFolders: ["office"], seedExtensions: ["docx"], maxLength: 64 << 10,
                   parts: ["word/document.xml", "word/header1.xml", "word/footnotes.xml", "word/comments.xml"]),
        FuzzTarget(name: "xlsx-parts", fileName: "sheet.xlsx", formats: [.document(.xlsx)],
                   seedFolders: ["office"], seedExtensions: ["xlsx"], maxLength: 64 << 10,
                   parts: ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
                           "xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/comments1.xml",
                           "xl/pivotCache/pivotCacheDefinition1.xml", "xl/pivotCache/pivotCacheRecords1.xml"]),
        FuzzTarget(name: "pptx-parts", fileName: "slides.pptx", formats: [.document(.pptx)],
                   seedFolders: ["office"], seedExtensions: ["pptx"], maxLength: 64 << 10,
                   parts: ["ppt/slides/slide1.xml", "ppt/slides/slide2.xml", "ppt/notesSlides/notesSlide1.xml"]),
        FuzzTarget(name: "odf-parts", fileName: "document.odt", formats: [.document(.odt), .document(.ods)],
                   seedFolders: ["opendocument"], seedExtensions: ["odt", "ods", "odp"], maxLength: 64 << 10,
                   parts: ["content.xml", "styles.xml", "Object 1/content.xml"]),
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// Runs one input through the target.
    func run(_ input: [UInt8], with path: FilePath) {
        let bytes = !parts.isEmpty ? package(input) : multipartBody ? Self.multipartHead + input : input
        if formats.isEmpty {
            path.sniffed(bytes, name: Array(fileName.utf8), depth: 0)
            return
        }
        _ = Sniffer.sniff(bytes, name: Array(fileName.utf8))
        for format in formats {
            switch format {
            case .document(let f): path.document(bytes, format: f, depth: 0)
            case .container(let f): path.container(bytes, format: f, name: Array(fileName.utf8), depth: 0)
            }
        }
    }
}

extension FuzzTarget {
    /// The headers a MIME target's input follows.
    static let multipartHead = Array("From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n".utf8)

    /// The input's NUL-separated pieces as the target's parts, in a stored zip.
    func package(_ input: [UInt8]) -> [UInt8] {
        let pieces = input.split(separator: 0, omittingEmptySubsequences: false)
        let entries = zip(parts, pieces).filter { !$0.1.isEmpty }.map { (name: $0.0, bytes: Array($0.1)) }
        return storedZip(entries)
    }
}

/// The scanner's calls for one file, with the detector searching every chunk.
final class FilePath {
    /// Members deeper than this are sniffed but not read (the scanner's depth limit, kept small).
    static let maxDepth = 1

    let limits: ExtractLimits
    let detector: Detector?
    private var matches: [Match] = []
    /// The names read in the file's prose, for the person it is about (`ProseNames`).
    private var prose = ProseNames()
    /// Chunks searched and matches found so far (the replay driver prints them, which shows
    /// that an input reached a reader).
    private(set) var chunks = 0
    private(set) var found = 0

    init(detector: Detector?) {
        var limits = ExtractLimits()
        limits.maxMemberSize = 8 << 20
        limits.maxTotalExpansion = 64 << 20
        limits.maxMembers = 10_000
        self.limits = limits
        self.detector = detector
    }

    func search(_ chunk: TextChunk) {
        chunks += 1
        guard let detector else { return }
        matches.removeAll(keepingCapacity: true)
        detector.detect(chunk, into: &matches)
        found += matches.count
        if let names = detector.gazetteer { prose.observe(chunk, gazetteer: names) }
    }

    /// A file or member whose format is decided by sniffing, as the scanner reads it.
    func sniffed(_ bytes: [UInt8], name: [UInt8], depth: Int) {
        if depth == 0, let names = detector?.gazetteer, let title = Extraction.fileNameChunk(name) {
            prose = ProseNames()
            prose.observeTitle(title, gazetteer: names)
        }
        switch Sniffer.sniff(bytes, name: name) {
        case .document(let f): document(bytes, format: f, depth: depth)
        case .container(let f): container(bytes, format: f, name: name, depth: depth)
        case .unsupported, .empty: break
        }
        if depth == 0 { found += prose.findings().count }
    }

    func document(_ bytes: [UInt8], format: DocumentFormat, depth: Int) {
        _ = try? Extraction.extractText(bytes, format: format, limits: limits, emit: search)
        _ = Extraction.isPhotograph(bytes, format: format)
        if Extraction.mayEmbed(bytes, format: format) {
            members(bytes, format: .zip, name: [], only: Extraction.isEmbedded, depth: depth)
        }
    }

    func container(_ bytes: [UInt8], format: ContainerFormat, name: [UInt8], depth: Int) {
        Extraction.containerText(bytes, format: format, emit: search)
        members(bytes, format: format, name: name, only: nil, depth: depth)
    }

    private func members(_ bytes: [UInt8], format: ContainerFormat, name: [UInt8], only: (([UInt8]) -> Bool)?, depth: Int) {
        let budget = ExpansionBudget(limits: limits, outerSize: bytes.count)
        try? Extraction.forEachMember(bytes, format: format, containerName: name, limits: limits, budget: budget, only: only) { member in
            guard case .success(let data) = member.content else { return true }
            if depth < Self.maxDepth {
                sniffed(data, name: member.name, depth: depth + 1)
            } else {
                _ = Sniffer.sniff(data, name: member.name)
            }
            return true
        }
    }
}

/// The detector over the project's patterns, or nil (with a message) when they cannot be loaded:
/// the extractors are still fuzzed then.
func loadDetector() -> Detector? {
    let directory = ProcessInfo.processInfo.environment["TRAWL_FUZZ_PATTERNS"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Patterns").path
    do {
        return Detector(try PatternSet(PatternLibrary.load(directory: directory)))
    } catch {
        FileHandle.standardError.write(Array("trawl-fuzz: patterns not loaded from \(directory) (\(error)); chunks are not searched\n".utf8).withUnsafeBufferPointer { Data($0) })
        return nil
    }
}
