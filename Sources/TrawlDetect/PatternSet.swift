// The compiled patterns: each definition's regexes compiled and JIT-compiled once, its keywords
// in token form, and what the detector reads for every chunk held apart from the definition;
// the set's prefilter literals gathered into one Hyperscan database; patterns that are searched
// in the same windows joined into one alternation. Immutable and shared by every worker; each
// worker's `Detector` owns the match data.
import Foundation
import Hyperscan
import PCRE2
import TrawlModel
import TrawlPatterns

/// A pattern definition with its compiled regexes and its keywords in token form. Immutable.
/// A class, and the fields the detector reads for every chunk and value held apart from the
/// definition: copying the definition (a struct of strings and lists) for each of a million
/// spreadsheet rows was most of the time spent on them.
package final class CompiledDefinition: Sendable {
    package let definition: PatternDefinition
    let regex: CompiledPattern
    /// The capture group holding the value.
    let valueGroup: Int
    let keywords: [Keyword]
    /// Field labels, for matching column headers.
    let fieldLabels: [Keyword]
    let nearby: CompiledPattern?
    let isField: Bool
    /// The field's coded answers, lower-cased (`FieldRule.codes`); empty for most fields.
    let fieldCodes: Set<String>
    /// The field's answer terms, lower-cased (`FieldRule.answerTerms`); empty: any answer.
    let answerTerms: [String]
    /// A column is the field only when its whole header is a label (`FieldRule.wholeLabel`).
    let fieldWholeLabel: Bool
    /// An identifying pattern (category personal): its values claim the keywords before them.
    let isPersonal: Bool
    let prefilter: Prefilter?
    /// What the anchors read of the prefilter, held apart from it (`AnchorRule`).
    let anchorRule: AnchorRule?
    let validator: Validators.Check?
    let context: ContextRule?
    /// The prefilter's literals, as indexes into the set's `literalTexts`.
    let literalIds: [Int]
    /// The prefilter's `requires`, as indexes into the set's `literalTexts`: one must be in a text
    /// for the pattern to search it.
    let requiredIds: [Int]
    /// What every match of the pattern carries, read here for each value rather than through a
    /// copy of the whole definition.
    let typeId: String
    let patternId: String
    let confidence: Confidence
    let normalize: Normalizer
    let mask: MaskStyle
    let category: PatternCategory
    let contextRequired: Bool
    /// The context rule's window, bytes before and after a value; nil without a rule. Held apart
    /// from the rule: reading the rule itself copies it, retaining each of its arrays, for every
    /// value.
    let contextWindow: (before: Int, after: Int)?

    init(definition: PatternDefinition, regex: CompiledPattern, valueGroup: Int, keywords: [Keyword], fieldLabels: [Keyword],
         nearby: CompiledPattern?, literalIds: [Int], requiredIds: [Int]) {
        self.literalIds = literalIds
        self.requiredIds = requiredIds
        self.definition = definition
        self.regex = regex
        self.valueGroup = valueGroup
        self.keywords = keywords
        self.fieldLabels = fieldLabels
        self.nearby = nearby
        isField = definition.field != nil
        fieldCodes = Set((definition.field?.codes ?? []).map { $0.lowercased() })
        answerTerms = (definition.field?.answerTerms ?? []).map { $0.lowercased() }
        fieldWholeLabel = definition.field?.wholeLabel ?? false
        isPersonal = definition.category == .personal
        prefilter = definition.prefilter
        anchorRule = definition.prefilter.map(AnchorRule.init)
        validator = definition.validator.flatMap(Validators.named)
        context = definition.context
        typeId = definition.type
        patternId = definition.id
        confidence = definition.confidence
        normalize = definition.normalize
        mask = definition.mask
        category = definition.category
        contextRequired = definition.context?.required == true
        contextWindow = definition.context.map { ($0.before, $0.after) }
    }
}

