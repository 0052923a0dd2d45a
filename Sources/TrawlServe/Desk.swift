// What the desk serves: the runs of a reports folder and the decisions store, behind one actor so
// that requests share one store connection and one copy of each loaded report.
//
// A report is read whole with TrawlReport's LoadedReport the first time it is asked for, and kept
// while its file is unchanged (size and modification time). The decisions are read again from the
// store after every change, and each run's per-file decision facts with them.
import Foundation
import TrawlDecisions
import TrawlModel
import TrawlReport

/// A run: one report file in the reports folder.
package struct RunInfo: Codable, Sendable, Equatable {
    package var name: String
    package var started: String?
    package var roots: [String]?
    package var bytes: Int
    /// Why the file cannot be read as a report, for people.
    package var problem: String?
}

package struct DeskError: Error, CustomStringConvertible, Sendable {
    package var status: Int
    package var message: String
    package var description: String { message }
    package init(_ status: Int, _ message: String) { self.status = status; self.message = message }
}

/// A decision asked for from the desk.
package struct DecisionRequest: Codable, Sendable {
    package var run: String
    package var scope: DecisionScope
    package var path: String
    package var fingerprint: String?
    package var type: String?
    package var kind: DecisionKind
    package var reason: String
    package var owner: String?
    package var reviewBy: String?

    enum CodingKeys: String, CodingKey {
        case run, scope, path, fingerprint, type, kind, reason, owner
        case reviewBy = "review_by"
    }
}

/// A decision as the desk lists it: stale when it matches nothing in the latest run.
package struct DecisionRow: Codable, Sendable {
    package var decision: StoredDecision
    package var stale: Bool
}

