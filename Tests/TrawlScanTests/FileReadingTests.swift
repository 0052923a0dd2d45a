import Foundation
import Testing
import TrawlModel
import TrawlCrawl
@testable import TrawlScan

@Suite struct FileReadingTests {
    func withFile(_ bytes: [UInt8], _ body: ([UInt8]) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-read-\(UUID())")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(Array(url.path.utf8))
    }

    @Test func aFileIsReadWholeWhateverSizeItWasWhenStated() throws {
        let content = (0..<200_000).map { UInt8($0 % 251) }
        try withFile(content) { path in
            // As stat'ed, smaller (the file grew since), and empty.
            // ...and larger (the file shrank since).
            for expected in [content.count, 10, 0, 4096, 4097, content.count - 1, content.count + 1, content.count + 5000] {
                let read = try FileReading.readAll(path, expectedSize: expected, limit: 1 << 20).get()
                #expect(read == content, "expected size \(expected)")
            }
        }
        // A small file stat'ed at its size (read without the read that would return 0: the short
        // read ends it), smaller, larger and empty: read whole each time.
        let small = Array("NI number AB 12 34 56 C\n".utf8)
        try withFile(small) { path in
            for expected in [small.count, small.count - 1, small.count + 1, 0] {
                let read = try FileReading.readAll(path, expectedSize: expected, limit: 1 << 20).get()
                #expect(read == small, "expected size \(expected)")
            }
        }
        try withFile([]) { path in
            let read = try FileReading.readAll(path, expectedSize: 0, limit: 10).get()
            #expect(read == [])
        }
    }

    /// Opened relative to its directory's handle, a file reads as by its path; with the handle of
    /// a directory that does not hold it, it is not found there (the whole path is not tried: the
    /// name is looked up in the folder the walk listed, nowhere else); a missing file is reported
    /// as opening it reports it.
    @Test func aFileOpenedRelativeToItsDirectoryReadsAsByItsPath() throws {
        let content = Array("Date of birth: 12/03/1985\n".utf8)
        try withFile(content) { path in
            let folder = String(decoding: path, as: UTF8.self).split(separator: "/").dropLast().joined(separator: "/")
            let here = open("/" + folder, O_RDONLY | O_DIRECTORY), elsewhere = open("/", O_RDONLY | O_DIRECTORY)
            defer { close(here); close(elsewhere) }
            let own = try #require(DirectoryHandle.duplicate(here)), other = try #require(DirectoryHandle.duplicate(elsewhere))
            #expect(try FileReading.readAll(path, in: own, expectedSize: content.count, limit: 1 << 20).get() == content)
            guard case .failure(let notThere) = FileReading.readAll(path, in: other, expectedSize: content.count, limit: 1 << 20) else {
                Issue.record("a file was read from a folder that does not hold it")
                return
            }
            #expect(notThere.message.contains("No such file"), "\(notThere)")
            let missing = path + Array("-gone".utf8)
            guard case .failure(let issue) = FileReading.readAll(missing, in: own, expectedSize: 1, limit: 1 << 20) else {
                Issue.record("a missing file was read")
                return
            }
            #expect(issue.kind == .unreadable && issue.message.contains("No such file"), "\(issue)")
        }
    }

