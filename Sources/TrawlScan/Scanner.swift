// The pipeline: crawl → read → sniff → extract → detect → classify → report, one file per worker.
//
// Everything shared is built before the first file (compiled patterns, policy, report writer);
// a bad pattern, policy or output path fails there, before anything is read. Each worker has its
// own detector (PCRE2 match data). A file and every archive nested in it are processed by one
// worker, depth-first, member by member, in memory; each member gets its own ledger entry, written
// as soon as it is classified, so memory does not grow with the size of an archive or a share.
import Foundation
import OCR
import Synchronization
import TrawlClassify
import TrawlDecisions
import TrawlCrawl
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlReport
import TrawlState

#if canImport(Glibc)
import Glibc
#endif

package struct ScanOptions: Sendable {
    package var roots: [String]
    package var crawl = CrawlOptions()
    package var limits = ExtractLimits()
    package var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Archives nested deeper than this are reported, not opened.
    package var maxArchiveDepth = 8
    /// Time allowed for one file on disk and everything inside it.
    package var maxSecondsPerFile: Double = 60
    /// Read PDF, legacy Office and OCR in worker processes bounded in time and memory; nil reads
    /// everything in this process (the library's tests, which run without the trawl executable).
    package var isolation: IsolationOptions?
    /// Files larger than this are sniffed from their first bytes: plain text is then read as a
    /// stream (memory stays flat), a format Trawl does not read is skipped without being read.
    package var streamAbove = 8 * 1024 * 1024
    /// Read the text in images with Tesseract (a scanned passport, a photographed form).
    package var ocr = false
    /// Run every pattern over all the text, one after another, without the anchor prefilter: the
    /// plain path that the fast one is checked against.
    package var plainMatcher = false
    package var minimumConfidence: Confidence = .medium
    /// Findings listed per entry; past it they are counted (in the entry's reasons, its
    /// `findings_omitted` and the summary) but not listed, so memory does not grow with them.
    package var maxFindingsPerEntry = 10_000

    package init(roots: [String]) { self.roots = roots }
}

/// Counters a progress display reads while the scan runs. Updated once per file on disk.
package final class ScanProgress: Sendable {
    package let files = Atomic<Int>(0)
    package let bytes = Atomic<Int>(0)
    package let carried = Atomic<Int>(0)
    package let unreadable = Atomic<Int>(0)
    package let started = Date()

    package init() {}
}

/// Receives one line per entry that could not be read (for stderr): the entry as its file's path
/// then the members inside it, as bytes (a name is shown escaped, from its bytes).
package typealias ProblemSink = @Sendable (_ entry: [[UInt8]], _ issue: ScanIssue) -> Void

