// trawl as an administrator meets it once installed: started by name from $PATH in any folder,
// it finds the patterns installed beside it, never a Patterns/ folder above the current one; and
// its --help names the formats the README names.
import Foundation
import Testing

/// Runs `command` with `arguments` and extra environment; returns status and standard error.
func runScript(_ command: String, _ arguments: [String], environment: [String: String] = [:],
                       in directory: URL = root) throws -> (status: Int32, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: command)
    p.arguments = arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    p.currentDirectoryURL = directory
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func scratchFolder(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-\(name)-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct PatternsFolder {
    /// trawl installed as PREFIX/bin/trawl with PREFIX/share/trawl/Patterns, started by name from
    /// $PATH inside a share whose parent holds a planted Patterns/ folder (a broken policy): the
    /// installed patterns are used, the planted ones never.
    @Test func anInstalledBinaryUsesItsOwnPatternsWhereverItIsRun() throws {
        let dir = try scratchFolder("installed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = dir.appendingPathComponent("opt")
        let bin = prefix.appendingPathComponent("bin"), share = prefix.appendingPathComponent("share/trawl/Patterns")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: share.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try binary(), to: bin.appendingPathComponent("trawl"))
        try FileManager.default.copyItem(at: root.appendingPathComponent("Patterns"), to: share)
        let planted = dir.appendingPathComponent("shares/Patterns"), cwd = dir.appendingPathComponent("shares/staff")
        try FileManager.default.createDirectory(at: planted, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        try "levels: [not a policy\n".write(to: planted.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)

        let result = try runScript("/usr/bin/env", ["trawl", "patterns", "check"],
                                   environment: ["PATH": bin.path + ":/usr/bin:/bin", "TRAWL_PATTERNS": ""], in: cwd)
        #expect(result.status == 0, "\(result.err)")
    }
}

@Suite struct HelpMatchesTheReadme {
    /// The formats the README's "What it reads" names, as a person reads them there.
    static let formats = ["CSV", "TSV", "HTML", "XML", "JSON", "docx", "xlsx", "pptx", "odt", "ods", "odp", "PDF", "RTF",
                          ".doc", ".xls", ".ppt", ".eml", "mbox", ".msg", "EXIF", "XMP", "PNG", "zip", "tar", "gzip",
                          "bzip2", "xz", "7z", "RAR"]

    @Test func helpNamesEveryFormatTheReadmeNames() throws {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let help = try run(["--help"]).out
        for format in Self.formats {
            #expect(readme.contains(format), "the README no longer names \(format): update this list")
            #expect(help.contains(format), "trawl --help does not name \(format)")
        }
    }
}
