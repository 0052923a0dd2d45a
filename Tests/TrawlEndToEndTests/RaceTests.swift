// Races with the share: while scans run, another thread keeps putting symbolic links to a folder
// outside the root and named pipes in the place of the share's folders and files, and putting
// them back. Every scan must end by itself, never read a byte from outside the root, and account
// for every entry.
import Foundation
import Synchronization
import Testing
import TrawlModel
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ShareRaces {
    /// The value planted outside the root: it must never appear in a report.
    static let outsideValue = "outside.the.root@example.org"

    @Test(arguments: [false, true])
    func swappedFoldersAndFilesNeverLeadOutsideOrHang(withState: Bool) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-race-\(UUID())")
        defer { try? FileManager.default.removeItem(at: base) }
        let share = base.appendingPathComponent("share"), outside = base.appendingPathComponent("outside")
        for dir in [share, outside] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        // Outside: a folder whose files have the same names as the share's, holding the value.
        for i in 0..<8 {
            let text = Data("Contact: \(Self.outsideValue)\n".utf8)
            try text.write(to: outside.appendingPathComponent("notes\(i).txt"))
        }
        for d in 0..<6 {
            let folder = share.appendingPathComponent("team\(d)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<8 {
                try Data("NI number AB 12 34 5\(i) C\n".utf8).write(to: folder.appendingPathComponent("notes\(i).txt"))
            }
        }

        let stop = Atomic<Bool>(false)
        let swapper = Thread {
            var k = 0
            while !stop.load(ordering: .relaxed) {
                let folder = share.appendingPathComponent("team\(k % 6)").path
                let file = share.appendingPathComponent("team\((k + 3) % 6)/notes\(k % 8).txt").path
                // A folder becomes a link to the outside folder, then comes back.
                if rename(folder, folder + ".away") == 0 {
                    symlink(outside.path, folder)
                    usleep(200)
                    unlink(folder)
                    rename(folder + ".away", folder)
                }
                // A file becomes a link to an outside file, then a named pipe, then comes back.
                if rename(file, file + ".away") == 0 {
                    symlink(outside.appendingPathComponent("notes0.txt").path, file)
                    usleep(200)
                    unlink(file)
                    mkfifo(file, 0o600)
                    usleep(200)
                    unlink(file)
                    rename(file + ".away", file)
                }
                k += 1
            }
        }
        swapper.start()
        defer { stop.store(true, ordering: .relaxed) }

        let state = base.appendingPathComponent("state.db").path
        let key = base.appendingPathComponent("key").path
        var entriesSeen = 0
        for round in 0..<15 {
            let started = Date()
            let run = try trawl(["scan", share.path, "--show-values", "--quiet", "--jobs", "2"] + (withState ? ["--state", state] : []),
                                key: key)
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed < 30, "round \(round) took \(elapsed) s")
            #expect(run.status == 0 || run.status == 1, "round \(round): exit \(run.status): \(run.stderr)")
            #expect(run.summary != nil, "round \(round): no complete report")
            let leaked = String(decoding: run.raw, as: UTF8.self).contains(Self.outsideValue)
            #expect(!leaked, "round \(round) read a file outside the root")
            // Each entry is one of the share's files or folders, under the root.
            for file in run.files {
                #expect(file.path.display.hasPrefix(share.path + "/"), "\(file.path.display)")
            }
            entriesSeen += run.files.count
        }
        stop.store(true, ordering: .relaxed)
        #expect(entriesSeen > 0)
    }
}
