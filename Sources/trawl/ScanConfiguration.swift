// The scan as the command line asks for it: one value built from the options, from which the
// scanner's options, the report's begin record and the state's rules are derived.
//
// Design decision: the state's rules (the key that decides whether the state may carry a file's
// entries over into this run's report) are derived from this value by reflection, every stored
// property by its path and value, less a short list of properties that shape no entry, each named
// with its reason. A setting added to the configuration is then part of the key without anyone
// remembering to add it; leaving one out takes a line here that says why. A setting missing from
// the key lets results made under it reach reports made without it: the raw values of a
// `--show-values` run, for one.
import Foundation
import ArgumentParser
import LibCrypto
import SMBClient
import TrawlClassify
import TrawlCrawl
import TrawlDecisions
import TrawlModel
import TrawlPatterns
import TrawlReport
import TrawlScan
import TrawlState

struct ScanConfiguration {
    var roots: [String]
    /// Where the report goes; "-" for standard output.
    var output: String
    var scan: ScanOptions
    var showValues: Bool
    var findingsOnly: Bool
    var patternsDirectory: String
    var policyFile: String
    var keyFile: String
    var stateFile: String?
    var decisionsFile: String?
    var failOn: Level?
    /// The run's name in the report (`--run-id`).
    var runId: String?
    var quiet: Bool
    var logFormat: LogFormat
    var progressInterval: Double

    /// Properties that change no entry of the report, by path, each with its reason. Every other
    /// stored property is part of the state's rules.
    static let shapingNoEntry: [String: String] = [
        "roots": "results are stored and looked up by path",
        "scan.roots": "results are stored and looked up by path",
        "output": "where the report goes, not what it holds",
        "scan.jobs": "how many files are read at once",
        "scan.smb": "how SMB shares are reached (the account, encryption, timeouts), not what is read in them",
        "scan.asOf": "the report's due dates do not depend on it; overdue is judged against the begin record's as_of",
        "scan.isolation.executable": "the worker is this very build, whose digest is in the rules",
        "stateFile": "the state database itself",
        "findingsOnly": "applied as each entry is written, read or carried over alike",
        "failOn": "the exit status only",
        "runId": "names the run in the begin record only",
        "quiet": "standard error only",
        "logFormat": "standard error only",
        "progressInterval": "standard error only",
        "keyFile": "the key's id is in the rules (a path says nothing of the key in it)",
        "patternsDirectory": "a digest of the pattern files is in the rules",
        "policyFile": "a digest of the policy file is in the rules",
        "decisionsFile": "a digest of the decisions file is in the rules",
    ]

    /// Every stored property as "path=value", nested values by their dotted path, those in
    /// `shapingNoEntry` left out, sorted by path.
    func shapingSettings() -> [String] {
        var all: [(String, String)] = []
        func visit(_ value: Any, path: String) {
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .struct?:
                for child in mirror.children {
                    guard let label = child.label else { continue }
                    visit(child.value, path: path.isEmpty ? label : path + "." + label)
                }
            case .optional?:
                if let some = mirror.children.first { visit(some.value, path: path) } else { all.append((path, "nil")) }
            default:
                all.append((path, String(describing: value)))
            }
        }
        visit(self, path: "")
        let paths = Set(all.map(\.0))
        assert(Self.shapingNoEntry.keys.allSatisfy { key in paths.contains { $0 == key || $0.hasPrefix(key + ".") } },
               "a setting left out of the state's rules does not exist")
        return all.filter { setting in
            !Self.shapingNoEntry.keys.contains { setting.0 == $0 || setting.0.hasPrefix($0 + ".") }
        }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
    }

    /// Identity of everything that shapes a stored result: this build of trawl, the contents of the
    /// patterns, policy and decisions, the key's id, and every setting that shapes an entry.
    func stateRules(library: PatternLibrary, policy: Policy, key: Keyring, decisions: DecisionBook?) -> String {
        let identities = [
            "trawl \(Trawl.version)", Self.buildIdentity(),
            library.sources.isEmpty ? "" : RuleSetIdentity.of(files: library.sources, name: "").id,
            RuleSetIdentity.of(files: [("policy.yaml", policy.source)], name: "").id, key.id,
            RuleSetIdentity.of(files: [("decisions", decisions?.source ?? [])], name: "").id,
        ]
        return (identities + shapingSettings()).joined(separator: "|")
    }

    /// The options the report's begin record names (docs/report-format.md).
    var beginOptions: [String: String] {
        [
            "jobs": String(scan.jobs), "include": scan.crawl.include.joined(separator: ","),
            "exclude": scan.crawl.exclude.joined(separator: ","),
            "max_file_size": String(scan.crawl.maxFileSize), "max_member_size": String(scan.limits.maxMemberSize),
            "max_archive_depth": String(scan.maxArchiveDepth), "follow_symlinks": String(scan.crawl.followSymlinks),
            "max_total_expansion": String(scan.limits.maxTotalExpansion), "max_expansion_ratio": String(scan.limits.maxExpansionRatio),
            "max_members": String(scan.limits.maxMembers), "max_seconds_per_file": String(scan.maxSecondsPerFile),
            "ocr": String(scan.ocr), "max_memory_per_file": String(scan.isolation?.maxMemory ?? 0),
            "max_findings": String(scan.maxFindingsPerEntry),
            "findings_only": String(findingsOnly), "show_values": String(showValues),
            "min_confidence": scan.minimumConfidence.rawValue, "content_id": scan.contentIds.rawValue,
        ]
    }

    /// This build of trawl: its GNU build ID (a hash the linker made of it), else a digest of its
    /// own executable. Another build may read a file differently (an extractor mended, a validator
    /// changed), so the state keeps no result of one build for another; the version alone does not
    /// change with every build.
    static func buildIdentity() -> String {
        if let id = BuildID.of() { return "build-id \(id)" }
        guard let file = fopen("/proc/self/exe", "rb") else { return "build unknown" }
        defer { fclose(file) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
        return hasher.finalize().withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }
}

