// The extract stage's interface: bytes of one file or member in, text chunks or members out.
//
// The caller (the scan pipeline) decides what to do with members, so recursion, the ledger entry
// for each member and the depth limit live in one place there; this module only knows formats.
// Everything is read from memory: nothing is unpacked to disk.
import LibArchive
import LibXML2
import TrawlModel

/// Limits that bound the work one file can cause.
package struct ExtractLimits: Sendable {
    /// Largest archive member (or office part) read into memory; larger members are reported too large.
    package var maxMemberSize = 64 * 1024 * 1024
    /// Most members read from one archive; the rest are reported as a limit breach.
    package var maxMembers = 100_000
    /// Most bytes unpacked from one file on disk, over all its archives and members (zip bombs).
    package var maxTotalExpansion = 1024 * 1024 * 1024
    /// Most bytes unpacked per byte of the file on disk, once more than 16 MiB were unpacked.
    package var maxExpansionRatio = 200

    package init() {}
}

/// How much one file on disk may expand into, shared by every archive nested in it.
package final class ExpansionBudget {
    private let limits: ExtractLimits
    private let outerSize: Int
    package private(set) var expanded = 0

    package init(limits: ExtractLimits, outerSize: Int) {
        self.limits = limits
        self.outerSize = max(outerSize, 1)
    }

    /// Bytes that may still be unpacked before the total limit.
    package var remaining: Int { max(0, limits.maxTotalExpansion - expanded) }

    /// Counts `bytes` unpacked.
    /// - Throws: `.limitExceeded` past the total or the ratio limit: what is left is not read.
    package func charge(_ bytes: Int) throws(ExtractError) {
        expanded += bytes
        if expanded > limits.maxTotalExpansion {
            throw .limitExceeded("archive expands past \(limits.maxTotalExpansion) bytes; the rest was not read (a zip bomb?)")
        }
        if expanded > 16 << 20 && expanded / outerSize > limits.maxExpansionRatio {
            throw .limitExceeded("archive expands more than \(limits.maxExpansionRatio) times its size; the rest was not read (a zip bomb?)")
        }
    }
}

/// Why a document or archive could not be read. Converted to a `ScanIssue` for the report.
package enum ExtractError: Error, Sendable {
    case corrupt(String)
    case encrypted(String)
    case unsupported(String)
    case tooLarge(String)
    case limitExceeded(String)
    /// The reader itself failed on the document (its process crashed or ran out of memory).
    case unreadable(String)

    /// The error an issue of this kind reports (an issue from a worker process's reply).
    package init(_ issue: ScanIssue) {
        switch issue.kind {
        case .corrupt, .malformed: self = .corrupt(issue.message)
        case .encrypted: self = .encrypted(issue.message)
        case .unsupported: self = .unsupported(issue.message)
        case .tooLarge: self = .tooLarge(issue.message)
        case .limitExceeded: self = .limitExceeded(issue.message)
        case .symlink: self = .symlink(issue.message)
        case .specialFile: self = .specialFile(issue.message)
        default: self = .unreadable(issue.message)
        }
    }
    /// An archive member that is a symbolic link: listed, never followed.
    case symlink(String)
    /// An archive member that is a hard link without data, a device, a FIFO or a socket.
    case specialFile(String)

    package var issue: ScanIssue {
        switch self {
        case .corrupt(let m): ScanIssue(.corrupt, m)
        case .encrypted(let m): ScanIssue(.encrypted, m)
        case .unsupported(let m): ScanIssue(.unsupported, m)
        case .tooLarge(let m): ScanIssue(.tooLarge, m)
        case .limitExceeded(let m): ScanIssue(.limitExceeded, m)
        case .unreadable(let m): ScanIssue(.unreadable, m)
        case .symlink(let m): ScanIssue(.symlink, m)
        case .specialFile(let m): ScanIssue(.specialFile, m)
        }
    }
}

