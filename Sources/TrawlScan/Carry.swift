// Carrying unchanged files over from the state database: a file whose size and change time match
// what the state stored is written from its stored entries, not read; a file read whole and
// unchanged has its entries stored for the next run.
import TrawlCrawl
import TrawlModel
import TrawlReport
import TrawlState

struct Carry: Sendable {
    let state: StateStore

    /// Writes the stored entries of `file` when it is unchanged since they were stored; returns
    /// whether it was carried over. Entries among them that could not be read are told to
    /// `problems` again, as on the night they were first read.
    func carryOver(_ file: FileRef, worker: Int, into sink: any ReportSink, problems: ProblemSink) throws(ReportWriteError) -> Bool {
        guard let stored = state.unchangedResult(path: file.path, identity: FileIdentity(file), worker: worker) else { return false }
        for (name, issue) in try sink.writeCarried(stored, path: file.path, worker: worker) { problems(name, issue) }
        return true
    }

    /// Keeps the entries of a file read whole and unchanged (`lines`, as the sink returned them),
    /// under the identity it was listed with.
    func keep(_ listed: FileRef, lines: [UInt8]) {
        state.store(path: listed.path, identity: FileIdentity(listed), result: lines)
    }
}
