// A file of a share, open for reading, whatever the share is: a local folder (a descriptor) or an
// SMB share (a libsmbclient handle). The scan reads every file through this one interface, so
// that everything after the open (sniffing, streaming, extraction, exposure, retention) is the
// same for every source.
import TrawlModel

/// An open file: read whole, by its head, or in blocks; and who may read it.
package protocol SourceFile {
    /// The whole file, up to `limit` bytes (`.tooLarge` past it); `expectedSize` is its size
    /// when listed (a buffer of that size is made at once).
    func readAll(expectedSize: Int, limit: Int) -> Result<[UInt8], ScanIssue>
    /// The first `count` bytes (fewer for a shorter file), without losing the rest for
    /// `readAll` or `stream`.
    func readHead(count: Int) -> Result<[UInt8], ScanIssue>
    /// The file from its start in blocks; the error that stopped it, if any.
    func stream(_ body: (ArraySlice<UInt8>) -> Void) -> ScanIssue?
    /// Who may read the file, and when it was last modified (seconds since 1970), as it is now;
    /// nil when the source cannot tell.
    func describe() -> (access: FileAccess?, modified: Double)?
}

/// A source of files that is not a local folder (an SMB share): it opens what its walk listed.
package protocol RemoteSource: AnyObject, Sendable {
    /// Opens `ref` (listed by this source's walk) for reading, on behalf of worker `worker`
    /// (each worker has its own connections).
    func open(_ ref: FileRef, worker: Int) -> Result<any SourceFile, ScanIssue>
}
