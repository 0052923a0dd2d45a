// Our own reader of the OLE2 Compound File Binary format ([MS-CFB]): the container of legacy
// Office files (.doc, .xls, .ppt) and Outlook messages (.msg). It lists the storage tree and reads
// streams (regular and mini), following FAT chains with loop and bound checks, so that a damaged
// file is reported as corrupt rather than read forever.
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
    private let miniSectorSize: Int
    private let miniCutoff: Int
    private var fat: [UInt32] = []
    private var miniFat: [UInt32] = []
    private var miniStream: [UInt8] = []
    private(set) var entries: [Entry] = []

    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private static let endOfChain: UInt32 = 0xFFFF_FFFE

    init(_ bytes: [UInt8]) throws(Damaged) {
        b = bytes
        guard b.count >= 512, b.starts(with: Self.signature) else { throw Damaged(reason: "not a compound file") }
        let shift = Int(Self.u16(b, 0x1E)), miniShift = Int(Self.u16(b, 0x20))
        guard shift == 9 || shift == 12, miniShift == 6 else { throw Damaged(reason: "unknown sector size") }
        sectorSize = 1 << shift
        miniSectorSize = 1 << miniShift
        miniCutoff = Int(Self.u32(b, 0x38))
        // FAT sectors: 109 in the header, the rest in the DIFAT chain.
        var fatSectors: [UInt32] = []
        for k in 0..<109 {
            let s = Self.u32(b, 0x4C + 4 * k)
            if s < 0xFFFF_FFFA { fatSectors.append(s) }
        }
        var difat = Self.u32(b, 0x44)
        var guardCount = 0
        while difat < 0xFFFF_FFFA && guardCount < 10_000 {
            let o = offset(Int(difat))
            guard o + sectorSize <= b.count else { throw Damaged(reason: "DIFAT beyond the end of the file") }
            for k in 0..<(sectorSize / 4 - 1) {
                let s = Self.u32(b, o + 4 * k)
                if s < 0xFFFF_FFFA { fatSectors.append(s) }
            }
            difat = Self.u32(b, o + sectorSize - 4)
            guardCount += 1
        }
        for s in fatSectors {
            let o = offset(Int(s))
            guard o + sectorSize <= b.count else { throw Damaged(reason: "FAT beyond the end of the file") }
            for k in 0..<(sectorSize / 4) { fat.append(Self.u32(b, o + 4 * k)) }
        }
        let directory = try chain(Int(Self.u32(b, 0x30)), limit: b.count)
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
        miniStream = try chain(root.start, limit: root.size)
        miniFat = []
        if let miniFatStart = Optional(Int(Self.u32(b, 0x3C))), miniFatStart < 0xFFFF_FFFA {
            let data = try chain(miniFatStart, limit: b.count)
            for j in stride(from: 0, to: data.count - 3, by: 4) { miniFat.append(Self.u32(data, j)) }
        }
        // Walk the red-black tree of each storage to give every entry its path.
        var seen = Set<Int>()
        func visit(_ index: Int, parent: String, depth: Int) {
            guard index >= 0, index < raws.count, depth < 64, seen.insert(index).inserted else { return }
            let r = raws[index]
            visit(r.left, parent: parent, depth: depth + 1)
            let path = parent.isEmpty ? r.name : parent + "/" + r.name
            entries.append(Entry(name: r.name, path: path, isStream: r.type == 2, start: r.start, size: r.size))
            if r.type == 1 { visit(r.child, parent: path, depth: depth + 1) }
            visit(r.right, parent: parent, depth: depth + 1)
        }
        visit(root.child, parent: "", depth: 0)
    }

    /// The bytes of a stream.
    func read(_ entry: Entry) throws(Damaged) -> [UInt8] {
        if entry.size < miniCutoff {
            var out: [UInt8] = []
            var s = entry.start
            var steps = 0
            while s >= 0 && UInt32(truncatingIfNeeded: s) < 0xFFFF_FFFA && out.count < entry.size {
                let o = s * miniSectorSize
                guard o + miniSectorSize <= miniStream.count, s < miniFat.count, steps < 1_000_000 else { throw Damaged(reason: "broken mini chain") }
                out.append(contentsOf: miniStream[o..<(o + miniSectorSize)])
                s = Int(miniFat[s])
                steps += 1
            }
            return Array(out.prefix(entry.size))
        }
        return try chain(entry.start, limit: entry.size)
    }

    func stream(named name: String) -> Entry? { entries.first { $0.isStream && $0.name == name } }

    private func offset(_ sector: Int) -> Int { (sector + 1) * sectorSize }

    private func chain(_ start: Int, limit: Int) throws(Damaged) -> [UInt8] {
        var out: [UInt8] = []
        var s = start
        var steps = 0
        while UInt32(truncatingIfNeeded: s) != Self.endOfChain && s >= 0 && UInt32(truncatingIfNeeded: s) < 0xFFFF_FFFA && out.count < limit {
            let o = offset(s)
            guard o + sectorSize <= b.count, s < fat.count, steps < b.count / sectorSize + 1 else { throw Damaged(reason: "broken sector chain") }
            out.append(contentsOf: b[o..<(o + sectorSize)])
            s = Int(fat[s])
            steps += 1
        }
        return Array(out.prefix(limit))
    }

    static func u16(_ a: [UInt8], _ o: Int) -> UInt16 { o + 2 <= a.count ? UInt16(a[o]) | UInt16(a[o + 1]) << 8 : 0 }
    static func u32(_ a: [UInt8], _ o: Int) -> UInt32 {
        o + 4 <= a.count ? UInt32(a[o]) | UInt32(a[o + 1]) << 8 | UInt32(a[o + 2]) << 16 | UInt32(a[o + 3]) << 24 : 0
    }
}
