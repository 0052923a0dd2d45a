import ArgumentParser
import Foundation
import TrawlClassify
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlPatterns

struct Patterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Check and list the detection patterns.",
        subcommands: [Check.self, List.self, Test.self])

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("Pattern directory (default: $TRAWL_PATTERNS, or the Patterns folder installed with trawl).", valueName: "dir"))
        var patterns: String?

        func load() throws -> (PatternLibrary, PatternSet) {
            let dir = try Resources.patternsDirectory(patterns)
            do {
                let library = try PatternLibrary.load(directory: dir)
                return (library, try PatternSet(library))
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Lint every pattern file and run its examples and non-examples through the real detector.",
            discussion: "Exit status 0 when every example is found exactly and no non-example matches; 1 otherwise.")

        @OptionGroup var location: Location
        @Flag(help: "Treat warnings (a pattern with no negative examples) as errors.")
        var warningsAsErrors = false

        func run() throws {
            let (library, set) = try location.load()
            let problems = PatternChecker.check(library, set)
            for p in problems { print(p) }
            let failing = problems.filter { $0.severity == .error || warningsAsErrors }
            let examples = library.patterns.reduce(0) { $0 + $1.examples.count + $1.negativeExamples.count }
            print("\(library.patterns.count) patterns, \(examples) examples: \(failing.isEmpty ? "ok" : "\(failing.count) problems")")
            if !failing.isEmpty { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every pattern with its type, the level the policy gives it, its confidence and context rule.")
        @OptionGroup var location: Location
        @Option(help: ArgumentHelp("Policy whose levels to show (default: policy.yaml in the pattern directory).", valueName: "file"))
        var policy: String?

        func run() throws {
            let (library, _) = try location.load()
            let dir = try Resources.patternsDirectory(location.patterns)
            let loaded: Policy
            do { loaded = try Policy.load(path: policy ?? dir + "/policy.yaml") } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            for p in library.patterns {
                let level = p.category == .marking ? loaded.markings[p.type].map { "marks \($0.rawValue)" } ?? "marking"
                                                   : loaded.level(ofType: p.type).rawValue
                var line = "\(p.id)  type=\(p.type)  level=\(level)  confidence=\(p.confidence.rawValue)"
                if let v = p.validator { line += "  validator=\(v)" }
                if p.category == .special { line += "  counts only in a record about a person" }
                if let c = p.context {
                    line += c.required ? "  context=required" : "  context=raises"
                    line += " [\(c.keywords.prefix(6).joined(separator: ", "))\(c.keywords.count > 6 ? ", ..." : "")]"
                }
                print(line)
                print("    \(p.name)")
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Show what the patterns find in a document or standard input, why, and the level it comes to.",
            discussion: """
                A file is read as a scan reads it (its format sniffed from its content: a Word form, a \
                semicolon-delimited export named .txt, a PDF...), each part and row searched, and the \
                level worked out under the policy, so what this shows is what a scan reports for the \
                file (archives and emails: their own text only; a scan reads their members too). \
                Standard input is searched as plain text. Values are shown as written: use on test text.
                """)
        @OptionGroup var location: Location
        @Argument(help: "A document, or '-' for standard input.")
        var input: String
        @Option(help: "Show matches at or above this confidence: low, medium, high.")
        var minConfidence: String = "low"
        @Option(help: ArgumentHelp("Classification policy file (default: policy.yaml in the pattern directory).", valueName: "file"))
        var policy: String?

        func run() throws {
            let (_, set) = try location.load()
            let data: Data?
            data = input == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: input)
            guard let data else { throw ValidationError("\(input): cannot read") }
            let loadedPolicy: Policy
            do {
                loadedPolicy = try Policy.load(path: policy ?? (try Resources.patternsDirectory(location.patterns) + "/policy.yaml"))
            } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            let detector = Detector(set, minimumConfidence: Confidence(rawValue: minConfidence) ?? .low, workDomains: loadedPolicy.workDomains,
                                    ownDetails: loadedPolicy.ownDetails)
            let bytes = [UInt8](data)
            var chunks: [TextChunk] = []
            if input == "-" {
                chunks = [TextChunk(text: bytes, firstLine: 1)]
            } else {
                switch Sniffer.sniff(bytes, name: Array(input.utf8)) {
                case .document(let format):
                    do {
                        _ = try Extraction.extractText(bytes, format: format, limits: ExtractLimits()) { chunks.append($0) }
                    } catch {
                        print("not read: \(error.issue.kind.rawValue): \(error.issue.message)")
                    }
                    print("read as \(format.rawValue)")
                case .container(let format):
                    Extraction.containerText(bytes, format: format) { chunks.append($0) }
                    print("a \(format.rawValue) container: its own text only (a scan reads its members too)")
                case .unsupported(let what):
                    print("not read: Trawl does not read \(what) files")
                case .empty:
                    print("empty")
                }
            }
            var matches: [Match] = []
            var prose = ProseNames()
            // A scan searches the file's own name too, as its title.
            if input != "-", let name = Extraction.fileNameChunk(Array(input.utf8)) {
                detector.detect(name, into: &matches)
                matches.removeAll { !Extraction.countsInFileName($0, in: name) }
                if let names = detector.gazetteer { prose.observeTitle(name, gazetteer: names) }
            }
            for chunk in chunks {
                detector.detect(chunk, into: &matches)
                if let names = detector.gazetteer { prose.observe(chunk, gazetteer: names) }
            }
            // The names of people the text says have died, as a scan takes them.
            prose.readTheDead()
            for i in matches.indices where matches[i].exemption == nil && prose.isDead(matches[i]) {
                matches[i].exemption = .deceased
                matches[i].evidence.append(Evidence.deceased)
            }
            // The person the prose is about (or a dated log's people), as a scan finds them: when
            // nothing else names a person.
            var subjects: [Match] = []
            if !matches.contains(where: { $0.typeId == "person.name" && $0.exemption == nil && $0.confidence >= .medium }) {
                subjects = prose.findings()
                matches += subjects
            }
            // A special-category value whose record names no one, on a line that names one person.
            for i in matches.indices where matches[i].confidence >= .medium {
                guard let who = prose.person(saying: matches[i]) else { continue }
                matches[i].needsPerson = false
                matches[i].evidence.append(Evidence.onTheirLine)
                if !matches.contains(where: { $0.typeId == "person.name" && $0.normalized == who.normalized }) {
                    matches.append(who)
                }
            }
            for m in matches {
                var line = [m.location.part.map { "\($0)" }, m.location.line.map { "line \($0)" }, m.location.cell.map { "cell \($0)" }]
                    .compactMap { $0 }.joined(separator: " ")
                line += "  \(m.typeId)  '\(m.value)'  confidence=\(m.confidence.rawValue)  pattern=\(m.patternId)"
                if let e = m.exemption { line += "  exempt=\(e.rawValue)" }
                if !m.evidence.isEmpty { line += "  evidence: \(m.evidence.joined(separator: "; "))" }
                if m.needsPerson { line += "  (no person in its record: counts only in a document about one person)" }
                if m.isOrganisation { line += "  (an organisation's name)" }
                print(line)
            }
            if matches.isEmpty { print("no matches") }
            // The level as a scan gives it: only what meets the scan's default confidence counts.
            let counted = matches.filter { $0.confidence >= .medium }
            let c = Classifier(policy: loadedPolicy).classify(counted, path: input)
            print("level: \(c.level.rawValue) (\(c.reasons.map { "\($0.rule): \($0.detail)" }.joined(separator: "; ")))")
        }
    }
}
