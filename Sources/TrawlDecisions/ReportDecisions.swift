// Decisions against a report: a decision must name something the report holds (else it is
// refused), a decision that no longer matches anything is stale, a file that moved is followed by
// its content id, and the current decisions are laid over a report's findings.
import Foundation
import TrawlModel
import TrawlReport

/// What one report holds, indexed for checking decisions against it.
package struct ReportIndex: Sendable {
    private var fingerprintsByPath: [String: Set<String>] = [:]
    private var fingerprintsByContent: [String: Set<String>] = [:]
    private var contentByPath: [String: String] = [:]
    private var pathByContent: [String: String] = [:]
    private var folders: Set<String> = []
    private var typesInFolders: Set<String> = []

    package init(_ report: LoadedReport) {
        for f in report.files {
            let name = f.displayName
            let prints = Set(f.findings.map(\.fingerprint))
            fingerprintsByPath[name, default: []].formUnion(prints)
            if let c = f.contentId {
                contentByPath[name] = c
                fingerprintsByContent[c, default: []].formUnion(prints)
                if pathByContent[c] == nil { pathByContent[c] = name }
            }
            let holders = DecisionBook.folders(of: name)
            folders.formUnion(holders)
            for t in Set(f.findings.map(\.type)) { for h in holders { typesInFolders.insert(t + "\u{0}" + h) } }
        }
    }

    package func hasFile(_ path: String) -> Bool { fingerprintsByPath[path] != nil }
    package func contentId(of path: String) -> String? { contentByPath[path] }

    /// Whether the decision matches anything in the report.
    package func matches(_ d: StoredDecision) -> Bool {
        switch d.scope {
        case .finding:
            guard let fp = d.fingerprint else { return false }
            if fingerprintsByPath[d.path]?.contains(fp) == true { return true }
            if let c = d.contentId, fingerprintsByContent[c]?.contains(fp) == true { return true }
            return false
        case .file:
            return fingerprintsByPath[d.path] != nil || d.contentId.map { pathByContent[$0] != nil } == true
        case .folder:
            return folders.contains(StoredDecision.folderKey(d.path))
        case .type:
            return typesInFolders.contains((d.type ?? "") + "\u{0}" + StoredDecision.folderKey(d.path))
        }
    }

    /// Where a finding's or file's content is now, when it is no longer at its path.
    package func movedTo(_ d: StoredDecision) -> String? {
        guard d.scope == .finding || d.scope == .file, fingerprintsByPath[d.path] == nil,
              let c = d.contentId, let now = pathByContent[c] else { return nil }
        return now
    }
}

extension StoredDecision {
    /// Checks that the decision names something in `report`, and fills the file's content id.
    /// - Throws: `DecisionError` when the report holds no such finding, file, folder or type.
    package mutating func resolve(in report: LoadedReport, index: ReportIndex? = nil) throws(DecisionError) {
        let index = index ?? ReportIndex(report)
        if scope == .folder || scope == .type { path = StoredDecision.folderKey(path) }
        if scope == .finding || scope == .file {
            guard index.hasFile(path) else { throw DecisionError("the report has no file \(path)") }
            contentId = index.contentId(of: path)
        }
        guard index.matches(self) else {
            switch scope {
            case .finding: throw DecisionError("the report has no finding \(fingerprint ?? "") in \(path)")
            case .file: throw DecisionError("the report has no file \(path)")
            case .folder: throw DecisionError("the report has no file under \(path)")
            case .type: throw DecisionError("the report has no \(type ?? "") finding under \(path)")
            }
        }
    }
}

extension DecisionStore {
    /// The open decisions that match nothing in `report`: offered for closing.
    package func stale(against report: LoadedReport) throws(DecisionError) -> [StoredDecision] {
        let index = ReportIndex(report)
        return try open().filter { !index.matches($0) && index.movedTo($0) == nil }
    }

    /// Points each finding's and file's decision whose file moved at the file's new path (found by
    /// content id), and gives those without a content id their file's; returns the decisions moved.
    @discardableResult
    package func follow(_ report: LoadedReport, by who: String) throws(DecisionError) -> [StoredDecision] {
        let index = ReportIndex(report)
        var moved: [StoredDecision] = []
        for d in try open() {
            if d.scope == .finding || d.scope == .file, d.contentId == nil, let c = index.contentId(of: d.path) {
                try identify(id: d.id, contentId: c, by: who)
            }
            guard let now = index.movedTo(d) else { continue }
            try move(id: d.id, to: now, by: who)
            var m = d
            m.path = now
            moved.append(m)
        }
        return moved
    }
}

extension LoadedReport {
    /// Shows the current decisions on the report's findings, matched by fingerprint, type, file
    /// and content id. Levels stay as the scan set them.
    package mutating func overlay(_ book: DecisionBook) {
        guard !book.decisions.isEmpty else { return }
        for i in files.indices { files[i].overlay(book) }
    }
}

extension FileRecord {
    /// Shows the current decisions on this entry's findings.
    package mutating func overlay(_ book: DecisionBook) {
        let name = displayName
        for j in findings.indices {
            let g = findings[j]
            if let d = book.decision(fingerprint: g.fingerprint, type: g.type, path: name, contentId: contentId) {
                findings[j].decision = DecisionRecord(d.asFindingDecision)
            }
        }
    }
}
