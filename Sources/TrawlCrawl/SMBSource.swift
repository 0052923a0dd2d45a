// The SMB source: roots named `smb://server/share/path`, walked and read through libsmbclient
// (the SMBClient wrapper) without mounting anything.
//
// Design decision: each worker of the pool has its own connection (a libsmbclient context, with
// its own sessions), made on its first use and used by that worker only; the walk is the local
// walk's shape (one shared stack of folders and files, depth first) with the server's listing,
// which gives every entry's type, size and times, so a file is not stat'ed again before it is
// read. Paths are the URLs as the root was given plus the names below it, unescaped; they are
// escaped only to be handed to the library. Nothing here writes to a server: files are opened
// read-only, and no attribute or time is set.
import SMBClient
import Synchronization
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package final class SMBSource: RemoteSource, @unchecked Sendable {
    // SAFETY: `connections[i]` is made, used and released only by worker i (the walker and the
    // scanner give every thread a distinct index); the array itself is never resized after init.
    private var connections: [SMBConnection?]
    private let settings: SMBSettings
    private let options: CrawlOptions
    private let encryption: ServerEncryption

    /// `jobs`: the number of workers that will use it (one connection each). `notices`: where
    /// a server read without encryption is told, once.
    package init(settings: SMBSettings, options: CrawlOptions, jobs: Int, notices: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.options = options
        encryption = ServerEncryption(settings: settings, notices: notices)
        connections = Array(repeating: nil, count: max(1, jobs))
    }

    /// Whether `root` names an SMB share ("smb://").
    package static func isSMB(_ root: String) -> Bool { root.lowercased().hasPrefix("smb://") }

    /// Walks `roots` (each `smb://server/share[/path]`) with `jobs` workers, calling `visit` for
    /// every item as the local walk does.
    package func run(roots: [String], jobs: Int, _ visit: @escaping @Sendable (_ item: CrawlItem, _ worker: Int) -> Void) {
        let queue = WorkQueue<SMBWork>()
        for root in roots {
            let path = Array(SMBSource.trimmed(root).utf8)
            queue.push(SMBWork(path: path, relativeStart: path.count, status: nil, folders: []))
        }
        queue.run(jobs: min(jobs, connections.count)) { work, worker in self.process(work, worker: worker, queue: queue, visit: visit) }
    }

    /// The connection of worker `worker`, made on first use.
    private func connection(_ worker: Int) -> Result<SMBConnection, ScanIssue> {
        if let made = connections[worker] { return .success(made) }
        do {
            let made = try SMBConnection(settings)
            connections[worker] = made
            return .success(made)
        } catch {
            return .failure(ScanIssue(.unreadable, "cannot use SMB: \(error.description)"))
        }
    }

    private func process(_ work: SMBWork, worker: Int, queue: WorkQueue<SMBWork>, visit: @Sendable (CrawlItem, Int) -> Void) {
        let path = work.path
        let relative = path[work.relativeStart...]
        let isRoot = relative.isEmpty
        let connection: SMBConnection
        switch self.connection(worker) {
        case .success(let made): connection = made
        case .failure(let issue): return visit(.failed(path: path, issue: issue), worker)
        }
        var status: SMBStatus
        if let known = work.status {
            status = known
        } else {
            if let refused = encryption.check(root: path) { return visit(.failed(path: path, issue: refused), worker) }
            do { status = try connection.status(SMBSource.url(path)) } catch {
                return visit(.failed(path: path, issue: SMBSource.issue(error, kerberos: settings.kerberos, password: settings.password != nil)), worker)
            }
        }
        if status.isDirectory {
            if !isRoot && Walker.matches(options.exclude, relative: relative) { return }
            // A server may show a link as the folder it leads to (Samba follows links; a Windows
            // junction lists what its target holds): a folder that is one of those it is inside
            // is not entered again.
            if status.fileId != 0 && work.folders.contains(status.fileId) {
                return visit(.skipped(path: path, size: 0, issue: ScanIssue(.symlink, "folder loop: the same folder as one it is inside (a link on the server); not entered again")), worker)
            }
            let folders = status.fileId != 0 ? work.folders + [status.fileId] : work.folders
            var children: [SMBWork] = []
            do {
                try connection.list(SMBSource.url(path)) { name, child in
                    var childPath = path
                    if childPath.last != 47 { childPath.append(47) }
                    let nameStart = childPath.count
                    childPath += name
                    children.append(SMBWork(path: childPath, relativeStart: isRoot ? nameStart : work.relativeStart, status: child, folders: folders))
                }
            } catch {
                return visit(.failed(path: path, issue: SMBSource.issue(error, doing: "list folder", kerberos: settings.kerberos, password: settings.password != nil)), worker)
            }
            queue.push(moving: &children)
            return
        }
        guard status.isRegular else {
            return visit(.skipped(path: path, size: 0, issue: ScanIssue(.specialFile, "not a regular file")), worker)
        }
        if !isRoot, let skip = Walker.globSkip(path: path, size: status.size, relative: relative, options: options) {
            return visit(skip, worker)
        }
        if let skip = Walker.sizeSkip(path: path, size: status.size, limit: options.maxFileSize) { return visit(skip, worker) }
        visit(.remoteFile(FileRef(path: path, smb: status), source: self), worker)
    }

    package func open(_ ref: FileRef, worker: Int) -> Result<any SourceFile, ScanIssue> {
        let connection: SMBConnection
        switch self.connection(worker) {
        case .success(let made): connection = made
        case .failure(let issue): return .failure(issue)
        }
        let url = SMBSource.url(ref.path)
        do {
            let file = try connection.open(url)
            return .success(SMBShareFile(file: file, connection: connection, url: url, listed: ref))
        } catch {
            return .failure(SMBSource.issue(error, doing: "open", kerberos: settings.kerberos, password: settings.password != nil))
        }
    }

    /// The root without a trailing "/" (the share itself keeps its name).
    static func trimmed(_ root: String) -> String {
        var r = Substring(root)
        while r.hasSuffix("/") && r.count > "smb://".count { r = r.dropLast() }
        return String(r)
    }

    /// `path` as libsmbclient takes it: the server (and port) as given, then the share and the
    /// names below it percent-encoded (the library unescapes what it is given, so a "%" in a name
    /// must reach it as "%25").
    static func url(_ path: [UInt8]) -> String { PercentEncoding.uri(path) }

    /// A ledger issue for a failed call, in words a person understands. `kerberos`: the session
    /// was to be made with a Kerberos ticket, whose usual failures are named: libsmbclient gives
    /// EINVAL when there is no ticket to use, and EACCES or EPERM when the server refused the
    /// session (an expired ticket) or Kerberos was not possible (a server named by its address).
    /// `password`: the Kerberos ticket is got by the library with the credentials file's
    /// password, so a missing ticket means that sign-in failed.
    static func issue(_ error: SMBError, doing: String? = nil, kerberos: Bool = false, password: Bool = false) -> ScanIssue {
        let detail = doing.map { "\($0): " } ?? ""
        switch error.code {
        case EINVAL where kerberos && password:
            return ScanIssue(.permission, detail + "Kerberos sign-in with the credentials file's account failed (its 'domain =' line must name the Kerberos realm, e.g. EXAMPLE.ORG, or its user name be user@REALM; and the realm's KDC must answer): \(error.description)")
        case EACCES where kerberos && password, EPERM where kerberos && password:
            return ScanIssue(.permission, detail + "access denied by the server (a wrong password for Kerberos, an account that may not read it, or a server named by its address, which Kerberos cannot use): \(error.description)")
        case EINVAL where kerberos:
            return ScanIssue(.permission, detail + "no Kerberos ticket to use (run kinit, or point KRB5CCNAME at the ticket cache): \(error.description)")
        case EACCES where kerberos, EPERM where kerberos:
            return ScanIssue(.permission, detail + "access denied by the server (the account may not read it, its Kerberos ticket has expired, or the server was named by its address, which Kerberos cannot use): \(error.description)")
        case EACCES, EPERM:
            return ScanIssue(.permission, detail + "access denied by the server (the account may not read it, or the credentials were refused): \(error.description)")
        case ETIMEDOUT:
            return ScanIssue(.unreadable, detail + "no answer from the server in time: \(error.description)")
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH:
            return ScanIssue(.unreadable, detail + "server unreachable: \(error.description)")
        case ENOENT, ENODEV:
            return ScanIssue(.unreadable, detail + "no such share or path on the server: \(error.description)")
        default:
            return ScanIssue(.unreadable, detail + error.description)
        }
    }
}

/// A folder to list or a file to visit; `path[relativeStart...]` is its path below its root.
private struct SMBWork: Sendable {
    var path: [UInt8]
    var relativeStart: Int
    /// What the listing said of it; nil for a root, which is stat'ed first.
    var status: SMBStatus?
    /// The server's file ids of the folders it is inside, from its root down.
    var folders: [UInt64]
}

extension FileRef {
    /// A file of an SMB share as its folder's listing described it. The device is 0 (one share
    /// is one namespace for the state); the inode is the server's file id.
    init(path: [UInt8], smb status: SMBStatus) {
        self.init(path: path, size: status.size, mtime: status.modified, ctime: status.changed, inode: status.fileId, device: 0,
                  mode: UInt32(S_IFREG))
    }
}
