// Where the command line finds what it reads besides its arguments: the pattern folder (which
// holds the default policy) and the fingerprint key.
//
// The pattern folder is looked for from the executable as the kernel ran it (/proc/self/exe),
// never from the current directory: `trawl` run from $PATH inside a share anyone can write to
// must not load a Patterns/ folder planted above that share.
import ArgumentParser
import Foundation

enum Resources {
    /// Where a Debian package installs the patterns and the default policy.
    static let packagedPatterns = "/usr/share/trawl/Patterns"

    /// The pattern folder: `explicit` (--patterns), $TRAWL_PATTERNS, `../share/trawl/Patterns`
    /// beside the executable (an installed binary: /usr/bin and /usr/local/bin alike), the
    /// nearest `Patterns/` above the executable (a build inside the source tree), then the
    /// packaged folder. A candidate counts only when it holds policy.yaml.
    static func patternsDirectory(_ explicit: String?) throws -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["TRAWL_PATTERNS"], !env.isEmpty { return env }
        for candidate in patternCandidates(executable: executablePath()) where holdsPolicy(candidate) {
            return candidate
        }
        throw ValidationError("cannot find the Patterns directory: pass --patterns DIR or set TRAWL_PATTERNS")
    }

    /// The folders tried after the option and the environment, in order.
    static func patternCandidates(executable: URL) -> [String] {
        var dir = executable.deletingLastPathComponent()
        var candidates = [dir.deletingLastPathComponent().appendingPathComponent("share/trawl/Patterns").path]
        for _ in 0..<8 {
            candidates.append(dir.appendingPathComponent("Patterns").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(packagedPatterns)
        return candidates
    }

    static func defaultKeyFile() -> String {
        let env = ProcessInfo.processInfo.environment
        if let k = env["TRAWL_KEY_FILE"], !k.isEmpty { return k }
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? ".") + "/.config")
        return base + "/trawl/fingerprint.key"
    }

    /// The running executable's path with its links resolved. /proc/self/exe names the file the
    /// kernel ran whatever argv[0] says (a bare `trawl` found on $PATH, or anything a caller
    /// passes); argv[0] is used only where /proc is not mounted.
    private static func executablePath() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    }

    private static func holdsPolicy(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/policy.yaml")
    }
}
