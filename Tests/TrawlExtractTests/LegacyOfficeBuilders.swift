// Small writers of the legacy Office formats for tests: a compound file ([MS-CFB] version 3),
// a BIFF8 workbook stream and a Word 97 document, each at its smallest, so that a test can plant
// a value no application would write and damage a structure field by field.
@testable import TrawlExtract

/// A compound file with 512-byte sectors. Streams of `miniCutoff` bytes and more go to regular
/// sectors, smaller ones to the mini stream (64-byte sectors). Layout: the streams' sectors,
/// the mini stream, the mini FAT, the directory (the root, then one entry per stream, each the
/// right sibling of the one before), the FAT, whose sectors the header lists.
struct TestCompoundFile {
    static let end: UInt32 = 0xFFFF_FFFE, free: UInt32 = 0xFFFF_FFFF
    var bytes: [UInt8]
    private(set) var directoryStart = 0
    private(set) var fatSectors: [Int] = []
    private(set) var miniFatStart = 0
    /// The first mini sector of each stream in the mini stream, by stream index.
    private(set) var miniStarts: [Int: Int] = [:]

    init(_ streams: [(name: String, data: [UInt8])], miniCutoff: Int = 4096) {
        var sectors: [UInt8] = []
        var fat: [UInt32] = []
        func allocate(_ data: [UInt8]) -> UInt32 {
            guard !data.isEmpty else { return Self.end }
            let first = fat.count, count = (data.count + 511) / 512
            for k in 0..<count { fat.append(k == count - 1 ? Self.end : UInt32(first + k + 1)) }
            sectors += data + [UInt8](repeating: 0, count: count * 512 - data.count)
            return UInt32(first)
        }
        var mini: [UInt8] = []
        var miniFat: [UInt32] = []
        var starts: [UInt32] = []
        for (index, stream) in streams.enumerated() {
            if stream.data.count < miniCutoff && !stream.data.isEmpty {
                let first = miniFat.count, count = (stream.data.count + 63) / 64
                for k in 0..<count { miniFat.append(k == count - 1 ? Self.end : UInt32(first + k + 1)) }
                mini += stream.data + [UInt8](repeating: 0, count: count * 64 - stream.data.count)
                miniStarts[index] = first
                starts.append(UInt32(first))
            } else {
                starts.append(allocate(stream.data))
            }
        }
        let miniStart = allocate(mini)
        let miniFatBytes = miniFat.flatMap(Self.le32)
        miniFatStart = miniFat.isEmpty ? Int(Self.end) : Int(allocate(miniFatBytes))
        var directory: [UInt8] = []
        func entry(_ name: String, type: UInt8, right: UInt32, child: UInt32, start: UInt32, size: Int) {
            var e = [UInt8](repeating: 0, count: 128)
            let utf16 = Array(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            e.replaceSubrange(0..<utf16.count, with: utf16)
            e.replaceSubrange(64..<66, with: [UInt8(utf16.count + 2), 0])
            e[66] = type
            e.replaceSubrange(68..<80, with: Self.le32(Self.free) + Self.le32(right) + Self.le32(child))
            e.replaceSubrange(116..<124, with: Self.le32(start) + Self.le32(UInt32(size)))
            directory += e
        }
        entry("Root Entry", type: 5, right: Self.free, child: streams.isEmpty ? Self.free : 1, start: miniStart, size: mini.count)
        for (k, stream) in streams.enumerated() {
            entry(stream.name, type: 2, right: k + 1 < streams.count ? UInt32(k + 2) : Self.free, child: Self.free, start: starts[k],
                  size: stream.data.count)
        }
        directoryStart = Int(allocate(directory))
        var fatCount = 1
        while fat.count + fatCount > fatCount * 128 { fatCount += 1 }
        let fatList = Array(fat.count..<(fat.count + fatCount))
        fatSectors = fatList
        fat += [UInt32](repeating: 0xFFFF_FFFD, count: fatCount)
        fat += [UInt32](repeating: Self.free, count: fatCount * 128 - fat.count)
        sectors += fat.flatMap(Self.le32)

        var header: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 16)
        header += [0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0] + [UInt8](repeating: 0, count: 6)
        header += [0, UInt32(fatCount), UInt32(directoryStart), 0, UInt32(miniCutoff), UInt32(truncatingIfNeeded: miniFatStart),
                   UInt32(miniFat.isEmpty ? 0 : (miniFatBytes.count + 511) / 512), Self.end, 0].flatMap(Self.le32)
        header += (0..<109).flatMap { Self.le32($0 < fatCount ? UInt32(fatList[$0]) : Self.free) }
        bytes = header + sectors
    }

    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

    mutating func set32(at offset: Int, _ value: UInt32) { bytes.replaceSubrange(offset..<(offset + 4), with: Self.le32(value)) }

    /// Where a sector's FAT entry is.
    mutating func setFAT(_ sector: Int, _ value: UInt32) { set32(at: (fatSectors[0] + 1) * 512 + 4 * sector, value) }

