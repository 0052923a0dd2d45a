// One file on disk, from open to its entries in the report: the unit a worker runs.
//
// A job opens the file safely (by its name in the folder it was listed in, never through a link,
// never blocking, stat'ed again through its descriptor), carries it over when the state says it is
// unchanged, and otherwise reads it: a large text or CSV file streamed in blocks
// (`FileJob+Streamed`), anything else whole, with the archives and embedded files inside it,
// depth first (`FileJob+Content`). Each entry is written as soon as it is classified
// (`EntryAssembly`), so memory does not grow with the size of an archive or a share.
import Foundation
import TrawlClassify
import TrawlCrawl
import TrawlDecisions
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

/// What every job of a scan shares: built once before the first file, read by every worker.
final class ScanContext: Sendable {
    let options: ScanOptions
    let classifier: Classifier
    let sink: any ReportSink
    let keyring: Keyring
    /// Unchanged files carried over from the state; nil for a scan that remembers nothing.
    let carry: Carry?
    /// The DPO's decisions; a false positive counts towards no level.
    let decisions: DecisionBook?
    let problems: ProblemSink
    let progress: ScanProgress

    init(options: ScanOptions, classifier: Classifier, sink: any ReportSink, keyring: Keyring, carry: Carry?,
         decisions: DecisionBook?, problems: @escaping ProblemSink, progress: ScanProgress) {
        self.options = options
        self.classifier = classifier
        self.sink = sink
        self.keyring = keyring
        self.carry = carry
        self.decisions = decisions
        self.problems = problems
        self.progress = progress
    }
}

struct FileJob {
    let scan: ScanContext
    /// The worker's index: its slot in the sink and the state, and whose detector and reader these are.
    let worker: Int
    let detector: Detector
    let reader: DocumentReader
    /// The entries this file produced, as the sink returned them, for the state.
    let lines = LineCollector()
    /// The file of the share while it is read: who may read it is told from it.
    let opened = OpenedFile()

    var options: ScanOptions { scan.options }

    func run(_ item: CrawlItem) throws(ReportWriteError) {
        defer { scan.progress.files.add(1, ordering: .relaxed) }
        switch item {
        case .skipped(let path, let size, let issue):
            try emit(notRead(FileResult(path: path, size: size, outcome: .skipped, issues: [issue])), isMember: false)
        case .failed(let path, let issue):
            try emit(notRead(FileResult(path: path, size: 0, outcome: .error, issues: [issue])), isMember: false)
        case .file(let ref, let directory):
            try handleFile(ref, in: directory, descriptor: nil)
        case .remoteFile(let ref, let source):
            try handleRemote(ref, source: source)
        case .listedFile(let path, let directory):
            switch openListed(path, in: directory) {
            case .skipped(let size, let issue):
                try emit(notRead(FileResult(path: path, size: size, outcome: .skipped, issues: [issue])), isMember: false)
            case .failed(let size, let issue):
                try emit(notRead(FileResult(path: path, size: size, outcome: .error, issues: [issue])), isMember: false)
            case .opened(let ref, let fd):
                defer { close(fd) }
                try handleFile(ref, in: directory, descriptor: fd)
            }
        }
    }

    private enum Opened {
        case opened(FileRef, Int32)
        case skipped(size: Int, ScanIssue)
        case failed(size: Int, ScanIssue)
    }

    /// A file the walk listed as regular without stat'ing it: opened (not through a link, not
    /// blocking: it may have changed since), stat'ed through its descriptor, and checked as the
    /// walk checks a stat'ed file: still a regular file, within the size limit. One that cannot
    /// be opened is stat'ed by name, so that its entry is the one the walk and `handleFile` would
    /// have made.
    private func openListed(_ path: [UInt8], in directory: DirectoryHandle?) -> Opened {
        var st = stat()
        func checked() -> Opened? {
            switch Walker.specialSkip(path: path, mode: st.st_mode) ?? Walker.sizeSkip(path: path, size: Int(st.st_size), limit: options.crawl.maxFileSize) {
            case .skipped(_, let size, let issue)?: return .skipped(size: size, issue)
            default: return nil
            }
        }
        switch FileReading.open(path, in: directory) {
        case .success(let fd):
            guard fstat(fd, &st) == 0 else {
                let code = errno
                close(fd)
                return .failed(size: 0, Walker.issue(errno: code, doing: "stat"))
            }
            if let skip = checked() { close(fd); return skip }
            return .opened(FileRef(path: path, status: st), fd)
        case .failure(let openIssue):
            let statted = FileReading.withCString(path[...]) { lstat($0, &st) }
            guard statted == 0 else { return .failed(size: 0, Walker.issue(errno: errno, doing: "stat")) }
            if let skip = checked() { return skip }
            return .failed(size: Int(st.st_size), openIssue)
        }
    }

    /// A regular file, stat'ed: carried over when unchanged, else opened, read and processed.
    /// With `descriptor`, the file is already open and stat'ed through it (and stays the caller's
    /// to close).
    private func handleFile(_ listed: FileRef, in directory: DirectoryHandle?, descriptor: Int32?) throws(ReportWriteError) {
        if let carry = scan.carry, try carry.carryOver(listed, worker: worker, into: scan.sink, problems: scan.problems) {
            scan.progress.carried.add(1, ordering: .relaxed)
            return
        }
        var ref = listed
        var opened: Int32?
        if descriptor == nil {
            switch openStated(listed, in: directory) {
            case .skipped(let size, let issue):
                try emit(notRead(FileResult(path: listed.path, size: size, outcome: .skipped, issues: [issue])), isMember: false)
                return
            case .failed(let size, let issue):
                try emit(notRead(FileResult(path: listed.path, size: size, outcome: .error, issues: [issue])), isMember: false)
                return
            case .opened(let now, let fd):
                opened = fd
                ref = now
            }
        }
        defer { if let opened { close(opened) } }
        try read(LocalFile(descriptor: descriptor ?? opened!, path: ref.path), ref: ref, listed: listed)
    }