/// The whole set of compiled patterns, shared by every worker.
package final class PatternSet: Sendable {
    package let patterns: [CompiledDefinition]
    /// Every prefilter literal of every pattern (anchors and `requires` alike), lower case, each
    /// once: first those whose every occurrence is needed (anchors, and the literals a pattern
    /// requires near a match's start), sorted, those of at least `shortestInPass` bytes before
    /// the shorter ones (`LiteralNeedles.scanned` and `.anchors` count them); then, sorted, those
    /// that only decide whether a text is searched at all.
    let literalTexts: [String]
    /// The fewest bytes of a literal in the Hyperscan pass. The shorter anchors ("@", ":", "-",
    /// "/", "<<") are found with memchr after it: in Hyperscan they cost a third of its pass over
    /// prose (the bench's text sample in a C program with this set's literals: 38M instructions
    /// with them, 25M without), where a memchr for each costs a fraction of that.
    static let shortestInPass = 3
    /// The same literals as bytes, each with the byte a search for it looks for first.
    let literalNeedles: LiteralNeedles
    /// The literals whose every occurrence is needed, but for the short ones, in one Hyperscan
    /// database, found in one pass per chunk (ids are indexes into `literalTexts`); nil where
    /// Hyperscan cannot build it (a CPU it does not support), and each literal is then searched
    /// for on its own. Those that only decide whether a text is searched are looked for only
    /// where a pattern that requires them is otherwise anchored, and only up to their first
    /// occurrence: a comma, which a GPS position requires, is in every sentence, and reporting
    /// each one was a fifth of the pass over prose.
    let literals: LiteralSet?
    /// By pattern index: whether a digit is an anchor of the pattern.
    let anchoredOnDigits: [Bool]
    /// By pattern index: the run of digits every match holds (`Prefilter.digitRun`; 1 without).
    let digitRun: [Int]
    /// By pattern index: the joined run of digits every match holds (`Prefilter.joinedDigits`; 0
    /// without).
    let joinedDigits: [Int]
    /// Whether any pattern is anchored on digits (else a chunk's digit runs are not looked for).
    let anyAnchoredOnDigits: Bool
    /// By literal index: the patterns that literal is an anchor of.
    let patternsOfLiteral: [[Int]]
    /// By pattern index: whether the pattern has no prefilter (it is searched in every chunk).
    let unfiltered: [Bool]
    /// The patterns whose prefilter `requires` literals.
    let requiringPatterns: [Int]
    /// By pattern index: whether column labels can name the pattern's field.
    let hasFieldLabels: [Bool]
    /// Patterns searched in the same windows (the same anchors and reach, the same options, the
    /// same required literals where their `requiresReach` narrows the windows), each
    /// group's regexes joined in one alternation: where it does not match, none of them can, so
    /// one search of a window rules it out for the whole group. In prose most digit runs are no
    /// pattern's, and a search per pattern per run was most of the regex time.
    let unions: [CompiledPattern]
    /// By pattern index: the index of its group's alternation in `unions`, if it is in a group.
    let unionOf: [Int?]
    /// The names gazetteer, when the library has one: names in prose (`ProseNames`).
    package let gazetteer: NameGazetteer?

    /// Compiles every pattern of the library.
    /// - Throws: `PatternProblem` naming the pattern whose regex does not compile or whose
    ///   validator is unknown.
    package init(_ library: PatternLibrary) throws(PatternProblem) {
        var out: [CompiledDefinition] = []
        var sources: [(regex: String, options: CompileOptions)] = []
        let scanned = Set(library.patterns.flatMap { p in
            (p.prefilter?.literals ?? []) + (p.prefilter?.requiresReach == nil ? [] : p.prefilter?.requires ?? [])
        }.map { $0.lowercased() })
        let checked = Set(library.patterns.flatMap { $0.prefilter?.requires ?? [] }.map { $0.lowercased() }).subtracting(scanned)
        let inPass = scanned.filter { $0.utf8.count >= Self.shortestInPass }
        let literalTexts = inPass.sorted() + scanned.subtracting(inPass).sorted() + checked.sorted()
        let literalId = Dictionary(uniqueKeysWithValues: literalTexts.enumerated().map { ($0.element, $0.offset) })
        for def in library.patterns {
            func problem(_ m: String) -> PatternProblem {
                PatternProblem(severity: .error, source: def.source, patternId: def.id, message: m)
            }
            let source = def.regex ?? FieldRegex.build(labels: def.field?.labels ?? [])
            let valueGroup = def.regex == nil ? 1 : def.valueGroup
            let regex: CompiledPattern
            var nearby: CompiledPattern?
            let options: CompileOptions = def.caseless || def.regex == nil ? [.caseless] : []
            sources.append((source, options))
            do {
                regex = try CompiledPattern(source, options: options)
                if let n = def.context?.nearby { nearby = try CompiledPattern(n, options: [.caseless]) }
            } catch {
                throw problem("regex does not compile: \(error)")
            }
            if let v = def.validator, Validators.named(v) == nil { throw problem("unknown validator '\(v)'") }
            if valueGroup > regex.captureCount { throw problem("value_group \(valueGroup) does not exist") }
            out.append(CompiledDefinition(
                definition: def, regex: regex, valueGroup: valueGroup, keywords: (def.context?.keywords ?? []).map(Keyword.init),
                fieldLabels: (def.field?.labels ?? []).map(Keyword.init), nearby: nearby,
                literalIds: (def.prefilter?.literals ?? []).compactMap { literalId[$0.lowercased()] },
                requiredIds: (def.prefilter?.requires ?? []).compactMap { literalId[$0.lowercased()] }))
        }
        patterns = out
        self.literalTexts = literalTexts
        literalNeedles = LiteralNeedles(literalTexts, scanned: inPass.count, anchors: scanned.count)
        anchoredOnDigits = out.map { $0.prefilter?.digits == true }
        digitRun = out.map { $0.prefilter?.digitRun ?? 1 }
        joinedDigits = out.map { $0.prefilter?.joinedDigits ?? 0 }
        anyAnchoredOnDigits = anchoredOnDigits.contains(true)
        var patternsOfLiteral = [[Int]](repeating: [], count: literalTexts.count)
        for (index, compiled) in out.enumerated() {
            for id in compiled.literalIds { patternsOfLiteral[id].append(index) }
        }
        self.patternsOfLiteral = patternsOfLiteral
        unfiltered = out.map { $0.prefilter == nil }
        requiringPatterns = out.indices.filter { !out[$0].requiredIds.isEmpty }
        hasFieldLabels = out.map { !$0.fieldLabels.isEmpty }
        literals = inPass.isEmpty ? nil : try? LiteralSet(literalTexts.prefix(inPass.count).map { Array($0.utf8) }, caseless: true)
        (unions, unionOf) = Self.unions(out, sources: sources)
        gazetteer = library.names.map { NameGazetteer(given: $0.given, surnames: $0.surnames) }
    }

    /// Groups the patterns that are searched in the same windows and compiles each group of two
    /// or more into one alternation. Branch reset, `(?|(?:A)|(?:B))`, numbers each alternative's
    /// groups from 1 as in its own regex, so a backreference keeps its meaning; each regex sits
    /// in a group of its own, so an option it sets inline stays inside it. A regex that could
    /// mean something else as an alternative is left out (`RegexJoining.canJoin`), and so is a
    /// group whose alternation does not compile: its patterns are then searched as before.
    private static func unions(_ patterns: [CompiledDefinition], sources: [(regex: String, options: CompileOptions)])
        -> ([CompiledPattern], [Int?]) {
        var groups: [[Int]] = []
        var groupOfKey: [String: Int] = [:]
        for (index, compiled) in patterns.enumerated() {
            guard let p = compiled.prefilter, RegexJoining.canJoin(sources[index].regex) else { continue }
            let narrowed = p.requiresReach.map { " requires \(compiled.requiredIds) within \($0)" } ?? ""
            let key = "\(p.digits) \(p.reach) \(compiled.literalIds) \(sources[index].options.rawValue)\(narrowed)"
            if let g = groupOfKey[key] { groups[g].append(index) } else { groupOfKey[key] = groups.count; groups.append([index]) }
        }
        var unions: [CompiledPattern] = []
        var unionOf = [Int?](repeating: nil, count: patterns.count)
        for members in groups where members.count > 1 {
            let source = "(?|" + members.map { "(?:" + sources[$0].regex + ")" }.joined(separator: "|") + ")"
            guard let union = try? CompiledPattern(source, options: sources[members[0]].options) else { continue }
            for m in members { unionOf[m] = unions.count }
            unions.append(union)
        }
        return (unions, unionOf)
    }
}

