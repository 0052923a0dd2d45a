// Image metadata: EXIF (JPEG APP1, PNG eXIf, TIFF files), XMP packets and PNG text chunks. Names
// (Artist, XPAuthor, camera owner), descriptions and comments become a labelled record, and GPS
// coordinates a "GPSPosition" cell, so that detection finds the people and places in a photo's
// metadata. The image itself is read only with OCR (an option of the scan).
import Foundation
import TrawlModel

package enum ImageFormat: String, Sendable {
    case jpeg, png, tiff, gif
}

enum ImageMetadata {
    /// An image's metadata as one record labelled by field (the camera, the author, GPS).
    static func text(_ bytes: [UInt8], format: ImageFormat, emit: (TextChunk) -> Void) {
        var record = RowBuilder()
        for (label, value) in fields(bytes, format: format) { record.add(Array(value.utf8), label: label) }
        var cursor = PartCursor(part: "metadata")
        if let c = cursor.row(record) { emit(c) }
    }

    /// Fields found, in file order, as (label, value).
    static func fields(_ bytes: [UInt8], format: ImageFormat) -> [(String, String)] {
        switch format {
        case .jpeg: return jpeg(bytes)
        case .png: return png(bytes)
        case .tiff: return TIFF(bytes).fields()
        case .gif: return []
        }
    }

    /// True for what looks like a photograph: a JPEG, or any image whose EXIF names a camera.
    static func isPhotograph(_ fields: [(String, String)], format: ImageFormat) -> Bool {
        format == .jpeg || fields.contains { $0.0 == "Make" || $0.0 == "Model" }
    }

    static func jpeg(_ b: [UInt8]) -> [(String, String)] {
        var out: [(String, String)] = []
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xD9 || marker == 0xDA { break }  // end of image, start of scan: no metadata after
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { break }
            let segment = Array(b[(i + 4)..<(i + 2 + length)])
            if marker == 0xE1 && segment.starts(with: Array("Exif".utf8) + [0, 0]) {
                out += TIFF(Array(segment.dropFirst(6))).fields()
            } else if marker == 0xE1 && segment.starts(with: Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]) {
                out += xmp(Array(segment.dropFirst(29)))
            } else if marker == 0xFE {
                out.append(("Comment", String(decoding: segment, as: UTF8.self)))
            }
            i += 2 + length
        }
        return out
    }

    static func png(_ b: [UInt8]) -> [(String, String)] {
        var out: [(String, String)] = []
        var i = 8
        while i + 12 <= b.count {
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            guard length >= 0, i + 12 + length <= b.count else { break }
            let data = Array(b[(i + 8)..<(i + 8 + length)])
            switch type {
            case "tEXt":
                if let nul = data.firstIndex(of: 0) {
                    out.append((String(decoding: data[..<nul], as: UTF8.self), String(decoding: TextDecoding.windows1252(Array(data[(nul + 1)...])), as: UTF8.self)))
                }
            case "iTXt":
                // keyword \0 compression-flag method \0 language \0 translated \0 text (uncompressed only)
                let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, parts[1].count >= 2, parts[1].first == 0 {
                    let rest = parts[1].dropFirst(2).split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
                    if rest.count == 3 {
                        let key = String(decoding: parts[0], as: UTF8.self)
                        let text = Array(rest[2])
                        if key == "XML:com.adobe.xmp" { out += xmp(text) } else { out.append((key, String(decoding: text, as: UTF8.self))) }
                    }
                }
            case "eXIf":
                out += TIFF(data).fields()
            case "IEND":
                return out
            default: break
            }
            i += 12 + length
        }
        return out
    }

    /// XMP: the text of every leaf element, labelled by its element name (dc:creator's rdf:li
    /// takes the name of the property above it).
    static func xmp(_ xml: [UInt8]) -> [(String, String)] {
        var out: [(String, String)] = []
        var chunks: [TextChunk] = []
        try? XMLRecordExtractor.extract(xml) { chunks.append($0) }
        for c in chunks {
            for cell in c.cells {
                let label = cell.label ?? "XMP"
                out.append((label == "li" ? "XMP" : label, String(decoding: c.text[cell.range], as: UTF8.self)))
            }
        }
        return out.filter { !$0.1.trimmingCharacters(in: .whitespaces).isEmpty && $0.0 != "about" }
    }
}