extension Scan {
    /// A local root as an absolute path, the working directory's path before a relative one:
    /// the report, the state, the policy's published paths and the DPO's folder decisions all
    /// name files by their full path, which must not depend on where a scan was started from.
    /// An absolute path and an smb:// URL are kept as given.
    static func absoluteRoot(_ root: String) -> String {
        guard !root.hasPrefix("/"), !SMBSource.isSMB(root) else { return root }
        let cwd = FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: root, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
    }

    /// The configuration these options ask for. The pattern directory is looked up here (a
    /// configuration error exits before anything is read).
    func configuration() throws -> ScanConfiguration {
        let roots = roots.map(Scan.absoluteRoot)
        var options = ScanOptions(roots: roots)
        options.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        options.crawl.include = include
        options.crawl.exclude = exclude
        options.crawl.maxFileSize = try parseSize(maxFileSize, option: "--max-file-size")
        options.crawl.followSymlinks = followSymlinks
        options.limits.maxMemberSize = try parseSize(maxMemberSize, option: "--max-member-size")
        options.limits.maxTotalExpansion = try parseSize(maxTotalExpansion, option: "--max-total-expansion")
        options.limits.maxExpansionRatio = maxExpansionRatio
        options.limits.maxMembers = maxMembers
        options.maxFindingsPerEntry = maxFindings
        options.maxSecondsPerFile = maxSecondsPerFile
        // The worker is this very executable, as the kernel has it open: a binary replaced on
        // disk while the scan runs (an upgrade) does not change what the workers run.
        options.isolation = IsolationOptions(executable: "/proc/self/exe",
                                             maxMemory: try parseSize(maxMemoryPerFile, option: "--max-memory-per-file"))
        options.ocr = ocr
        options.plainMatcher = plainMatcher
        options.maxArchiveDepth = maxArchiveDepth
        options.minimumConfidence = Confidence(rawValue: minConfidence)!
        options.shard = shard.flatMap(Shard.init(parsing:))
        options.contentIds = ContentIds(rawValue: contentId) ?? .withFindings
        if let day = asOf.flatMap(CalendarDay.init(iso:)) { options.asOf = day }
        options.smb.kerberos = smbKerberos
        options.smb.encryption = SMBSettings.Encryption(rawValue: smbEncryption) ?? .request
        options.smb.timeoutMilliseconds = Int(smbTimeout * 1000)
        if let file = smbCredentials ?? ProcessInfo.processInfo.environment["TRAWL_SMB_CREDENTIALS"], !file.isEmpty {
            do { try SMBCredentialsFile.load(file, into: &options.smb) } catch { throw ValidationError("--smb-credentials: \(error)") }
        }
        let patternDir = try Resources.patternsDirectory(patterns)
        return ScanConfiguration(
            roots: roots, output: output, scan: options, showValues: showValues, findingsOnly: findingsOnly,
            patternsDirectory: patternDir, policyFile: policy ?? patternDir + "/policy.yaml",
            keyFile: keyFile ?? Resources.defaultKeyFile(), stateFile: state, decisionsFile: decisions,
            failOn: failOn.flatMap { f in Level.allCases.first { $0.rawValue.lowercased() == f.lowercased() } }, runId: runId,
            quiet: quiet, logFormat: LogFormat(rawValue: logFormat) ?? .text, progressInterval: progressInterval)
    }
}
