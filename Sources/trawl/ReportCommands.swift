// Commands that read reports: diff (auditors), review and export (the DPO), triage (decisions).
import ArgumentParser
import Foundation
import TrawlDecisions
import TrawlModel
import TrawlReport

/// Loads a report, with current decisions shown on its findings when a decisions file is given.
func loadReport(_ path: String, decisions: String?) throws -> LoadedReport {
    do {
        var report = try LoadedReport.load(path: path)
        if let decisions {
            let book = try DecisionBook.load(path: decisions)
            report.overlay { book.decision(fingerprint: $0, path: $1) }
        }
        return report
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.usageOrFatal)
    }
}

func writeOutput(_ text: String, to path: String?, what: String) throws {
    // Reviews and exports describe where personal data is: written as a report is (OutputFile).
    do {
        try OutputFile.write(Array(text.utf8), to: path ?? "-", for: what)
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.usageOrFatal)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two reports: findings added and resolved, levels that rose or fell, files new, gone, moved or copied.",
        discussion: """
            Findings are matched by file, type and keyed fingerprint, never by value; files moved or copied are \
            recognised by their content id. Reports made under different fingerprint keys, or with incompatible \
            schema versions, are refused.

            Exit status: 0 nothing rose; 1 something rose (a file's level, a new or copied file at Restricted or \
            above, or a counted finding added); 2 the reports could not be read or compared.
            """)

    @Argument(help: "The older report.") var old: String
    @Argument(help: "The newer report.") var new: String
    @Flag(help: "Print the comparison as JSON (docs/diff.schema.json) instead of text.") var json = false
    @Option(help: ArgumentHelp("Show current decisions on the findings listed.", valueName: "file")) var decisions: String?

    func run() throws {
        let a = try loadReport(old, decisions: decisions)
        let b = try loadReport(new, decisions: decisions)
        let diff: ReportDiff
        do { diff = try ReportDiff.compare(old: a, oldName: old, new: b, newName: new) } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try writeOutput(String(decoding: try encoder.encode(diff), as: UTF8.self) + "\n", to: nil, what: "comparison")
        } else {
            try writeOutput(diff.text, to: nil, what: "comparison")
        }
        if diff.rose { throw ExitCode(1) }
    }
}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Write a self-contained HTML page for the DPO to review a report in a browser.",
        discussion: "The page holds totals by level and type with charts, and every file, sortable and filterable by level, type, folder and text, each with its findings (masked), where they are, their confidence and the rule that set the file's level. It loads nothing from the network.")

    @Argument(help: "The report.") var report: String
    @Option(name: [.short, .long], help: ArgumentHelp("The HTML file to write ('-' for standard output).", valueName: "file")) var output: String
    @Option(help: ArgumentHelp("Show current decisions on the findings.", valueName: "file")) var decisions: String?
    @Option(help: "The page's title.") var title = "Trawl review"

    func run() throws {
        let loaded = try loadReport(report, decisions: decisions)
        try writeOutput(ReviewPage.html(loaded, title: title), to: output, what: "review")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a report's findings for a spreadsheet: one row per finding (docs/export.md).")

    @Argument(help: "The report.") var report: String
    @Option(help: "The format: csv.") var format = "csv"
    @Option(name: [.short, .long], help: ArgumentHelp("Where to write ('-' for standard output).", valueName: "file")) var output: String = "-"
    @Option(help: ArgumentHelp("Show current decisions on the findings.", valueName: "file")) var decisions: String?

    func validate() throws {
        guard format == "csv" else { throw ValidationError("--format must be csv") }
    }

    func run() throws {
        try writeOutput(CSVExport.csv(try loadReport(report, decisions: decisions)), to: output, what: "export")
    }
}

struct Triage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Record the DPO's decisions on findings: false positive, accepted risk, to remediate.",
        discussion: "Decisions live in a YAML file (docs/decisions.md), keyed by the finding's fingerprint and its file, so they stick to the same finding in the next night's scan. Pass the file to scan, diff, review and export with --decisions.",
        subcommands: [Set.self, Remove.self, List.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Add or change the decision on a finding.")
        @Option(help: ArgumentHelp("The decisions file (created if missing).", valueName: "file")) var decisions: String
        @Option(help: "The finding's fingerprint, as the report gives it.") var fingerprint: String
        @Option(help: "The file, as the report names it (archive members after '!/').") var path: String
        @Option(help: "false_positive, accepted_risk or to_remediate.") var decision: String
        @Option(help: "Who decides (default: $USER).") var by: String?
        @Option(help: "A note: why.") var note: String?

        func validate() throws {
            guard DecisionKind(rawValue: decision) != nil else { throw ValidationError("--decision must be false_positive, accepted_risk or to_remediate") }
            guard fingerprint.hasPrefix("hmac-sha256:") else { throw ValidationError("--fingerprint must be a finding's fingerprint (hmac-sha256:...)") }
        }

        func run() throws {
            var book: DecisionBook
            do { book = try DecisionBook.load(path: decisions) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            book.set(Decision(fingerprint: fingerprint, path: path, decision: DecisionKind(rawValue: decision)!, by: who,
                              at: Timestamp.string(Date()), note: note))
            do { try book.save(path: decisions) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            print("\(decision): \(path) \(fingerprint)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove the decision on a finding.")
        @Option(help: ArgumentHelp("The decisions file.", valueName: "file")) var decisions: String
        @Option(help: "The finding's fingerprint.") var fingerprint: String
        @Option(help: "The file, as the report names it.") var path: String

        func run() throws {
            var book: DecisionBook
            do { book = try DecisionBook.load(path: decisions) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            guard book.remove(fingerprint: fingerprint, path: path) else {
                printError("no decision on \(path) \(fingerprint)")
                throw ExitCode(1)
            }
            do { try book.save(path: decisions) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the decisions.")
        @Option(help: ArgumentHelp("The decisions file.", valueName: "file")) var decisions: String

        func run() throws {
            let book: DecisionBook
            do { book = try DecisionBook.load(path: decisions) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            for d in book.decisions {
                print("\(d.decision.rawValue)\t\(d.by)\t\(d.at)\t\(d.path)\t\(d.fingerprint)\(d.note.map { "\t\($0)" } ?? "")")
            }
        }
    }
}

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the reports of a scan split into shards (scan --shard K/N) into one report.",
        discussion: """
            The merged report is the report one process would have written for the whole tree: every \
            shard's entries, as the shards wrote them, and the totals added up; its begin record says how \
            many shards it joins (merged_shards). Reports of different runs (--run-id), splits, roots, \
            options, patterns, policies or keys are refused, and a missing or unfinished shard is named; \
            nothing is written then.

            Example (four shards, then the merge):
              for k in 0 1 2 3; do trawl scan /srv/share --shard $k/4 --run-id nightly -o shard-$k.json; done
              trawl merge shard-*.json -o report.json

            Exit status: 0 merged; 1 merged, but some entries could not be read (as a scan's); 2 the \
            shards could not be merged.
            """)

    @Argument(help: "The shards' reports, in any order.") var reports: [String]
    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the merged report; '-' for standard output.", valueName: "file"))
    var output: String

    func run() throws {
        let summary: SummaryRecord
        do { summary = try ReportMerge.merge(reports, into: output) } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        if summary.exitStatus != 0 { throw ExitCode(Int32(summary.exitStatus)) }
    }
}
