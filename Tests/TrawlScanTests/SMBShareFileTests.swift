// Files of a real Samba server (scripts/smb-server, named by TRAWL_SMB_SERVER) read through the
// SMB source as the scan reads them: whole, by their head and in blocks, when the file grew,
// shrank or went away between the listing and the read.
import Foundation
import SMBClient
import Testing
import TrawlCrawl
import TrawlModel

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["TRAWL_SMB_SERVER"] != nil, "needs scripts/smb-server"))
struct SMBShareFileReading {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["TRAWL_SMB_SERVER"] ?? "/")
    let host = ProcessInfo.processInfo.environment["TRAWL_SMB_HOST"] ?? "127.0.0.1"

    /// The share's folder on disk and an SMB source logged in as the test account.
    func source() throws -> (access: URL, source: SMBSource) {
        let folder = try String(contentsOf: dir.appendingPathComponent("folder"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var settings = SMBSettings()
        for line in try String(contentsOf: dir.appendingPathComponent("credentials"), encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 && parts[0] == "username" { settings.username = parts[1] }
            if parts.count == 2 && parts[0] == "password" { settings.password = parts[1] }
        }
        return (URL(fileURLWithPath: folder).appendingPathComponent("access"), SMBSource(settings: settings, options: CrawlOptions(), jobs: 1))
    }

    func ref(_ name: String, size: Int) -> FileRef {
        FileRef(path: Array("smb://\(host)/access/\(name)".utf8), size: size, mtime: 0, ctime: 0, inode: 0, device: 0, mode: 0o100644)
    }

    @Test func aFileIsReadWholeWhateverSizeItWasWhenListed() throws {
        let (access, source) = try source()
        let name = "grown-\(UUID())"
        let content = (0..<3_000_000).map { UInt8($0 % 251) }
        try Data(content).write(to: access.appendingPathComponent(name))
        defer { try? FileManager.default.removeItem(at: access.appendingPathComponent(name)) }
        // As listed, smaller (grown since), empty, and larger (shrunk since).
        for listed in [content.count, 10, 0, 4096, 4097, (1 << 20) + 1, content.count - 1, content.count + 1, content.count * 2] {
            let file = try source.open(ref(name, size: listed), worker: 0).get()
            #expect(try file.readAll(expectedSize: listed, limit: 1 << 23).get() == content, "listed at \(listed)")
            #expect(try file.readHead(count: 65536).get() == Array(content.prefix(65536)))
            var streamed: [UInt8] = []
            #expect(file.stream { streamed += $0 } == nil)
            #expect(streamed == content)
        }
        // Past the limit, however it was listed: too large, not a partial read.
        let file = try source.open(ref(name, size: 10), worker: 0).get()
        guard case .failure(let issue) = file.readAll(expectedSize: 10, limit: 1_000_000) else {
            Issue.record("read past the limit")
            return
        }
        #expect(issue.kind == .tooLarge)
    }

    @Test func aFileGoneOrLockedAfterTheListingIsAReasonNotACrash() throws {
        let (access, source) = try source()
        guard case .failure(let gone) = source.open(ref("gone-\(UUID())", size: 10), worker: 0) else {
            Issue.record("a missing file opened")
            return
        }
        #expect(gone.kind == .unreadable && gone.message.contains("no such"), "\(gone.message)")
        let name = "locked-\(UUID())"
        try Data("x".utf8).write(to: access.appendingPathComponent(name))
        defer { try? FileManager.default.removeItem(at: access.appendingPathComponent(name)) }
        #expect(chmod(access.appendingPathComponent(name).path, 0o600) == 0)
        guard case .failure(let locked) = source.open(ref(name, size: 1), worker: 0) else {
            Issue.record("a file the account may not read opened")
            return
        }
        #expect(locked.kind == .permission, "\(locked.message)")
    }
}
