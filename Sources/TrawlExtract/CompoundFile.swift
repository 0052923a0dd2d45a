// Our own reader of the OLE2 Compound File Binary format ([MS-CFB]): the container of legacy
// Office files (.doc, .xls, .ppt) and Outlook messages (.msg). It lists the storage tree and reads
// streams (regular and mini).
//
// Every number in a compound file points somewhere in it, and a damaged or hostile file can point
// anywhere: a DIFAT that lists one sector a million times, a chain that loops, a stream that
// declares 4 GB. So everything is measured against the file's real size: the FAT is never longer
// than the file has sectors, a chain visits each sector at most once and only sectors inside the
// file, a stream is never longer than the file (or, for a small stream, the mini stream), and the
// entries' paths together are never more than twice the file. A file that breaks one of these is
// reported as damaged, with the reason. Directory entries may still point at the same sectors
// again: a reader of many streams stops when what it read comes to `byteCount`.
import TrawlModel

struct CompoundFile {
    struct Entry {
        var name: String
        /// Storage names from the root down to this entry, joined by "/".
        var path: String
        var isStream: Bool
        var start: Int
        var size: Int
    }

    struct Damaged: Error { let reason: String }

    private let b: [UInt8]
    private let sectorSize: Int
    /// Whole sectors after the header: every sector number in the file must be below this.
    private let sectorCount: Int
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private var fat: [UInt32] = []
    private var miniFat: [UInt32] = []
    private var miniStream: [UInt8] = []
    private(set) var entries: [Entry] = []

    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    /// Sector numbers from here up are markers (end of chain, free, FAT, DIFAT), not sectors.
    private static let firstMarker: UInt32 = 0xFFFF_FFFA

    init(_ bytes: [UInt8]) throws(Damaged) {
        b = bytes
        guard b.count >= 512, b.starts(with: Self.signature) else { throw Damaged(reason: "not a compound file") }
        let shift = Int(Self.u16(b, 0x1E)), miniShift = Int(Self.u16(b, 0x20))
        guard shift == 9 || shift == 12, miniShift == 6 else { throw Damaged(reason: "unknown sector size") }
        sectorSize = 1 << shift
        sectorCount = max(0, b.count / sectorSize - 1)
        miniSectorSize = 1 << miniShift
        miniCutoff = Int(Self.u32(b, 0x38))
        fat = try Self.readFAT(b, sectorSize: sectorSize, sectorCount: sectorCount)

        let directory = try chain(Int(Self.u32(b, 0x30)), limit: b.count, of: "the directory")
        // Directory entries of 128 bytes: name, type, siblings, child, start, size.
        struct Raw { var name: String; var type: UInt8; var left: Int; var right: Int; var child: Int; var start: Int; var size: Int }
        var raws: [Raw] = []
        var k = 0
        while k + 128 <= directory.count {
            let e = Array(directory[k..<(k + 128)])
            let nameLength = min(Int(Self.u16(e, 64)), 64)
            let name = nameLength >= 2 ? String(decoding: TextDecoding.utf16(e[0..<(nameLength - 2)], littleEndian: true), as: UTF8.self) : ""
            raws.append(Raw(name: name, type: e[66], left: Int(Self.u32(e, 68)), right: Int(Self.u32(e, 72)), child: Int(Self.u32(e, 76)),
                            start: Int(Self.u32(e, 116)), size: Int(Self.u32(e, 120))))
            k += 128
        }
        guard let root = raws.first, root.type == 5 else { throw Damaged(reason: "no root entry") }
        guard root.size <= b.count else {
            throw Damaged(reason: "the mini stream declares \(root.size) bytes, more than the file's \(b.count)")
        }
        miniStream = try chain(root.start, limit: root.size, of: "the mini stream")
        let miniFatStart = Self.u32(b, 0x3C)
        if miniFatStart < Self.firstMarker {
            let data = try chain(Int(miniFatStart), limit: b.count, of: "the mini FAT")
            // Entries past the mini stream's last sector can never be followed.
            let used = min(data.count / 4, miniStream.count / miniSectorSize)
            miniFat = (0..<used).map { Self.u32(data, 4 * $0) }
        }
        // Walk the red-black tree of each storage to give every entry its path. Each entry holds
        // its whole path, so storages nested deep with many entries below them would make the
        // paths far larger than the file: all together they may come to twice its size (a real
        // file's paths are shorter than its 128-byte directory entries).
        var seen = Set<Int>()
        var pathBytes = 0
        func visit(_ index: Int, parent: String, depth: Int) {
            guard index >= 0, index < raws.count, depth < 64, pathBytes <= 2 * b.count, seen.insert(index).inserted else { return }
            let r = raws[index]
            visit(r.left, parent: parent, depth: depth + 1)
            let path = parent.isEmpty ? r.name : parent + "/" + r.name
            pathBytes += path.utf8.count
            entries.append(Entry(name: r.name, path: path, isStream: r.type == 2, start: r.start, size: r.size))
            if r.type == 1 { visit(r.child, parent: path, depth: depth + 1) }
            visit(r.right, parent: parent, depth: depth + 1)
        }
        visit(root.child, parent: "", depth: 0)
        guard pathBytes <= 2 * b.count else {
            throw Damaged(reason: "the storage tree's paths come to more than twice the file's \(b.count) bytes")
        }
    }

