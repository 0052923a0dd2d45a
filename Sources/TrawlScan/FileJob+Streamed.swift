// A large plain text or CSV file read as a stream: blocks cut at line (or row) ends, searched as
// they come, so memory stays flat whatever the file's size. A large file of a format Trawl does
// not read is reported from its head, unread.
import Foundation
import TrawlClassify
import TrawlCrawl
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlReport

extension FileJob {
    /// Returns whether the file was read whole and unchanged (its result may be kept).
    func processStreamed(_ ref: FileRef, source: any SourceFile, head: [UInt8], sniffed: SniffedFormat) throws(ReportWriteError) -> Bool {
        var result = FileResult(path: ref.path, size: ref.size, format: sniffed.name, outcome: .scanned)
        let fallback: UInt8? = sniffed == .document(.csv) ? 44 : sniffed == .document(.tsv) ? 9 : nil
        guard sniffed == .document(.text) || fallback != nil else {
            result.outcome = .skipped
            result.issues = [ScanIssue(.unsupported, "Trawl does not read \(sniffed.name) files")]
            try emit(notRead(result), isMember: false)
            return true
        }
        let file = FileWork(budget: ExpansionBudget(limits: options.limits, outerSize: ref.size),
                            deadline: Date().addingTimeInterval(options.maxSecondsPerFile))
        var stream = TextStream()
        var hasher = scan.keyring.contentHasher()
        var tally = FindingTally(limit: options.maxFindingsPerEntry)
        var scratch: [Match] = []
        var prose = ProseNames()
        let search: (TextChunk) -> Void = { chunk in
            guard !file.timedOut else { return }
            self.opened.retention?.observe(chunk)
            self.countMatches(in: chunk, into: &tally, scratch: &scratch, path: result.displayName)
            if let names = self.detector.gazetteer { prose.observe(chunk, gazetteer: names) }
        }
        searchName(ref.path, into: &tally, scratch: &scratch, prose: &prose, path: result.displayName, contentId: nil)
        // Text in blocks cut at line ends; CSV and TSV (UTF-8, decided from the head) in blocks
        // cut at row ends, their header row carried from block to block, in the dialect the
        // head shows (as the reader of a whole file finds it).
        var rows: DelimitedReader? = nil
        if let fallback {
            rows = DelimitedReader(DelimitedDialect.sniff(head[...], preferred: fallback) ?? DelimitedDialect(delimiter: fallback))
        }
        var atStart = true
        var read = 0
        let failure = source.stream { block in
            scan.progress.bytes.add(block.count, ordering: .relaxed)
            read += block.count
            hasher.update(block)
            guard rows != nil else { return stream.feed(block, emit: search) }
            var bytes = Array(block)
            if atStart && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            atStart = false
            rows!.feed(bytes, emit: search)
        }
        if rows != nil { rows!.finish(emit: search) } else { stream.finish(emit: search) }
        countSubject(of: prose, into: &tally, path: result.displayName, contentId: nil)
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
        apply(scan.classifier.classify(tally, path: result.displayName), to: &result)
        if result.outcome != .scanned { sayNotWhollyRead(&result, detail: EntryAssembly.partlyRead) }
        try emit(result, isMember: false)
        return result.outcome == .scanned
    }
}
