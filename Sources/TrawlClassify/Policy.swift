// Classification: the organisation's policy applied to what detection found.
//
// The policy is data (Patterns/policy.yaml, or --policy FILE), so a DPO changes levels and
// thresholds without a rebuild. A finding takes the level its type implies; a file takes the
// highest level of its findings and of the file-level rules (large aggregate, published paths);
// a file with no findings is Internal unless its path is declared published. Every level comes
// with the reasons that set it.
import Foundation
import TrawlModel
import YAMLFiles

#if canImport(Glibc)
import Glibc
#endif

/// The classification policy.
package struct Policy: Sendable {
    package struct Aggregate: Codable, Sendable {
        /// Distinct identifiers (by normalised value) in one file at or above which the file takes `level`.
        package var threshold: Int
        package var level: Level
    }

    /// Who counts as broad: a file at one of `levels` that one of `broad` may read is exposed.
    package struct Exposure: Codable, Sendable {
        /// "other" (everyone: POSIX other, Windows Everyone), "group:NAME" or "user:NAME".
        package var broad: [String]
        package var levels: [Level]
    }

    package var name: String
    /// Level per personal-data type id.
    package var types: [String: Level]
    /// Level of a type the policy does not list.
    package var defaultTypeLevel: Level
    /// Level of a file with no findings outside published paths.
    package var defaultFileLevel: Level
    /// Level of an entry that was not read (or not wholly read) and in which nothing was found;
    /// nil: not classified. `notReadLevels` overrides it by the kind of the entry's first issue.
    package var notReadLevel: Level?
    package var notReadLevels: [String: Level]
    /// Globs (fnmatch, "*" crosses "/") of locations that are published.
    package var publishedPaths: [String]
    /// The organisation's own email domains, lower-cased: an address at one of them is a member
    /// of staff's work address (`work_domains`).
    package var workDomains: Set<String>
    /// The organisation's own postcodes, landlines and bank accounts (`own_details`).
    package var ownDetails = OwnDetails()
    package var aggregate: Aggregate?
    /// Level each protective marking type implies ("marking.internal": Internal).
    package var markings: [String: Level]
    /// Level of a photograph (seed 003 lists photographs as Restricted personal data); nil: none.
    package var photographs: Level?
    package var exposure: Exposure
    /// The retention schedules the policy names (`retention`), joined; nil when it names none.
    package var retention: RetentionSchedule?
    /// The policy file's bytes, and those of the schedules it names: the input to its identity in
    /// the report.
    package var source: [UInt8]

    private struct File: Decodable {
        var name: String?
        var types: [String: Level]
        var default_type_level: Level?
        var default_file_level: Level?
        var not_read_level: Level?
        var not_read_levels: [String: Level]?
        var published_paths: [String]?
        var work_domains: [String]?
        var own_details: OwnDetails.File?
        var aggregate: Aggregate?
        var markings: [String: Level]?
        var photographs: Level?
        var exposure: Exposure?
        var retention: [String]?
    }

    /// Loads a policy file.
    /// - Throws: `PolicyError` with the file name and what is wrong, before any file is scanned.
    package static func load(path: String) throws(PolicyError) -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(message: "\(path): cannot read the policy file")
        }
        let file: File
        do {
            file = try YAMLFiles.decode(File.self, from: data)
        } catch {
            throw PolicyError(message: "\(path): invalid policy: \(error)")
        }
        for kind in (file.not_read_levels ?? [:]).keys where IssueKind(rawValue: kind) == nil {
            throw PolicyError(message: "\(path): not_read_levels: '\(kind)' is not an issue kind (\(IssueKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        for principal in file.exposure?.broad ?? [] where principal != "other" && !principal.hasPrefix("group:") && !principal.hasPrefix("user:") {
            throw PolicyError(message: "\(path): exposure.broad: '\(principal)' is not \"other\", \"group:NAME\" or \"user:NAME\"")
        }
        for domain in file.work_domains ?? [] where domain.isEmpty || domain.contains("@") || !domain.contains(".") || domain.contains(" ") {
            throw PolicyError(message: "\(path): work_domains: '\(domain)' is not a domain such as college.ac.uk")
        }
        var own = OwnDetails()
        if let details = file.own_details {
            do throws(OwnDetails.Invalid) { own = try OwnDetails(details) } catch { throw PolicyError(message: "\(path): \(error.message)") }
        }
        if let a = file.aggregate, a.threshold < 1 {
            throw PolicyError(message: "\(path): aggregate.threshold must be at least 1")
        }
        // Schedules are named relative to the policy file's folder.
        var schedule: RetentionSchedule?
        var source = Array(data)
        if let files = file.retention, !files.isEmpty {
            let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            var joined = RetentionSchedule()
            for name in files {
                let schedulePath = name.hasPrefix("/") ? name : folder + "/" + name
                try joined.load(path: schedulePath)
                source += Array(("\n--- " + name + "\n").utf8) + Array(FileManager.default.contents(atPath: schedulePath) ?? Data())
            }
            schedule = joined
        }
        var policy = Policy(
            name: file.name ?? "unnamed", types: file.types, defaultTypeLevel: file.default_type_level ?? .restricted,
            defaultFileLevel: file.default_file_level ?? .internal, notReadLevel: file.not_read_level,
            notReadLevels: file.not_read_levels ?? [:], publishedPaths: file.published_paths ?? [],
            workDomains: Set((file.work_domains ?? []).map { $0.lowercased() }),
            aggregate: file.aggregate, markings: file.markings ?? [:], photographs: file.photographs,
            exposure: file.exposure ?? Exposure(broad: ["other"], levels: [.confidential, .restricted]), retention: schedule,
            source: source)
        policy.ownDetails = own
        return policy
    }

    package func level(ofType type: String) -> Level { types[type] ?? defaultTypeLevel }

    /// The readers of a file the policy counts as broad, when the file's level is one it flags.
    package func exposedTo(_ access: FileAccess, level: Level) -> [String] {
        guard exposure.levels.contains(level) else { return [] }
        return access.readers.filter { exposure.broad.contains($0) }
    }

    /// The level of an entry not (wholly) read, with nothing found, whose first issue is `issue`.
    package func levelNotRead(_ issue: IssueKind?) -> Level {
        issue.flatMap { notReadLevels[$0.rawValue] } ?? notReadLevel ?? .notClassified
    }

    package func isPublished(_ path: String) -> Bool {
        publishedPaths.contains { fnmatch($0, path, 0) == 0 }
    }
}

