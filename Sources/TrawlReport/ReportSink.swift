// Where a scan's entries go. The scan knows only this protocol: the report file written as JSON
// Lines (`ReportWriter`) is one sink; a partial report, a merge of shards or a server are others.
//
// A sink is shared by every worker and made for their number: each worker passes its own index,
// below that number, so that a sink may keep a buffer and totals per worker and the workers never
// wait on each other per entry.
import Foundation
import TrawlModel

package protocol ReportSink: AnyObject, Sendable {
    /// The first record: what was scanned, how, under which rules.
    func begin(_ record: BeginRecord) throws(ReportWriteError)

    /// One finished entry (a file, or a member inside one).
    /// - Parameter keep: make what the state database keeps for the entry (false without a state).
    /// - Returns: what the state database keeps to carry the entry over next time
    ///   (`writeCarried`), or nothing when `keep` is false.
    @discardableResult
    func write(_ result: FileResult, isMember: Bool, worker: Int, keep: Bool) throws(ReportWriteError) -> [UInt8]

    /// The entries of a file carried over from a previous run: what `write` returned for the file
    /// and its members then, concatenated; `path` is the file's path.
    /// - Returns: the entries among them that could not be read, as (path then members, issue).
    @discardableResult
    func writeCarried(_ stored: [UInt8], path: [UInt8], worker: Int) throws(ReportWriteError) -> [([[UInt8]], ScanIssue)]

    /// Ends the report with its summary, after every worker is done; returns the summary.
    func finish(started: Date) throws(ReportWriteError) -> SummaryRecord

    /// Gives up after a fatal error: nothing partial is left under the report's name.
    func abandon()
}
