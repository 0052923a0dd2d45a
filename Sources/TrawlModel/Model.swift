// The value types every stage of Trawl speaks. No I/O and no dependencies, so that each stage can
// be built and tested alone and none needs to know another (ripgrep's interface crate, SwiftPM's
// PackageModel).

/// Classification levels, lowest to highest. The raw values are the report's wire strings.
package enum Level: String, Codable, CaseIterable, Comparable, Sendable {
    /// Not read (or not wholly read) and nothing found: nothing is known of its content, so it has
    /// no level of its own (the policy may map it to one). Below every level: it never raises a
    /// container's level, and no `--fail-on` threshold reaches it.
    case notClassified = "Not classified"
    case `public` = "Public"
    case `internal` = "Internal"
    case restricted = "Restricted"
    case confidential = "Confidential"

    var rank: Int {
        switch self {
        case .notClassified: -1
        case .public: 0
        case .internal: 1
        case .restricted: 2
        case .confidential: 3
        }
    }

    package static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
}

/// How sure a detection is. Format alone is low; a passing check raises it; context raises it more.
package enum Confidence: String, Codable, CaseIterable, Comparable, Sendable {
    case low, medium, high

    /// Low < medium < high, as a number.
    package var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    package static func < (a: Confidence, b: Confidence) -> Bool { a.rank < b.rank }

    /// One step up, capped at high.
    package var raised: Confidence { self == .low ? .medium : .high }
}

/// A file on disk, as the crawler saw it. `path` is raw bytes: file names need not be UTF-8.
package struct FileRef: Sendable, Hashable {
    package var path: [UInt8]
    package var size: Int
    package var mtime: Double
    package var ctime: Double
    package var inode: UInt64
    package var device: UInt64
    package var mode: UInt32

    package init(path: [UInt8], size: Int, mtime: Double, ctime: Double, inode: UInt64, device: UInt64, mode: UInt32) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.ctime = ctime
        self.inode = inode
        self.device = device
        self.mode = mode
    }

    package var pathString: String { String(decoding: path, as: UTF8.self) }
}

/// One cell of a table row inside a chunk: the bytes it spans in `TextChunk.text`, its reference
/// ("B7"), and its label: the column header, or the field name in a JSON object or XML record. The
/// label is context for the values under it ("Date of Birth" over a column of dates).
package struct Cell: Sendable, Equatable {
    package var range: Range<Int>
    package var ref: String?
    package var label: String?

    package init(range: Range<Int>, ref: String? = nil, label: String? = nil) {
        self.range = range
        self.ref = ref
        self.label = label
    }
}

/// A run of extracted text, always UTF-8, with enough to locate what is found in it.
///
/// Invariant: every `Cell.range` lies within `text`. A chunk is a unit of context: a paragraph, a
/// table row, a record, or a block of lines of plain text; keywords count only inside one chunk.
package struct TextChunk: Sendable {
    package var text: [UInt8]
    /// The part of the document: "word/document.xml", a sheet name, "slide 3"; nil for plain text.
    package var part: String?
    /// 1-based line of the chunk's first byte in its part, or nil where lines mean nothing.
    package var firstLine: Int?
    /// Byte offset of the chunk's first byte in the part's extracted text (for plain text: in the file).
    package var offset: Int
    /// Table cells, when the chunk is a row or a record; empty for prose.
    package var cells: [Cell]
    /// Matches starting at or after this offset belong to the next chunk, which repeats this
    /// chunk's tail (a long line cut in two). Nil: every match counts.
    package var matchStartLimit: Int?
}

extension TextChunk {
    // In an extension, handing its fields to the memberwise initialiser, as `Finding`'s does.
    package init(text: [UInt8], part: String? = nil, firstLine: Int? = nil, offset: Int = 0, cells: [Cell] = []) {
        self.init(text: text, part: part, firstLine: firstLine, offset: offset, cells: cells, matchStartLimit: nil)
    }
}

/// Where a finding is.
package struct Location: Codable, Sendable, Hashable {
    // Constants, never changed once made: an initialiser of `var` properties written out field by
    // field built the location in a temporary, copied it out (retaining its strings) and
    // destroyed the temporary, for every finding (see `Finding`'s initialiser).
    package let part: String?
    package let line: Int?
    package let cell: String?
    package let column: String?
    /// Byte offset in the part's extracted text.
    package let offset: Int

    package init(part: String? = nil, line: Int? = nil, cell: String? = nil, column: String? = nil, offset: Int) {
        self.part = part
        self.line = line
        self.cell = cell
        self.column = column
        self.offset = offset
    }
}

