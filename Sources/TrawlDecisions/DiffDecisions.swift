// A comparison of two runs with what the DPO did between them: the decisions store's history from
// the earlier scan's start up to the later one's, as `trawl diff --decisions` and `trawl serve`
// both list it.
import TrawlReport

extension ReportDiff {
    /// Lists the store's events at or after the earlier of the two scans' starts and before the
    /// later one (`decisionsBetween`).
    /// - Throws: `DecisionError` when the store's history cannot be read.
    package mutating func listDecisions(from store: DecisionStore) throws(DecisionError) {
        let (from, to) = (min(old.started, new.started), max(old.started, new.started))
        decisionsBetween = try store.history().filter { $0.at >= from && $0.at < to }.map {
            ReportDiff.DecisionChange(at: $0.at, by: $0.by, action: $0.action, decisionId: $0.decisionId, detail: $0.detail)
        }
    }
}