package actor Desk {
    package let reportsFolder: String
    private let store: DecisionStore
    private var book: DecisionBook
    private var version = 0
    private var views: [String: (stamp: String, view: RunView)] = [:]
    private var decided: [String: RunView.Decided] = [:]
    /// Each run's index for checking decisions, built once per read of the run.
    private var indexes: [ObjectIdentifier: ReportIndex] = [:]
    /// Each report file's first record, read once while the file is unchanged.
    private var listed: [String: (stamp: String, info: RunInfo)] = [:]

    /// - Throws: `DecisionError` when the store cannot be opened.
    package init(reportsFolder: String, decisions: String) throws(DecisionError) {
        self.reportsFolder = reportsFolder
        store = try DecisionStore(path: decisions)
        book = try store.book()
    }

    // MARK: Runs

    /// The report files of the folder, oldest first (by the time their scan started).
    package func runs() -> [RunInfo] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: reportsFolder)) ?? [])
            .filter { ($0.hasSuffix(".json") || $0.hasSuffix(".jsonl")) && !$0.hasPrefix(".") }
        var out: [RunInfo] = []
        for name in names {
            let path = reportsFolder + "/" + name
            let bytes = ((try? fm.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            let stamp = Self.stamp(path)
            if let known = listed[name], known.stamp == stamp { out.append(known.info); continue }
            var info = RunInfo(name: name, bytes: bytes)
            switch Self.begin(of: path) {
            case .success(let b): info.started = b.started; info.roots = b.roots.map(\.display)
            case .failure(let e): info.problem = e.message
            }
            listed[name] = (stamp, info)
            out.append(info)
        }
        return out.sorted { ($0.started ?? "", $0.name) < ($1.started ?? "", $1.name) }
    }

    /// The first record of a report, read with the report's own types.
    private static func begin(of path: String) -> Result<BeginRecord, DeskError> {
        guard let h = FileHandle(forReadingAtPath: path) else { return .failure(DeskError(422, "cannot be read")) }
        defer { try? h.close() }
        var head = Data()
        while head.count < 1 << 20, let chunk = try? h.read(upToCount: 64 << 10), !chunk.isEmpty {
            head.append(chunk)
            if chunk.contains(UInt8(ascii: "\n")) { break }
        }
        let line = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first ?? Data()
        guard case .begin(let b)? = try? JSONDecoder().decode(ReportRecord.self, from: Data(line)) else {
            return .failure(DeskError(422, "not a Trawl report: its first line is not a report's begin record"))
        }
        return .success(b)
    }

    /// The run's view, read once while its file is unchanged.
    /// - Throws: `DeskError` 404 for a run not in the folder, 422 for a file that is not a report.
    package func view(_ run: String?) throws(DeskError) -> RunView {
        let every = runs()
        let all = every.filter { $0.problem == nil }
        guard let name = run ?? all.last?.name else { throw DeskError(404, "the reports folder holds no report yet") }
        guard !name.contains("/"), let i = all.firstIndex(where: { $0.name == name }) else {
            if let bad = every.first(where: { $0.name == name }) { throw DeskError(422, "\(name): \(bad.problem ?? "not a Trawl report")") }
            throw DeskError(404, "no run \(name) in the reports folder")
        }
        let stamp = Self.stamp(reportsFolder + "/" + name)
        if let v = views[name], v.stamp == stamp { return v.view }
        let report = try load(name)
        let previous = i > 0 ? all[i - 1].name : nil
        let prev = try previous.map { p throws(DeskError) in (name: p, report: try load(p)) }
        let view = RunView(name: name, report: report, previous: prev)
        views[name] = (stamp, view)
        decided[name] = nil
        return view
    }

    private func load(_ name: String) throws(DeskError) -> LoadedReport {
        if let v = views[name], v.stamp == Self.stamp(reportsFolder + "/" + name) { return v.view.report }
        do { return try LoadedReport.load(path: reportsFolder + "/" + name) } catch {
            throw DeskError(422, "\(name) could not be read as a Trawl report: \(error.message.replacingOccurrences(of: reportsFolder + "/", with: ""))")
        }
    }

    private static func stamp(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "" }
        return "\(st.st_size):\(st.st_mtim.tv_sec):\(st.st_mtim.tv_nsec)"
    }

    /// Reads the latest run and its decision facts ahead of the first request; returns the run's
    /// name and its number of files, or nil when there is no readable run.
    package func warm() -> (run: String, files: Int)? {
        guard let page = try? page(nil, FileQuery()) else { return nil }
        return (page.run, page.total)
    }

    private func index(_ v: RunView) -> ReportIndex {
        if let i = indexes[ObjectIdentifier(v)] { return i }
        let i = ReportIndex(v.report)
        indexes = [ObjectIdentifier(v): i].merging(indexes.filter { k, _ in views.values.contains { ObjectIdentifier($0.view) == k } }) { a, _ in a }
        return i
    }

    package func page(_ run: String?, _ q: FileQuery) throws(DeskError) -> FilePage {
        let v = try view(run)
        let d: RunView.Decided
        if let cached = decided[v.name], cached.version == version { d = cached } else {
            d = v.decided(version: version, book: book)
            decided[v.name] = d
        }
        return v.page(q, decided: d)
    }

    package func file(_ run: String?, path: String, reveal: Bool) throws(DeskError) -> [FileRecord] {
        let entries = try view(run).file(path, book: book, reveal: reveal)
        guard !entries.isEmpty else { throw DeskError(404, "no file \(path) in the run") }
        return entries
    }

    /// Two runs compared as `trawl diff --decisions` compares them: the current decisions on the
    /// findings, and the decisions taken, closed or moved between the starts of the two scans.
    package func diff(old: String, new: String) throws(DeskError) -> ReportDiff {
        var a = try view(old).report, b = try view(new).report
        a.overlay(book)
        b.overlay(book)
        var diff: ReportDiff
        do { diff = try ReportDiff.compare(old: a, oldName: old, new: b, newName: new) } catch { throw DeskError(422, error.message) }
        do { try diff.listDecisions(from: store) } catch { throw DeskError(500, error.message) }
        return diff
    }

    // MARK: Decisions

    /// Takes a decision for `who`, refused unless it names something in the run.
    package func decide(_ r: DecisionRequest, by who: String) throws(DeskError) -> StoredDecision {
        let v = try view(r.run)
        var d = StoredDecision(scope: r.scope, path: r.path, fingerprint: r.fingerprint, type: r.type, kind: r.kind,
                               reason: r.reason, owner: r.owner?.isEmpty == true ? nil : r.owner,
                               reviewBy: r.reviewBy?.isEmpty == true ? nil : r.reviewBy, by: who, at: Timestamp.string(Date()))
        do {
            try d.validate()
            try d.resolve(in: v.report, index: index(v))
            d = try store.add(d)
        } catch { throw DeskError(422, error.message) }
        try reload()
        return d
    }

    package func close(id: Int64, reason: String, by who: String) throws(DeskError) {
        do { try store.close(id: id, by: who, reason: reason) } catch { throw DeskError(422, error.message) }
        try reload()
    }

    /// The open decisions, each marked stale when it matches nothing in the latest run.
    package func decisions() throws(DeskError) -> [DecisionRow] {
        let latest = (try? view(nil)).map { self.index($0) }
        return book.decisions.map { d in
            DecisionRow(decision: d, stale: latest.map { !$0.matches(d) && $0.movedTo(d) == nil } ?? false)
        }
    }

    package func history() throws(DeskError) -> [DecisionEvent] {
        do { return try store.history() } catch { throw DeskError(500, error.message) }
    }

    private func reload() throws(DeskError) {
        do { book = try store.book() } catch { throw DeskError(500, error.message) }
        version += 1
    }
}
