// What a scan is asked to do (`ScanOptions`), what it tells a progress display while it runs
// (`ScanProgress`), and where the entries that could not be read are told (`ProblemSink`).
import Foundation
import SMBClient
import Synchronization
import TrawlCrawl
import TrawlExtract
import TrawlModel

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
    /// The day overdue retention periods are judged against (`--as-of`; default today, UTC).
    package var asOf = CalendarDay(secondsSinceEpoch: Date().timeIntervalSince1970)
    /// Which entries get a content id (`FileResult.contentId`).
    package var contentIds: ContentIds = .withFindings
    /// Scan only this part of the walk (`ScanPlan`); nil: all of it.
    package var shard: Shard?
    /// How `smb://` roots are reached: the account, Kerberos, encryption, timeouts.
    package var smb = SMBSettings()

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

/// Which entries get a content id: the keyed digest of their bytes that `trawl diff` follows
/// through moves and copies, and decisions follow to a file's new name.
package enum ContentIds: String, Sendable, CaseIterable {
    /// Entries with findings (of their own or in what they hold), and containers.
    case withFindings = "findings"
    /// Every entry read.
    case all
}

