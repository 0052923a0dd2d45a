// Which table rows name their person in a work role: a staff directory (Name, Job title, Team,
// Email, Extension), a training log (Staff member, Role, ...) or the signatories of an agreement
// (Name, Position, Date) list people by the job they do.
import TrawlModel

/// A name under a generic name column (Name, Full name, Employee, Staff member) in a row that
/// gives the person's job (a filled-in Role, Job title, Position or Post column) is a name in a
/// work role: shown as exempt `work_role`, counted towards nothing. What else the row says of the
/// person (an NI number, a personal email, a health answer) counts as usual. A column headed by
/// the role of the people an organisation keeps records about (Pupil, Student, Learner,
/// Candidate, Applicant...) names its person as one whatever else the row holds.
///
/// A class: it keeps the last chunk's labels (one detector's, one worker's).
final class WorkRoleRows: ChunkPass {
    /// Column headers that give someone's job.
    static let jobColumns: [Keyword] = ["role", "job title", "job role", "position", "post", "post title", "designation",
                                        "job"].map(Keyword.init)

    /// Words of a header that names the people records are kept about.
    static let subjectRoles: Set<String> = ["pupil", "student", "learner", "candidate", "apprentice", "trainee", "applicant",
                                            "child", "young", "patient", "client", "user", "injured"]

    /// The last chunk's cell labels, and whether one of them heads a job column. The rows of a
    /// table carry the same labels one after another (labels of one column share their storage,
    /// so the comparison is quick): reading each label's words again for every row cost more
    /// than the rest of the pass.
    private var lastRow: (labels: [String?], givesJob: Bool) = ([], false)

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty, found.indices.contains(where: { found[$0].match.typeId == "person.name" }), givesJob(chunk)
        else { return }
        for i in found.indices where found[i].match.typeId == "person.name" && found[i].match.exemption == nil {
            guard let column = found[i].match.location.column, !Self.namesSubject(column) else { continue }
            found[i].match.exemption = .workRole
            found[i].match.evidence.append("named in a work role: the row gives their job")
        }
    }

    /// Whether one of the chunk's cells is under a job column.
    private func givesJob(_ chunk: TextChunk) -> Bool {
        if chunk.cells.count == lastRow.labels.count && zip(chunk.cells, lastRow.labels).allSatisfy({ $0.label == $1 }) {
            return lastRow.givesJob
        }
        let givesJob = chunk.cells.contains { cell in cell.label.map { FieldValue.label($0.utf8, isOneOf: Self.jobColumns) } ?? false }
        lastRow = (chunk.cells.map(\.label), givesJob)
        return givesJob
    }

    /// Whether a column header names the people records are kept about ("Pupil", "Student name").
    static func namesSubject(_ label: String) -> Bool {
        label.lowercased().split(whereSeparator: { !$0.isLetter }).contains { subjectRoles.contains(String($0)) }
    }
}
