// A small safe wrapper over libarchive's read side. It knows nothing of Trawl.
//
// Design: archives are read from memory only (Trawl never unpacks to disk); the bytes are lent to
// the reader for the duration of one closure, so no pointer outlives its buffer. Status codes are
// mapped in one place: ARCHIVE_WARN is kept as a warning and reading goes on, ARCHIVE_FAILED
// affects one entry, ARCHIVE_FATAL ends the archive.
internal import CArchive

/// An error reported by libarchive, with its message and errno.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    public enum Severity: Sendable { case entry, fatal }
    public let severity: Severity
    public let errno: Int32
    public let message: String
    public let operation: String

    public var description: String { "\(operation): \(message)" }
}

/// What a reader accepts.
public enum ArchiveFormats: Sendable {
    /// Multi-entry archives (zip, tar, 7z, cpio, ...) behind any compression filter.
    case archives
    /// The above, plus a single compressed stream (gzip, bzip2, xz) read as one entry named "data".
    case archivesOrCompressedStream
    /// A single compressed stream alone, read as one entry, with no multi-entry format: for a
    /// stream whose content a multi-entry reader claimed and found empty (tar takes a block of
    /// NUL bytes for the end of an archive, so text after 512 NULs read as an empty tar).
    case compressedStream
    /// Zip alone, with no filter (an Office or OpenDocument package): registering every format
    /// and filter cost more than reading a small package's parts.
    case zip
}

/// What kind of file an entry is, as its header says.
public enum ArchiveFileType: Sendable, Equatable {
    case regular, directory, symbolicLink, characterDevice, blockDevice, fifo, socket
    /// A type libarchive reports that none of the above is (its mode bits).
    case unknown(UInt32)
}

/// One entry's header.
public struct ArchiveEntryInfo: Sendable {
    /// The entry's path inside the archive as raw bytes (archives do not promise any encoding).
    public let pathBytes: [UInt8]
    /// The size the header declares, when it declares one.
    public let declaredSize: Int?
    public let isRegularFile: Bool
    public let isDirectory: Bool
    public let fileType: ArchiveFileType
    /// The path a symbolic link entry points at, as stored (never resolved).
    public let symbolicLinkTarget: [UInt8]?
    /// The earlier entry a hard link entry names (tar and cpio store a link's data once, with
    /// the first name; the link itself usually has none).
    public let hardLinkTarget: [UInt8]?
    /// True when the entry's data (or its metadata) is encrypted.
    public let isEncrypted: Bool
}

/// A reader over one archive held in memory. Only usable inside `ArchiveReader.read(_:formats:_:)`.
public final class ArchiveReader {
    private let handle: OpaquePointer
    /// Warnings libarchive raised while reading (ARCHIVE_WARN), in order.
    public private(set) var warnings: [String] = []

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { archive_read_free(handle) }

    /// Opens `bytes` as an archive and calls `body` with a reader over it.
    /// - Throws: `ArchiveError` (fatal) when libarchive does not recognise or cannot open the data;
    ///   and whatever `body` throws.
    public static func read<R>(
        _ bytes: UnsafeRawBufferPointer,
        formats: ArchiveFormats,
        _ body: (ArchiveReader) throws -> R
    ) throws -> R {
        guard let handle = archive_read_new() else {
            throw ArchiveError(severity: .fatal, errno: 0, message: "out of memory", operation: "archive_read_new")
        }
        let reader = ArchiveReader(handle: handle)
        switch formats {
        case .zip:
            archive_read_support_format_zip(handle)
        case .compressedStream:
            archive_read_support_filter_all(handle)
            archive_read_support_format_raw(handle)
        case .archives, .archivesOrCompressedStream:
            archive_read_support_filter_all(handle)
            archive_read_support_format_all(handle)
            if case .archivesOrCompressedStream = formats {
                // The raw handler bids lowest, so a real archive format still wins (tar.gz reads as tar).
                archive_read_support_format_raw(handle)
            }
        }
        let rc = archive_read_open_memory(handle, bytes.baseAddress, bytes.count)
        try reader.check(rc, "archive_read_open_memory")
        return try body(reader)
    }