/// One member of an archive, read or not.
package struct ArchiveMember {
    package var name: [UInt8]
    /// The member's bytes, or why they could not be read.
    package var content: Result<[UInt8], ExtractError>
    package var declaredSize: Int?
}

package enum Extraction {
    /// JSON text up to this size is held, chunk by chunk, until the whole document has parsed;
    /// larger documents are parsed twice instead (see `jsonText`).
    static let jsonHeldBelow = 8 << 20

    /// The chunks of a JSON document, or its text searched as plain text when it does not parse
    /// (with an issue saying so). Nothing is emitted before the document is known to parse, so
    /// bad JSON is not half emitted as records and then again as text.
    static func jsonText(_ text: [UInt8], heldBelow: Int = jsonHeldBelow, emit: (TextChunk) -> Void) -> [ScanIssue] {
        do {
            if text.count <= heldBelow {
                var chunks: [TextChunk] = []
                try JSONExtractor.extract(text) { chunks.append($0) }
                chunks.forEach(emit)
            } else {
                // A first pass that keeps nothing, then a second that emits as it goes: memory
                // stays flat, for twice the parsing.
                try JSONExtractor.extract(text) { _ in }
                try JSONExtractor.extract(text, emit: emit)
            }
            return []
        } catch {
            PlainTextExtractor.extract(text, emit: emit)
            return [ScanIssue(.malformed, "not valid JSON (line \(error.line): \(error.reason)); searched as plain text")]
        }
    }

    /// Extracts the text of a document, calling `emit` for each chunk in document order: the
    /// table of which reader reads which format.
    /// - Returns: problems that did not stop extraction (malformed JSON read as plain text).
    /// - Throws: `ExtractError` when nothing sensible can be read.
    package static func extractText(_ bytes: [UInt8], format: DocumentFormat, limits: ExtractLimits,
                                    emit: (TextChunk) -> Void) throws(ExtractError) -> [ScanIssue] {
        do {
            switch format {
            case .text: PlainTextExtractor.extract(TextDecoding.toUTF8(bytes).text, emit: emit)
            case .csv: DelimitedExtractor.extract(TextDecoding.toUTF8(bytes).text, fallback: 44, emit: emit)
            case .tsv: DelimitedExtractor.extract(TextDecoding.toUTF8(bytes).text, fallback: 9, emit: emit)
            case .json: return jsonText(TextDecoding.toUTF8(bytes).text, emit: emit)
            case .html: try HTMLExtractor.extract(TextDecoding.toUTF8(bytes).text, emit: emit)
            case .xml: try XMLRecordExtractor.extract(bytes, emit: emit)
            case .rtf: RTFExtractor.extract(bytes, emit: emit)
            case .docx: try OfficeText.word(bytes, limits: limits, emit: emit)
            case .pptx: try OfficeText.presentation(bytes, limits: limits, emit: emit)
            case .xlsx: try OfficeText.workbook(bytes, limits: limits, emit: emit)
            case .odt, .ods, .odp: try OfficeText.openDocument(bytes, format: format, limits: limits, emit: emit)
            case .doc, .xls, .ppt, .ole2: try LegacyOffice.text(bytes, format: format, emit: emit)
            case .pdf: try PDFText.extract(bytes, emit: emit)
            case .jpeg, .png, .tiff, .gif: ImageMetadata.text(bytes, format: format.image!, emit: emit)
            case .binary:
                PrintableRuns.extract(bytes, emit: emit)
                return [PrintableRuns.issue]
            }
        } catch let error as XMLError {
            throw .corrupt("\(format.rawValue): XML is not well-formed: \(error)")
        } catch let error as ExtractError {
            throw error
        } catch {
            throw .corrupt("\(format.rawValue): \(error)")
        }
        return []
    }

    /// Reads an archive's members one at a time, in archive order, and passes each to `visit`
    /// while the archive is open (so nested archives are read depth-first, never all at once).
    /// `visit` returns false to stop reading (the caller's time limit). A member that is a link or
    /// a device is passed too, never followed, with `.symlink` or `.specialFile` as its content.
    /// A compressed stream is read as its one member when no archive format finds an entry in it.
    /// - Parameters:
    ///   - containerName: the archive's own name, which names the single member of a compressed
    ///     stream ("notes.txt.gz" holds "notes.txt").
    ///   - budget: the expansion budget of the outermost file, shared by every archive inside it.
    /// - Throws: `ExtractError.corrupt` when the archive cannot be opened or breaks off;
    ///   `.limitExceeded` when the member count or the expansion budget runs out. Members visited
    ///   before the error stay visited.
    ///   - only: when given, the members whose names it accepts; the rest are passed over unread
    ///     and not counted (an Office document's embedded files among its other parts).
    package static func forEachMember(_ bytes: [UInt8], format: ContainerFormat, containerName: [UInt8],
                                      limits: ExtractLimits, budget: ExpansionBudget,
                                      only: (([UInt8]) -> Bool)? = nil,
                                      _ visit: (ArchiveMember) -> Bool) throws(ExtractError) {
        if format == .email || format == .mbox || format == .outlook {
            let members: [(name: [UInt8], bytes: [UInt8])]
            var unread: ExtractError?
            switch format {
            case .email:
                let message = Mail.parse(bytes)
                (members, unread) = (message.attachments, message.unread)
            case .outlook: members = (try? CompoundFile(bytes)).map(LegacyOffice.attachments) ?? []
            default: members = Mail.mboxMessages(bytes).enumerated().map { (Array("message-\(String(format: "%04d", $0.offset + 1)).eml".utf8), $0.element) }
            }
            for (i, m) in members.enumerated() where only?(m.name) ?? true {
                if i >= limits.maxMembers { throw .limitExceeded("more than \(limits.maxMembers) members; the rest were not read") }
                try budget.charge(m.bytes.count)
                let content: Result<[UInt8], ExtractError> = m.bytes.count > limits.maxMemberSize
                    ? .failure(.tooLarge("member of \(m.bytes.count) bytes is over the limit of \(limits.maxMemberSize)")) : .success(m.bytes)
                if !visit(ArchiveMember(name: m.name, content: content, declaredSize: m.bytes.count)) { return }
            }
            if let unread { throw unread }
            return
        }
        let compressed = [.gzip, .bzip2, .xz].contains(format)
        var count = 0
        do {
            let reading = try readArchive(bytes, formats: compressed ? .archivesOrCompressedStream : .archives,
                                          containerName: containerName, limits: limits, budget: budget, only: only,
                                          count: &count, visit)
            // A compressed stream whose content a multi-entry reader took for an empty archive
            // (tar ends at a block of NUL bytes, and a log or dump may well start with 512 of
            // them) is read again as the stream's single member; wholly NUL content is an empty
            // tar after all, with no member.
            if compressed && reading == .noEntries {
                _ = try readArchive(bytes, formats: .compressedStream, containerName: containerName, limits: limits,
                                    budget: budget, only: only, count: &count, skipAllNUL: true, visit)
            }
        } catch let error as ExtractError {
            throw error
        } catch let error as ArchiveError {
            throw .corrupt("\(format.rawValue): \(error.message)")
        } catch {
            throw .corrupt("\(format.rawValue): \(error)")
        }
    }

    /// How reading an archive's entries ended.
    private enum ArchiveReading { case noEntries, finished, stopped }

    /// Reads the entries of an archive held by libarchive, passing each member to `visit`.
    /// `count`: members counted so far, against the member limit. `skipAllNUL`: a member whose
    /// bytes are all NUL is not visited (see `forEachMember`).
    private static func readArchive(_ bytes: [UInt8], formats: ArchiveFormats, containerName: [UInt8],
                                    limits: ExtractLimits, budget: ExpansionBudget, only: (([UInt8]) -> Bool)?,
                                    count: inout Int, skipAllNUL: Bool = false,
                                    _ visit: (ArchiveMember) -> Bool) throws -> ArchiveReading {
        var entries = 0
        return try bytes.withUnsafeBytes { raw in
            try ArchiveReader.read(raw, formats: formats) { reader in
                while let entry = try reader.nextEntry() {
                    entries += 1
                    if entry.isDirectory { continue }
                    if let only, !only(entry.pathBytes) { continue }
                    count += 1
                    var name = entry.pathBytes
                    if reader.formatName == "raw" { name = strippedCompressionSuffix(containerName) }
                    if count > limits.maxMembers {
                        throw ExtractError.limitExceeded("more than \(limits.maxMembers) members; the rest were not read")
                    }
                    let member: ArchiveMember
                    if let notAFile = notAFile(entry) {
                        // Links and devices are listed with what they are, and never followed.
                        member = ArchiveMember(name: name, content: .failure(notAFile), declaredSize: 0)
                    } else if entry.isEncrypted {
                        member = ArchiveMember(name: name, content: .failure(.encrypted("archive member is encrypted")),
                                               declaredSize: entry.declaredSize)
                    } else if let size = entry.declaredSize, size > limits.maxMemberSize {
                        member = ArchiveMember(name: name, content: .failure(.tooLarge("member of \(size) bytes is over the limit of \(limits.maxMemberSize)")),
                                               declaredSize: size)
                    } else {
                        do {
                            // Never read more than the member limit or what is left of the budget.
                            let limit = min(limits.maxMemberSize, budget.remaining)
                            let (data, truncated) = try reader.readData(limit: limit)
                            if truncated && limit < limits.maxMemberSize {
                                try budget.charge(limit + 1)  // throws: the budget is spent
                            }
                            if truncated {
                                member = ArchiveMember(name: name, content: .failure(.tooLarge("member expands past the limit of \(limits.maxMemberSize) bytes")),
                                                       declaredSize: entry.declaredSize)
                            } else {
                                try budget.charge(data.count)
                                if skipAllNUL && !data.contains(where: { $0 != 0 }) {
                                    count -= 1
                                    continue
                                }
                                member = ArchiveMember(name: name, content: .success(data), declaredSize: entry.declaredSize)
                            }
                        } catch let error as ArchiveError {
                            // The member whose data broke is reported as such; a fatal error then
                            // also ends the archive (reported on the archive's own entry).
                            let lowered = error.message.lowercased()
                            let failure: ExtractError = lowered.contains("encrypt") || lowered.contains("passphrase")
                                ? .encrypted(error.message) : .corrupt(error.message)
                            _ = visit(ArchiveMember(name: name, content: .failure(failure), declaredSize: entry.declaredSize))
                            if error.severity == .fatal { throw error }
                            continue
                        }
                    }
                    if !visit(member) { return .stopped }
                }
                return entries == 0 ? .noEntries : .finished
            }
        }
    }

    /// Why an entry that is not a file with content of its own is not read: a symbolic link
    /// (never followed: its target may be anywhere, inside the archive or outside), a hard link
    /// with no data (its content is read under the name it links to), a device, FIFO or socket.
    /// Nil for a regular file, or a hard link that carries its data.
    static func notAFile(_ entry: ArchiveEntryInfo) -> ExtractError? {
        func shown(_ path: [UInt8]) -> String { String(decoding: path, as: UTF8.self) }
        switch entry.fileType {
        case .regular:
            guard let target = entry.hardLinkTarget, (entry.declaredSize ?? 0) == 0 else { return nil }
            return .specialFile("hard link to \(shown(target)) in an archive; its content is read as that member")
        case .directory: return nil
        case .symbolicLink:
            return .symlink("symbolic link in an archive, not followed (to \(shown(entry.symbolicLinkTarget ?? [])))")
        case .characterDevice: return .specialFile("character device in an archive, not read")
        case .blockDevice: return .specialFile("block device in an archive, not read")
        case .fifo: return .specialFile("named pipe (FIFO) in an archive, not read")
        case .socket: return .specialFile("socket in an archive, not read")
        case .unknown(let mode): return .specialFile("entry of unknown type (mode \(String(mode, radix: 8))) in an archive, not read")
        }
    }

    /// Whether this document may carry files of its own inside it: an Office Open XML package
    /// keeps embedded objects (a workbook in a report, a document in a slide) as parts under
    /// `word/embeddings/`, `xl/embeddings/` or `ppt/embeddings/`. A package's part names are
    /// stored as they are, so one without the words is not opened a second time to look.
    package static func mayEmbed(_ bytes: [UInt8], format: DocumentFormat) -> Bool {
        (format == .docx || format == .xlsx || format == .pptx) && ByteSearch.first(embeddingsFolder, in: bytes) != nil
    }
    private static let embeddingsFolder = Array("/embeddings/".utf8)

    /// Whether a part of an Office Open XML package is an embedded file.
    package static func isEmbedded(_ part: [UInt8]) -> Bool {
        guard let slash = part.firstIndex(of: 47) else { return false }
        let rest = part[(slash + 1)...]
        return rest.starts(with: "embeddings/".utf8) && rest.count > "embeddings/".utf8.count
            && ["word", "xl", "ppt"].contains { part[..<slash].elementsEqual($0.utf8) }
    }

    /// Chunks of text read from an image by OCR (part "ocr"), lines as in plain text.
    package static func ocrChunks(_ text: String) -> [TextChunk] {
        var cursor = PartCursor(part: "ocr")
        var block = ProseBlock()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { block.add(paragraph: Array(line.utf8)) }
        return block.take(&cursor).map { [$0] } ?? []
    }

    /// True for an image that looks like a photograph (a JPEG, or an image whose EXIF names a
    /// camera): the policy may give photographs a level of their own.
    package static func isPhotograph(_ bytes: [UInt8], format: DocumentFormat) -> Bool {
        guard let image = format.image else { return false }
        return ImageMetadata.isPhotograph(ImageMetadata.fields(bytes, format: image), format: image)
    }

    /// A container's own text: an email's headers and text bodies (its attachments are members).
    /// Other containers have none.
    package static func containerText(_ bytes: [UInt8], format: ContainerFormat, emit: (TextChunk) -> Void) {
        if format == .outlook, let cfb = try? CompoundFile(bytes) { LegacyOffice.messageText(cfb, emit: emit); return }
        guard format == .email else { return }
        let message = Mail.parse(bytes)
        var headers = RowBuilder()
        for (name, value) in message.headers where Mail.personHeaders.contains(name.lowercased()) {
            headers.add(Array(value.utf8), label: name)
        }
        var cursor = PartCursor(part: "headers")
        if let c = cursor.row(headers) { emit(c) }
        for (i, body) in message.texts.enumerated() {
            let part = message.texts.count > 1 ? "body \(i + 1)" : "body"
            if body.html {
                try? HTMLExtractor.extract(body.text, emit: { var c = $0; c.part = part; emit(c) })
            } else {
                PlainTextExtractor.extract(body.text) { var c = $0; c.part = part; emit(c) }
            }
        }
    }

    /// "notes.txt.gz" → "notes.txt"; "backup.tgz" → "backup.tar".
    static func strippedCompressionSuffix(_ name: [UInt8]) -> [UInt8] {
        let base = name.split(separator: 47).last.map(Array.init) ?? name
        let s = String(decoding: base, as: UTF8.self)
        for (suffix, replacement) in [(".tgz", ".tar"), (".tbz2", ".tar"), (".txz", ".tar"), (".gz", ""), (".bz2", ""), (".xz", "")]
        where s.lowercased().hasSuffix(suffix) && s.count > suffix.count {
            return Array((String(s.dropLast(suffix.count)) + replacement).utf8)
        }
        return Array((s + ".data").utf8)
    }
}