    /// The directory entry of the root (0) or of stream k (k + 1): where it starts.
    func directoryEntry(_ index: Int) -> Int { (directoryStart + 1) * 512 + 128 * index }

    /// Rewrites fields of directory entry `index` (0 the root, k + 1 stream k): a type of 1 makes
    /// it a storage; sibling and child links are entry indexes.
    mutating func setEntry(_ index: Int, name: String? = nil, type: UInt8? = nil, left: UInt32? = nil, right: UInt32? = nil,
                           child: UInt32? = nil, start: UInt32? = nil, size: UInt32? = nil) {
        let e = directoryEntry(index)
        if let name {
            let utf16 = Array(name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            bytes.replaceSubrange(e..<(e + 64), with: utf16 + [UInt8](repeating: 0, count: 64 - utf16.count))
            bytes.replaceSubrange((e + 64)..<(e + 66), with: [UInt8(utf16.count + 2), 0])
        }
        if let type { bytes[e + 66] = type }
        for (value, at) in [(left, 68), (right, 72), (child, 76), (start, 116), (size, 120)] {
            if let value { set32(at: e + at, value) }
        }
    }

    /// The start sector and size of directory entry `index`.
    func entryStart(_ index: Int) -> (start: UInt32, size: UInt32) {
        let e = directoryEntry(index)
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) } }
        return (u32(e + 116), u32(e + 120))
    }

    mutating func setMiniFAT(_ miniSector: Int, _ value: UInt32) { set32(at: (miniFatStart + 1) * 512 + 4 * miniSector, value) }
}

enum TestBIFF {
    static func record(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
        [UInt8(type & 0xFF), UInt8(type >> 8), UInt8(data.count & 0xFF), UInt8(data.count >> 8)] + data
    }

    static func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }

    /// A workbook stream of one sheet: XF 0 general, XF 1 a date (number format 14); each cell a
    /// LABEL (a string) or a NUMBER in XF 1 (a Double).
    static func workbook(_ rows: [[Any]]) -> [UInt8] {
        func bof(_ kind: Int) -> [UInt8] { record(0x0809, u16(0x0600) + u16(kind) + [UInt8](repeating: 0, count: 12)) }
        func xf(_ format: Int) -> [UInt8] { record(0x00E0, u16(0) + u16(format) + [UInt8](repeating: 0, count: 16)) }
        var sheet = bof(0x0010)
        for (r, cells) in rows.enumerated() {
            for (c, value) in cells.enumerated() {
                if let text = value as? String {
                    let latin1 = Array(text.utf8)
                    sheet += record(0x0204, u16(r) + u16(c) + u16(0) + u16(latin1.count) + [0] + latin1)
                } else if let number = value as? Double {
                    let bits = number.bitPattern
                    sheet += record(0x0203, u16(r) + u16(c) + u16(1) + (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) })
                }
            }
        }
        let name = Array("Learners".utf8)
        let globals = bof(0x0005) + xf(0) + xf(14) + record(0x0085, [0, 0, 0, 0, 0, 0, UInt8(name.count), 0] + name) + record(0x000A, [])
        return globals + sheet + record(0x000A, [])
    }
}

enum TestWord {
    /// A Word 97 document's WordDocument stream (its FIB, then `text` at 0x800) and 1Table stream
    /// (a piece table). `pieces`: (first character, end, byte offset of the piece in `text`), all
    /// 8-bit; by default one piece of the whole text.
    static func document(_ text: String, pieces: [(Int, Int, Int)]? = nil) -> [(name: String, data: [UInt8])] {
        let data = Array(text.utf8)
        let textAt = 0x800
        let pieces = pieces ?? [(0, data.count, 0)]
        var plc = pieces.flatMap { TestCompoundFile.le32(UInt32($0.0)) } + TestCompoundFile.le32(UInt32(pieces.last!.1))
        for piece in pieces { plc += [0, 0] + TestCompoundFile.le32(0x4000_0000 | UInt32((textAt + piece.2) * 2)) + [0, 0] }
        let clx = [2] + TestCompoundFile.le32(UInt32(plc.count)) + plc
        var fib = [UInt8](repeating: 0, count: textAt)
        func put(_ bytes: [UInt8], at o: Int) { fib.replaceSubrange(o..<(o + bytes.count), with: bytes) }
        put(TestBIFF.u16(0xA5EC) + TestBIFF.u16(0x00C1), at: 0)
        put(TestBIFF.u16(0x0200), at: 0x0A)  // the table stream is 1Table
        put(TestBIFF.u16(14), at: 32)
        put(TestBIFF.u16(22), at: 34 + 28)
        put(TestBIFF.u16(0x5D), at: 64 + 88)
        put(TestCompoundFile.le32(0) + TestCompoundFile.le32(UInt32(clx.count)), at: 154 + 33 * 8)  // fcClx, lcbClx
        return [("WordDocument", fib + data), ("1Table", clx)]
    }
}