/// Which regexes keep their meaning as one alternative of a larger alternation.
enum RegexJoining {
    /// False for a regex with a backtracking verb (a `(*COMMIT)` would end the other
    /// alternatives' attempts too), `\K` (a match would not start where it says), a subroutine
    /// call or recursion (group numbers change), a named group (names would clash), a callout,
    /// or extended mode (a comment would run on past the closing parenthesis). Escaped
    /// characters are skipped; anything in doubt is refused, which only costs speed.
    static func canJoin(_ regex: String) -> Bool {
        let b = Array(regex.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 92 {  // "\"
                guard i + 1 < b.count else { return false }
                if b[i + 1] == 75 || b[i + 1] == 103 { return false }  // \K, \g
                i += 2
                continue
            }
            if b[i] == 40 && i + 1 < b.count && b[i + 1] == 42 { return false }  // "(*"
            if b[i] == 40 && i + 1 < b.count && b[i + 1] == 63 {  // "(?"
                let next: UInt8 = i + 2 < b.count ? b[i + 2] : 0
                switch next {
                case 58, 61, 33, 124, 62:  // (?:  (?=  (?!  (?|  (?>
                    break
                case 60:  // (?<= and (?<! are lookbehinds; (?<name> is a named group
                    let after: UInt8 = i + 3 < b.count ? b[i + 3] : 0
                    if after != 61 && after != 33 { return false }
                default:
                    // Inline options, "(?i)" or "(?i-m:", of the letters i, m, n, s, U, J (not x),
                    // "-" and "^", up to ")" or ":"; anything else ((?R), (?1), (?P<name>...) is refused.
                    var j = i + 2
                    while j < b.count, b[j] != 41, b[j] != 58 {
                        guard Array("imnsUJ-^".utf8).contains(b[j]) else { return false }
                        j += 1
                    }
                    if j == i + 2 || j == b.count { return false }
                }
            }
            i += 1
        }
        return true
    }
}

