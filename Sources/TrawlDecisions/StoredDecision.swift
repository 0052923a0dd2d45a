// The decisions a DPO takes, as values: what a decision is about (its scope), what was decided,
// why, by whom and when. Shared by `trawl triage`, `trawl decisions`, `trawl scan` and
// `trawl serve`; the store (DecisionStore) keeps them, the book (DecisionBook) matches them.
//
// Key decision: a decision is keyed by what it is about, not where it was seen. A finding is its
// keyed fingerprint in a file known by its content id; a file is its content id; the path of
// either is only a hint, so a moved or renamed file keeps its decisions. A folder, and a finding
// type across a folder, are paths, because there the place is the point.
import Foundation
import TrawlModel

package struct DecisionError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// What a decision is about.
package enum DecisionScope: String, Codable, Sendable, CaseIterable {
    /// One finding: its fingerprint in one file.
    case finding
    /// Every finding in one file.
    case file
    /// Every finding in every file under a folder.
    case folder
    /// Every finding of one type under a folder.
    case type
}

/// One decision as the store keeps it.
package struct StoredDecision: Codable, Sendable, Equatable {
    /// The store's number for it; 0 before it is stored.
    package var id: Int64
    package var scope: DecisionScope
    /// For a finding or a file: the file as last seen (a hint; archive members after "!/").
    /// For a folder or a type: the folder, without a trailing slash.
    package var path: String
    /// For a finding: its keyed fingerprint, "hmac-sha256:KEYID:HEX".
    package var fingerprint: String?
    /// For a finding or a file: the file's keyed content id, when the report had one.
    package var contentId: String?
    /// For a type: the personal-data type ("uk.nino").
    package var type: String?
    package var kind: DecisionKind
    /// Why: every decision has one.
    package var reason: String
    /// Who remediates (to_remediate).
    package var owner: String?
    /// When an accepted risk is reviewed again (YYYY-MM-DD).
    package var reviewBy: String?
    package var by: String
    /// ISO 8601.
    package var at: String
    /// Set when the decision was closed (for instance because its finding is gone).
    package var closedAt: String?
    package var closedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, scope, path, fingerprint, type, kind, reason, owner, by, at
        case contentId = "content_id", reviewBy = "review_by", closedAt = "closed_at", closedBy = "closed_by"
    }

    package init(id: Int64 = 0, scope: DecisionScope, path: String, fingerprint: String? = nil, contentId: String? = nil,
                 type: String? = nil, kind: DecisionKind, reason: String, owner: String? = nil, reviewBy: String? = nil,
                 by: String, at: String, closedAt: String? = nil, closedBy: String? = nil) {
        self.id = id; self.scope = scope; self.path = path; self.fingerprint = fingerprint; self.contentId = contentId
        self.type = type; self.kind = kind; self.reason = reason; self.owner = owner; self.reviewBy = reviewBy
        self.by = by; self.at = at; self.closedAt = closedAt; self.closedBy = closedBy
    }

    package var isOpen: Bool { closedAt == nil }

    /// Checks what every decision of its kind and scope must carry.
    /// - Throws: `DecisionError` naming what is missing.
    package func validate() throws(DecisionError) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw DecisionError("a decision needs a reason") }
        if by.trimmingCharacters(in: .whitespaces).isEmpty { throw DecisionError("a decision needs the name of who took it") }
        switch scope {
        case .finding: if fingerprint?.hasPrefix("hmac-sha256:") != true { throw DecisionError("a decision on a finding needs its fingerprint (hmac-sha256:...)") }
        case .type: if type?.isEmpty ?? true { throw DecisionError("a decision on a type across a folder needs the type") }
        case .file, .folder: break
        }
        if path.isEmpty { throw DecisionError("a decision needs the path of its file or folder") }
        switch kind {
        case .acceptedRisk:
            guard let r = reviewBy, Self.isDate(r) else { throw DecisionError("an accepted risk needs a review date (YYYY-MM-DD)") }
        case .toRemediate:
            if owner?.trimmingCharacters(in: .whitespaces).isEmpty ?? true { throw DecisionError("a finding to remediate needs an owner") }
        case .falsePositive, .ownData, .remediated: break
        }
    }

    static func isDate(_ s: String) -> Bool {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return s.count == 10 && f.date(from: s) != nil
    }

    /// The decision as a report's finding shows it: the reason, with the owner or review date.
    package var asFindingDecision: Decision {
        var note = reason
        if let owner { note += " (owner: \(owner))" }
        if let reviewBy { note += " (review by \(reviewBy))" }
        return Decision(fingerprint: fingerprint ?? "", path: path, decision: kind, by: by, at: at, note: note)
    }

    /// A folder as decisions name it: no trailing slash (but "/" itself).
    package static func folderKey(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// One line of a decision's history: append-only.
package struct DecisionEvent: Codable, Sendable, Equatable {
    package var decisionId: Int64
    /// "decided", "imported", "moved", "closed".
    package var action: String
    package var by: String
    package var at: String
    /// What changed, for people.
    package var detail: String

    enum CodingKeys: String, CodingKey { case action, by, at, detail, decisionId = "decision_id" }
}