    /// A file of a remote share (SMB), as its listing described it: carried over when unchanged,
    /// else opened through its source and processed as a local file is.
    private func handleRemote(_ listed: FileRef, source: any RemoteSource) throws(ReportWriteError) {
        if let carry = scan.carry, try carry.carryOver(listed, worker: worker, into: scan.sink, problems: scan.problems) {
            scan.progress.carried.add(1, ordering: .relaxed)
            return
        }
        switch source.open(listed, worker: worker) {
        case .failure(let issue):
            try emit(notRead(FileResult(path: listed.path, size: listed.size, outcome: .error, issues: [issue])), isMember: false)
        case .success(let file):
            try read(file, ref: listed, listed: listed)
        }
    }

    /// Reads an open file and writes its entries: a large text or CSV file streamed, anything
    /// else whole. `ref` is the file as opened, `listed` as the walk saw it (the state's key).
    private func read(_ source: any SourceFile, ref: FileRef, listed: FileRef) throws(ReportWriteError) {
        self.opened.file = source
        self.opened.retention = scan.classifier.policy.retention.map(RetentionObserver.init)
        defer {
            self.opened.file = nil
            self.opened.retention = nil
        }
        if ref.size > options.streamAbove, let head = try? source.readHead(count: 64 * 1024).get() {
            let sniffed = Sniffer.sniff(head, name: ref.path)
            let rows = (sniffed == .document(.csv) || sniffed == .document(.tsv)) && TextDecoding.startsAsUTF8(head)
            if sniffed == .document(.text) || rows || { if case .unsupported = sniffed { return true } else { return false } }() {
                let complete = try processStreamed(ref, source: source, head: head, sniffed: sniffed)
                if complete { scan.carry?.keep(listed, lines: lines.bytes) }
                return
            }
        }
        switch source.readAll(expectedSize: ref.size, limit: options.crawl.maxFileSize) {
        case .failure(let issue):
            let outcome: Outcome = issue.kind == .tooLarge ? .skipped : .error
            try emit(notRead(FileResult(path: ref.path, size: ref.size, outcome: outcome, issues: [issue])), isMember: false)
        case .success(let bytes):
            scan.progress.bytes.add(bytes.count, ordering: .relaxed)
            let file = FileWork(budget: ExpansionBudget(limits: options.limits, outerSize: bytes.count),
                                deadline: Date().addingTimeInterval(options.maxSecondsPerFile))
            file.changed = FileReading.changedWhileRead(opened: ref, read: bytes.count)
            _ = try process(bytes, path: ref.path, members: [], depth: 0, file: file)
            // A result of content that changed as it was read is not kept: the next run reads it.
            if file.changed == nil { scan.carry?.keep(listed, lines: lines.bytes) }
        }
    }

    /// Opens a file the walk stat'ed and stats it again through its descriptor: it must still be
    /// a regular file within the size limit, opened by its name in the folder it was listed in
    /// (never through a symbolic link) or, opened by its path, the very file the walk stat'ed
    /// (so that no folder swapped for a link on the way leads outside the roots). The reference
    /// returned has what the descriptor says (the file may have been saved again since).
    private func openStated(_ listed: FileRef, in directory: DirectoryHandle?) -> Opened {
        let path = listed.path
        let fd: Int32
        switch FileReading.open(path, in: directory) {
        case .success(let opened): fd = opened
        case .failure(let issue): return issue.kind == .changed ? .skipped(size: 0, issue) : .failed(size: listed.size, issue)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            return .failed(size: listed.size, Walker.issue(errno: code, doing: "stat"))
        }
        let type = st.st_mode & S_IFMT
        if type != S_IFREG {
            close(fd)
            return .skipped(size: 0, ScanIssue(.changed, "replaced by a \(Walker.typeName(type)) after it was listed; not read"))
        }
        if directory == nil && (UInt64(st.st_dev) != listed.device || UInt64(st.st_ino) != listed.inode) {
            close(fd)
            return .skipped(size: 0, ScanIssue(.changed, "replaced by another file after it was listed; not read"))
        }
        if case .skipped(_, let size, let issue)? = Walker.sizeSkip(path: path, size: Int(st.st_size), limit: options.crawl.maxFileSize) {
            close(fd)
            return .skipped(size: size, issue)
        }
        return .opened(FileRef(path: path, status: st), fd)
    }
}

/// The work on one file on disk: its expansion budget and its deadline, shared by every archive
/// and member inside it.
final class FileWork {
    let budget: ExpansionBudget
    let deadline: Date
    /// Set when the file on disk changed while it was read: what was read is searched, and the
    /// file's entry says so.
    var changed: ScanIssue?

    init(budget: ExpansionBudget, deadline: Date) {
        self.budget = budget
        self.deadline = deadline
    }

    var timedOut: Bool { Date() > deadline }

    func timeIssue(_ seconds: Double) -> ScanIssue {
        ScanIssue(.limitExceeded, "stopped after the time limit of \(Int(seconds)) s; the rest was not searched")
    }
}

/// The report lines one file produced (the file and its members), kept for the state database.
final class LineCollector {
    var bytes: [UInt8] = []
}

/// The file of the share a job is reading (nil when none is open), and what its text says that
/// the retention schedule looks at (when the policy names one).
final class OpenedFile {
    var file: (any SourceFile)?
    var retention: RetentionObserver?
}
