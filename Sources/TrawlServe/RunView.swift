// One run's report as the desk pages through it: the report read with TrawlReport's own types,
// the current decisions laid over it, and a few per-file facts (folder, types, new since the
// previous run, decided, owner) computed once so that a filter over 200,000 files is a loop
// over small values, not over the report's records.
import Foundation
import TrawlDecisions
import TrawlModel
import TrawlReport

/// The filters and page the desk asks for; every field optional.
package struct FileQuery: Sendable, Equatable {
    package var level: Level?
    package var type: String?
    /// A folder: files under it.
    package var folder: String?
    /// The account that owns the file (its `permissions` in the report; an archive member's is
    /// the archive's).
    package var owner: String?
    /// The owner named on a to_remediate decision on one of the file's findings.
    package var assignee: String?
    /// Only files that are new since the previous run (not there by name or content).
    package var newOnly = false
    /// true: only files with a decision on some finding; false: only files with none.
    package var decided: Bool?
    /// Text the path must contain (case-insensitive).
    package var text: String?
    package var page = 0
    package var pageSize = 50

    package init() {}

    package static let largestPage = 500
}

/// One row of the file list.
package struct FileRow: Codable, Sendable, Equatable {
    package var path: String
    package var folder: String
    package var level: Level
    package var outcome: String
    package var findings: Int
    package var types: [String]
    package var decided: Int
    package var isNew: Bool
    package var contentId: String?
    package var owner: String?

    enum CodingKeys: String, CodingKey {
        case path, folder, level, outcome, findings, types, decided, owner
        case isNew = "new", contentId = "content_id"
    }
}

/// One page of the file list.
package struct FilePage: Codable, Sendable {
    package var run: String
    package var total: Int
    package var matched: Int
    package var page: Int
    package var pageSize: Int
    package var rows: [FileRow]
    /// Facets for the filters: every level, type and top-level folder in the run.
    package var types: [String]
    package var folders: [String]
    /// The accounts that own files of the run.
    package var owners: [String]
    /// The owners named on to_remediate decisions.
    package var assignees: [String]
    package var previous: String?

    enum CodingKeys: String, CodingKey {
        case run, total, matched, page, rows, types, folders, owners, assignees, previous
        case pageSize = "page_size"
    }
}

package final class RunView: Sendable {
    package let name: String
    package let report: LoadedReport
    package let previousName: String?
    private let folders: [String]
    private let types: [[String]]
    private let isNew: [Bool]
    private let owners: [String?]
    private let allOwners: [String]
    private let allTypes: [String]
    private let topFolders: [String]

    /// - Parameter previous: the run before this one, for "new since the previous run".
    package init(name: String, report: LoadedReport, previous: (name: String, report: LoadedReport)?) {
        self.name = name
        self.report = report
        previousName = previous?.name
        // A file is known by its path below its root, so that a share scanned under another
        // spelling of its root (a trailing slash, another mount point) is not all new.
        var known = Set<String>(), knownContent = Set<String>()
        if let previous {
            let previousKey = RootRelative(roots: previous.report.begin.roots)
            for f in previous.report.files {
                known.insert(previousKey.key(f))
                if let c = f.contentId { knownContent.insert(c) }
            }
        }
        let key = RootRelative(roots: report.begin.roots)
        var folders: [String] = [], types: [[String]] = [], isNew: [Bool] = []
        var every = Set<String>(), tops = Set<String>()
        folders.reserveCapacity(report.files.count)
        for f in report.files {
            let folder = DecisionBook.folders(of: f.path.display).first ?? "/"
            folders.append(folder)
            let t = Array(Set(f.findings.map(\.type))).sorted()
            types.append(t)
            every.formUnion(t)
            isNew.append(previous != nil && !known.contains(key.key(f)) && !(f.contentId.map(knownContent.contains) ?? false))
            let parts = folder.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: true)
            tops.insert((folder.hasPrefix("/") ? "/" : "") + parts.prefix(3).joined(separator: "/"))
        }
        self.folders = folders
        self.types = types
        self.isNew = isNew
        owners = report.owners
        allOwners = Set(owners.compactMap { $0 }).sorted()
        allTypes = every.sorted()
        topFolders = tops.sorted()
    }

    /// What the current decisions say of each file: how many findings are decided, and the
    /// owners of those to remediate. Computed for one version of the decisions.
    package final class Decided: Sendable {
        package let version: Int
        let counts: [Int]
        let owners: [[String]]
        let allOwners: [String]

        init(version: Int, view: RunView, book: DecisionBook) {
            self.version = version
            var counts: [Int] = [], owners: [[String]] = [], every = Set<String>()
            counts.reserveCapacity(view.report.files.count)
            for f in view.report.files {
                let name = f.displayName
                var n = 0, o: [String] = []
                if !book.decisions.isEmpty {
                    for g in f.findings {
                        guard let d = book.decision(fingerprint: g.fingerprint, type: g.type, path: name, contentId: f.contentId) else { continue }
                        n += 1
                        if d.kind == .toRemediate, let owner = d.owner, !o.contains(owner) { o.append(owner); every.insert(owner) }
                    }
                }
                counts.append(n)
                owners.append(o)
            }
            self.counts = counts
            self.owners = owners
            allOwners = every.sorted()
        }
    }

    package func decided(version: Int, book: DecisionBook) -> Decided { Decided(version: version, view: self, book: book) }

    /// The page of files that pass every filter, in the report's order.
    package func page(_ q: FileQuery, decided: Decided) -> FilePage {
        let size = max(1, min(q.pageSize, FileQuery.largestPage))
        let start = max(0, q.page) * size
        let folder = q.folder.map(StoredDecision.folderKey)
        let text = q.text?.lowercased()
        var matched = 0
        var rows: [FileRow] = []
        for (i, f) in report.files.enumerated() {
            if let level = q.level, f.level != level { continue }
            if let type = q.type, !types[i].contains(type) { continue }
            if q.newOnly && !isNew[i] { continue }
            if let d = q.decided, (decided.counts[i] > 0) != d { continue }
            if let owner = q.owner, owners[i] != owner { continue }
            if let assignee = q.assignee, !decided.owners[i].contains(assignee) { continue }
            let name = f.displayName
            if let folder, folder != "/", !(name.hasPrefix(folder) && name.utf8.dropFirst(folder.utf8.count).first == UInt8(ascii: "/")) { continue }
            if let text, !text.isEmpty, !name.lowercased().contains(text) { continue }
            if matched >= start && rows.count < size {
                rows.append(FileRow(path: name, folder: folders[i], level: f.level, outcome: f.outcome.rawValue, findings: f.findings.count,
                                    types: types[i], decided: decided.counts[i], isNew: isNew[i], contentId: f.contentId, owner: owners[i]))
            }
            matched += 1
        }
        return FilePage(run: name, total: report.files.count, matched: matched, page: max(0, q.page), pageSize: size, rows: rows,
                        types: allTypes, folders: topFolders, owners: allOwners, assignees: decided.allOwners, previous: previousName)
    }

    /// A file's entries (the file and, for an archive, its members), with the current decisions on
    /// their findings. Values are left out unless `reveal` is set and the report holds them.
    package func file(_ path: String, book: DecisionBook, reveal: Bool) -> [FileRecord] {
        var out: [FileRecord] = []
        for f in report.files where f.displayName == path || f.path.display == path {
            var r = f
            r.overlay(book)
            if !reveal { for j in r.findings.indices { r.findings[j].value = nil } }
            out.append(r)
        }
        return out
    }
}
