// The entry points: libFuzzer's driver, in a build with -DFUZZING (and -sanitize=fuzzer), or a replay
// driver in an ordinary build, which runs files through a target once each so that the
// regression inputs are read on every test run without sanitizers.
//
//   TRAWL_FUZZ_TARGET=xlsx trawl-fuzz CORPUS...     (fuzzing build: libFuzzer's own options)
//   TRAWL_FUZZ_LIST=1 trawl-fuzz                    (fuzzing build: the targets, one a line)
//   trawl-fuzz TARGET FILE-OR-FOLDER...             (ordinary build: replay)
//   trawl-fuzz --list                               (ordinary build: the targets, one a line)
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// "name max-length folders extensions parts", tab-separated, one line per target, for
/// scripts/fuzz (which makes a parts target's seeds from the zips of its Samples).
func targetList() -> String {
    FuzzTarget.all.map { t in
        [t.name, String(t.maxLength), t.seedFolders.joined(separator: ","), t.seedExtensions.joined(separator: ","),
         t.parts.joined(separator: ",")].joined(separator: "\t")
    }.joined(separator: "\n") + "\n"
}

#if FUZZING
import CLibFuzzer

/// The target and the reading path, set once before libFuzzer's driver starts.
// SAFETY: written by `main` before the driver runs; libFuzzer calls the callback from one thread.
nonisolated(unsafe) private var chosen: FuzzTarget?
nonisolated(unsafe) private var filePath: FilePath?

@main
enum FuzzDriver {
    static func main() {
        let environment = ProcessInfo.processInfo.environment
        if environment["TRAWL_FUZZ_LIST"] != nil {
            print(targetList(), terminator: "")
            return
        }
        guard let name = environment["TRAWL_FUZZ_TARGET"], let target = FuzzTarget.named(name) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: " ")
            FileHandle.standardError.write(Data("trawl-fuzz: set TRAWL_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        chosen = target
        filePath = FilePath(detector: loadDetector())
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            guard let chosen, let filePath else { return 0 }
            let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            chosen.run(bytes, with: filePath)
            return 0
        })
    }
}

#else

@main
enum ReplayDriver {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--list" {
            print(targetList(), terminator: "")
            return
        }
        guard arguments.count >= 2, let target = FuzzTarget.named(arguments[0]) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: " ")
            FileHandle.standardError.write(Data("usage: trawl-fuzz TARGET FILE-OR-FOLDER...  (targets: \(names))\n".utf8))
            exit(2)
        }
        let path = FilePath(detector: loadDetector())
        var count = 0
        for file in arguments.dropFirst().flatMap(filesUnder) {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("trawl-fuzz: cannot read \(file)\n".utf8))
                exit(1)
            }
            let started = Date(), chunks = path.chunks, found = path.found
            target.run(Array(data), with: path)
            let seconds = String(format: "%.3f", Date().timeIntervalSince(started))
            print("\(target.name) \(file): \(path.chunks - chunks) chunks, \(path.found - found) matches, \(seconds)s")
            count += 1
        }
        print("replayed \(count) files through \(target.name)")
    }

    /// The file itself, or the regular files under a folder in name order.
    static func filesUnder(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var inner: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &inner) && !inner.boolValue
        }
    }
}

#endif
