// Replays the inputs that libFuzzer found (Tests/Fuzz/regressions/TARGET/NAME), each a crash or
// a hang once, through the plain trawl-fuzz driver (the same target, without sanitizers) and
// through a real scan: each must be read to its end, and the scan must account for every one.
import Foundation
import Testing
import TrawlModel
import TrawlReport

let regressions = root.appendingPathComponent("Tests/Fuzz/regressions")

/// The targets that have regression inputs.
func regressionTargets() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: regressions.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

func regressionFiles(_ target: String) -> [String] {
    let folder = regressions.appendingPathComponent(target).path
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
}

@Suite struct FuzzRegressions {
    /// Seconds the whole folder of one target may take: each input once hung the fuzzer (its
    /// limit is 10 s per input under AddressSanitizer) or crashed at once.
    static let secondsPerTarget = 60.0

    @Test(arguments: regressionTargets())
    func everyInputIsReadThroughItsTarget(_ target: String) throws {
        let driver = root.appendingPathComponent(".build/debug/trawl-fuzz")
        let process = Process()
        // timeout(1) ends the driver past the limit: status 124, or 9 when the driver did not end
        // on SIGTERM and was killed.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=5", String(Int(Self.secondsPerTarget)), driver.path, target,
                             regressions.appendingPathComponent(target).path]
        process.currentDirectoryURL = root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(target): exit \(process.terminationStatus) (124 or 9: over \(Self.secondsPerTarget) s)\n\(output)")
        #expect(output.contains("replayed \(regressionFiles(target).count) files through \(target)"), "\(output)")
    }

    @Test func aScanOfEveryInputEndsWithAnEntryForEach() throws {
        let targets = regressionTargets()
        guard !targets.isEmpty else { return }
        let run = try trawl(["scan", regressions.path])
        #expect(run.summary != nil, "\(run.stderr)")
        for target in targets {
            for name in regressionFiles(target) {
                let path = regressions.appendingPathComponent(target).appendingPathComponent(name).path
                #expect(run.files.contains { $0.path.display == path && ($0.members ?? []).isEmpty }, "no entry for \(target)/\(name)")
            }
        }
    }
}
