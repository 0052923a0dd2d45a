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
struct WorkRoleRows: ChunkPass {
    /// Column headers that give someone's job.
    static let jobColumns: [Keyword] = ["role", "job title", "job role", "position", "post", "post title", "designation",
                                        "job"].map(Keyword.init)

    /// Words of a header that names the people records are kept about.
    static let subjectRoles: Set<String> = ["pupil", "student", "learner", "candidate", "apprentice", "trainee", "applicant",
                                            "child", "young", "patient", "client", "user", "injured"]

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty, found.indices.contains(where: { found[$0].match.typeId == "person.name" }),
              chunk.cells.contains(where: { cell in cell.label.map { FieldValue.label($0.utf8, isOneOf: Self.jobColumns) } ?? false })
        else { return }
        for i in found.indices where found[i].match.typeId == "person.name" && found[i].match.exemption == nil {
            guard let column = found[i].match.location.column, !Self.namesSubject(column) else { continue }
            found[i].match.exemption = .workRole
            found[i].match.evidence.append("named in a work role: the row gives their job")
        }
    }

    /// Whether a column header names the people records are kept about ("Pupil", "Student name").
    static func namesSubject(_ label: String) -> Bool {
        label.lowercased().split(whereSeparator: { !$0.isLetter }).contains { subjectRoles.contains(String($0)) }
    }
}
