import ArgumentParser
import Foundation
import Logging
import OCR
import TrawlClassify
import TrawlDecisions
import TrawlDetect
import TrawlModel
import TrawlPatterns
import TrawlReport
import TrawlScan
import TrawlState

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan folders and files and write a report.",
        discussion: """
            Every file and archive member gets one entry in the report (the coverage ledger): scanned, \
            skipped (excluded, too large, symbolic link, special file, a format Trawl does not read) or \
            error (permission, corrupt, encrypted). Values are masked and fingerprinted with a keyed \
            HMAC; the key file is created (mode 0600) if it does not exist. The report is written to a \
            temporary name and renamed to --output when complete; it has mode 0600.

            Examples:
              trawl scan /srv/share --output /var/lib/trawl/report.json
              trawl scan Samples --output - --findings-only | jq .
            """)

    @Argument(help: "Folders or files to scan.")
    var roots: [String]

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the report (JSON Lines); '-' for standard output.", valueName: "file"))
    var output: String

    @Option(name: [.short, .long], help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(name: .customLong("include"), help: ArgumentHelp("Scan only files matching this glob (repeatable). A glob without '/' matches the file name, one with '/' the path below the root.", valueName: "glob"))
    var include: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp("Skip files and folders matching this glob (repeatable); they are listed as skipped.", valueName: "glob"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Skip files larger than this many bytes (suffixes K, M, G).", valueName: "size"))
    var maxFileSize: String = "256M"

    @Option(help: ArgumentHelp("Largest archive member read into memory (suffixes K, M, G).", valueName: "size"))
    var maxMemberSize: String = "64M"

    @Option(help: ArgumentHelp("Most bytes unpacked from one file over all the archives nested in it (suffixes K, M, G).", valueName: "size"))
    var maxTotalExpansion: String = "1G"

    @Option(help: ArgumentHelp("Most bytes unpacked per byte of the file on disk, once 16 MiB have been unpacked.", valueName: "ratio"))
    var maxExpansionRatio: Int = 200

    @Option(help: ArgumentHelp("Most members read from one archive.", valueName: "count"))
    var maxMembers: Int = 100_000

    @Option(help: ArgumentHelp("Time allowed for one file and everything inside it; the rest is reported as not searched. PDF, legacy Office files and OCR are read in a worker process that is killed at this limit.", valueName: "seconds"))
    var maxSecondsPerFile: Double = 60

    @Option(help: ArgumentHelp("Memory (address space) a worker process reading a PDF, a legacy Office file or an image for OCR may use; past it, that file is reported as not read (suffixes K, M, G).", valueName: "size"))
    var maxMemoryPerFile: String = "1G"

    @Option(help: ArgumentHelp("Findings listed per entry; past it they are counted (reasons, findings_omitted, summary) and set the level, but are not listed.", valueName: "count"))
    var maxFindings: Int = 10_000

    @Option(help: "Archives nested deeper than this are reported, not opened.")
    var maxArchiveDepth: Int = 8

    @Flag(help: "Follow symbolic links (only to targets inside the roots; loops are detected).")
    var followSymlinks = false

    @Flag(help: "Read the text in images with Tesseract OCR (English): a scanned form or a photographed passport.")
    var ocr = false

    @Flag(help: "Diagnostic: run every pattern over all the text, without the anchor prefilter (slower; the same findings).")
    var plainMatcher = false

    @Flag(help: "Leave out entries that were scanned and had no findings.")
    var findingsOnly = false

    @Flag(help: "Add each finding's value as written to the report. The report then holds personal data.")
    var showValues = false

    @Option(help: ArgumentHelp("Report only findings at or above this confidence: low, medium, high.", valueName: "level"))
    var minConfidence: String = "medium"

    @Option(help: ArgumentHelp("Pattern directory (default: $TRAWL_PATTERNS, or the Patterns folder installed with trawl).", valueName: "dir"))
    var patterns: String?

    @Option(help: ArgumentHelp("Classification policy file (default: policy.yaml in the pattern directory).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Fingerprint key file, created if missing (default: $TRAWL_KEY_FILE or ~/.config/trawl/fingerprint.key).", valueName: "file"))
    var keyFile: String?

    @Option(help: ArgumentHelp("Incremental state database (SQLite). Unchanged files are carried over from it instead of being read again; the results of every file read are recorded in it. One run at a time per state.", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("The DPO's decisions file (docs/decisions.md): findings decided false positive count towards no level; every decision is shown on its finding.", valueName: "file"))
    var decisions: String?

    @Option(help: ArgumentHelp("Exit with status 3 when an entry at or above this level is found: Confidential, Restricted, Internal or Public.", valueName: "level"))
    var failOn: String?

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but fatal errors: no progress, no per-file problems, no summary.")
    var quiet = false

    @Option(help: ArgumentHelp("Standard error as text for people, or json: one JSON object per line for log collectors.", valueName: "format"))
    var logFormat: String = "text"

    @Option(help: ArgumentHelp("When standard error is not a terminal, log progress every this many seconds (on a terminal, a progress line is redrawn in place).", valueName: "seconds"))
    var progressInterval: Double = 60

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if maxArchiveDepth < 0 { throw ValidationError("--max-archive-depth must not be negative") }
        _ = try parseSize(maxFileSize, option: "--max-file-size")
        _ = try parseSize(maxMemberSize, option: "--max-member-size")
        _ = try parseSize(maxTotalExpansion, option: "--max-total-expansion")
        // Less than a worker needs to load poppler-glib and Tesseract.
        if try parseSize(maxMemoryPerFile, option: "--max-memory-per-file") < 256 << 20 {
            throw ValidationError("--max-memory-per-file must be at least 256M")
        }
        if maxExpansionRatio < 1 { throw ValidationError("--max-expansion-ratio must be at least 1") }
        if maxMembers < 1 { throw ValidationError("--max-members must be at least 1") }
        if maxFindings < 0 { throw ValidationError("--max-findings must be 0 or more") }
        if maxSecondsPerFile <= 0 { throw ValidationError("--max-seconds-per-file must be positive") }
        guard Confidence(rawValue: minConfidence) != nil else { throw ValidationError("--min-confidence must be low, medium or high") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        if progressInterval <= 0 { throw ValidationError("--progress-interval must be positive") }
        if let failOn, Level.allCases.first(where: { $0.rawValue.lowercased() == failOn.lowercased() }) == nil {
            throw ValidationError("--fail-on must be Confidential, Restricted, Internal or Public")
        }
        for root in roots where !FileManager.default.fileExists(atPath: root) {
            throw ValidationError("\(root): no such file or folder")
        }
    }

    func run() throws {
        let started = Date()
        let format = LogFormat(rawValue: logFormat) ?? .text
        LoggingSystem.bootstrap { _ in StderrLogHandler(format: format) }
        let logger = Logger(label: "trawl")
        // Everything shared is built before the first file is read: a configuration error exits 2
        // with nothing scanned.
        let patternDir = try Resources.patternsDirectory(patterns)
        let library: PatternLibrary
        let set: PatternSet
        let loadedPolicy: Policy
        let key: FingerprintKey
        let book: DecisionBook?
        do {
            // Tesseract is loaded only when asked for; asked for and missing, nothing is scanned
            // and nothing is written (images would otherwise go unread without a word).
            if ocr, let problem = TextRecognizer.problem() { throw ValidationError("--ocr: \(problem)") }
            book = try decisions.map { path throws(DecisionError) in try DecisionBook.load(path: path) }
            library = try PatternLibrary.load(directory: patternDir)
            set = try PatternSet(library)
            loadedPolicy = try Policy.load(path: policy ?? patternDir + "/policy.yaml")
            key = try FingerprintKey.loadOrCreate(at: keyFile ?? Resources.defaultKeyFile())
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }

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

        let writer: ReportWriter
        do {
            writer = try ReportWriter(path: output, key: key, showValues: showValues, findingsOnly: findingsOnly)
            try writer.begin(BeginRecord(
                schema: reportSchema, tool: "trawl \(Trawl.version)", started: Timestamp.string(started),
                roots: roots.map { PathText(Array($0.utf8)) },
                options: [
                    "jobs": String(options.jobs), "include": include.joined(separator: ","), "exclude": exclude.joined(separator: ","),
                    "max_file_size": String(options.crawl.maxFileSize), "max_member_size": String(options.limits.maxMemberSize),
                    "max_archive_depth": String(maxArchiveDepth), "follow_symlinks": String(followSymlinks),
                    "max_total_expansion": String(options.limits.maxTotalExpansion), "max_expansion_ratio": String(maxExpansionRatio),
                    "max_members": String(maxMembers), "max_seconds_per_file": String(maxSecondsPerFile), "ocr": String(ocr),
                    "max_memory_per_file": String(options.isolation?.maxMemory ?? 0),
                    "max_findings": String(maxFindings),
                    "findings_only": String(findingsOnly), "show_values": String(showValues), "min_confidence": minConfidence,
                ],
                patterns: RuleSetIdentity.of(files: library.sources, name: "Patterns", count: library.patterns.count),
                policy: RuleSetIdentity.of(files: [("policy.yaml", loadedPolicy.source)], name: loadedPolicy.name),
                keyId: key.id))
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }

        // The state: locked for the whole run, opened before any file is read.
        var runLock: RunLock?
        var store: StateStore?
        if let state {
            do {
                runLock = try RunLock(path: state + ".lock")
                store = try StateStore(path: state, readers: options.jobs,
                                       rules: stateRules(library: library, policy: loadedPolicy, key: key, decisions: book))
            } catch {
                writer.abandon()
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            if let aside = store?.movedAside {
                logger.warning("\(state): the state database is damaged (\(aside.reason)); moved aside to \(aside.path); every file is read this run, into a new state")
            }
            if let older = store?.resetFrom, !quiet {
                logger.notice("\(state): written by an older trawl (\(older)); emptied, so every file is read this run")
            }
        }
        defer { withExtendedLifetime(runLock) {} }

        let quiet = self.quiet
        let scanner = Scanner(options: options, patterns: set, classifier: Classifier(policy: loadedPolicy), writer: writer,
                              state: store, decisions: book) { path, issue in
            guard !quiet else { return }
            let entry = path.map { TerminalText.escaping(bytes: $0) }.joined(separator: "!/")
            if format == .json {
                logger.warning("could not read", metadata: ["path": "\(entry)", "kind": "\(issue.kind.rawValue)", "reason": "\(issue.message)"])
            } else {
                logger.warning("\(entry): \(issue.kind.rawValue): \(issue.message)")
            }
        }
        if !quiet && format == .json {
            logger.info("scan started", metadata: ["roots": "\(roots.joined(separator: ","))", "jobs": "\(options.jobs)",
                                                   "state": "\(state ?? "")", "output": "\(output)"])
        }
        let reporter = ProgressReporter(progress: scanner.progress, logger: logger, interval: progressInterval)
        if !quiet { reporter.start() }
        let scanError = scanner.run()
        if !quiet { reporter.stop() }
        if let error = scanError {
            writer.abandon()
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        do {
            try store?.finish(roots: roots.map { Array($0.utf8) })
        } catch {
            // The report is still complete; the next run just reads more.
            printError("\(error)")
        }
        if let aside = store?.movedAside, aside.whileRunning {
            logger.warning("\(state ?? ""): the state database was found damaged during the run (\(aside.reason)); moved aside to \(aside.path); the report is complete, and the next run starts a new state")
        }
        if let store, store.damaged > 0 {
            // The files were read again, so the report is right; the state file is what is damaged.
            logger.warning("\(state ?? ""): \(store.damaged) stored results failed their check; their files were read again (the state file is damaged)")
        }
        let summary: SummaryRecord
        do {
            summary = try writer.finish(started: started)
        } catch {
            writer.abandon()
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        if let decisions, output != "-" {
            for line in followMovedFiles(decisions: decisions, report: output) where !quiet { logger.notice("\(line)") }
        }
        if !quiet {
            let levels = Level.allCases.reversed().map { "\($0.rawValue) \(summary.entriesByLevel[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            let findings = summary.findingsByType.values.reduce(0, +)
            if format == .json {
                var metadata: Logger.Metadata = [
                    "entries": "\(summary.entries.total)", "files": "\(summary.files.total)", "scanned": "\(summary.entries.scanned)",
                    "skipped": "\(summary.entries.skipped)", "unreadable": "\(summary.entries.failed)",
                    "unchanged": "\(summary.filesCarriedOver)", "findings": "\(findings)",
                    "seconds": "\(summary.elapsedSeconds)", "report": "\(output)", "exit_status": "\(summary.exitStatus)",
                ]
                for level in Level.allCases { metadata["level_" + level.rawValue.lowercased()] = "\(summary.entriesByLevel[level.rawValue] ?? 0)" }
                logger.notice("scan finished", metadata: metadata)
            } else {
                logger.notice("""
                    scanned \(summary.entries.scanned) of \(summary.entries.total) entries (\(summary.files.total) files), \
                    skipped \(summary.entries.skipped), could not read \(summary.entries.failed)\
                    \(state == nil ? "" : ", carried over \(summary.filesCarriedOver) unchanged files"); \
                    \(findings) findings; \(levels); \(String(format: "%.2f", summary.elapsedSeconds)) s\
                    \(output == "-" ? "" : "; report: \(output)")
                    """)
            }
        }
        if let failOn, let threshold = Level.allCases.first(where: { $0.rawValue.lowercased() == failOn.lowercased() }),
           summary.entriesByLevel.contains(where: { Level(rawValue: $0.key).map { $0 >= threshold } == true && $0.value > 0 }) {
            throw ExitCode(ExitStatus.levelFound)
        }
        if summary.exitStatus != 0 { throw ExitCode(Int32(summary.exitStatus)) }
    }
}

/// "256M" → 268435456.
func parseSize(_ text: String, option: String) throws -> Int {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = text.uppercased()
    var multiplier = 1
    if let last = digits.last, let m = units[last] { multiplier = m; digits.removeLast() }
    guard let n = Int(digits), n > 0, case let (size, overflow) = n.multipliedReportingOverflow(by: multiplier), !overflow else {
        throw ValidationError("\(option) must be a positive size such as 1048576, 512K, 256M or 2G")
    }
    return size
}