    /// The next entry's header, or nil at the end of the archive.
    /// - Throws: `ArchiveError`; `.fatal` means nothing more can be read from this archive.
    public func nextEntry() throws(ArchiveError) -> ArchiveEntryInfo? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(handle, &entry)
        if rc == ARCHIVE_EOF { return nil }
        try check(rc, "archive_read_next_header")
        guard let entry else { return nil }
        func bytes(_ c: UnsafePointer<CChar>?) -> [UInt8]? {
            guard var p = c else { return nil }
            var out: [UInt8] = []
            while p.pointee != 0 { out.append(UInt8(bitPattern: p.pointee)); p += 1 }
            return out
        }
        let type = archive_entry_filetype(entry)
        let encrypted = archive_entry_is_encrypted(entry) != 0
        let fileType: ArchiveFileType = switch type {
        case regularFileType, 0: .regular
        case directoryType: .directory
        case symbolicLinkType: .symbolicLink
        case characterDeviceType: .characterDevice
        case blockDeviceType: .blockDevice
        case fifoType: .fifo
        case socketType: .socket
        default: .unknown(type)
        }
        return ArchiveEntryInfo(
            pathBytes: bytes(archive_entry_pathname(entry)) ?? [],
            // The size is the archive's own word, a 64-bit signed field: a negative one says nothing.
            declaredSize: archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) >= 0 ? Int(archive_entry_size(entry)) : nil,
            isRegularFile: fileType == .regular,
            isDirectory: fileType == .directory,
            fileType: fileType,
            symbolicLinkTarget: fileType == .symbolicLink ? bytes(archive_entry_symlink(entry)) ?? [] : nil,
            hardLinkTarget: bytes(archive_entry_hardlink(entry)),
            isEncrypted: encrypted
        )
    }

    /// Reads the current entry's data, at most `limit` bytes.
    /// - Returns: the bytes and whether the entry was longer than `limit` (the rest is not read).
    /// - Throws: `ArchiveError` when the data is corrupt or encrypted.
    public func readData(limit: Int) throws(ArchiveError) -> (bytes: [UInt8], truncated: Bool) {
        var out: [UInt8] = []
        // The block is read into uninitialised memory: zero-filling 64 KiB for each member cost
        // more than inflating a small one.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64 * 1024) { chunk throws(ArchiveError) in
            while true {
                let n = archive_read_data(handle, chunk.baseAddress, chunk.count)
                if n == 0 { return (out, false) }
                if n < 0 { try check(Int32(n), "archive_read_data"); continue }
                if out.count + n > limit {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<(limit - out.count)]))
                    return (out, true)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<n]))
            }
        }
    }

    /// The archive's format name as libarchive reports it ("ZIP 2.0 (deflation)", "raw", ...).
    public var formatName: String {
        guard let name = archive_format_name(handle) else { return "unknown" }
        return String(cString: name)
    }

    private func check(_ rc: Int32, _ operation: String) throws(ArchiveError) {
        switch rc {
        case ARCHIVE_OK, ARCHIVE_EOF:
            return
        case ARCHIVE_WARN:
            warnings.append(currentMessage)
        case ARCHIVE_RETRY, ARCHIVE_FAILED:
            throw ArchiveError(severity: .entry, errno: archive_errno(handle), message: currentMessage, operation: operation)
        default:
            throw ArchiveError(severity: .fatal, errno: archive_errno(handle), message: currentMessage, operation: operation)
        }
    }

    private var currentMessage: String {
        guard let s = archive_error_string(handle) else { return "unknown libarchive error" }
        return String(cString: s)
    }
}

/// AE_IFREG, AE_IFDIR and the other AE_IF* are casts in macros, which Swift does not import; these
/// are their values (the POSIX S_IF* bits, as archive_entry.h defines them).
private let regularFileType: UInt32 = 0o100000
private let directoryType: UInt32 = 0o040000
private let symbolicLinkType: UInt32 = 0o120000
private let characterDeviceType: UInt32 = 0o020000
private let blockDeviceType: UInt32 = 0o060000
private let fifoType: UInt32 = 0o010000
private let socketType: UInt32 = 0o140000
