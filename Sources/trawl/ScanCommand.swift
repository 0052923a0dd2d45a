import ArgumentParser
import Foundation
import Logging
import OCR
import SMBClient
import TrawlClassify
import TrawlCrawl
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
              trawl scan smb://fs01/staff --smb-credentials /etc/trawl/smb.credentials -o report.json
            """)

    @Argument(help: "Folders or files to scan, and SMB shares as smb://server/share[/folder].")
    var roots: [String]

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the report (JSON Lines); '-' for standard output.", valueName: "file"))
    var output: String

    @Option(name: [.short, .long], help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Scan only shard K of N (0 <= K < N): N processes, on any hosts, each given the same roots and one K, scan disjoint parts whose union is the whole; join their reports with 'trawl merge'. Every file goes to one shard by a hash of its path below its root.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("A name for this run, recorded in the report (the shards of one run share it; 'trawl merge' refuses to mix runs), such as a scheduler's job id.", valueName: "id"))
    var runId: String?

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

    @Option(help: ArgumentHelp("The day (YYYY-MM-DD) retention periods are judged against: a file whose period ended before it is overdue (default: today, UTC). For reproducible runs and tests.", valueName: "date"))
    var asOf: String?

    @Option(help: ArgumentHelp("Which entries get a content id, the keyed digest by which 'trawl diff' sees a file moved or copied: findings (files with findings, and archives and mail) or all (every file read; costs a hash of every byte).", valueName: "which"))
    var contentId: String = "findings"

    @Flag(help: "Leave out entries that were scanned and had no findings.")
    var findingsOnly = false

    @Flag(help: "Add each finding's value as written to the report. The report then holds personal data.")
    var showValues = false

    @Option(help: ArgumentHelp("Report only findings at or above this confidence: low, medium, high.", valueName: "level"))
    var minConfidence: String = "medium"

    @Option(help: ArgumentHelp("The account for smb:// roots: a file of 'username = ', 'password = ' and 'domain = ' lines (smbclient's -A format), readable by its owner only (default: $TRAWL_SMB_CREDENTIALS; without either, a guest session, or Kerberos with --smb-kerberos).", valueName: "file"))
    var smbCredentials: String?

    @Flag(help: "Reach smb:// roots with Kerberos: the ticket of the account running the scan (kinit, or a keytab's ticket cache named by KRB5CCNAME), or one got with --smb-credentials' password (its domain line the realm); name each server as its Kerberos principal does, not by its address.")
    var smbKerberos = false

    @Option(help: ArgumentHelp("SMB3 encryption for smb:// roots: request (used where the server offers it; a server that offers none is read signed, with a warning), require (a server that offers none is not read) or off.", valueName: "level"))
    var smbEncryption: String = "request"

    @Option(help: ArgumentHelp("Longest wait for an SMB server to connect or answer.", valueName: "seconds"))
    var smbTimeout: Double = 20

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
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard must be K/N with 0 <= K < N, such as 0/4 (got '\(shard)')")
        }
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
        if let asOf, CalendarDay(iso: asOf) == nil { throw ValidationError("--as-of must be a date such as 2026-07-31") }
        guard ContentIds(rawValue: contentId) != nil else { throw ValidationError("--content-id must be findings or all") }
        guard Confidence(rawValue: minConfidence) != nil else { throw ValidationError("--min-confidence must be low, medium or high") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be text or json") }
        if progressInterval <= 0 { throw ValidationError("--progress-interval must be positive") }
        if let failOn, Level.allCases.first(where: { $0.rawValue.lowercased() == failOn.lowercased() }) == nil {
            throw ValidationError("--fail-on must be Confidential, Restricted, Internal or Public")
        }
        guard SMBSettings.Encryption(rawValue: smbEncryption) != nil else {
            throw ValidationError("--smb-encryption must be request, require or off")
        }
        // Under a millisecond is 0 to libsmbclient, which then waits for ever.
        guard smbTimeout >= 0.001 && smbTimeout <= 86_400 else {
            throw ValidationError("--smb-timeout must be a number of seconds from 0.001 to 86400")
        }
        for root in roots where SMBSource.isSMB(root) {
            if let problem = SMBRoot.problem(root) { throw ValidationError(problem) }
        }
        for root in roots where !SMBSource.isSMB(root) && !FileManager.default.fileExists(atPath: root) {
            throw ValidationError("\(root): no such file or folder")
        }
    }

    func run() throws {
        try ScanRun(configuration: configuration()).run()
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
