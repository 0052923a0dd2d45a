// What Trawl writes beside its reports, as another user on the machine would find it: the report,
// its partial file, the state database with its journals and lock, and the key. Each is its
// owner's alone, and none is written or read through a link someone planted.
import Foundation
import Testing
import TrawlModel
import TrawlReport

/// The permission bits of `path` (lstat: a link's own).
func permissions(_ path: String) -> mode_t? {
    var st = stat()
    return lstat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
}

/// Runs trawl through the shell under `umask`, so files made with the umask's mode show it.
func trawlUnderUmask(_ umask: String, _ args: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", try binary().path] + args
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}

@Suite(.serialized) struct OutputFiles {
    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-outputs-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Under umask 000, where a file made with the default mode is everyone's to read and write,
    /// every file of a run is 0600 while it runs and after; a link planted at the report's name
    /// during the run is replaced by the report, and what it pointed to is left alone.
    @Test func everyFileARunMakesIsItsOwnersAlone() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let share = dir.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        for i in 0..<1500 {
            try Data("Note \(i). Contact: person\(i)@gmail.com\n".utf8).write(to: share.appendingPathComponent("n\(i).txt"))
        }
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let report = out.appendingPathComponent("report.json").path
        let state = out.appendingPathComponent("state.db").path
        let key = out.appendingPathComponent("keys/fingerprint.key").path
        let victim = dir.appendingPathComponent("victim")
        try Data("left alone".utf8).write(to: victim)

