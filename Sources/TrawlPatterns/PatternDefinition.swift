// Patterns are data: YAML files under Patterns/, one or more patterns each, every pattern with
// examples that must be found (the exact span marked «like this») and non-examples that must not.
// This module reads and lints them; it does not compile or run them (TrawlDetect does), so that
// the pattern format can be checked and documented without a regex engine.
import Foundation
import TrawlModel
import YAMLFiles

/// How a value is normalised before it is fingerprinted, so that "AB 12 34 56 C" and "ab123456c"
/// are the same person.
package enum Normalizer: String, Codable, Sendable {
    case alphanumericUpper = "alphanumeric_upper"
    case lower
    /// Dates as yyyy-mm-dd.
    case isoDate = "iso_date"
}

/// What a pattern finds.
package enum PatternCategory: String, Codable, Sendable {
    /// Personal data that identifies someone (NI number, email...).
    case personal
    /// Special-category data (UK GDPR Art. 9 and 10): counts only in a record that is about a person.
    case special
    /// Passwords, private keys, tokens.
    case credential
    /// A protective marking ("INTERNAL USE ONLY"): not personal data; it informs the file's level.
    case marking
    /// An organisation's name ("Trent Valley Electrical Ltd", "Fosse Vale College"): not personal
    /// data and not a finding; an entry that names one and no person has its addresses, landlines
    /// and bank details taken for the organisation's.
    case organisation
}

/// A labelled field ("Ethnicity: White British", or a value under an "Ethnicity" column). The
/// detector builds the text regex from the labels and also reads cells whose label matches.
package struct FieldRule: Codable, Sendable {
    package var labels: [String]
    /// Answers written as a code of a published code set rather than in words (the ILR's
    /// Ethnicity "31" to "47", LLDDHealthProb "1"): a value equal to one of these (ignoring case),
    /// under a label that is one of `labels` and nothing more, is an answer though it has no
    /// letters ("Send newsletter: Y" is no answer for the label "send"). The set's codes for
    /// "not provided" are left out.
    package var codes: [String]?
    /// When present, a value is an answer only if one of its words is one of these terms, or
    /// starts with one of four letters or more ("gastro" names "Gastroenteritis", "ill" does not
    /// name "illegal"): for a label whose answers are of many kinds ("Reason for absence":
    /// holiday, jury service, migraine), the terms name the kind this pattern reports.
    package var answerTerms: [String]?
    /// When true, a column is the field only when its whole header is one of `labels` ("Pupil",
    /// "Student name"), not when a label is one of its words ("Pupil premium", "Tutor name").
    package var wholeLabel: Bool?

    enum CodingKeys: String, CodingKey { case labels, codes, answerTerms = "answer_terms", wholeLabel = "whole_label" }
}