    /// A symbolic link found where the walk listed a file is not followed; a named pipe there
    /// opens without blocking (the scan then sees it is no regular file).
    @Test func aLinkOrPipeInAFilesPlaceIsNotFollowedAndDoesNotBlock() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-swap-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link").path, withDestinationPath: "/etc/hostname")
        #expect(mkfifo(dir.appendingPathComponent("pipe").path, 0o600) == 0)
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        let handle = try #require(DirectoryHandle.duplicate(fd))
        guard case .failure(let issue) = FileReading.open(Array(dir.appendingPathComponent("link").path.utf8), in: handle) else {
            Issue.record("a symbolic link was followed")
            return
        }
        #expect(issue.kind == .changed)
        let pipe = try FileReading.open(Array(dir.appendingPathComponent("pipe").path.utf8), in: handle).get()
        var st = stat()
        #expect(fstat(pipe, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
        close(pipe)
    }

    /// A file that grew after it was opened is said to have changed while read, with all of it read.
    @Test func aFileThatChangedWhileReadIsSaidToHaveChanged() throws {
        try withFile(Array("first version\n".utf8)) { path in
            let p = String(decoding: path, as: UTF8.self)
            let fd = open(p, O_RDONLY)
            defer { close(fd) }
            var st = stat()
            #expect(fstat(fd, &st) == 0)
            let opened = FileRef(path: path, status: st)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: p))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("appended\n".utf8))
            try handle.close()
            let read = try FileReading.readAll(path, descriptor: fd, expectedSize: opened.size, limit: 1 << 20).get()
            #expect(read == Array("first version\nappended\n".utf8))
            #expect(FileReading.changedWhileRead(opened: opened, read: read.count)?.kind == .changed)
            #expect(FileReading.changedWhileRead(opened: opened, read: opened.size) == nil)
        }
    }

    @Test func aFileThatGrewPastTheLimitIsReportedTooLarge() throws {
        try withFile([UInt8](repeating: 65, count: 100_000)) { path in
            let result = FileReading.readAll(path, expectedSize: 1000, limit: 50_000)
            guard case .failure(let issue) = result else { Issue.record("read past the limit"); return }
            #expect(issue.kind == .tooLarge)
        }
    }
}

/// The walk with and without stat'ing files as it lists them: each kind of entry comes out as the
/// same item either way, except that a regular file listed unstat'ed is handed on as such.
@Suite struct WalkTests {
    final class Items: @unchecked Sendable {
        // SAFETY: appended under the lock only.
        private let lock = NSLock()
        private(set) var byName: [String: CrawlItem] = [:]
        func add(_ item: CrawlItem) {
            let path: [UInt8]
            switch item {
            case .file(let ref, _), .remoteFile(let ref, _): path = ref.path
            case .listedFile(let p, _): path = p
            case .skipped(let p, _, _), .failed(let p, _): path = p
            }
            lock.lock()
            byName[String(decoding: path, as: UTF8.self).split(separator: "/").last.map(String.init) ?? ""] = item
            lock.unlock()
        }
    }

    func walk(_ root: URL, statFiles: Bool, exclude: [String] = []) -> [String: CrawlItem] {
        var options = CrawlOptions()
        options.statFiles = statFiles
        options.exclude = exclude
        options.maxFileSize = 10
        let items = Items()
        Walker(roots: [root.path], options: options, jobs: 2).run { item, _ in items.add(item) }
        return items.byName
    }

    @Test func listedFilesAreHandedOnUnstatedAndEverythingElseAsBefore() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-walk-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("small".utf8).write(to: root.appendingPathComponent("sub/a.txt"))
        try Data("more than ten bytes".utf8).write(to: root.appendingPathComponent("big.txt"))
        try Data("left out".utf8).write(to: root.appendingPathComponent("skip.log"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "big.txt")
        #expect(mkfifo(root.appendingPathComponent("pipe").path, 0o600) == 0)

        let stated = walk(root, statFiles: true, exclude: ["*.log"])
        let listed = walk(root, statFiles: false, exclude: ["*.log"])
        #expect(Set(stated.keys) == ["a.txt", "big.txt", "skip.log", "link", "pipe"])
        #expect(Set(listed.keys) == Set(stated.keys))
        guard case .file(let ref, _) = stated["a.txt"], case .listedFile(let path, _) = listed["a.txt"] else {
            Issue.record("a.txt: \(String(describing: stated["a.txt"])) and \(String(describing: listed["a.txt"]))")
            return
        }
        #expect(ref.path == path && ref.size == 5)
        // Unstat'ed, the size limit is the reader's to apply; an excluded file still says its size.
        guard case .skipped(_, 19, let big)? = stated["big.txt"], big.kind == .tooLarge else { Issue.record("big.txt stat'ed"); return }
        guard case .listedFile? = listed["big.txt"] else { Issue.record("big.txt listed"); return }
        for name in ["skip.log", "link", "pipe"] {
            guard case .skipped(_, let a, let i)? = stated[name], case .skipped(_, let b, let j)? = listed[name] else {
                Issue.record("\(name): \(String(describing: stated[name])) and \(String(describing: listed[name]))")
                continue
            }
            #expect(a == b && i.kind == j.kind && i.message == j.message, "\(name)")
        }
    }
}