/// A TIFF structure (a TIFF file, or the EXIF block of a JPEG or PNG).
struct TIFF {
    let b: [UInt8]
    let little: Bool

    init(_ bytes: [UInt8]) {
        b = bytes
        little = bytes.starts(with: [0x49, 0x49])
    }

    func u16(_ o: Int) -> Int? {
        guard o >= 0, o + 2 <= b.count else { return nil }
        return little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])
    }

    func u32(_ o: Int) -> Int? {
        guard let a = u16(o), let c = u16(o + 2) else { return nil }
        return little ? a | c << 16 : a << 16 | c
    }

    static let names: [Int: String] = [
        0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model", 0x013B: "Artist", 0x8298: "Copyright",
        0x9C9B: "XPTitle", 0x9C9C: "XPComment", 0x9C9D: "XPAuthor", 0x9C9E: "XPKeywords", 0x9C9F: "XPSubject",
        0x9286: "UserComment", 0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber",
    ]

    func fields() -> [(String, String)] {
        guard b.count >= 8, b.starts(with: [0x49, 0x49]) || b.starts(with: [0x4D, 0x4D]), let first = u32(4) else { return [] }
        var out: [(String, String)] = []
        var visited: Set<Int> = []
        var gps: [Int: (Int, Int, Int)] = [:]   // tag -> (type, count, value offset)
        func walk(_ offset: Int, gpsIFD: Bool, depth: Int) {
            guard depth < 4, visited.insert(offset).inserted, let count = u16(offset), count < 1000 else { return }
            for k in 0..<count {
                let e = offset + 2 + k * 12
                guard let tag = u16(e), let type = u16(e + 2), let n = u32(e + 4) else { return }
                let size = [1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8][type] ?? 1
                let valueOffset = n * size <= 4 ? e + 8 : (u32(e + 8) ?? -1)
                if gpsIFD { gps[tag] = (type, n, valueOffset); continue }
                if tag == 0x8769, let sub = u32(e + 8) { walk(sub, gpsIFD: false, depth: depth + 1); continue }
                if tag == 0x8825, let sub = u32(e + 8) { walk(sub, gpsIFD: true, depth: depth + 1); continue }
                guard let name = Self.names[tag], valueOffset >= 0, valueOffset + n * size <= b.count, n < 65536 else { continue }
                let raw = Array(b[valueOffset..<(valueOffset + n * size)])
                var text: String
                if (0x9C9B...0x9C9F).contains(tag) {
                    text = String(decoding: TextDecoding.utf16(raw[...], littleEndian: true), as: UTF8.self)
                } else if tag == 0x9286 {
                    text = String(decoding: TextDecoding.windows1252(Array(raw.dropFirst(8))), as: UTF8.self)
                } else {
                    text = String(decoding: TextDecoding.windows1252(raw), as: UTF8.self)
                }
                text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\0 ").union(.whitespacesAndNewlines))
                if !text.isEmpty { out.append((name, text)) }
            }
        }
        walk(first, gpsIFD: false, depth: 0)
        if let lat = coordinate(gps[2], ref: gps[1]), let lon = coordinate(gps[4], ref: gps[3]) {
            out.append(("GPSPosition", String(format: "%.6f, %.6f", lat, lon)))
        }
        return out
    }

    /// Degrees, minutes, seconds (three rationals) and a reference (N/S/E/W) as signed degrees.
    private func coordinate(_ value: (Int, Int, Int)?, ref: (Int, Int, Int)?) -> Double? {
        guard let (type, count, o) = value, type == 5, count == 3 else { return nil }
        var parts: [Double] = []
        for k in 0..<3 {
            guard let num = u32(o + k * 8), let den = u32(o + k * 8 + 4), den != 0 else { return nil }
            parts.append(Double(num) / Double(den))
        }
        var degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
        // A reference whose offset could not be read is -1 (see `walk`): only an index in the data is read.
        if let (_, _, r) = ref, b.indices.contains(r), b[r] == 0x53 || b[r] == 0x57 { degrees = -degrees }  // S or W
        return degrees
    }
}