/// Where a match can be: every match holds an anchor (a digit, or one of the literals) within
/// `reach` bytes of its start, so the matcher runs only near anchors. A promise about the regex,
/// checked by the pattern's examples (each is also searched as part of a text long enough to be
/// searched near anchors only) and by the test that compares the fast path with a plain
/// one-pattern-at-a-time search.
package struct Prefilter: Codable, Sendable {
    /// Any ASCII digit is an anchor.
    package var digits: Bool
    /// Byte strings that are anchors, compared case-insensitively (ASCII).
    package var literals: [String]
    /// The most bytes between a match's start and its anchor.
    package var reach: Int
    /// With `digits`: every match holds this many digits in a row (a ten-digit number: 10), so a
    /// text whose longest run of digits is shorter cannot match (no literal of the pattern being
    /// there either). Another promise about the regex, checked by its examples.
    package var digitRun: Int
    /// With `digits`: every match holds this many digits one after another, neighbours apart by
    /// at most two of `joiners` (a card number "4929 1234 5678 9012": 16; a phone number
    /// "(0161) 496 0000": 11), so a text whose longest such run is shorter cannot match either
    /// (a row holding a date and an NI number has runs of 8 and 6). 0: no such promise.
    package var joinedDigits: Int

    /// What may stand between two digits of one run for `joinedDigits`: space, hyphen, dot,
    /// slash and parentheses, one or two of them.
    package static let joiners: [UInt8] = Array(" -./()".utf8)
    package static let joinerGap = 2
    /// Every match holds one of these byte strings (ASCII case-insensitive): a text holding none of
    /// them is not searched by the pattern (a written date holds a month's name; a GPS position a
    /// comma). Not anchors: they decide whether a text is searched, not where. Empty: no such
    /// promise.
    package var requires: [String]
    /// With `requires`: every match holds one of them starting at most this many bytes after the
    /// match's start, so a match can start only where one is that near, as well as near an
    /// anchor (a written date is searched where a month's name and a digit are close together,
    /// not near every number in a text that says "may" somewhere). Nil: no such promise; the
    /// literals then only decide whether a text is searched at all.
    package var requiresReach: Int?

    enum CodingKeys: String, CodingKey {
        case digits, literals, reach
        case digitRun = "digit_run"
        case joinedDigits = "joined_digits"
        case requires
        case requiresReach = "requires_reach"
    }

    package init(digits: Bool, literals: [String], reach: Int, digitRun: Int = 1, joinedDigits: Int = 0, requires: [String] = [],
                 requiresReach: Int? = nil) {
        self.digits = digits
        self.literals = literals
        self.reach = reach
        self.digitRun = digitRun
        self.joinedDigits = joinedDigits
        self.requires = requires
        self.requiresReach = requiresReach
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        digits = try c.decodeIfPresent(Bool.self, forKey: .digits) ?? false
        literals = try c.decodeIfPresent([String].self, forKey: .literals) ?? []
        reach = try c.decodeIfPresent(Int.self, forKey: .reach) ?? 128
        digitRun = try c.decodeIfPresent(Int.self, forKey: .digitRun) ?? 1
        joinedDigits = try c.decodeIfPresent(Int.self, forKey: .joinedDigits) ?? 0
        requires = try c.decodeIfPresent([String].self, forKey: .requires) ?? []
        requiresReach = try c.decodeIfPresent(Int.self, forKey: .requiresReach)
    }
}

/// Context: words that, near a value or in its column header, make it more likely to be what the
/// pattern says (or, with `required`, are needed for it to count at all).
package struct ContextRule: Codable, Sendable {
    package var keywords: [String]
    /// Bytes searched before the value.
    package var before: Int
    /// Bytes searched after the value.
    package var after: Int
    /// Without context the match is not reported at all (a date is a date of birth only with one).
    package var required: Bool
    /// A regex whose match inside the window also counts as context (an expiry date near a card).
    package var nearby: String?

    enum CodingKeys: String, CodingKey { case keywords, before, after, required, nearby }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keywords = try c.decode([String].self, forKey: .keywords)
        before = try c.decodeIfPresent(Int.self, forKey: .before) ?? 80
        after = try c.decodeIfPresent(Int.self, forKey: .after) ?? 40
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        nearby = try c.decodeIfPresent(String.self, forKey: .nearby)
    }
}

/// One example: text with «marked» spans that the pattern must find, and what they must be.
package struct PatternExample: Codable, Sendable {
    package var text: String
    /// Expected exemption of the marked value (role mailbox, example data), if any.
    package var exempt: Exemption?

    package init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let s = try? single.decode(String.self) {
            text = s
            exempt = nil
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decode(String.self, forKey: .text)
        exempt = try c.decodeIfPresent(Exemption.self, forKey: .exempt)
    }

    enum CodingKeys: String, CodingKey { case text, exempt }

    /// The text without markers, and the byte ranges the markers enclosed.
    package var unmarked: (text: String, spans: [Range<Int>]) {
        var out: [UInt8] = []
        var spans: [Range<Int>] = []
        var open: Int?
        let startMark = Array("«".utf8), endMark = Array("»".utf8)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i...].starts(with: startMark) { open = out.count; i += startMark.count; continue }
            if bytes[i...].starts(with: endMark), let o = open { spans.append(o..<out.count); open = nil; i += endMark.count; continue }
            out.append(bytes[i])
            i += 1
        }
        return (String(decoding: out, as: UTF8.self), spans)
    }
}

