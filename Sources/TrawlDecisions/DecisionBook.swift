// The open decisions, indexed to match findings: what `trawl scan` applies while it reads, and
// what diff, review, export and serve lay over a report made before the decisions were taken.
//
// The most specific decision wins: one on the finding, then one on its file, then one on its type
// in the nearest folder, then one on the nearest folder. A finding or file decision matches by
// the file's path or by its content id, so it follows a file that moved.
import Foundation
import TrawlModel

package struct DecisionBook: Sendable {
    /// The open decisions, in the order they were taken.
    package let decisions: [StoredDecision]
    private var findings: [String: [StoredDecision]] = [:]
    private var filesByPath: [String: StoredDecision] = [:]
    private var filesByContent: [String: StoredDecision] = [:]
    private var folders: [String: StoredDecision] = [:]
    private var types: [String: StoredDecision] = [:]

    package init(_ decisions: [StoredDecision] = []) {
        self.decisions = decisions
        // Later decisions on the same thing win.
        for d in decisions where d.isOpen {
            switch d.scope {
            case .finding: if let f = d.fingerprint { findings[f, default: []].insert(d, at: 0) }
            case .file:
                filesByPath[d.path] = d
                if let c = d.contentId { filesByContent[c] = d }
            case .folder: folders[StoredDecision.folderKey(d.path)] = d
            case .type: if let t = d.type { types[t + "\u{0}" + StoredDecision.folderKey(d.path)] = d }
            }
        }
    }

    /// Opens the store at `path` (migrating a YAML file) and takes its open decisions.
    /// - Throws: `DecisionError` when the store cannot be opened.
    package static func load(path: String) throws(DecisionError) -> DecisionBook {
        try DecisionStore(path: path).book()
    }

    /// The decisions' contents, for the scan's rules identity: a change to any open decision
    /// invalidates results carried over from an earlier run.
    package var source: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(decisions.filter(\.isOpen)).map { $0 }) ?? []
    }

    /// The decision that applies to a finding, if any.
    /// - Parameters:
    ///   - path: the entry as the report names it (archive members after "!/").
    ///   - contentId: the entry's content id, when known.
    package func decision(fingerprint: String, type: String, path: String, contentId: String? = nil) -> StoredDecision? {
        if let list = findings[fingerprint],
           let d = list.first(where: { $0.path == path || (contentId != nil && $0.contentId == contentId) }) { return d }
        if let d = filesByPath[path] { return d }
        if let contentId, let d = filesByContent[contentId] { return d }
        guard !folders.isEmpty || !types.isEmpty else { return nil }
        for folder in Self.folders(of: path) {
            if let d = types[type + "\u{0}" + folder] { return d }
        }
        for folder in Self.folders(of: path) {
            if let d = folders[folder] { return d }
        }
        return nil
    }

    /// The folders that hold `path`, nearest first ("/a/b/c.txt": "/a/b", "/a", "/").
    /// An archive's members are inside the archive's folder.
    package static func folders(of path: String) -> [String] {
        var out: [String] = []
        var p = Substring(path)
        while let slash = p.lastIndex(of: "/") {
            p = p[..<slash]
            out.append(p.isEmpty ? "/" : String(p))
        }
        return out
    }
}
