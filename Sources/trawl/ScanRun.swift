// One run of `trawl scan`: everything shared built before the first file (a configuration error
// exits 2 with nothing scanned), the state locked and opened, the scan run with progress on
// standard error, the report finished and the summary told, the exit status decided.
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

struct ScanRun {
    let config: ScanConfiguration

    init(configuration: ScanConfiguration) { config = configuration }

    func run() throws {
        let started = Date()
        let format = config.logFormat
        let quiet = config.quiet, state = config.stateFile, output = config.output
        LoggingSystem.bootstrap { _ in StderrLogHandler(format: format) }
        let logger = Logger(label: "trawl")
        // Everything shared is built before the first file is read: a configuration error exits 2
        // with nothing scanned.
        let library: PatternLibrary
        let set: PatternSet
        let loadedPolicy: Policy
        let key: Keyring
        let book: DecisionBook?
        do {
            // Tesseract is loaded only when asked for; asked for and missing, nothing is scanned
            // and nothing is written (images would otherwise go unread without a word).
            if config.scan.ocr, let problem = TextRecognizer.problem() { throw ValidationError("--ocr: \(problem)") }
            book = try config.decisionsFile.map { path throws(DecisionError) in try DecisionBook.load(path: path) }
            library = try PatternLibrary.load(directory: config.patternsDirectory)
            set = try PatternSet(library)
            loadedPolicy = try Policy.load(path: config.policyFile)
            key = try Keyring.loadOrCreate(at: config.keyFile)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }

        let options = config.scan

        // Retention is judged only under a policy that names a schedule: without one, the report
        // says nothing of a day or of overdue files.
        let retentionDay = loadedPolicy.retention == nil ? nil : options.asOf
        let writer: ReportWriter
        do {
            writer = try ReportWriter(path: output, key: key, showValues: config.showValues, findingsOnly: config.findingsOnly,
                                      roots: config.roots.map { Array($0.utf8) }, workers: options.jobs, asOf: retentionDay)
            try writer.begin(BeginRecord(
                schema: reportSchema, tool: "trawl \(Trawl.version)", started: Timestamp.string(started),
                roots: config.roots.map { PathText(Array($0.utf8)) },
                options: config.beginOptions,
                patterns: RuleSetIdentity.of(files: library.sources, name: "Patterns", count: library.patterns.count),
                policy: RuleSetIdentity.of(files: [("policy.yaml", loadedPolicy.source)], name: loadedPolicy.name),
                keyId: key.id, runId: config.runId,
                shard: options.shard.map { ShardRecord(index: $0.index, count: $0.count) }, asOf: retentionDay?.description))
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
                                       rules: config.stateRules(library: library, policy: loadedPolicy, key: key, decisions: book))
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

        let scanner = Scanner(options: options, patterns: set, classifier: Classifier(policy: loadedPolicy), sink: writer,
                              keyring: key, state: store, decisions: book, notices: { notice in
                                  if !quiet { logger.warning("\(notice)") }
                              }) { path, issue in
            guard !quiet else { return }
            let entry = path.map { TerminalText.escaping(bytes: $0) }.joined(separator: "!/")
            if format == .json {
                logger.warning("could not read", metadata: ["path": "\(entry)", "kind": "\(issue.kind.rawValue)", "reason": "\(issue.message)"])
            } else {
                logger.warning("\(entry): \(issue.kind.rawValue): \(issue.message)")
            }
        }
        if !quiet && format == .json {
            logger.info("scan started", metadata: ["roots": "\(config.roots.joined(separator: ","))", "jobs": "\(options.jobs)",
                                                   "state": "\(state ?? "")", "output": "\(output)"])
        }
        let reporter = ProgressReporter(progress: scanner.progress, logger: logger, interval: config.progressInterval)
        if !quiet { reporter.start() }
        let scanError = scanner.run()
        if !quiet { reporter.stop() }
        if let error = scanError {
            writer.abandon()
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        do {
            try store?.finish(roots: config.roots.map { Array($0.utf8) })
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
        if let decisions = config.decisionsFile, output != "-" {
            for line in followMovedFiles(decisions: decisions, report: output) where !quiet { logger.notice("\(line)") }
        }
        var ending = ScanSummary(summary: summary, output: output, incremental: state != nil, failOn: config.failOn)
        if output != "-" {
            if !quiet { ending.sinceLastRun = SinceLastRun.find(output: output, remembered: store?.lastReport()) }
            store?.remember(report: URL(fileURLWithPath: output).standardizedFileURL.path)
        }
        if !quiet { ending.log(to: logger, format: format) }
        if ending.exitStatus != ExitStatus.complete { throw ExitCode(ending.exitStatus) }
    }
}