        let process = try trawlUnderUmask("000", ["scan", share.path, "--output", report, "--state", state, "--key-file", key,
                                                  "--show-values", "--quiet", "--jobs", "1"])
        // While it runs: the write-ahead log and shared memory exist once the first batch is stored.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, permissions(state + "-shm") == nil || (try? Data(contentsOf: URL(fileURLWithPath: state + "-wal")).count) ?? 0 < 100_000 {
            usleep(5_000)
        }
        #expect(process.isRunning, "the run ended before its files could be looked at")
        let partial = try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasPrefix(".report.json.partial-") }
        #expect(symlink(victim.path, report) == 0)
        let running = [state, state + "-wal", state + "-shm", state + ".lock", key, out.path + "/" + (partial ?? "no partial report")]
        for path in running { #expect(permissions(path) == 0o600, "\(path) while the run goes on") }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for path in [report, state, state + ".lock", key] { #expect(permissions(path) == 0o600, "\(path) after the run") }
        #expect(permissions(out.appendingPathComponent("keys").path) == 0o700)
        #expect(try Data(contentsOf: victim) == Data("left alone".utf8))
        #expect(try ReportReader.records(from: Data(contentsOf: URL(fileURLWithPath: report))).count == 1502)
    }

    /// A state made by an earlier version with mode 0644 is narrowed to 0600 by the next run.
    @Test func aStateOpenToOthersIsNarrowed() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.db").path
        let first = try trawl(["scan", root.appendingPathComponent("Samples/text").path, "--state", state, "--quiet"])
        #expect(first.status == 0)
        #expect(chmod(state, 0o644) == 0)
        let second = try trawl(["scan", root.appendingPathComponent("Samples/text").path, "--state", state, "--quiet"])
        #expect(second.status == 0)
        #expect(permissions(state) == 0o600)
    }

    /// A link at the report's, the state's, a journal's, the lock's or the key's name is refused with
    /// a message before anything is scanned (exit status 2, no report), and the file it points to
    /// is left as it was.
    @Test(arguments: ["report", "state", "state-wal", "lock", "key"])
    func aLinkPlantedAtAnOutputIsRefused(planted: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.json").path
        let state = dir.appendingPathComponent("state.db").path
        let key = dir.appendingPathComponent("key").path
        let victim = dir.appendingPathComponent("victim")
        // A valid key (for the key's case, so that being a link is the only thing wrong with it).
        #expect(FileManager.default.createFile(atPath: victim.path, contents: Data(repeating: 7, count: 32), attributes: [.posixPermissions: 0o600]))
        let link = ["report": report, "state": state, "state-wal": state + "-wal", "lock": state + ".lock", "key": key][planted]!
        #expect(symlink(victim.path, link) == 0)

        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["scan", root.appendingPathComponent("Samples/text").path, "--output", report, "--state", state, "--key-file", key]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(stderr.contains("\(link): ") && stderr.contains("symbolic link"), "\(stderr)")
        #expect(!stderr.contains("scanned"), "files were scanned: \(stderr)")
        #expect(try Data(contentsOf: victim) == Data(repeating: 7, count: 32), "the link's target was changed")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == victim.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }.isEmpty)
        if planted != "report" { #expect(permissions(report) == nil, "a report was written") }
    }

    /// A key file that others may read or write, that is not a regular file, or that is not 32
    /// bytes is refused with a message before anything is scanned.
    @Test(arguments: ["0644", "0620", "folder", "pipe", "31 bytes", "33 bytes"])
    func anUntrustworthyKeyIsRefusedBeforeAnythingIsScanned(problem: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("key").path
        switch problem {
        case "folder": try FileManager.default.createDirectory(atPath: key, withIntermediateDirectories: false)
        case "pipe": #expect(mkfifo(key, 0o600) == 0)
        default:
            let size = problem.hasSuffix("bytes") ? Int(problem.prefix(2))! : 32
            let mode = problem.hasSuffix("bytes") ? 0o600 : Int(problem, radix: 8)!
            #expect(FileManager.default.createFile(atPath: key, contents: Data(repeating: 7, count: size), attributes: [.posixPermissions: mode]))
        }
        let run = try trawl(["scan", root.appendingPathComponent("Samples/text").path], key: key)
        #expect(run.status == 2)
        #expect(run.records.isEmpty, "a report was written")
        let expected = ["0644": "readable or writable by group or others (mode 644)", "0620": "(mode 620)", "folder": "is a folder, not a regular file",
                        "pipe": "is a named pipe, not a regular file", "31 bytes": "holds 31 bytes; a key is 32 bytes",
                        "33 bytes": "holds 33 bytes; a key is 32 bytes"][problem]!
        #expect(run.stderr.contains("\(key): the key file ") && run.stderr.contains(expected), "\(run.stderr)")
    }

    /// A review page and an export say where personal data is, as the report does: each is made
    /// 0600 under umask 000, and a link planted at its name is refused, its target unchanged.
    @Test(arguments: ["review", "export"])
    func reviewsAndExportsAreWrittenAsReportsAre(command: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.json").path
        let scan = try trawlUnderUmask("000", ["scan", root.appendingPathComponent("Samples/text").path, "--output", report, "--quiet",
                                               "--key-file", dir.appendingPathComponent("key").path])
        scan.waitUntilExit()
        let made = dir.appendingPathComponent("made").path
        let written = try trawlUnderUmask("000", [command, report, "--output", made])
        written.waitUntilExit()
        #expect(written.terminationStatus == 0)
        #expect(permissions(made) == 0o600)

        let victim = dir.appendingPathComponent("victim")
        try Data("left alone".utf8).write(to: victim)
        let link = dir.appendingPathComponent("linked").path
        #expect(symlink(victim.path, link) == 0)
        let refused = try run([command, report, "--output", link])
        #expect(refused.status == 2)
        #expect(refused.err.contains("\(link): is a symbolic link"), "\(refused.err)")
        #expect(try Data(contentsOf: victim) == Data("left alone".utf8))
    }

    /// A device is written straight to; a named pipe of another user's (made here as root and
    /// given to nobody) is refused: whoever owns it would read the report.
    @Test func aDeviceIsWrittenToAndAnotherUsersPipeIsNot() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scan = ["scan", root.appendingPathComponent("Samples/text").path, "--quiet", "--key-file", dir.appendingPathComponent("key").path]
        let devnull = try trawl(scan + ["--output", "/dev/null"], report: false)
        #expect(devnull.status == 0, "\(devnull.stderr)")
        guard geteuid() == 0 else { return }
        let pipe = dir.appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o666) == 0 && chown(pipe, 65534, 65534) == 0)
        let refused = try trawl(scan + ["--output", pipe], report: false)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("\(pipe): is a named pipe of another user"), "\(refused.stderr)")
    }
}