/// Builds the text form of a labelled field: "Label: value" or "Label = value", the label
/// tolerant of spaces, underscores and hyphens between its words, the value up to the end of the
/// line, cell or clause. A form's question may go on past the label to its question mark or
/// colon ("Do you have any unspent criminal convictions?: Yes - details: ...", "Medical
/// conditions we should know about (tick all that apply): [x] Asthma"): up to eight more words.
/// A label alone on its line, as a Word form's heading above its answer, labels the next line
/// ("Reason for absence" then "Return to work after surgery - left knee replacement").
enum FieldRegex {
    static func build(labels: [String]) -> String {
        let alternatives = labels.map { label in
            label.split(separator: " ").map { word in
                word.map { c in c.isLetter || c.isNumber ? String(c) : "\\" + String(c) }.joined()
            }.joined(separator: "[\\s_-]*")
        }.joined(separator: "|")
        // Either form's value is group 1 (a branch reset).
        return "(?|(?<![A-Za-z0-9])(?:\(alternatives))(?![A-Za-z0-9])(?:[ \\t]*,?[ \\t]+[A-Za-z'/&-]+){0,8}[ \\t]*\\??"
            + "(?:[ \\t]*\\([^)\\n]{0,40}\\))?[ \\t]*[:=][ \\t]*([^\\n\\t;|]{1,80})"
            + "|(?m:^)[ \\t]*(?:\(alternatives))[ \\t]*\\??(?:[ \\t]*\\([^)\\n]{0,40}\\))?[ \\t]*\\r?\\n[ \\t]*([^\\n\\t;|]{1,80}))"
    }
}
