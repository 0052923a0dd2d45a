// Format sniffing: decide what a file is from its bytes first, its name second.
//
// Magic bytes decide containers and binary formats; an extension can only choose between text
// formats that have no magic (CSV vs TSV vs plain text), or name a binary format we do not read.
// A zip is told apart as docx/xlsx/pptx or odt/ods/odp by the part names and the ODF mimetype,
// which zip stores uncompressed in its local headers.
import Foundation
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

/// Formats whose text Trawl reads.
package enum DocumentFormat: String, Sendable, CaseIterable {
    case text, csv, tsv, html, xml, json, docx, xlsx, pptx, odt, ods, odp, pdf, rtf, jpeg, png, tiff, gif
    /// Legacy Office binary files (OLE2 compound files).
    case doc, xls, ppt
    /// A compound file that is a password-protected Office file, or is damaged.
    case ole2
    /// Binary data of no known format: only its runs of printable text are read (`PrintableRuns`).
    case binary

    /// The image formats, whose text is their metadata (and, with OCR, what the picture shows).
    package var image: ImageFormat? {
        switch self {
        case .jpeg: .jpeg
        case .png: .png
        case .tiff: .tiff
        case .gif: .gif
        default: nil
        }
    }
}

/// Formats that hold other files.
package enum ContainerFormat: String, Sendable, CaseIterable {
    case zip, tar, gzip, bzip2, xz, sevenZip = "7z", rar
    /// An email message: its headers and text bodies are its own text; its attachments are members.
    case email
    /// A mailbox of messages.
    case mbox
    /// An Outlook message (.msg): properties as its own text, attachments as members.
    case outlook
}

/// What sniffing decided.
package enum SniffedFormat: Sendable, Equatable {
    case document(DocumentFormat)
    case container(ContainerFormat)
    /// A format Trawl recognises but does not read (yet).
    case unsupported(String)
    case empty

    package var name: String {
        switch self {
        case .document(let f): f.rawValue
        case .container(let f): f.rawValue
        case .unsupported(let what): what
        case .empty: "empty"
        }
    }
}