/// One pattern, as written in a pattern file.
package struct PatternDefinition: Codable, Sendable {
    /// Unique, dotted: "uk.nino", "dob.numeric".
    package var id: String
    /// The personal-data type it finds: a type id of the report ("uk.nino", "dob").
    package var type: String
    package var name: String
    package var description: String?
    package var category: PatternCategory
    /// A PCRE2 pattern, matched against UTF-8 bytes. Optional for a `field` pattern.
    package var regex: String?
    /// A labelled field (special categories).
    package var field: FieldRule?
    /// Anchors that every match holds near its start (see `Prefilter`).
    package var prefilter: Prefilter?
    package var caseless: Bool
    /// Capture group holding the value (0: the whole match).
    package var valueGroup: Int
    /// Named check in TrawlDetect's validators; the match is dropped when it fails.
    package var validator: String?
    package var normalize: Normalizer
    package var mask: MaskStyle
    /// Confidence when the format and validator pass, before context.
    package var confidence: Confidence
    package var context: ContextRule?
    package var examples: [PatternExample]
    package var negativeExamples: [String]
    /// The file the definition came from, for messages.
    package var source: String = ""

    enum CodingKeys: String, CodingKey {
        case id, type, name, description, category, regex, field, prefilter, caseless, validator, normalize, mask, confidence, context, examples
        case valueGroup = "value_group"
        case negativeExamples = "negative_examples"
    }

    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        type = try c.decode(String.self, forKey: .type)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        category = try c.decodeIfPresent(PatternCategory.self, forKey: .category) ?? .personal
        regex = try c.decodeIfPresent(String.self, forKey: .regex)
        field = try c.decodeIfPresent(FieldRule.self, forKey: .field)
        prefilter = try c.decodeIfPresent(Prefilter.self, forKey: .prefilter)
        if regex == nil && field == nil {
            throw DecodingError.dataCorruptedError(forKey: .regex, in: c, debugDescription: "a pattern needs a regex or a field")
        }
        // A field's text form starts with one of its labels: the labels' first words anchor it.
        if prefilter == nil, regex == nil, let labels = field?.labels, !labels.isEmpty {
            let words = labels.compactMap { $0.split(separator: " ").first.map { String($0).lowercased() } }
            prefilter = Prefilter(digits: false, literals: Array(Set(words)).sorted(), reach: 0)
        }
        caseless = try c.decodeIfPresent(Bool.self, forKey: .caseless) ?? false
        valueGroup = try c.decodeIfPresent(Int.self, forKey: .valueGroup) ?? 0
        validator = try c.decodeIfPresent(String.self, forKey: .validator)
        normalize = try c.decodeIfPresent(Normalizer.self, forKey: .normalize) ?? .alphanumericUpper
        mask = try c.decodeIfPresent(MaskStyle.self, forKey: .mask) ?? .keepEnds
        confidence = try c.decodeIfPresent(Confidence.self, forKey: .confidence) ?? .medium
        context = try c.decodeIfPresent(ContextRule.self, forKey: .context)
        examples = try c.decodeIfPresent([PatternExample].self, forKey: .examples) ?? []
        negativeExamples = try c.decodeIfPresent([String].self, forKey: .negativeExamples) ?? []
    }
}

/// A problem found while loading or linting pattern files.
package struct PatternProblem: Error, CustomStringConvertible, Sendable {
    package enum Severity: String, Sendable { case error, warning }
    package var severity: Severity
    package var source: String
    package var patternId: String?
    package var message: String

    package init(severity: Severity, source: String, patternId: String?, message: String) {
        self.severity = severity
        self.source = source
        self.patternId = patternId
        self.message = message
    }

    package var description: String {
        "\(severity.rawValue): \(source)\(patternId.map { " [\($0)]" } ?? ""): \(message)"
    }
}

