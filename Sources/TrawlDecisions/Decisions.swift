// Decisions a DPO takes on findings, kept in a file that outlives any one report: false positive,
// accepted risk, to remediate, with who and when. A decision is keyed by the finding's keyed
// fingerprint and the file it is in, both stable from night to night under the same key, so it
// sticks to the next scan's finding. False positives stop counting towards levels but stay
// visible in every report, diff, review and export.
//
// The file is YAML (edited by `trawl triage` or by hand); docs/decisions.md describes it.
import Foundation
import TrawlModel
import Yams
import YAMLFiles

package struct DecisionError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

/// All decisions of one file.
package struct DecisionBook: Sendable {
    package private(set) var decisions: [Decision]
    private var index: [String: Int]
    /// The file's bytes when loaded: part of the scan's rules identity.
    package let source: [UInt8]

    private struct File: Codable { var decisions: [Decision] }

    package init(decisions: [Decision] = [], source: [UInt8] = []) {
        self.decisions = decisions
        self.source = source
        index = [:]
        for (i, d) in decisions.enumerated() { index[Self.key(d.fingerprint, d.path)] = i }
    }

    static func key(_ fingerprint: String, _ path: String) -> String { fingerprint + "\u{0}" + path }

    /// Loads a decisions file; a missing file is an empty book.
    /// - Throws: `DecisionError` when the file exists but does not parse.
    package static func load(path: String) throws(DecisionError) -> DecisionBook {
        guard FileManager.default.fileExists(atPath: path) else { return DecisionBook() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DecisionError(message: "\(path): cannot read the decisions file")
        }
        if data.isEmpty { return DecisionBook(source: []) }
        do {
            let file = try YAMLFiles.decode(File.self, from: data)
            return DecisionBook(decisions: file.decisions, source: Array(data))
        } catch {
            throw DecisionError(message: "\(path): invalid decisions file: \(error)")
        }
    }

    /// Writes the book to `path` (mode 0600), replacing it atomically.
    package func save(path: String) throws(DecisionError) {
        do {
            let yaml = try YAMLEncoder().encode(File(decisions: decisions))
            let text = "# Trawl decisions: see docs/decisions.md. Edit with `trawl triage` or by hand.\n" + yaml
            let tmp = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw DecisionError(message: "\(path): cannot write the decisions file")
            }
            if rename(tmp, path) != 0 { throw DecisionError(message: "\(path): cannot replace the decisions file") }
        } catch let error as DecisionError {
            throw error
        } catch {
            throw DecisionError(message: "\(path): cannot encode the decisions: \(error)")
        }
    }

    package func decision(fingerprint: String, path: String) -> Decision? {
        index[Self.key(fingerprint, path)].map { decisions[$0] }
    }

    /// Adds or replaces the decision for its fingerprint and path.
    package mutating func set(_ d: Decision) {
        if let i = index[Self.key(d.fingerprint, d.path)] {
            decisions[i] = d
        } else {
            index[Self.key(d.fingerprint, d.path)] = decisions.count
            decisions.append(d)
        }
    }

    /// Removes the decision; returns whether there was one.
    @discardableResult
    package mutating func remove(fingerprint: String, path: String) -> Bool {
        guard let i = index[Self.key(fingerprint, path)] else { return false }
        decisions.remove(at: i)
        index = [:]
        for (j, d) in decisions.enumerated() { index[Self.key(d.fingerprint, d.path)] = j }
        return true
    }
}