/// Why a match is shown but not counted towards any level.
package enum Exemption: String, Codable, Sendable {
    /// A role mailbox (info@, dpo@): organisational contact details, not a person's.
    case roleMailbox = "role_mailbox"
    /// Published example or test data (HMRC's QQ numbers, the NHS 999 range...).
    case exampleData = "example_data"
    /// An organisation's address, landline or bank details, in an entry that names the
    /// organisation and no person (a letterhead, an invoice, a campus page).
    case organisation
    /// A member of staff's work address, at one of the organisation's own email domains that
    /// the policy names (`work_domains`): contact details in a work role.
    case workAddress = "work_address"
    /// A person named in a work role: a table row that says only what they do at work and how to
    /// reach them there (a staff directory, a meeting's attendance list).
    case workRole = "work_role"
    /// A person the entry says has died ("In memory of ...", "... - deceased"): not a living
    /// individual.
    case deceased
}

/// How a found value is written in the report when values are masked.
package enum MaskStyle: String, Codable, Sendable {
    /// Keep the first two and the last alphanumeric character: "AB******C".
    case keepEnds = "keep_ends"
    /// Keep the first character of the local part and the domain: "j*******@example.org".
    case email
    /// Mask day and month, keep a four-digit year: "**/**/1984".
    case date
}

/// One detected value, before classification.
package struct Match: Sendable {
    package var typeId: String
    package var patternId: String
    /// The value as written in the text.
    package var value: String
    /// The value normalised (no spaces, upper case...): the input to the keyed fingerprint.
    package var normalized: String
    package var confidence: Confidence
    /// What raised the confidence: "keyword 'date of birth'", "column 'DOB'", "check passed".
    package var evidence: [String]
    package var exemption: Exemption?
    package var location: Location
    /// How the report masks the value.
    package var mask: MaskStyle
    /// A protective marking rather than personal data (it informs the file level; it is not a finding).
    package var isMarking: Bool = false
    /// A special-category value whose record (row, paragraph) names no person: it counts only if
    /// the whole document is about one person (the classifier decides, from the file's
    /// identifiers), and is dropped otherwise.
    package var needsPerson: Bool = false
    /// An organisation's name: not a finding; it tells the classifier that the entry names an
    /// organisation.
    package var isOrganisation: Bool = false
    /// Of an organisation's registration line (`organisation.registration`), the domain of the
    /// web or email address in the letterhead or footer it closes: the organisation's own domain
    /// in this entry (`OrganisationAddressLines`).
    package var organisationDomain: String?

    package init(typeId: String, patternId: String, value: String, normalized: String, confidence: Confidence,
                 evidence: [String], exemption: Exemption? = nil, location: Location, mask: MaskStyle = .keepEnds) {
        self.mask = mask
        self.typeId = typeId
        self.patternId = patternId
        self.value = value
        self.normalized = normalized
        self.confidence = confidence
        self.evidence = evidence
        self.exemption = exemption
        self.location = location
    }
}

/// What a DPO decided about a finding (see TrawlDecisions).
package enum DecisionKind: String, Codable, Sendable, CaseIterable {
    case falsePositive = "false_positive"
    /// The organisation's own data (its bank account, its company number): not personal data.
    case ownData = "own_data"
    /// Personal data allowed where it is, until a review date.
    case acceptedRisk = "accepted_risk"
    /// Personal data to be moved, minimised or deleted by an owner.
    case toRemediate = "to_remediate"
    case remediated

    /// False positives and the organisation's own data are not personal data: such a finding
    /// counts towards no level. Every other decision leaves the finding counted.
    package var countsTowardsLevel: Bool { self != .falsePositive && self != .ownData }
}

package struct Decision: Codable, Sendable, Equatable {
    /// The finding's fingerprint, "hmac-sha256:KEYID:HEX".
    package var fingerprint: String
    /// The file, as the report names it: the path, then archive members after "!/".
    package var path: String
    package var decision: DecisionKind
    package var by: String
    /// ISO 8601.
    package var at: String
    package var note: String?

    package init(fingerprint: String, path: String, decision: DecisionKind, by: String, at: String, note: String? = nil) {
        self.fingerprint = fingerprint
        self.path = path
        self.decision = decision
        self.by = by
        self.at = at
        self.note = note
    }
}