/// All pattern files of one directory.
package struct PatternLibrary: Sendable {
    package var patterns: [PatternDefinition]
    /// (file name, bytes) of every file read, in name order: the input to the pattern set's identity.
    package var sources: [(name: String, bytes: [UInt8])]
    /// The names gazetteer (`names/given-names.txt` and `names/surnames.txt`), as the files'
    /// bytes: one lower-case name a line, " word" after a name that is also an English word.
    /// Nil when the directory has no `names` folder: no name is then known in prose.
    package var names: (given: [UInt8], surnames: [UInt8])?

    private struct File: Decodable { var patterns: [PatternDefinition] }

    /// Where the gazetteer lies in a pattern directory.
    package static let gazetteerFiles = (given: "names/given-names.txt", surnames: "names/surnames.txt")

    /// Loads every `*.yaml` file in `directory` except `policy.yaml`, and the names gazetteer.
    /// - Throws: `PatternProblem` for an unreadable or invalid file, a duplicate id or a bad field,
    ///   or a gazetteer with one of its two files missing.
    package static func load(directory: String) throws(PatternProblem) -> PatternLibrary {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            throw PatternProblem(severity: .error, source: directory, patternId: nil, message: "cannot read the pattern directory")
        }
        var patterns: [PatternDefinition] = []
        var sources: [(String, [UInt8])] = []
        var seen: Set<String> = []
        for name in names.sorted() where name.hasSuffix(".yaml") && name != "policy.yaml" {
            let path = directory + "/" + name
            guard let data = fm.contents(atPath: path) else {
                throw PatternProblem(severity: .error, source: name, patternId: nil, message: "cannot read the file")
            }
            sources.append((name, Array(data)))
            let file: File
            do {
                file = try YAMLFiles.decode(File.self, from: data)
            } catch {
                throw PatternProblem(severity: .error, source: name, patternId: nil, message: "invalid pattern file: \(error)")
            }
            for var p in file.patterns {
                p.source = name
                guard seen.insert(p.id).inserted else {
                    throw PatternProblem(severity: .error, source: name, patternId: p.id, message: "duplicate pattern id")
                }
                patterns.append(p)
            }
        }
        if patterns.isEmpty {
            throw PatternProblem(severity: .error, source: directory, patternId: nil, message: "no patterns found")
        }
        let given = fm.contents(atPath: directory + "/" + gazetteerFiles.given)
        let surnames = fm.contents(atPath: directory + "/" + gazetteerFiles.surnames)
        var gazetteer: (given: [UInt8], surnames: [UInt8])?
        switch (given, surnames) {
        case let (given?, surnames?):
            gazetteer = (Array(given), Array(surnames))
            sources.append((gazetteerFiles.given, Array(given)))
            sources.append((gazetteerFiles.surnames, Array(surnames)))
        case (nil, nil):
            gazetteer = nil
        default:
            throw PatternProblem(severity: .error, source: "names", patternId: nil,
                                 message: "the names gazetteer needs both \(gazetteerFiles.given) and \(gazetteerFiles.surnames)")
        }
        return PatternLibrary(patterns: patterns, sources: sources, names: gazetteer)
    }

    /// Lint rules that need no regex engine: id shape, examples present, markers balanced.
    package func lint() -> [PatternProblem] {
        var problems: [PatternProblem] = []
        for p in patterns {
            func add(_ s: PatternProblem.Severity, _ m: String) {
                problems.append(PatternProblem(severity: s, source: p.source, patternId: p.id, message: m))
            }
            if p.id.range(of: #"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"#, options: .regularExpression) == nil {
                add(.error, "id must be lower-case words separated by dots")
            }
            if p.examples.isEmpty { add(.error, "no examples: every pattern needs at least one") }
            if p.negativeExamples.isEmpty { add(.warning, "no negative examples") }
            for (i, e) in p.examples.enumerated() where e.unmarked.spans.isEmpty {
                add(.error, "example \(i + 1) marks nothing: enclose the value in « »")
            }
            if let f = p.prefilter, f.digitRun != 1 {
                if f.digitRun < 1 { add(.error, "prefilter digit_run must be at least 1") }
                if !f.digits { add(.error, "prefilter digit_run needs digits: true") }
            }
            if let f = p.prefilter, f.joinedDigits != 0 {
                if f.joinedDigits < 0 { add(.error, "prefilter joined_digits must not be negative") }
                if !f.digits { add(.error, "prefilter joined_digits needs digits: true") }
                if f.joinedDigits < f.digitRun { add(.warning, "prefilter joined_digits is less than digit_run, and adds nothing") }
            }
            if let f = p.prefilter, f.requires.contains(where: \.isEmpty) {
                add(.error, "prefilter requires an empty string, which every text holds")
            }
            if let f = p.prefilter, let r = f.requiresReach {
                if r < 0 { add(.error, "prefilter requires_reach must not be negative") }
                if f.requires.isEmpty { add(.error, "prefilter requires_reach needs requires") }
            }
        }
        return problems
    }
}
