// An Office Open XML or OpenDocument package: a zip whose parts are read selectively, and each part
// as its readers get it (`OfficePart`).
//
// A part is held whole up to `ExtractLimits.maxMemberSize` (the plain reader of sheets and Word
// parts reads from bytes in memory). A larger part is not held: it is read again from the package
// when its reader comes to it, by libxml2 in pieces as it inflates, so that a worksheet of hundreds
// of megabytes (an MIS export of every learner) is read in the memory of one piece, up to
// `ExtractLimits.maxTotalExpansion`.
import LibArchive
import LibXML2
import TrawlModel

/// A part of a package, as its readers get it.
enum OfficePart {
    /// The part's bytes.
    case held([UInt8])
    /// A part too large to hold, read from its package as it inflates.
    case streamed(StreamedPart)

    /// Calls `body` with libxml2's reader over the part.
    /// - Throws: `XMLError` where the part is not well-formed; `ExtractError` where a streamed
    ///   part cannot be inflated or inflates past its limit; what `body` throws.
    func withLibXML2<R>(_ body: (XMLStreamReader) throws -> R) throws -> R {
        switch self {
        case .held(let bytes): return try bytes.withUnsafeBytes { try XMLStreamReader.read($0, body) }
        case .streamed(let part): return try part.read(body)
        }
    }
}

/// A part read again from its package, in pieces as it inflates.
struct StreamedPart {
    let package: [UInt8]
    /// Which entry of the zip the part is, counted from 0 (a name can be there twice; the last
    /// one is the part, as for a held part).
    let entry: Int
    let name: String
    /// Most bytes the part may inflate to.
    let limit: Int

    func read<R>(_ body: (XMLStreamReader) throws -> R) throws -> R {
        try OfficePackage.archiveErrors {
            try package.withUnsafeBytes { raw in
                try ArchiveReader.read(raw, formats: .zip) { reader in
                    var index = 0
                    while try reader.nextEntry() != nil {
                        if index == entry { return try inflating(reader, body) }
                        index += 1
                    }
                    throw ExtractError.corrupt("package: part \(name) was not found again")
                }
            }
        }
    }

    /// libxml2 fed with the entry `reader` is on; a failure to inflate it is thrown as itself,
    /// not as the parser's "not well-formed" at the point where its input stopped.
    private func inflating<R>(_ reader: ArchiveReader, _ body: (XMLStreamReader) throws -> R) throws -> R {
        var failure: Error?
        var inflated = 0
        do {
            return try XMLStreamReader.read(pulling: { buffer in
                do {
                    let n = try reader.readData(into: buffer)
                    inflated += n
                    if inflated > limit {
                        throw ExtractError.tooLarge("part \(name) expands past the limit of \(limit) bytes")
                    }
                    return n
                } catch {
                    failure = error
                    return -1
                }
            }, body)
        } catch let error as XMLError {
            throw failure ?? error
        }
    }
}

enum OfficePackage {
    /// The parts of the package at `bytes` whose names `wanted` accepts, by name.
    static func read(_ bytes: [UInt8], limits: ExtractLimits, wanted: (String) -> Bool) throws(ExtractError) -> [String: OfficePart] {
        var parts: [String: OfficePart] = [:]
        do {
            try archiveErrors {
                try bytes.withUnsafeBytes { raw in
                    // A package is a zip (the sniffer said so from its first bytes).
                    try ArchiveReader.read(raw, formats: .zip) { reader in
                        var index = -1
                        while let entry = try reader.nextEntry() {
                            index += 1
                            let name = String(decoding: entry.pathBytes, as: UTF8.self)
                            guard wanted(name) else { continue }
                            if entry.isEncrypted {
                                throw ExtractError.encrypted("part \(name) is encrypted")
                            }
                            let streamed = OfficePart.streamed(StreamedPart(package: bytes, entry: index, name: name,
                                                                            limit: limits.maxTotalExpansion))
                            // The size in the entry's header, where it has one, spares inflating
                            // a large part twice; a part past the limit without it is found so
                            // as it is read.
                            if let size = entry.declaredSize, size > limits.maxMemberSize {
                                parts[name] = streamed
                                continue
                            }
                            let (data, truncated) = try reader.readData(limit: limits.maxMemberSize)
                            parts[name] = truncated ? streamed : .held(data)
                        }
                    }
                }
            }
        } catch let error as ExtractError {
            throw error
        } catch {
            throw .corrupt("package: \(error)")
        }
        return parts
    }

    /// `body`, with libarchive's errors said as extraction's.
    static func archiveErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ArchiveError {
            let lowered = error.message.lowercased()
            if lowered.contains("encrypt") || lowered.contains("passphrase") { throw ExtractError.encrypted(error.message) }
            throw ExtractError.corrupt("package: \(error.message)")
        }
    }
}