/// A classified match.
package struct Finding: Sendable {
    package var match: Match
    /// The level the finding's type implies; nil for exempt findings and false positives, which
    /// count towards nothing.
    package var level: Level?
    /// The DPO's decision on this finding, if any.
    package var decision: Decision?

    package init(match: Match, level: Level?, decision: Decision? = nil) {
        self.match = match
        self.level = level
        self.decision = decision
    }
}

/// A reason recorded for a file's level: which rule set it and with what.
package struct LevelReason: Codable, Sendable, Hashable {
    package var rule: String
    package var level: Level
    package var detail: String

    package init(rule: String, level: Level, detail: String) {
        self.rule = rule
        self.level = level
        self.detail = detail
    }
}

/// What happened to one ledger entry (a file or an archive member).
package enum Outcome: String, Codable, CaseIterable, Sendable {
    /// Read and searched (it may have no findings).
    case scanned
    /// Deliberately not read: excluded, too large, a symlink, a special file, a format Trawl does not read.
    case skipped
    /// Could not be read: permission, corrupt, encrypted, an I/O error.
    case error
}

/// A stable reason for a skip or an error. The raw values are wire strings; do not rename them.
package enum IssueKind: String, Codable, Sendable, CaseIterable {
    case permission
    case unreadable
    case corrupt
    case encrypted
    case unsupported
    case tooLarge = "too_large"
    case limitExceeded = "limit_exceeded"
    case excluded
    case symlink
    case specialFile = "special_file"
    case malformed
    /// Changed while the scan looked at it: replaced (by a link, a pipe, another file or
    /// folder) between being listed and being opened, or its size or time changed while read.
    case changed
}

