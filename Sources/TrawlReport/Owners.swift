// Who owns each entry of a report: the account that owns the file on disk, from the entry's
// `permissions` (recorded for a file with findings). An archive member is owned as the file on
// disk that holds it is. The desk and the review page filter by it.
import TrawlModel

extension LoadedReport {
    /// The owner of each entry, in the order of `files`; nil where the report does not say.
    package var owners: [String?] {
        var byPath: [String: String] = [:]
        for f in files where f.members == nil {
            if let owner = f.permissions?.owner { byPath[f.path.display] = owner }
        }
        return files.map { $0.permissions?.owner ?? byPath[$0.path.display] }
    }
}