package enum Sniffer {
    /// Decides the format of `bytes`; `name` (the file or member name) is a hint for text formats.
    package static func sniff(_ bytes: [UInt8], name: [UInt8]) -> SniffedFormat {
        if bytes.isEmpty { return .empty }
        let ext = fileExtension(name)
        let hint = extensionHints[ext]
        // Magic numbers compared in place (this runs on every file and member); only when the
        // first byte is one a magic number starts with (most text starts with none of them).
        if startsSomeMagic(bytes[0]), let format = sniffMagic(bytes) { return format }
        if bytes.count > 262 && bytes[257..<262].elementsEqual("ustar".utf8) { return .container(.tar) }
        if hint == .tar && looksLikeOldTar(bytes) { return .container(.tar) }

        // Binary of no format named above: a log padded with NULs, a dump, a cache. Its
        // printable runs are searched; a format known but not read stays unsupported.
        guard TextDecoding.looksLikeText(bytes) else { return knownBinary(bytes).map { .unsupported($0) } ?? .document(.binary) }
        if hint == .mbox || Mail.looksLikeMbox(bytes) { return .container(.mbox) }
        if hint == .email || Mail.looksLikeMessage(bytes) { return .container(.email) }
        if case .document(let format)? = hint { return .document(format) }
        // No telling extension: look at the first non-blank bytes.
        // The opening bytes tell HTML, XML and JSON; an XML declaration is followed by its root,
        // which says whether the XML is XHTML, so then more is read.
        // Only a head that opens with "<" can be HTML or XML: when the first byte past the BOM and
        // the blanks is plain ASCII and not "<", it alone decides (no head is made: most files).
        if let first = firstNonBlank(bytes), first != 60, first != 0, first < 128 {
            if hint != .plainText && (first == 123 || first == 91) { return .document(.json) }
            return looksDelimited(bytes) ? .document(.csv) : .document(.text)
        }
        let head = TextDecoding.leadingASCII(bytes, count: 16)
        if head.starts(with: Magic.doctypeHTML) || head.starts(with: Magic.html) { return .document(.html) }
        if head.starts(with: Magic.xmlDeclaration) {
            let more = TextDecoding.leadingASCII(bytes, count: 512)
            return ByteSearch.first(Magic.html, in: more) != nil ? .document(.html) : .document(.xml)
        }
        if hint == .plainText { return looksDelimited(bytes) ? .document(.csv) : .document(.text) }
        if head.first == 123 || head.first == 91 { return .document(.json) }  // "{", "["
        return looksDelimited(bytes) ? .document(.csv) : .document(.text)
    }

    /// Text whose first lines read as a table with a header (an export named .txt or .dat):
    /// read as CSV, in the dialect its lines show (`DelimitedDialect`). Text in another encoding
    /// is looked at decoded: Excel's "Unicode Text" export is UTF-16 with tabs.
    private static func looksDelimited(_ bytes: [UInt8]) -> Bool {
        var head = Array(bytes.prefix(DelimitedDialect.sampleBytes))
        if !TextDecoding.startsAsUTF8(head) {
            if head.count % 2 == 1 { head.removeLast() }  // UTF-16 cut between a unit's bytes
            head = TextDecoding.toUTF8(head).text
        }
        return DelimitedDialect.sniff(head[...], requireHeader: true) != nil
    }

    /// What a file name's extension says, looked up once (it was compared with some twenty names).
    private enum ExtensionHint: Equatable {
        case tar, mbox, email, plainText
        case document(DocumentFormat)
    }

    private static let extensionHints: [String: ExtensionHint] = {
        var hints: [String: ExtensionHint] = ["tar": .tar, "mbox": .mbox, "eml": .email, "txt": .plainText, "log": .plainText, "md": .plainText]
        for e in ["csv"] { hints[e] = .document(.csv) }
        for e in ["tsv", "tab"] { hints[e] = .document(.tsv) }
        for e in ["json", "geojson"] { hints[e] = .document(.json) }
        for e in ["htm", "html", "xhtml"] { hints[e] = .document(.html) }
        for e in ["xml", "xsd", "rss", "svg", "kml", "plist", "xlf"] { hints[e] = .document(.xml) }
        return hints
    }()

    /// Whether a magic number `sniffMagic` knows starts with this byte.
    private static func startsSomeMagic(_ b: UInt8) -> Bool {
        switch b {
        case 0x50, 0x1F, 0x42, 0xFD, 0x37, 0x25, 0x7B, 0xD0, 0x89, 0xFF, 0x47, 0x49, 0x4D, 0x52, 0x7F: true
        default: false
        }
    }

    /// The format a magic number at the start says, if one does.
    private static func sniffMagic(_ bytes: [UInt8]) -> SniffedFormat? {
        func starts(_ magic: StaticString) -> Bool {
            magic.withUTF8Buffer { m in bytes.count >= m.count && bytes.withUnsafeBufferPointer { b in memcmp(b.baseAddress!, m.baseAddress!, m.count) == 0 } }
        }
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts(Magic.zip) || starts(Magic.zipEmpty) {
            return sniffZip(bytes)
        }
        if starts(Magic.gzip) { return .container(.gzip) }
        if starts("BZh") && bytes.count > 3 && (0x31...0x39).contains(bytes[3]) { return .container(.bzip2) }
        if starts(Magic.xz) { return .container(.xz) }
        if starts(Magic.sevenZip) { return .container(.sevenZip) }
        if bytes.count > 262 && bytes[257..<262].elementsEqual("ustar".utf8) { return .container(.tar) }
        if starts("%PDF-") { return .document(.pdf) }
        if starts("{\\rtf") { return .document(.rtf) }
        if starts(CompoundFile.signature) {
            guard let cfb = try? CompoundFile(bytes) else { return .document(.ole2) }
            switch LegacyOffice.kind(cfb) {
            case .doc: return .document(.doc)
            case .xls: return .document(.xls)
            case .ppt: return .document(.ppt)
            case .msg: return .container(.outlook)
            case .encrypted: return .document(.ole2)
            case .unknown: return .unsupported("ole2 compound file")
            }
        }
        if starts(Magic.png) { return .document(.png) }
        if starts(Magic.jpeg) { return .document(.jpeg) }
        if starts("GIF8") { return .document(.gif) }
        if starts(Magic.tiffLittle) || starts(Magic.tiffBig) { return .document(.tiff) }
        if starts(Magic.rar) { return .container(.rar) }
        if starts(Magic.elf) { return .unsupported("elf executable") }
        return nil
    }

    /// Binary formats known by their opening whose printable runs are not searched: programs,
    /// sound, video and fonts, whose strings are code, tags and noise, and which are often large.
    /// Looked at only once the bytes are known not to be text.
    private static func knownBinary(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: String, at offset: Int = 0) -> Bool {
            let m = Array(magic.utf8)
            return bytes.count >= offset + m.count && bytes[offset..<(offset + m.count)].elementsEqual(m)
        }
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts("MZ") { return "windows executable" }
        if starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE]) || starts([0xFE, 0xED, 0xFA, 0xCF]) {
            return "mach-o executable"
        }
        if starts([0xCA, 0xFE, 0xBA, 0xBE]) { return "java class or universal binary" }
        if starts("ftyp", at: 4) { return "iso media (mp4, mov, heic)" }
        if starts("RIFF") { return "riff media (wav, avi, webp)" }
        if starts("OggS") { return "ogg media" }
        if starts("fLaC") { return "flac audio" }
        if starts("ID3") || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) || starts([0xFF, 0xF2]) { return "mp3 audio" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "matroska video" }
        if starts("wOFF") || starts("wOF2") { return "web font" }
        return nil
    }

    /// Magic numbers, and the openings of text formats, made once.
    private enum Magic {
        static let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        static let zipEmpty: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        static let gzip: [UInt8] = [0x1F, 0x8B]
        static let xz: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
        static let sevenZip: [UInt8] = [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]
        static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        static let tiffLittle: [UInt8] = [0x49, 0x49, 0x2A, 0x00]
        static let tiffBig: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A]
        static let rar: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07]
        static let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
        // Openings of text formats, lower case.
        static let doctypeHTML = Array("<!doctype html".utf8)
        static let html = Array("<html".utf8)
        static let xmlDeclaration = Array("<?xml".utf8)
    }

    /// The first byte after a UTF-8 BOM and leading blanks, as `TextDecoding.leadingASCII` skips
    /// them; nil when there is none.
    private static func firstNonBlank(_ bytes: [UInt8]) -> UInt8? {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count {
            let b = bytes[i]
            if b != 32 && b != 9 && b != 10 && b != 13 { return b }
            i += 1
        }
        return nil
    }

    static func fileExtension(_ name: [UInt8]) -> String {
        guard let dot = name.lastIndex(of: 46), let slash = name.lastIndex(of: 47).map({ $0 + 1 }) ?? Optional(0),
              dot >= slash else { return "" }
        return String(decoding: name[(dot + 1)...], as: UTF8.self).lowercased()
    }

    private static func sniffZip(_ bytes: [UInt8]) -> SniffedFormat {
        // ODF: the first member is "mimetype", stored, so its content follows its local header.
        if let range = ByteSearch.first(Array("mimetypeapplication/vnd.oasis.opendocument.".utf8), in: bytes) {
            let tail = bytes[range.upperBound..<min(bytes.count, range.upperBound + 16)]
            let kind = String(decoding: tail, as: UTF8.self)
            if kind.hasPrefix("text") { return .document(.odt) }
            if kind.hasPrefix("spreadsheet") { return .document(.ods) }
            if kind.hasPrefix("presentation") { return .document(.odp) }
        }
        if ByteSearch.first(Array("[Content_Types].xml".utf8), in: bytes) != nil {
            if ByteSearch.first(Array("word/document.xml".utf8), in: bytes) != nil { return .document(.docx) }
            if ByteSearch.first(Array("xl/workbook.xml".utf8), in: bytes) != nil { return .document(.xlsx) }
            if ByteSearch.first(Array("ppt/presentation.xml".utf8), in: bytes) != nil { return .document(.pptx) }
        }
        return .container(.zip)
    }

    private static func looksLikeOldTar(_ bytes: [UInt8]) -> Bool {
        // Pre-POSIX tar has no magic; its header checksum is the check.
        guard bytes.count >= 512 else { return false }
        let field = String(decoding: bytes[148..<156], as: UTF8.self).trimmingCharacters(in: .whitespaces.union(["\0"]))
        guard let stored = Int(field, radix: 8) else { return false }
        var sum = 0
        for i in 0..<512 { sum += (148..<156).contains(i) ? 32 : Int(bytes[i]) }
        return sum == stored
    }
}
