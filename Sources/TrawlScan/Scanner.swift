// The scan: the plan's walk, run by a pool of workers, each file a `FileJob`.
//
// Everything shared is built before the first file (compiled patterns, policy, report sink,
// keyring, state); a bad pattern, policy or output path fails there, before anything is read. Each
// worker has its own detector (pattern scratch) and document reader (its own worker process).
import Foundation
import Synchronization
import TrawlClassify
import TrawlCrawl
import TrawlDecisions
import TrawlDetect
import TrawlModel
import TrawlReport
import TrawlState

package final class Scanner: Sendable {
    private let plan: ScanPlan
    private let patterns: PatternSet
    private let context: ScanContext
    private let notices: @Sendable (String) -> Void
    /// Counters for a progress display.
    package var progress: ScanProgress { context.progress }

    /// - Parameter sink: where the entries go, in the order files finish; made for `options.jobs`
    ///   workers (at least one).
    /// - Parameter keyring: the report's key: fingerprints, and content ids.
    /// - Parameter state: the incremental state; unchanged files are carried over from it and every
    ///   file read is recorded in it. Nil for a full scan that remembers nothing.
    /// - Parameter decisions: the DPO's decisions; a false positive counts towards no level.
    /// - Parameter notices: what the user should know of how a root is read, once each (an SMB
    ///   server read without encryption).
    package init(options: ScanOptions, patterns: PatternSet, classifier: Classifier, sink: any ReportSink, keyring: Keyring,
                 state: StateStore? = nil, decisions: DecisionBook? = nil, notices: @escaping @Sendable (String) -> Void = { _ in },
                 problems: @escaping ProblemSink) {
        plan = ScanPlan(roots: options.roots, crawl: options.crawl, shard: options.shard)
        self.notices = notices
        self.patterns = patterns
        context = ScanContext(options: options, classifier: classifier, sink: sink, keyring: keyring, carry: state.map(Carry.init),
                              decisions: decisions, problems: problems, progress: ScanProgress())
    }

    /// Scans every root, writing each entry to the sink. Returns the first report write error, if
    /// any (the scan stops early then: a report that cannot be written is fatal).
    package func run() -> ReportWriteError? {
        let options = context.options
        let jobs = max(1, options.jobs)
        let scratch = WorkerScratch(count: jobs, detector: {
            Detector(self.patterns, minimumConfidence: options.minimumConfidence, usePrefilter: !options.plainMatcher,
                     workDomains: self.context.classifier.policy.workDomains, ownDetails: self.context.classifier.policy.ownDetails)
        }, reader: {
            if let isolation = options.isolation {
                return SupervisedReader(options: isolation, limits: options.limits, recognizeText: options.ocr)
            }
            return LocalReader(limits: options.limits, recognizeText: options.ocr)
        })
        let failure = FirstError()
        let plan = plan
        plan.walk(jobs: jobs, comparesWithState: context.carry != nil, smb: options.smb, notices: self.notices) { item, worker in
            guard failure.value == nil, plan.keeps(item) else { return }
            let job = FileJob(scan: self.context, worker: worker, detector: scratch.detector(worker), reader: scratch.reader(worker))
            do throws(ReportWriteError) {
                try job.run(item)
            } catch {
                failure.set(error)
            }
        }
        return failure.value
    }
}

/// One detector and one document reader per worker, each used only by the worker with that index.
private final class WorkerScratch: @unchecked Sendable {
    // SAFETY: slot i is read only by worker i (the walker gives every thread a distinct index), and
    // the arrays themselves are never mutated after init.
    private let detectors: [Detector]
    private let readers: [DocumentReader]

    init(count: Int, detector: () -> Detector, reader: () -> DocumentReader) {
        detectors = (0..<count).map { _ in detector() }
        readers = (0..<count).map { _ in reader() }
    }

    func detector(_ worker: Int) -> Detector { detectors[worker] }
    func reader(_ worker: Int) -> DocumentReader { readers[worker] }
}

/// The first report write error any worker met.
private final class FirstError: Sendable {
    private let stored = Mutex<ReportWriteError?>(nil)

    var value: ReportWriteError? {
        // Copied into a local before it is returned (see `StateStore.movedAside`).
        stored.withLock { error -> ReportWriteError? in
            let copy = error
            return copy
        }
    }

    func set(_ e: ReportWriteError) {
        stored.withLock { if $0 == nil { $0 = e } }
    }
}