package final class Scanner: Sendable {
    private let options: ScanOptions
    private let patterns: PatternSet
    private let classifier: Classifier
    private let writer: ReportWriter
    private let state: StateStore?
    private let decisions: DecisionBook?
    private let problems: ProblemSink
    /// Counters for a progress display.
    package let progress = ScanProgress()

    /// - Parameter state: the incremental state; unchanged files are carried over from it and every
    ///   file read is recorded in it. Nil for a full scan that remembers nothing.
    /// - Parameter decisions: the DPO's decisions; a false positive counts towards no level.
    package init(options: ScanOptions, patterns: PatternSet, classifier: Classifier, writer: ReportWriter,
                 state: StateStore? = nil, decisions: DecisionBook? = nil, problems: @escaping ProblemSink) {
        self.decisions = decisions
        self.options = options
        self.patterns = patterns
        self.classifier = classifier
        self.writer = writer
        self.state = state
        self.problems = problems
    }

    /// Scans every root, writing each entry to the report. Returns the first report write error, if
    /// any (the scan stops early then: a report that cannot be written is fatal).
    package func run() -> ReportWriteError? {
        let jobs = max(1, options.jobs)
        writer.prepare(workers: jobs)
        let scratch = WorkerScratch(count: jobs, detector: {
            Detector(self.patterns, minimumConfidence: self.options.minimumConfidence, usePrefilter: !self.options.plainMatcher)
        }, reader: {
            if let isolation = self.options.isolation {
                return SupervisedReader(options: isolation, limits: self.options.limits, recognizeText: self.options.ocr)
            }
            return LocalReader(limits: self.options.limits, recognizeText: self.options.ocr)
        })
        let failure = FirstError()
        // Without a state to compare with, every file is opened anyway: the walk leaves regular
        // files unstat'ed, and each is stat'ed through its descriptor (`openListed`).
        var crawl = options.crawl
        crawl.statFiles = state != nil
        let walker = Walker(roots: options.roots, options: crawl, jobs: jobs)
        walker.run { item, worker in
            guard failure.value == nil else { return }
            do {
                try self.handle(item, worker: worker, detector: scratch.detector(worker), reader: scratch.reader(worker))
            } catch let error as ReportWriteError {
                failure.set(error)
            } catch {}
        }
        return failure.value
    }

    private func handle(_ item: CrawlItem, worker: Int, detector: Detector, reader: DocumentReader) throws(ReportWriteError) {
        let lines = LineCollector(worker: worker)
        defer { progress.files.add(1, ordering: .relaxed) }
        switch item {
        case .skipped(let path, let size, let issue):
            try emit(notRead(FileResult(path: path, size: size, outcome: .skipped, issues: [issue])), isMember: false, lines)
        case .failed(let path, let issue):
            try emit(notRead(FileResult(path: path, size: 0, outcome: .error, issues: [issue])), isMember: false, lines)
        case .file(let ref, let directory):
            try handleFile(ref, in: directory, descriptor: nil, worker: worker, detector: detector, reader: reader, lines: lines)
        case .listedFile(let path, let directory):
            switch openListed(path, in: directory) {
            case .skipped(let size, let issue):
                try emit(notRead(FileResult(path: path, size: size, outcome: .skipped, issues: [issue])), isMember: false, lines)
            case .failed(let size, let issue):
                try emit(notRead(FileResult(path: path, size: size, outcome: .error, issues: [issue])), isMember: false, lines)
            case .opened(let ref, let fd):
                defer { close(fd) }
                try handleFile(ref, in: directory, descriptor: fd, worker: worker, detector: detector, reader: reader, lines: lines)
            }
        }
    }

    private enum ListedFile {
        case opened(FileRef, Int32)
        case skipped(size: Int, ScanIssue)
        case failed(size: Int, ScanIssue)
    }

    /// A file the walk listed as regular without stat'ing it: opened (not through a link, not
    /// blocking: it may have changed since), stat'ed through its descriptor, and checked as the
    /// walk checks a stat'ed file: still a regular file, within the size limit. One that cannot
    /// be opened is stat'ed by name, so that its entry is the one the walk and `handleFile` would
    /// have made.
    private func openListed(_ path: [UInt8], in directory: DirectoryHandle?) -> ListedFile {
        var st = stat()
        func checked() -> ListedFile? {
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
    private func handleFile(_ listed: FileRef, in directory: DirectoryHandle?, descriptor: Int32?, worker: Int, detector: Detector,
                            reader: DocumentReader, lines: LineCollector) throws(ReportWriteError) {
        let identity = FileIdentity(listed)
        if let state, let stored = state.unchangedResult(path: listed.path, identity: identity, worker: worker) {
            for (name, issue) in try writer.writeCarried(stored, worker: worker) { problems(name, issue) }
            progress.carried.add(1, ordering: .relaxed)
            return
        }
        var ref = listed
        var opened: Int32?
        if descriptor == nil {
            switch openStated(listed, in: directory) {
            case .skipped(let size, let issue):
                try emit(notRead(FileResult(path: listed.path, size: size, outcome: .skipped, issues: [issue])), isMember: false, lines)
                return
            case .failed(let size, let issue):
                try emit(notRead(FileResult(path: listed.path, size: size, outcome: .error, issues: [issue])), isMember: false, lines)
                return
            case .opened(let now, let fd):
                opened = fd
                ref = now
            }
        }
        defer { if let opened { close(opened) } }
        let fd = descriptor ?? opened!
        if ref.size > options.streamAbove, let head = try? FileReading.readHead(ref.path, count: 64 * 1024, descriptor: fd).get() {
            let sniffed = Sniffer.sniff(head, name: ref.path)
            let rows = (sniffed == .document(.csv) || sniffed == .document(.tsv)) && TextDecoding.startsAsUTF8(head)
            if sniffed == .document(.text) || rows || { if case .unsupported = sniffed { return true } else { return false } }() {
                let complete = try processLarge(ref, descriptor: fd, head: head, sniffed: sniffed, detector: detector, lines: lines)
                if complete { state?.store(path: ref.path, identity: identity, result: lines.bytes) }
                return
            }
        }
        switch FileReading.readAll(ref.path, descriptor: fd, expectedSize: ref.size, limit: options.crawl.maxFileSize) {
        case .failure(let issue):
            let outcome: Outcome = issue.kind == .tooLarge ? .skipped : .error
            try emit(notRead(FileResult(path: ref.path, size: ref.size, outcome: outcome, issues: [issue])), isMember: false, lines)
        case .success(let bytes):
            progress.bytes.add(bytes.count, ordering: .relaxed)
            let file = FileWork(budget: ExpansionBudget(limits: options.limits, outerSize: bytes.count),
                                deadline: Date().addingTimeInterval(options.maxSecondsPerFile))
            file.changed = FileReading.changedWhileRead(opened: ref, read: bytes.count)
            _ = try process(bytes, path: ref.path, members: [], depth: 0, detector: detector, reader: reader, lines: lines, file: file)
            // A result of content that changed as it was read is not kept: the next run reads it.
            if file.changed == nil { state?.store(path: ref.path, identity: identity, result: lines.bytes) }
        }
    }

    /// Opens a file the walk stat'ed and stats it again through its descriptor: it must still be
    /// a regular file within the size limit, opened by its name in the folder it was listed in
    /// (never through a symbolic link) or, opened by its path, the very file the walk stat'ed
    /// (so that no folder swapped for a link on the way leads outside the roots). The reference
    /// returned has what the descriptor says (the file may have been saved again since).
    private func openStated(_ listed: FileRef, in directory: DirectoryHandle?) -> ListedFile {
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

    /// Returns whether the file was read whole and unchanged (its result may be kept).
    private func processLarge(_ ref: FileRef, descriptor: Int32, head: [UInt8], sniffed: SniffedFormat, detector: Detector,
                              lines: LineCollector) throws(ReportWriteError) -> Bool {
        var result = FileResult(path: ref.path, size: ref.size, format: sniffed.name, outcome: .scanned)
        let fallback: UInt8? = sniffed == .document(.csv) ? 44 : sniffed == .document(.tsv) ? 9 : nil
        guard sniffed == .document(.text) || fallback != nil else {
            result.outcome = .skipped
            result.issues = [ScanIssue(.unsupported, "Trawl does not read \(sniffed.name) files")]
            try emit(notRead(result), isMember: false, lines)
            return true
        }
        let file = FileWork(budget: ExpansionBudget(limits: options.limits, outerSize: ref.size),
                            deadline: Date().addingTimeInterval(options.maxSecondsPerFile))
        var stream = TextStream()
        var hasher = writer.contentHasher()
        var tally = FindingTally(limit: options.maxFindingsPerEntry)
        var scratch: [Match] = []
        let search: (TextChunk) -> Void = { chunk in
            guard !file.timedOut else { return }
            self.countMatches(in: chunk, detector: detector, into: &tally, scratch: &scratch, path: result.displayName)
        }
        // Text in blocks cut at line ends; CSV and TSV (UTF-8, decided from the head) in blocks
        // cut at row ends, their header row carried from block to block.
        // The dialect from the head, as the reader of a whole file finds it.
        var rows: DelimitedReader? = nil
        if let fallback {
            rows = DelimitedReader(DelimitedDialect.sniff(head[...], preferred: fallback) ?? DelimitedDialect(delimiter: fallback))
        }
        var atStart = true
        var read = 0
        let failure = FileReading.stream(ref.path, descriptor: descriptor) { block in
            progress.bytes.add(block.count, ordering: .relaxed)
            read += block.count
            hasher.update(block)
            guard rows != nil else { return stream.feed(block, emit: search) }
            var bytes = Array(block)
            if atStart && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            atStart = false
            rows!.feed(bytes, emit: search)
        }
        if rows != nil { rows!.finish(emit: search) } else { stream.finish(emit: search) }
        if let failure {
            result.outcome = .error
            result.issues = [failure]
        } else if file.timedOut {
            result.outcome = .error
            result.issues = [file.timeIssue(options.maxSecondsPerFile)]
        }
        if failure == nil, let changed = FileReading.changedWhileRead(opened: ref, read: read) {
            result.outcome = .error
            result.issues.append(changed)
        }
        if failure == nil { result.contentId = hasher.finalize() }
        apply(classifier.classify(tally, path: result.displayName), to: &result)
        if result.outcome != .scanned { sayNotWhollyRead(&result, detail: Self.partlyRead) }
        try emit(result, isMember: false, lines)
        return result.outcome == .scanned
    }

    /// Processes one file or member and everything inside it; returns its level, and whether it
    /// and everything inside it were read.
    private func process(_ bytes: [UInt8], path: [UInt8], members: [[UInt8]], depth: Int,
                         detector: Detector, reader: DocumentReader, lines: LineCollector, file: FileWork) throws(ReportWriteError)
        -> (level: Level, wholly: Bool) {
        let name = members.last ?? path
        let isMember = !members.isEmpty
        let sniffed = Sniffer.sniff(bytes, name: name)
        var result = FileResult(path: path, members: members, size: bytes.count, format: sniffed.name, outcome: .scanned)
        var hasher = writer.contentHasher()
        hasher.update(bytes)
        result.contentId = hasher.finalize()
        let display = result.displayName
        let content = result.contentId
        // Members of a container that could not be read, or not wholly.
        var membersNotWhollyRead = 0

        switch sniffed {
        case .empty:
            apply(classifier.classify([], path: display), to: &result)
        case .unsupported(let what):
            result.outcome = .skipped
            result.issues = [ScanIssue(.unsupported, "Trawl does not read \(what) files")]
            result = notRead(result)
        case .document(let format):
            var tally = FindingTally(limit: options.maxFindingsPerEntry)
            var scratch: [Match] = []
            var own: Classification?
            do {
                result.issues = try reader.read(bytes, format: format, deadline: file.deadline) { chunk in
                    // Past the time limit, the rest of the document is not searched.
                    guard !file.timedOut else { return }
                    countMatches(in: chunk, detector: detector, into: &tally, scratch: &scratch, path: display, contentId: content)
                }
                if file.timedOut {
                    result.outcome = .error
                    result.issues.append(file.timeIssue(options.maxSecondsPerFile))
                }
                own = classifier.classify(tally, path: display, photograph: Extraction.isPhotograph(bytes, format: format))
            } catch {
                result.outcome = error.issue.kind == .tooLarge ? .skipped : .error
                result.issues = [error.issue]
                // What was found before the failure still counts: a half-read file is not clean.
                // With nothing found, the level is for want of evidence, not "no personal data".
                if tally.isEmpty { result = notRead(result) } else { own = classifier.classify(tally, path: display) }
            }
            // Files embedded in the document (a workbook in a report) are its members, as an
            // email's attachments are the email's; they are looked for in a document read whole.
            guard result.outcome == .scanned, Extraction.mayEmbed(bytes, format: format) else {
                if let own { apply(own, to: &result) }
                break
            }
            let read: MembersRead
            if depth >= options.maxArchiveDepth {
                read = embeddedBeyondDepth(bytes, name: name, file: file)
            } else {
                read = try readMembers(bytes, format: .zip, only: Extraction.isEmbedded, name: name, path: path, members: members,
                                       depth: depth, detector: detector, reader: reader, lines: lines, file: file)
            }
            if let failure = read.failure {
                result.outcome = .error
                result.issues.append(failure)
            }
            if read.count > 0 { result.memberCount = read.count }
            fold(read, own: own, into: &result)
            membersNotWhollyRead = read.notWhollyRead
        case .container(let format):
            if depth >= options.maxArchiveDepth {
                result.outcome = .error
                result.issues = [ScanIssue(.limitExceeded, "archive nested deeper than \(options.maxArchiveDepth) levels; not opened")]
                result = notRead(result)
                break
            }
            // An email's own text (headers, bodies) is searched like a document's.
            var own = FindingTally(limit: options.maxFindingsPerEntry)
            var scratch: [Match] = []
            Extraction.containerText(bytes, format: format) { chunk in
                guard !file.timedOut else { return }
                countMatches(in: chunk, detector: detector, into: &own, scratch: &scratch, path: display, contentId: content)
            }
            let read = try readMembers(bytes, format: format, name: name, path: path, members: members, depth: depth,
                                       detector: detector, reader: reader, lines: lines, file: file)
            if let failure = read.failure {
                result.outcome = .error
                result.issues = [failure]
            }
            result.memberCount = read.count
            fold(read, own: classifier.classify(own, path: display), into: &result)
            membersNotWhollyRead = read.notWhollyRead
        }
        if !isMember, let changed = file.changed {
            result.outcome = .error
            result.issues.append(changed)
        }
        if result.outcome != .scanned { sayNotWhollyRead(&result, detail: Self.partlyRead) }
        // Binary data of no known format is searched only in its printable runs.
        let onlyPrintable = sniffed == .document(.binary)
        if onlyPrintable { sayNotWhollyRead(&result, detail: Self.onlyPrintableRead) }
        try emit(result, isMember: isMember, lines)
        return (result.level, result.outcome == .scanned && membersNotWhollyRead == 0 && !onlyPrintable)
    }

    /// What a container's members came to: the highest level among them, how many there were,
    /// how many were not wholly read, and why the container could not be read to its end.
    private struct MembersRead {
        var highest: Level?
        var count = 0
        var notWhollyRead = 0
        var failure: ScanIssue?
    }

    /// Reads the members of a container (or, with `only`, the embedded files of a document), each
    /// processed and written as an entry of its own, depth first.
    private func readMembers(_ bytes: [UInt8], format: ContainerFormat, only: (([UInt8]) -> Bool)? = nil, name: [UInt8],
                             path: [UInt8], members: [[UInt8]], depth: Int, detector: Detector, reader: DocumentReader,
                             lines: LineCollector, file: FileWork) throws(ReportWriteError) -> MembersRead {
        var read = MembersRead()
        var writeError: ReportWriteError?
        do {
            try Extraction.forEachMember(bytes, format: format, containerName: name, limits: options.limits,
                                         budget: file.budget, only: only) { member in
                guard writeError == nil, !file.timedOut else { return false }
                read.count += 1
                do {
                    let level: Level
                    switch member.content {
                    case .success(let data):
                        let processed = try process(data, path: path, members: members + [member.name], depth: depth + 1,
                                                    detector: detector, reader: reader, lines: lines, file: file)
                        level = processed.level
                        if !processed.wholly { read.notWhollyRead += 1 }
                    case .failure(let error):
                        // A link or a device has no content of its own to miss: listed with what
                        // it is, it leaves the archive wholly read.
                        let kind = error.issue.kind
                        let notAFile = kind == .symlink || kind == .specialFile
                        if !notAFile { read.notWhollyRead += 1 }
                        let r = notRead(FileResult(path: path, members: members + [member.name], size: member.declaredSize ?? 0,
                                                   outcome: kind == .tooLarge || notAFile ? .skipped : .error, issues: [error.issue]))
                        try emit(r, isMember: true, lines)
                        level = r.level
                    }
                    read.highest = max(read.highest ?? level, level)
                } catch let e as ReportWriteError {
                    writeError = e
                } catch {}
                return true
            }
            if file.timedOut { read.failure = file.timeIssue(options.maxSecondsPerFile) }
        } catch {
            read.failure = error.issue
        }
        if let writeError { throw writeError }
        return read
    }

    /// A document at the nesting limit is read, but files embedded in it are not opened: said so
    /// when it has any.
    private func embeddedBeyondDepth(_ bytes: [UInt8], name: [UInt8], file: FileWork) -> MembersRead {
        var found = false
        try? Extraction.forEachMember(bytes, format: .zip, containerName: name, limits: options.limits, budget: file.budget,
                                      only: Extraction.isEmbedded) { _ in found = true; return false }
        guard found else { return MembersRead() }
        var read = MembersRead()
        read.failure = ScanIssue(.limitExceeded, "embedded files nested deeper than \(options.maxArchiveDepth) levels; not opened")
        return read
    }

    /// Sets an entry's level and reasons from its own classification (nil when it was not read)
    /// and its members'.
    private func fold(_ read: MembersRead, own: Classification?, into result: inout FileResult) {
        if let own { apply(own, to: &result) }
        if let highest = read.highest, highest > result.level {
            result.level = highest
            result.reasons.insert(LevelReason(rule: "contains", level: highest, detail: "highest level among its \(read.count) members"), at: 0)
            result.reasons.removeAll { $0.rule == "default" }
        }
        if read.notWhollyRead > 0 {
            let which = read.notWhollyRead < read.count ? "\(read.notWhollyRead) of its \(read.count) members"
                : read.count == 1 ? "its one member" : "none of its \(read.count) members"
            let rest = read.notWhollyRead < read.count ? "; no personal data found in the rest" : ""
            let verb = read.notWhollyRead == read.count && read.count > 1 ? "was wholly read" : "not wholly read"
            sayNotWhollyRead(&result, detail: "\(which) \(verb), so nothing is known of what was not read\(rest)")
        }
    }

    /// What an entry whose own reading failed or stopped part way says, when nothing was found.
    private static let partlyRead = "not wholly read, so nothing is known of what was not read"
    /// What binary data of no known format says when nothing was found in its printable runs.
    private static let onlyPrintableRead = "binary data: only its printable text was searched, so nothing is known of the rest"

    /// An entry not wholly read (its own reading failed or stopped, or some of its members could
    /// not be read) with nothing found does not say "no personal data found": its level, the
    /// policy's default, is for want of evidence. The default reason is replaced; a level that
    /// findings set stands as it is.
    private func sayNotWhollyRead(_ result: inout FileResult, detail: String) {
        guard let i = result.reasons.firstIndex(where: { $0.rule == "default" }) else { return }
        result.reasons[i] = LevelReason(rule: "not_read", level: result.reasons[i].level, detail: detail)
    }

    /// An entry that was not read has no findings; it takes the policy's default level, and the
    /// reason says that this is for want of evidence, not a clean bill.
    private func notRead(_ result: FileResult) -> FileResult {
        var r = result
        r.level = classifier.policy.defaultFileLevel
        r.reasons = [LevelReason(rule: "not_read", level: r.level, detail: "not read, so nothing is known of its content")]
        return r
    }

    /// Finds the matches of one chunk and counts them into the entry's tally at once, with the
    /// DPO's decisions applied: nothing is held per match beyond what the tally keeps. The content
    /// id, known before the text when the entry is read whole, lets a decision follow a moved file.
    private func countMatches(in chunk: TextChunk, detector: Detector, into tally: inout FindingTally, scratch: inout [Match], path: String,
                              contentId: String? = nil) {
        scratch.removeAll(keepingCapacity: true)
        // The matches come last first and are moved out from the end, in text order, so that
        // each goes into the tally without a copy; the buffer keeps its capacity.
        detector.detect(chunk, lastFirstInto: &scratch)
        guard let decisions, !decisions.decisions.isEmpty else {
            while let m = scratch.popLast() { classifier.add(m, to: &tally) }
            return
        }
        while let m = scratch.popLast() {
            classifier.add(m, to: &tally) { m in
                decisions.decision(fingerprint: writer.fingerprint(m), type: m.typeId, path: path, contentId: contentId)?.asFindingDecision
            }
        }
    }

    private func apply(_ c: Classification, to result: inout FileResult) {
        result.omitted = c.omitted
        result.findings = c.findings
        result.level = c.level
        result.reasons = c.reasons
        result.markings = c.markings
    }

    private func emit(_ result: FileResult, isMember: Bool, _ lines: LineCollector) throws(ReportWriteError) {
        if result.outcome == .error {
            progress.unreadable.add(1, ordering: .relaxed)
            for issue in result.issues { problems([result.path] + result.members, issue) }
        }
        lines.bytes += try writer.write(result, isMember: isMember, worker: lines.worker, keep: state != nil)
    }
}

/// The work on one file on disk: its expansion budget and its deadline, shared by every archive
/// and member inside it.
private final class FileWork {
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
private final class LineCollector {
    let worker: Int
    var bytes: [UInt8] = []

    init(worker: Int) { self.worker = worker }
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

    var value: ReportWriteError? { stored.withLock { $0 } }

    func set(_ e: ReportWriteError) {
        stored.withLock { if $0 == nil { $0 = e } }
    }
}

/// Reading whole files, read-only, without touching their access time where the kernel lets us.
enum FileReading {
    /// `directory`: the handle of the directory the walk listed it in, when kept (see `open`).
    /// `descriptor`: the file already open (read from its current offset; not closed here).
    static func readAll(_ path: [UInt8], in directory: DirectoryHandle? = nil, descriptor: Int32? = nil, expectedSize: Int,
                        limit: Int) -> Result<[UInt8], ScanIssue> {
        withDescriptor(path, in: directory, descriptor) { fd in readAll(fd, expectedSize: expectedSize, limit: limit) }
    }

    private static func readAll(_ fd: Int32, expectedSize: Int, limit: Int) -> Result<[UInt8], ScanIssue> {
        // One buffer of the size it was stat'ed at, and 4 KiB more: the read that shows the end
        // (or that the file grew since) lands in it. Read into the array's own storage, not
        // zero-filled first.
        var failure: ScanIssue?
        var grew = false
        var out = [UInt8](unsafeUninitializedCapacity: min(max(expectedSize, 0), limit) + 4096) { buffer, count in
            var filled = 0
            while filled < buffer.count {
                let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = issue(errno, "read")
                    break
                }
                if n == 0 { break }
                filled += n
                // A read of a regular file that returns less than asked has reached its end
                // (POSIX: fewer bytes remain, or a signal, which leaves the count short of the
                // size). At exactly the size it was stat'ed at, that is the whole file: the read
                // that would return 0 is not made (one system call of five per small file).
                if filled == expectedSize && n < buffer.count - (filled - n) { break }
            }
            grew = failure == nil && filled == buffer.count
            count = filled
        }
        if let failure { return .failure(failure) }
        // Made only when needed: an interpolated message is an allocation, and this runs per file.
        func tooLarge() -> ScanIssue { ScanIssue(.tooLarge, "grew past the limit of \(limit) bytes while being read") }
        // It grew past that room since it was stat'ed: read on in blocks, within the limit.
        while grew {
            if out.count > limit { return .failure(tooLarge()) }
            let n = withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 1) { block in
                let got = read(fd, block.baseAddress, block.count)
                if got > 0 { out.append(contentsOf: block[..<got]) }
                return got
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(issue(errno, "read"))
            }
            grew = n > 0
        }
        if out.count > limit { return .failure(tooLarge()) }
        return .success(out)
    }

    /// Opens read-only and without blocking (a FIFO put in a file's place would block the open;
    /// reading a regular file is the same either way). O_NOATIME (reading does not touch the
    /// access time) is allowed only to the file's owner or root; without it the open is retried
    /// plain.
    /// With `directory`, the file's name is opened in it, never through a symbolic link: one
    /// found there was put in the file's place since the walk listed it. Without, the whole
    /// path is opened, following links (a root given as a link, a link the walk followed); the
    /// caller then checks that it opened the file the walk stat'ed.
    static func open(_ path: [UInt8], in directory: DirectoryHandle? = nil) -> Result<Int32, ScanIssue> {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if let directory, let slash = path.lastIndex(of: 47), slash + 1 < path.count {
            let fd = withCString(path[(slash + 1)...]) { name in
                var fd = openat(directory.fd, name, flags | O_NOFOLLOW | noAccessTime)
                if fd < 0 && errno == EPERM { fd = openat(directory.fd, name, flags | O_NOFOLLOW) }
                return fd
            }
            if fd >= 0 { return .success(fd) }
            if errno == ELOOP { return .failure(ScanIssue(.changed, "replaced by a symbolic link after it was listed; not followed")) }
            return .failure(issue(errno, "open"))
        }
        let fd = withCString(path[...]) { cPath in
            var fd = Glibc.open(cPath, flags | noAccessTime)
            if fd < 0 && errno == EPERM { fd = Glibc.open(cPath, flags) }
            return fd
        }
        return fd >= 0 ? .success(fd) : .failure(issue(errno, "open"))
    }

    /// Whether the file changed size while it was read: `read` bytes where it had `opened.size`
    /// when opened (read to its end either way). A rewrite of the same size is not seen: that
    /// would take a second stat of every file.
    static func changedWhileRead(opened: FileRef, read: Int) -> ScanIssue? {
        guard read != opened.size else { return nil }
        return ScanIssue(.changed, "changed while it was read (\(opened.size) bytes when opened, \(read) read); what was read was searched")
    }

    /// Calls `body` with `descriptor`, or with the file opened (and closed after) when there is
    /// none: a file the scanner opened itself to stat it is read through the same descriptor.
    private static func withDescriptor<T>(_ path: [UInt8], in directory: DirectoryHandle?, _ descriptor: Int32?,
                                          _ body: (Int32) -> Result<T, ScanIssue>) -> Result<T, ScanIssue> {
        if let descriptor { return body(descriptor) }
        switch open(path, in: directory) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { close(fd) }
            return body(fd)
        }
    }

    /// Calls `body` with `bytes` NUL-terminated on the stack (no array per file).
    static func withCString<R>(_ bytes: ArraySlice<UInt8>, _ body: (UnsafePointer<CChar>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { c in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(c).copyMemory(from: $0) }
            c[bytes.count] = 0
            return body(c.baseAddress!)
        }
    }

    /// The first `count` bytes (fewer for a shorter file).
    /// With `descriptor`, read at offset 0 without moving the file's offset (`pread`).
    static func readHead(_ path: [UInt8], count: Int, in directory: DirectoryHandle? = nil, descriptor: Int32? = nil) -> Result<[UInt8], ScanIssue> {
        withDescriptor(path, in: directory, descriptor) { fd in readHead(fd, count: count) }
    }

    private static func readHead(_ fd: Int32, count: Int) -> Result<[UInt8], ScanIssue> {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            // Into the array's own storage: mutating a slice of it (out[filled...]) copied the
            // whole buffer on every read.
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
            if n < 0 { if errno == EINTR { continue }; return .failure(issue(errno, "read")) }
            if n == 0 { break }
            filled += n
        }
        out.removeSubrange(filled...)
        return .success(out)
    }

    /// Reads the file in blocks of 1 MiB, calling `body` with each; returns the error that stopped it.
    static func stream(_ path: [UInt8], in directory: DirectoryHandle? = nil, descriptor: Int32? = nil,
                       _ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        let result = withDescriptor(path, in: directory, descriptor) { fd -> Result<Void, ScanIssue> in
            stream(fd, body).map { .failure($0) } ?? .success(())
        }
        if case .failure(let issue) = result { return issue }
        return nil
    }

    private static func stream(_ fd: Int32, _ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue? {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return issue(errno, "read") }
            if n == 0 { return nil }
            body(buffer[0..<n])
        }
    }

    static func issue(_ code: Int32, _ doing: String) -> ScanIssue {
        let message = "\(doing): \(String(cString: strerror(code)))"
        return code == EACCES || code == EPERM ? ScanIssue(.permission, message) : ScanIssue(.unreadable, message)
    }
}

/// O_NOATIME (Linux, <fcntl.h> under _GNU_SOURCE, which Swift's Glibc module does not define).
private let noAccessTime: Int32 = 0o1000000
