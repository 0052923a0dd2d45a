// The plan of a scan: which roots are walked, how, and which of the walk's items this process
// scans. It owns the walk's settings and the split of a scan into shards; the scanner runs each
// item the plan keeps as a `FileJob`.
//
// Design decision: a shard is chosen per item (a file, or a folder or file the walk reports as
// skipped or unreadable) by a stable hash of its path relative to its root, modulo the shard
// count. Every shard walks the whole tree (listing folders is cheap next to reading files) and
// keeps only its own items, so the shards' union is the whole walk and no item is in two of them,
// whatever files are added or removed between their walks, and whichever host mounts the share
// where. Split by top-level folder would not balance: one folder can hold most of a share. A
// file's archive members and attachments go with the file.
import SMBClient
import TrawlCrawl

/// One of `count` disjoint parts of a scan, numbered from 0.
package struct Shard: Sendable, Equatable, CustomStringConvertible {
    package let index: Int
    package let count: Int

    package init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// "K/N", as `--shard` takes it.
    package init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: k, count: n)
    }

    package var description: String { "\(index)/\(count)" }

    /// Whether the item at `relativePath` (its path below its root) is this shard's: FNV-1a (64
    /// bits) of the path's bytes, modulo the count. Stable across hosts, runs and builds.
    package func owns(relativePath: ArraySlice<UInt8>) -> Bool {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in relativePath { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h % UInt64(count) == UInt64(index)
    }
}

struct ScanPlan {
    let roots: [String]
    let crawl: CrawlOptions
    /// This process's part of the scan; nil: all of it.
    let shard: Shard?
    private let rootBytes: [[UInt8]]

    init(roots: [String], crawl: CrawlOptions, shard: Shard?) {
        self.roots = roots
        self.crawl = crawl
        self.shard = shard
        // Longest first, so that an item is taken relative to the deepest root it is under.
        rootBytes = roots.map { Array($0.utf8) }.sorted { $0.count > $1.count }
    }

    /// Walks every root with `jobs` threads, local folders first, then SMB shares, calling
    /// `visit` for each item. With a state to compare with, the local walk stats each file (size
    /// and change time decide what is carried over); without one, a regular file is listed
    /// unstat'ed and stat'ed through its descriptor when opened (`FileJob`). An SMB listing
    /// always gives each file's size and times.
    func walk(jobs: Int, comparesWithState: Bool, smb: SMBSettings, notices: @escaping @Sendable (String) -> Void,
              _ visit: @escaping @Sendable (CrawlItem, Int) -> Void) {
        var crawl = crawl
        crawl.statFiles = comparesWithState
        let local = roots.filter { !SMBSource.isSMB($0) }, shares = roots.filter(SMBSource.isSMB)
        if !local.isEmpty { Walker(roots: local, options: crawl, jobs: jobs).run(visit) }
        if !shares.isEmpty { SMBSource(settings: smb, options: crawl, jobs: jobs, notices: notices).run(roots: shares, jobs: jobs, visit) }
    }

    /// Whether this process scans `item` (always, without a shard).
    func keeps(_ item: CrawlItem) -> Bool {
        guard let shard else { return true }
        return shard.owns(relativePath: relativePath(of: item.path))
    }

    /// `path` below the root it was found under, without the separating "/".
    func relativePath(of path: [UInt8]) -> ArraySlice<UInt8> {
        for root in rootBytes where path.starts(with: root) {
            var rest = path[root.count...]
            if rest.isEmpty { return rest }
            if root.last == 47 || rest.first == 47 {
                while rest.first == 47 { rest = rest.dropFirst() }
                return rest
            }
        }
        return path[...]
    }
}

extension CrawlItem {
    /// The path of the file or folder the item is about.
    var path: [UInt8] {
        switch self {
        case .file(let ref, _): ref.path
        case .listedFile(let path, _): path
        case .remoteFile(let ref, _): ref.path
        case .skipped(let path, _, _): path
        case .failed(let path, _): path
        }
    }
}