    /// The file's size in bytes: no stream, nor all of them together, can be longer.
    var byteCount: Int { b.count }

    /// The FAT: one entry per sector of the file. Its sectors are listed by the header (the first
    /// 109) and then by the DIFAT chain. No more FAT sectors are read than it takes to cover the
    /// file's sectors; a sector listed twice, or outside the file, makes the file damaged.
    private static func readFAT(_ b: [UInt8], sectorSize: Int, sectorCount: Int) throws(Damaged) -> [UInt32] {
        let perSector = sectorSize / 4
        let needed = (sectorCount + perSector - 1) / perSector
        var claimed = Set<UInt32>()
        var fatSectors: [Int] = []
        func claim(_ s: UInt32, as what: String) throws(Damaged) {
            guard Int(s) < sectorCount else { throw Damaged(reason: "a \(what) sector (\(s)) beyond the end of the file") }
            guard claimed.insert(s).inserted else { throw Damaged(reason: "sector \(s) is listed twice among the FAT's sectors") }
        }
        for k in 0..<109 where fatSectors.count < needed {
            let s = u32(b, 0x4C + 4 * k)
            if s < firstMarker { try claim(s, as: "FAT"); fatSectors.append(Int(s)) }
        }
        var difat = u32(b, 0x44)
        while difat < firstMarker && fatSectors.count < needed {
            try claim(difat, as: "DIFAT")
            let o = (Int(difat) + 1) * sectorSize
            for k in 0..<(perSector - 1) where fatSectors.count < needed {
                let s = u32(b, o + 4 * k)
                if s < firstMarker { try claim(s, as: "FAT"); fatSectors.append(Int(s)) }
            }
            difat = u32(b, o + sectorSize - 4)
        }
        var fat: [UInt32] = []
        fat.reserveCapacity(sectorCount)
        for s in fatSectors {
            let o = (s + 1) * sectorSize
            for k in 0..<perSector where fat.count < sectorCount { fat.append(u32(b, o + 4 * k)) }
        }
        return fat
    }

    /// The bytes of a stream.
    func read(_ entry: Entry) throws(Damaged) -> [UInt8] {
        if entry.size < miniCutoff {
            guard entry.size <= miniStream.count else {
                throw Damaged(reason: "'\(entry.name)' declares \(entry.size) bytes, more than the mini stream's \(miniStream.count)")
            }
            var out: [UInt8] = []
            var s = entry.start
            var visited = Set<Int>()
            while out.count < entry.size && UInt32(truncatingIfNeeded: s) < Self.firstMarker {
                let o = s * miniSectorSize
                guard s < miniFat.count, o + miniSectorSize <= miniStream.count else {
                    throw Damaged(reason: "the mini chain of '\(entry.name)' leaves the mini stream")
                }
                guard visited.insert(s).inserted else { throw Damaged(reason: "the mini chain of '\(entry.name)' loops") }
                out.append(contentsOf: miniStream[o..<(o + miniSectorSize)])
                s = Int(miniFat[s])
            }
            return Array(out.prefix(entry.size))
        }
        guard entry.size <= b.count else {
            throw Damaged(reason: "'\(entry.name)' declares \(entry.size) bytes, more than the file's \(b.count)")
        }
        return try chain(entry.start, limit: entry.size, of: "'\(entry.name)'")
    }

    func stream(named name: String) -> Entry? { entries.first { $0.isStream && $0.name == name } }

    /// Up to `limit` bytes of the sectors chained from `start` (at most the file's size: each
    /// sector is taken once). A marker ends the chain; a sector outside the file, or one already
    /// taken, makes the file damaged.
    private func chain(_ start: Int, limit: Int, of what: @autoclosure () -> String) throws(Damaged) -> [UInt8] {
        var out: [UInt8] = []
        var s = start
        var visited = Set<Int>()
        while out.count < limit && UInt32(truncatingIfNeeded: s) < Self.firstMarker {
            guard s < sectorCount else { throw Damaged(reason: "the sector chain of \(what()) leaves the file") }
            guard s < fat.count else { throw Damaged(reason: "the sector chain of \(what()) reaches a sector the FAT does not cover") }
            guard visited.insert(s).inserted else { throw Damaged(reason: "the sector chain of \(what()) loops") }
            let o = (s + 1) * sectorSize
            out.append(contentsOf: b[o..<(o + sectorSize)])
            s = Int(fat[s])
        }
        return Array(out.prefix(limit))
    }

    static func u16(_ a: [UInt8], _ o: Int) -> UInt16 { o >= 0 && o + 2 <= a.count ? UInt16(a[o]) | UInt16(a[o + 1]) << 8 : 0 }
    static func u32(_ a: [UInt8], _ o: Int) -> UInt32 {
        o >= 0 && o + 4 <= a.count ? UInt32(a[o]) | UInt32(a[o + 1]) << 8 | UInt32(a[o + 2]) << 16 | UInt32(a[o + 3]) << 24 : 0
    }
}
