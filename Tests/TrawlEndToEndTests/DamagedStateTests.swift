// A state database damaged on disk does not stop the night: the scan moves it aside, says so once,
// and writes a complete report as a first run would.
import Foundation
import Testing
import TrawlModel
import TrawlReport

/// The interior B-tree pages (types 2 and 5) of the SQLite database at `path`, read from the file
/// format: the page size at offset 16, each page's type in its first byte. Only for a database
/// with no free pages, where every page is in use and an overflow page starts with a zero byte.
func interiorPages(of path: String) throws -> (pageSize: Int, numbers: [Int]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let raw = Int(bytes[16]) << 8 | Int(bytes[17])
    let pageSize = raw == 1 ? 65536 : raw
    #expect(bytes[36..<40].allSatisfy { $0 == 0 }, "free pages: the page types read may be stale")
    return (pageSize, (2...(bytes.count / pageSize)).filter { [2, 5].contains(bytes[($0 - 1) * pageSize]) })
}

@Suite(.serialized) struct DamagedState {
    @Test func aStateWithBrokenInteriorPagesIsMovedAsideAndTheScanCompletes() throws {
        let scratch = try StateScratch(samples: ".")
        defer { scratch.remove() }
        let first = try scratch.scan()
        #expect(first.summary != nil && first.files.count > 70)

        let (pageSize, interior) = try interiorPages(of: scratch.state)
        try #require(!interior.isEmpty, "the state has no interior page to damage")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: scratch.state))
        for page in interior {
            // The page's type, cell count, content start and right-most child, and its first cell
            // pointers.
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            handle.write(Data(repeating: 0xFF, count: 24))
        }
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: scratch.state))

        let second = try trawl(["scan", scratch.share.path, "--state", scratch.state], key: scratch.key)
        #expect(second.status == first.status)
        #expect(second.summary != nil, "no complete report")
        #expect(second.summary?.filesCarriedOver == 0)
        #expect(Set(second.files.map(\.path)) == Set(first.files.map(\.path)))
        #expect(second.summary?.findingsByType == first.summary?.findingsByType)
        let warnings = second.stderr.split(separator: "\n").filter { $0.contains("state") }
        #expect(warnings.count == 1 && warnings.first?.contains("moved aside to \(scratch.state).damaged-") == true, "\(second.stderr)")
        let aside = try FileManager.default.contentsOfDirectory(atPath: scratch.dir.path).filter { $0.hasPrefix("state.db.damaged-") }
        #expect(aside.count == 1)
        #expect(aside.first?.range(of: #"^state\.db\.damaged-\d{8}T\d{6}Z$"#, options: .regularExpression) != nil)
        #expect(try Data(contentsOf: scratch.dir.appendingPathComponent(aside.first ?? "-")) == damaged, "the damaged file is kept as it was")

        // The new state works: the next run carries every file over.
        let third = try scratch.scan()
        #expect(third.summary?.filesCarriedOver == first.summary?.files.total)
    }
}