/// A problem with one entry: a stable kind for machines and a message for people.
package struct ScanIssue: Error, Codable, Sendable, Hashable {
    package var kind: IssueKind
    package var message: String

    package init(_ kind: IssueKind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// Findings of one type and level that were counted but not listed (an entry lists at most a
/// set number of findings, so that memory does not grow with a file's findings). `level` is nil
/// for findings that count towards nothing (exempt, or judged false positives).
package struct OmittedFindings: Codable, Sendable, Hashable {
    package var type: String
    package var level: Level?
    package var count: Int

    package init(type: String, level: Level?, count: Int) {
        self.type = type
        self.level = level
        self.count = count
    }
}

/// Everything learned about one ledger entry: a file on disk, or a member inside an archive.
package struct FileResult: Sendable {
    /// The file on disk (for a member: the outermost archive's path).
    package var path: [UInt8]
    /// For an archive member, the chain of member names from the outermost archive inwards.
    package var members: [[UInt8]]
    package var size: Int
    /// The format Trawl read it as ("docx", "text", "zip"...), when it got that far.
    package var format: String?
    package var outcome: Outcome
    package var issues: [ScanIssue]
    package var findings: [Finding]
    package var level: Level
    package var reasons: [LevelReason]
    /// Number of direct members, for an archive.
    package var memberCount: Int?
    /// Protective markings found in the file ("INTERNAL USE ONLY"), by marking type.
    package var markings: [String] = []
    /// Keyed digest of the content, when it was read: the same content elsewhere is a move or copy.
    package var contentId: String?
    /// Findings counted but not listed, past the per-entry limit: by type and level.
    package var omitted: [OmittedFindings] = []
    /// Who may read the file on disk (not a member): told for a file with findings.
    package var access: FileAccess? = nil
    /// The readers of `access` the policy counts as broad, for a file at a level it flags.
    package var exposedTo: [String] = []
    /// What the policy's retention schedule says of a file on disk with findings.
    package var retention: RetentionResult? = nil

    package init(path: [UInt8], members: [[UInt8]] = [], size: Int, format: String? = nil, outcome: Outcome,
                 issues: [ScanIssue] = [], findings: [Finding] = [], level: Level = .internal,
                 reasons: [LevelReason] = [], memberCount: Int? = nil) {
        self.path = path
        self.members = members
        self.size = size
        self.format = format
        self.outcome = outcome
        self.issues = issues
        self.findings = findings
        self.level = level
        self.reasons = reasons
        self.memberCount = memberCount
    }

    /// A readable name: the path, then each member after "!/" (as Java jar URLs do).
    package var displayName: String {
        if members.isEmpty { return String(decoding: path, as: UTF8.self) }
        return ([path] + members).map { String(decoding: $0, as: UTF8.self) }.joined(separator: "!/")
    }
}

/// Who may read a file, as its source tells it: the local walk from the mode bits and the POSIX
/// ACL, a share's source from its security descriptor. The policy decides who counts as broad.
package struct FileAccess: Sendable, Equatable, Codable {
    package var owner: String
    package var group: String
    /// The permission bits in octal ("0640"), where the source has them.
    package var mode: String?
    /// Every principal that may read the file, sorted: "user:NAME", "group:NAME", or "other"
    /// (everyone else: POSIX other, Windows Everyone). A name the system cannot resolve is its
    /// number.
    package var readers: [String]
    /// Whether an access control list beyond the mode bits grants any of the reading.
    package var acl: Bool

    package init(owner: String, group: String, mode: String?, readers: [String], acl: Bool) {
        self.owner = owner
        self.group = group
        self.mode = mode
        self.readers = readers
        self.acl = acl
    }
}

extension UInt8 {
    /// An ASCII letter or digit. Inlinable: it is asked of every byte of a value as it is masked
    /// or validated in other modules, where a call cost more than the test.
    @inlinable
    package var isASCIIAlphanumeric: Bool { (self >= 48 && self <= 57) || ((self | 32) >= 97 && (self | 32) <= 122) }
}

extension Character {
    /// A letter or a digit (Character.isLetter || isNumber). ASCII is decided from the byte: the
    /// Unicode property lookup cost more than the rest of masking or validating a value, and
    /// values are nearly all ASCII.
    package var isLetterOrDigit: Bool {
        if let a = asciiValue { return a.isASCIIAlphanumeric }
        return isLetter || isNumber
    }
}

/// A day of the Gregorian calendar, without a time or a zone: what retention periods count in.
/// Days are counted from 1970-01-01 by Howard Hinnant's civil-calendar algorithm (no Foundation
/// in the model).
package struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var year: Int, month: Int, day: Int

    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// "2026-12-07".
    package init?(iso text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= Self.daysIn(month: m, year: y) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day (UTC) that `seconds` since 1970-01-01T00:00:00Z fall on.
    package init(secondsSinceEpoch seconds: Double) {
        self.init(daysSinceEpoch: Int((seconds / 86_400).rounded(.down)))
    }

    package init(daysSinceEpoch z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Days since 1970-01-01.
    package var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// This day moved by whole years, months and days; a day past the end of the month it lands
    /// in is the month's last (29 February + 1 year is 28 February).
    package func adding(years: Int = 0, months: Int = 0, days: Int = 0) -> CalendarDay {
        let total = max(0, year * 12 + (month - 1) + years * 12 + months)
        var moved = CalendarDay(year: total / 12, month: total % 12 + 1, day: day)
        moved.day = min(moved.day, Self.daysIn(month: moved.month, year: moved.year))
        return days == 0 ? moved : CalendarDay(daysSinceEpoch: moved.daysSinceEpoch + days)
    }

    /// Days from this day to `other` (negative when `other` is earlier).
    package func days(until other: CalendarDay) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    package static func < (a: CalendarDay, b: CalendarDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// What a retention schedule says of a file: the rule that covers it, and when its period ends.
package struct RetentionResult: Sendable, Equatable, Codable {
    /// The rule's id in the schedule.
    package var rule: String
    /// The period as the schedule says it ("7 years from course completion").
    package var keep: String
    /// What the period runs from, and where that date came from ("course completion date in the
    /// document", "modification time: no completion date found in the document").
    package var from: String
    /// The day the period runs from; absent when the period cannot be checked.
    package var eventDate: String?
    /// The day the period ends; absent when the period cannot be checked ("until consent is
    /// revoked"). Overdue when earlier than the report's `as_of`.
    package var due: String?

    enum CodingKeys: String, CodingKey { case rule, keep, from, due, eventDate = "event_date" }

    package init(rule: String, keep: String, from: String, eventDate: String?, due: String?) {
        self.rule = rule
        self.keep = keep
        self.from = from
        self.eventDate = eventDate
        self.due = due
    }
}