package struct PolicyError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package var description: String { message }
}

/// The outcome of classifying one file or member.
package struct Classification: Sendable {
    package var findings: [Finding]
    package var level: Level
    package var reasons: [LevelReason]
    /// Marking types found ("marking.internal").
    package var markings: [String] = []
    /// Findings counted but not listed (past the tally's limit), by type and level.
    package var omitted: [OmittedFindings] = []
}

/// The findings of one entry, gathered as they are found (chunk by chunk): every one counted
/// towards the level and its reasons, the first `limit` kept to be listed. Memory stays bounded
/// however many values one file holds.
package struct FindingTally: Sendable {
    package let limit: Int
    /// Whether the entry is a message's own text (its headers and bodies): its email addresses
    /// are its correspondents' (From, To, a quoted reply's headers, signatures), which say
    /// nothing of whom it is about.
    package var isMessage = false
    package fileprivate(set) var findings: [Finding] = []
    /// By type, in the order first met: a file holds a few types, so a look along the list costs
    /// less than hashing the type of every finding.
    /// Each type also carries its level, whether it identifies a person, whether a person has
    /// one value of it (`Classifier.onePerPerson`) and whether no two people share one
    /// (`Classifier.uniquePerPerson`), worked out when first met.
    fileprivate var countsByType: [(type: String, count: Int, level: Level, identifies: Bool, oneEach: Bool, unique: Bool)] = []
    /// By entry of `countsByType`: digests of that type's identifying values (normalised,
    /// `valueDigest`), for the aggregate rule: 8 bytes a value rather than its text. Two values
    /// sharing a 64-bit digest among millions is vanishingly unlikely, and would only count them
    /// as one. Appended, and sorted with repeats dropped whenever a list has doubled since, so
    /// that a file repeating one value keeps a short list: a set cost a second hash of every
    /// digest.
    fileprivate var digests: [DistinctValues] = []
    /// The table rows (by part and row) holding a value of a type a person has one of: a row is
    /// one person's record. A phone number or a postcode is not counted here: an organisation's
    /// or a contact's, repeated on every row, says nothing of how many people the rows are.
    fileprivate var rows = DistinctValues()
    /// Of `rows`, those holding an identifier no two people share (`Classifier.uniquePerPerson`):
    /// such rows are counted by their identifiers' distinct values instead, so that a results
    /// file listing 520 candidates on 1,460 rows is 520 people.
    fileprivate var rowsWithUniqueIdentifier = DistinctValues()
    fileprivate var markings: [String] = []
    /// Special-category values whose record named no one (`Match.needsPerson`), with the DPO's
    /// decision on each: counted if the entry turns out to be about one person, else dropped.
    fileprivate var unattributed: [(match: Match, decision: Decision?)] = []
    /// The entry names an organisation (a company, a college, a council).
    fileprivate var namesOrganisation = false
    /// The domains the entry's letterheads and footers give as their organisation's own
    /// (`Match.organisationDomain`).
    fileprivate var organisationDomains: [String] = []
    fileprivate var level: Level?
    fileprivate var omitted: [OmittedKey: Int] = [:]

    fileprivate struct OmittedKey: Hashable, Sendable {
        var type: String
        var level: Level?
    }

    package init(limit: Int = .max) { self.limit = limit }

    /// How many findings of the type have been counted towards the level (exempt ones are not).
    package func counted(type: String) -> Int { countsByType.first { $0.type == type }?.count ?? 0 }

    /// Nothing found: no finding, listed or not, and no marking.
    package var isEmpty: Bool {
        findings.isEmpty && omitted.isEmpty && markings.isEmpty && unattributed.isEmpty
    }

    /// The people the file is about, as far as its identifiers tell, and how they were counted:
    /// the most distinct values of any one identifying type (a person has one NI number, one date
    /// of birth: 320 staff with five identifiers each are 320 people), or the table rows holding
    /// an identifier a person has one of where there are more (a row is one person's record:
    /// 1,240 learners share fewer than 900 dates of birth).
    fileprivate var people: (count: Int, counted: String)? {
        var best: (count: Int, counted: String)?
        for (i, entry) in countsByType.enumerated() where entry.identifies {
            let n = digests[i].count
            if n > best?.count ?? 0 { best = (n, "\(n) distinct \(entry.type)") }
        }
        // Rows with an identifier no two people share are as many people as those identifiers'
        // distinct values; the other rows (a date of birth, a name) one person each.
        var unique = 0
        for (i, entry) in countsByType.enumerated() where Classifier.uniquePerPerson.contains(entry.type) {
            unique = max(unique, digests[i].count)
        }
        let n = rows.count - rowsWithUniqueIdentifier.count + (rowsWithUniqueIdentifier.count > 0 ? unique : 0)
        if n > best?.count ?? 0 { best = (n, "\(n) table rows holding an identifier") }
        return best
    }

    /// Settles the lists of distinct values (`DistinctValues.settle`): classifying an entry asks
    /// their counts several times.
    fileprivate mutating func settle() {
        for i in digests.indices { digests[i].settle() }
        rows.settle()
        rowsWithUniqueIdentifier.settle()
    }

    fileprivate mutating func keep(_ finding: consuming Finding) {
        if findings.count < limit {
            findings.append(consume finding)
        } else {
            omitted[OmittedKey(type: finding.match.typeId, level: finding.level), default: 0] += 1
        }
    }
}

