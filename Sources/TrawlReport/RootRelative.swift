// An entry's path below the root it was scanned under: the one place that says where an entry is
// independently of how its root was spelled (`/srv/share`, `/srv/share/`, another mount point,
// `smb://server/share`). The writer records it in each file record (`below_root`); every reader
// that matches entries across reports (diff, review, the desk) names them through `RootRelative`,
// which takes the recorded field and, for a report of format 1.0 (without it), works the same
// answer out from the begin record's roots.
import TrawlModel

/// Finds which root a path lies under, by bytes: the longest root that is a prefix of the path
/// and ends at a "/" of it (or is the whole path).
package struct RootPlacement: Sendable {
    /// The roots' bytes with their index in the begin record, longest first, so that a path is
    /// taken relative to the deepest root it is under.
    private let roots: [(bytes: [UInt8], index: Int)]

    package init(roots: [[UInt8]]) {
        self.roots = roots.enumerated().map { (bytes: $0.element, index: $0.offset) }.sorted { $0.bytes.count > $1.bytes.count }
    }

    /// The index of the root `path` lies under and where the path below it starts (past the
    /// separating slashes; `path.count` for the root itself); nil when it lies under none.
    @inline(__always)
    package func place(_ path: [UInt8]) -> (root: Int, start: Int)? {
        for root in roots where path.starts(withBytes: root.bytes) {
            var start = root.bytes.count
            if start == path.count { return (root.index, start) }
            guard root.bytes.last == 47 || path[start] == 47 else { continue }
            while start < path.count && path[start] == 47 { start += 1 }
            return (root.index, start)
        }
        return nil
    }
}

/// A report's entries named by their path below the root they were found under, for matching
/// them with another report's: the root's spelling drops out. With several roots, the root's
/// place in the list is part of the name.
package struct RootRelative: Sendable {
    private let placement: RootPlacement
    private let rootCount: Int

    package init(roots: [PathText]) {
        placement = RootPlacement(roots: roots.map(\.raw))
        rootCount = roots.count
    }

    /// Where `f` is below its root: the recorded `below_root`, or, in a report without it, the
    /// same worked out from the roots; nil for an entry under none of them.
    package func below(_ f: FileRecord) -> BelowRoot? {
        if let recorded = f.belowRoot { return recorded }
        let raw = f.path.raw
        guard let (root, start) = placement.place(raw) else { return nil }
        return BelowRoot(path: PathText(Array(raw[start...])), root: root)
    }

    /// The entry's name for matching: its path below its root (prefixed "INDEX:" when the report
    /// has several roots), then its members after "!/"; the whole path for an entry under no root.
    package func key(_ f: FileRecord) -> String {
        guard let below = below(f) else { return f.displayName }
        let path = ([below.path] + (f.members ?? [])).map(\.display).joined(separator: "!/")
        return rootCount > 1 ? "\(below.root):" + path : path
    }
}

extension FileRecord {
    /// The entry's name for people and for matching: the path, then members after "!/".
    package var displayName: String { ([path] + (members ?? [])).map(\.display).joined(separator: "!/") }
}
