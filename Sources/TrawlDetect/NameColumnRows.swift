// Names read from a table's name columns, row by row: whether a generic "Name" cell names a
// person at all, and whether a row names its person in a work role (a staff directory: Name,
// Job title, Team, Email, Extension; a training log: Staff member, Role, ...; the signatories of
// an agreement: Name, Position, Date).
import TrawlModel

/// Rules for `person.name` values read from a generic name column (Name, Full name, Employee,
/// Staff member, Member...):
/// - under a bare "Name" or "Full name" header, a value names a person only when it is written
///   "Surname, Forename", when the names gazetteer knows it (a given name, then a surname), or
///   when the row holds another value that counts of a person (an email, a date of birth, a
///   student number...): a list of rooms, courses, software or canteen dishes has a Name column
///   too;
/// - in a row that gives the person's job (a filled-in Role, Job title, Position or Post column
///   whose value is not a pupil's or student's role) the name is in a work role: shown as exempt
///   `work_role`, counted towards nothing. What else the row says of the person counts as usual.
/// A name found inside another cell (a concern's details), or under a column headed by the role
/// of the people an organisation keeps records about (Pupil, Student, Learner, Candidate...),
/// is a person's whatever else the row holds.
///
/// A class: it keeps the last chunk's labels (one detector's, one worker's).
final class NameColumnRows: ChunkPass {
    /// Column headers that give someone's job.
    static let jobColumns: [Keyword] = ["role", "job title", "job role", "position", "post", "post title", "designation",
                                        "job"].map(Keyword.init)
    /// Name columns that say nothing of whose names they hold.
    static let genericColumns: [Keyword] = ["name", "full name", "legal name", "surname forename", "surname first name",
                                            "forename surname", "first name surname", "employee", "employee name", "staff member",
                                            "staff name", "member of staff", "member", "member name", "contact name"].map(Keyword.init)
    /// Of them, the ones a table of things has as well as a table of people.
    static let bareColumns: [Keyword] = ["name", "full name"].map(Keyword.init)

    /// Words of a header, or of a role, that name the people records are kept about.
    static let subjectRoles: Set<String> = ["pupil", "student", "learner", "candidate", "apprentice", "trainee", "applicant",
                                            "child", "young", "patient", "client", "user", "injured", "volunteer", "tenant",
                                            "resident", "donor", "participant"]

    /// The last chunk's cell labels, and whether one of them heads a job column. The rows of a
    /// table carry the same labels one after another (labels of one column share their storage,
    /// so the comparison is quick): reading each label's words again for every row cost more
    /// than the rest of the pass.
    private var lastRow: (labels: [String?], givesJob: Bool) = ([], false)
    /// What each column label met is: a generic name column, and of them a bare one. Kept for
    /// the same reason: every name cell of a register asks it of the same label.
    private var kinds: [String: (generic: Bool, bare: Bool)] = [:]
    /// The names gazetteer, when the patterns have one.
    private let gazetteer: NameGazetteer?

    init(gazetteer: NameGazetteer?) { self.gazetteer = gazetteer }

    private func kind(_ label: String) -> (generic: Bool, bare: Bool) {
        if let known = kinds[label] { return known }
        let k = (FieldValue.label(label.utf8, isOneOf: Self.genericColumns), FieldValue.label(label.utf8, isOneOf: Self.bareColumns))
        if kinds.count >= 1024 { kinds.removeAll(keepingCapacity: true) }
        kinds[label] = k
        return k
    }

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard !chunk.cells.isEmpty, found.indices.contains(where: { found[$0].match.typeId == "person.name" }) else { return }
        var keep = [Bool](repeating: true, count: found.count)
        var jobChecked = false, inWorkRole = false
        for i in found.indices where found[i].match.typeId == "person.name" && found[i].match.exemption == nil {
            guard let column = found[i].match.location.column, case let k = kind(column), k.generic,
                  let cell = chunk.cells.first(where: { $0.range.lowerBound == found[i].offset && $0.label == column }) else { continue }
            if !jobChecked {
                inWorkRole = givesJob(chunk)
                jobChecked = true
            }
            if k.bare, !chunk.text[cell.range].contains(44),
               !found.indices.contains(where: { $0 != i && found[$0].category == .personal && found[$0].match.exemption == nil }),
               !knownName(chunk.text[cell.range], inRowOf: found, workRole: inWorkRole) {
                keep[i] = false
                continue
            }
            if inWorkRole {
                found[i].match.exemption = .workRole
                found[i].match.evidence.append("named in a work role: the row gives their job")
            }
        }
        if keep.contains(false) { found.keepOnly(keep) }
    }

    /// Whether a bare Name column's value is a name the gazetteer knows, in a row that gives
    /// neither a job nor a work address (a published register's Name, Grade, Town): a staff
    /// directory's names stay uncounted as they are without the gazetteer, and so does a row
    /// whose other values are examples (HMRC's specimen NI number beside a name).
    private func knownName(_ value: ArraySlice<UInt8>, inRowOf found: [Detector.Found], workRole: Bool) -> Bool {
        guard let gazetteer, !workRole, !found.contains(where: {
            $0.match.exemption == .workAddress || $0.match.exemption == .roleMailbox || $0.match.exemption == .exampleData
        }) else { return false }
        return gazetteer.isFullName(value)
    }

    /// Whether one of the chunk's cells is under a job column and gives a job, not a pupil's or a
    /// student's part ("Role: Pupil", a team sheet's "Position: Goalkeeper" is a job column's
    /// header over a pupil's place).
    private func givesJob(_ chunk: TextChunk) -> Bool {
        let hasJobColumn: Bool
        if chunk.cells.count == lastRow.labels.count && zip(chunk.cells, lastRow.labels).allSatisfy({ $0.label == $1 }) {
            hasJobColumn = lastRow.givesJob
        } else {
            hasJobColumn = chunk.cells.contains { cell in cell.label.map { FieldValue.label($0.utf8, isOneOf: Self.jobColumns) } ?? false }
            lastRow = (chunk.cells.map(\.label), hasJobColumn)
        }
        guard hasJobColumn else { return false }
        return chunk.cells.contains { cell in
            guard let label = cell.label, FieldValue.label(label.utf8, isOneOf: Self.jobColumns) else { return false }
            let value = String(decoding: chunk.text[cell.range], as: UTF8.self)
            return !Self.namesSubject(value) && value.contains(where: \.isLetter)
        }
    }

    /// Whether a header or a role names the people records are kept about ("Pupil", "Student
    /// name", "Student council rep").
    static func namesSubject(_ label: String) -> Bool {
        label.lowercased().split(whereSeparator: { !$0.isLetter }).contains { subjectRoles.contains(String($0)) }
    }
}