package struct Classifier: Sendable {
    package let policy: Policy

    package init(policy: Policy) { self.policy = policy }

    /// Classifies the matches of one file or member. `path` is its display path, for published globs.
    /// `decide` gives the DPO's decision on a match, if any: a false positive counts towards nothing.
    package func classify(_ matches: [Match], path: String, photograph: Bool = false,
                          decide: (Match) -> Decision? = { _ in nil }) -> Classification {
        var tally = FindingTally()
        for m in matches { add(m, to: &tally, decide: decide) }
        return classify(tally, path: path, photograph: photograph)
    }

    private func addPhotograph(to c: inout Classification) {
        guard let level = policy.photographs else { return }
        if c.findings.allSatisfy({ $0.level == nil }) && c.omitted.allSatisfy({ $0.level == nil }) {
            c.reasons.removeAll { $0.rule == "default" }
        }
        c.reasons.append(LevelReason(rule: "photograph", level: level, detail: "a photograph: personal data if it shows a person"))
        c.level = max(c.reasons.map(\.level).max() ?? level, level)
        c.reasons.sort { $0.level > $1.level }
    }

    /// Counts one match into `tally` (a marking, an exempt or judged finding, or one with a level).
    /// The match is moved into the finding the tally keeps (taken, not copied: a match holds
    /// several strings, and a copy retains each of them).
    package func add(_ m: consuming Match, to tally: inout FindingTally, decide: (Match) -> Decision? = { _ in nil }) {
        if m.isMarking {
            if !tally.markings.contains(m.typeId) { tally.markings.append(m.typeId) }
            return
        }
        if m.isOrganisation {
            tally.namesOrganisation = true
            if let domain = m.organisationDomain, !tally.organisationDomains.contains(domain) { tally.organisationDomains.append(domain) }
            return
        }
        let decision = decide(m)
        if m.needsPerson {
            if tally.unattributed.count < tally.limit { tally.unattributed.append((m, decision)) }
            return
        }
        count(m, decision: decision, to: &tally)
    }

    /// Counts a match with the decision on it: listed with no level when exempt or judged a false
    /// positive, otherwise at its type's level, towards the entry's level and aggregate.
    private func count(_ m: consuming Match, decision: Decision?, to tally: inout FindingTally) {
        guard m.exemption == nil, decision?.decision.countsTowardsLevel ?? true else {
            tally.keep(Finding(match: m, level: nil, decision: decision))
            return
        }
        let l: Level, identifies: Bool, oneEach: Bool, unique: Bool, entry: Int
        if let i = tally.countsByType.firstIndex(where: { $0.type == m.typeId }) {
            tally.countsByType[i].count += 1
            (l, identifies, oneEach, unique, entry) = (tally.countsByType[i].level, tally.countsByType[i].identifies,
                                                       tally.countsByType[i].oneEach, tally.countsByType[i].unique, i)
        } else {
            (l, identifies, entry) = (policy.level(ofType: m.typeId), Self.isIdentifier(m.typeId), tally.countsByType.count)
            oneEach = identifies && Self.onePerPerson.contains(m.typeId)
            unique = Self.uniquePerPerson.contains(m.typeId)
            tally.countsByType.append((m.typeId, 1, l, identifies, oneEach, unique))
            tally.digests.append(DistinctValues())
        }
        if identifies { tally.digests[entry].add(Self.valueDigest(m.normalized)) }
        if oneEach, let cell = m.location.cell {
            let row = Self.rowDigest(part: m.location.part, cell: cell)
            tally.rows.add(row)
            if unique { tally.rowsWithUniqueIdentifier.add(row) }
        }
        tally.level = max(tally.level ?? l, l)
        tally.keep(Finding(match: m, level: l, decision: decision))
    }

    /// FNV-1a, 64 bits, over a value: a digest for counting distinct values, which needs no key
    /// and no seed (Hasher's SipHash, and a set's second hash of it, cost more than the rest of
    /// counting a finding).
    static func valueDigest(_ value: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var value = value
        value.withUTF8 { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        return h
    }

    /// The table row a cell is in ("D17" is row 17 of its part), as a digest.
    static func rowDigest(part: String?, cell: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (part ?? "").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = h &* 0x100_0000_01b3  // a 0 byte between the part and the row
        for b in cell.utf8 where b >= 0x30 && b <= 0x39 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Identifiers a person has one of, and of them those no two people share
    /// (`PersonIdentifiers`).
    static let onePerPerson = PersonIdentifiers.onePerPerson
    static let uniquePerPerson = PersonIdentifiers.uniquePerPerson

    /// Whether the entry is about one person: it holds identifiers of the kinds a person has one
    /// of, and one value of each (a form, a letter, a reference, case notes about a named person).
    /// Beside an identifier of another kind, a few email addresses or names are contacts' as well
    /// as the subject's (a referee's, a parent's, a line manager's on an application form), or
    /// the subject's own written two ways ("Lacey Ward" in the text, "L Ward" in the file name),
    /// as phone numbers are: they say nothing of how many people the entry is about.
    static func isAboutOnePerson(_ tally: FindingTally) -> Bool {
        if let others = aboutOnePersonBesideRows(tally) { return others }
        let identifying = tally.countsByType.indices.filter {
            tally.countsByType[$0].identifies && onePerPerson.contains(tally.countsByType[$0].type)
        }
        var any = false
        for i in identifying {
            let type = tally.countsByType[i].type
            if type == "email" && tally.isMessage { continue }
            if contactTypes.contains(type), tally.digests[i].count <= contactsAtMost,
               identifying.contains(where: { !contactTypes.contains(tally.countsByType[$0].type) }) { continue }
            if tally.digests[i].count > 1 { return false }
            any = true
        }
        return any
    }

    /// The one-person rule over the values outside table rows that name their own person
    /// (`Evidence.ofTheRowsPerson`): a tenancy form's household table gives a child's date of
    /// birth beside the tenant's. Nil when no value is in such a row, when every identifying
    /// value is (a form laid out as one table row), or when such rows give more than a few people
    /// (a register).
    static func aboutOnePersonBesideRows(_ tally: FindingTally) -> Bool? {
        var inRows: [String: Set<String>] = [:], outside: [String: Set<String>] = [:]
        for f in tally.findings where f.level != nil && onePerPerson.contains(f.match.typeId) {
            if f.match.evidence.contains(Evidence.ofTheRowsPerson) || (f.match.typeId == "person.name" && f.match.location.column != nil) {
                inRows[f.match.typeId, default: []].insert(f.match.normalized)
            } else {
                outside[f.match.typeId, default: []].insert(f.match.normalized)
            }
        }
        guard inRows.keys.contains(where: { $0 != "person.name" }), !outside.isEmpty, tally.omitted.isEmpty,
              inRows.values.allSatisfy({ $0.count <= contactsAtMost }) else { return nil }
        var any = false
        for (type, values) in outside {
            if type == "email" && tally.isMessage { continue }
            if contactTypes.contains(type), values.count <= contactsAtMost,
               outside.keys.contains(where: { !contactTypes.contains($0) }) { continue }
            if values.count > 1 { return false }
            any = true
        }
        return any
    }

    /// The identifying types a form gives for contacts as well as its subject.
    static let contactTypes: Set<String> = ["email", "person.name"]
    /// The most values of one such type a form about one person gives.
    static let contactsAtMost = 3

    /// Details an organisation gives as its own: an address, a landline, bank details.
    static let organisationDetails: Set<String> = ["uk.postcode", "uk.phone", "uk.bank.account", "iban", "uk.vat", "uk.paye_reference"]
    /// An organisation's letterhead or footer holds a few of each, a list of people many more.
    static let organisationDetailsAtMost = 3

    /// Whether the entry holds an identifier of the kinds a person has one of.
    static func namesAPerson(_ tally: FindingTally) -> Bool {
        tally.countsByType.contains { $0.identifies && onePerPerson.contains($0.type) }
    }

    /// In an entry that names an organisation and no person (an invoice, a letterhead, a campus
    /// page), its addresses, landlines and bank details are the organisation's: listed as
    /// exempt `organisation`, counted towards nothing. A mobile number stays a person's, and so
    /// does a type with more values than a letterhead holds (a list of customers' postcodes).
    static func takeContactsForTheOrganisation(_ tally: inout FindingTally) {
        for i in tally.countsByType.indices.reversed() {
            let type = tally.countsByType[i].type
            guard organisationDetails.contains(type), tally.digests[i].count <= organisationDetailsAtMost else { continue }
            var taken = 0
            for k in tally.findings.indices where tally.findings[k].match.typeId == type && tally.findings[k].level != nil {
                if type == "uk.phone" && PersonIdentifiers.isUKMobile(tally.findings[k].match.normalized) { continue }
                tally.findings[k].level = nil
                tally.findings[k].match.exemption = .organisation
                tally.findings[k].match.evidence.append("an organisation's details: the file names an organisation and no person")
                taken += 1
            }
            tally.countsByType[i].count -= taken
            if tally.countsByType[i].count <= 0 {
                tally.countsByType.remove(at: i)
                tally.digests.remove(at: i)
            }
        }
        tally.level = tally.countsByType.map(\.level).max()
    }

    /// Takes the names of the people the entry says have died (`isDead`) for no living person's:
    /// listed as exempt `deceased`, counted towards nothing.
    package func takeTheDead(_ tally: inout FindingTally, isDead: (Match) -> Bool) {
        Self.uncount(&tally, type: "person.name", as: .deceased, evidence: Evidence.deceased, taken: isDead)
    }

    /// Whether the entry's person is an example: it gives an identifier no two people share as
    /// example data (HMRC's specimen NI number QQ 12 34 56 C, an address at example.com), not
    /// as a format hint ("e.g. QQ 12 34 56 C"), and no real identifier of that kind. A specimen
    /// exam paper's case study, a training exercise, a template's filled-in example. Or the person
    /// its prose is about is teaching material's (`Evidence.inTeachingMaterial`) and no real
    /// name counts.
    static func isAboutAnExamplePerson(_ tally: FindingTally) -> Bool {
        let exampleIdentifier = tally.findings.contains { f in
            f.match.exemption == .exampleData && uniquePerPerson.contains(f.match.typeId) && !f.match.evidence.contains(Evidence.givenAsExample)
        }
        // A lesson about one person (a historical figure, a character): "Stephen Hawking was born
        // on 8 January 1942" is no one's date of birth on the share, when no real name counts.
        let exampleSubject = tally.findings.contains { f in
            f.match.typeId == "person.name" && f.match.evidence.contains(Evidence.inTeachingMaterial)
        }
        guard exampleIdentifier || (exampleSubject && tally.counted(type: "person.name") == 0) else { return false }
        return !tally.countsByType.contains { uniquePerPerson.contains($0.type) }
    }

    /// The types an example person's other values are taken as examples of: personal data and
    /// special-category values, not credentials or payment details, which count wherever given.
    static let notTakenAsExamples: Set<String> = ["payment.card", "uk.bank.account", "iban"]

    /// Makes the counted values of an entry about an example person example data: its date of
    /// birth, its name, what it says of the person's health.
    static func takeValuesAsExamples(_ tally: inout FindingTally) {
        func taken(_ type: String) -> Bool { !type.hasPrefix("credential.") && !notTakenAsExamples.contains(type) }
        for k in tally.findings.indices where tally.findings[k].level != nil && taken(tally.findings[k].match.typeId) {
            tally.findings[k].level = nil
            tally.findings[k].match.exemption = .exampleData
            tally.findings[k].match.evidence.append("about an example person (the document's identifier is example data)")
        }
        for i in tally.countsByType.indices.reversed() where taken(tally.countsByType[i].type) {
            tally.countsByType.remove(at: i)
            tally.digests.remove(at: i)
        }
        tally.rows = DistinctValues()
        tally.rowsWithUniqueIdentifier = DistinctValues()
        tally.level = tally.countsByType.map(\.level).max()
    }

    /// An email address at a domain the entry's letterhead or footer gives as the organisation's
    /// own is a work address, contact details in a work role, as one at the policy's
    /// `work_domains` is. Known only once the entry is read (a message's addresses come before its
    /// signature), so taken out of the count when it is classified.
    private static func takeAddressesAtTheOrganisationsDomain(_ tally: inout FindingTally) {
        guard !tally.organisationDomains.isEmpty else { return }
        let domains = tally.organisationDomains
        uncount(&tally, type: "email", as: .workAddress, evidence: Evidence.atTheLetterheadsDomain) { m in
            guard let at = m.normalized.lastIndex(of: "@") else { return false }
            return domains.contains(m.normalized[m.normalized.index(after: at)...].lowercased())
        }
    }

    /// Takes the listed findings of one type that `taken` picks out of the count: exempt, with no
    /// level. The type's distinct values are counted again from those still listed, when none
    /// was left unlisted (past the limit); otherwise they stay as they were, which can only count
    /// more people, never fewer.
    private static func uncount(_ tally: inout FindingTally, type: String, as exemption: Exemption, evidence: String,
                                taken: (Match) -> Bool) {
        guard let i = tally.countsByType.firstIndex(where: { $0.type == type }) else { return }
        var n = 0
        for k in tally.findings.indices where tally.findings[k].level != nil && tally.findings[k].match.typeId == type
            && taken(tally.findings[k].match) {
            tally.findings[k].level = nil
            tally.findings[k].match.exemption = exemption
            tally.findings[k].match.evidence.append(evidence)
            n += 1
        }
        guard n > 0 else { return }
        tally.countsByType[i].count -= n
        if tally.countsByType[i].count <= 0 {
            tally.countsByType.remove(at: i)
            tally.digests.remove(at: i)
        } else if !tally.omitted.keys.contains(where: { $0.type == type && $0.level != nil }) {
            var values = DistinctValues()
            for f in tally.findings where f.level != nil && f.match.typeId == type { values.add(valueDigest(f.match.normalized)) }
            tally.digests[i] = values
        }
        tally.level = tally.countsByType.map(\.level).max()
    }

    /// Counts the special-category values whose record named no one but whose line names one
    /// person (`person` says whom, or nil): a page about three learners says on one learner's line
    /// what it says of them. Returns the people so named that the tally does not hold yet, once
    /// each, for the caller to count.
    package func attributeByLine(_ tally: inout FindingTally, person: (Match) -> Match?) -> [Match] {
        var people: [Match] = []
        var pending: [(match: Match, decision: Decision?)] = []
        for (match, decision) in tally.unattributed {
            guard let who = person(match) else {
                pending.append((match, decision))
                continue
            }
            var m = match
            m.needsPerson = false
            m.evidence.append(Evidence.onTheirLine)
            count(m, decision: decision, to: &tally)
            let known = people.contains { $0.normalized == who.normalized }
                || tally.findings.contains { $0.match.typeId == who.typeId && $0.match.normalized == who.normalized }
            if !known { people.append(who) }
        }
        tally.unattributed = pending
        return people
    }

    /// The entry's level and reasons from everything counted into `tally`. A special-category
    /// value whose record named no one counts when the entry is about one person (the document
    /// is the record: a form's answer belongs to the person the form is about), and is dropped
    /// otherwise.
    package func classify(_ tally: FindingTally, path: String, photograph: Bool = false) -> Classification {
        var tally = tally
        Self.takeAddressesAtTheOrganisationsDomain(&tally)
        tally.settle()
        if !tally.unattributed.isEmpty {
            let pending = tally.unattributed
            tally.unattributed = []
            if Self.isAboutOnePerson(tally) {
                for (match, decision) in pending {
                    var m = match
                    m.evidence.append("in a document about one person")
                    count(m, decision: decision, to: &tally)
                }
            } else if tally.isMessage {
                // A message's writer is known by its From line, whether or not their address
                // counts: what they say of themselves ("my blood pressure is running high") is theirs.
                for (match, decision) in pending where match.evidence.contains(Evidence.inTheFirstPerson) {
                    var m = match
                    m.evidence.append("in a message: said by its writer of themselves")
                    count(m, decision: decision, to: &tally)
                }
            }
        }
        if Self.isAboutAnExamplePerson(tally) { Self.takeValuesAsExamples(&tally) }
        if tally.namesOrganisation && !Self.namesAPerson(tally) { Self.takeContactsForTheOrganisation(&tally) }
        tally.settle()
        var c = classifyTally(tally, path: path)
        c.omitted = tally.omitted.map { OmittedFindings(type: $0.key.type, level: $0.key.level, count: $0.value) }
            .sorted { ($0.type, $0.level?.rawValue ?? "") < ($1.type, $1.level?.rawValue ?? "") }
        if photograph { addPhotograph(to: &c) }
        return c
    }

    private func classifyTally(_ tally: FindingTally, path: String) -> Classification {
        let findings = tally.findings
        let countsByType = tally.countsByType
        let people = tally.people
        let markings = tally.markings
        let level = tally.level
        var reasons: [LevelReason] = []
        let markedLevels = markings.compactMap { t in policy.markings[t].map { (t, $0) } }
        let publicMarking = markedLevels.first { $0.1 == .public }
        let strongestMarking = markedLevels.filter { $0.1 != .public }.max { $0.1 < $1.1 }
        let published = policy.isPublished(path)

        guard let found = level else {
            if let (type, l) = strongestMarking {
                return Classification(findings: findings, level: l, reasons: [LevelReason(rule: "marking", level: l, detail: "marked \(type)")], markings: markings)
            }
            if published || publicMarking != nil {
                let detail = published ? "no personal data; the policy declares this location published" : "no personal data; marked public"
                return Classification(findings: findings, level: .public,
                                      reasons: [LevelReason(rule: published ? "published_path" : "marking", level: .public, detail: detail)], markings: markings)
            }
            return Classification(findings: findings, level: policy.defaultFileLevel,
                                  reasons: [LevelReason(rule: "default", level: policy.defaultFileLevel, detail: "no personal data found")], markings: markings)
        }
        var fileLevel = found
        for (type, count, level, _, _, _) in countsByType.sorted(by: { $0.type < $1.type }) {
            reasons.append(LevelReason(rule: Self.rule(forType: type), level: level, detail: "\(count) × \(type)"))
        }
        if let a = policy.aggregate, let people, people.count >= a.threshold {
            fileLevel = max(fileLevel, a.level)
            reasons.append(LevelReason(rule: "aggregate", level: a.level,
                                       detail: "\(people.count) people: \(people.counted) (threshold \(a.threshold))"))
        }
        if let (type, l) = strongestMarking {
            fileLevel = max(fileLevel, l)
            reasons.append(LevelReason(rule: "marking", level: l, detail: "marked \(type)"))
        }
        if published || publicMarking != nil {
            let detail = published ? "personal data in a location the policy declares published" : "personal data in a file marked public"
            reasons.append(LevelReason(rule: "exposure", level: fileLevel, detail: detail))
        }
        // Highest first: the reason that set the level leads.
        reasons.sort { $0.level > $1.level }
        return Classification(findings: findings, level: fileLevel, reasons: reasons, markings: markings)
    }

    /// Types that identify a person (for the large-aggregate rule): not credentials, not
    /// special-category values, which are about someone rather than someone's identifier.
    static func isIdentifier(_ type: String) -> Bool {
        !type.hasPrefix("special.") && !type.hasPrefix("credential.") && !businessIdentifiers.contains(type)
    }

    /// Identifiers of a business rather than of a person (a VAT number is a sole trader's at
    /// most): they count towards no number of people.
    static let businessIdentifiers: Set<String> = ["uk.vat", "uk.paye_reference"]

    /// The reason rule naming a type's family, so a DPO sees why at a glance.
    static func rule(forType type: String) -> String {
        if type.hasPrefix("special.") { return "special_category" }
        if type.hasPrefix("credential.") { return "credential" }
        if ["payment.card", "uk.bank.account", "iban"].contains(type) { return "payment" }
        return "finding_type"
    }
}

/// Distinct 64-bit digests, counted with bounded memory for a value repeated many times.
struct DistinctValues: Sendable {
    private var digests: [UInt64] = []
    /// How many leading `digests` are sorted and distinct.
    private var compacted = 0

    mutating func add(_ d: UInt64) {
        digests.append(d)
        if digests.count >= 2 * compacted + 4096 { compact() }
    }

    /// The number of distinct digests added.
    var count: Int {
        if compacted == digests.count { return compacted }
        var copy = self
        copy.compact()
        return copy.digests.count
    }

    /// Sorts the digests and drops repeats now, so that `count` is read without a copy sorted
    /// each time it is asked, until more are added.
    mutating func settle() {
        if compacted != digests.count { compact() }
    }

    private mutating func compact() {
        digests.sort()
        var kept = 0
        for i in digests.indices where kept == 0 || digests[kept - 1] != digests[i] {
            digests[kept] = digests[i]
            kept += 1
        }
        digests.removeLast(digests.count - kept)
        compacted = kept
    }
}
