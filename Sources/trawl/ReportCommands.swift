// Commands that read reports: diff (auditors), review and export (the DPO).
import ArgumentParser
import Foundation
import TrawlDecisions
import TrawlModel
import TrawlReport

/// Loads a report, with current decisions shown on its findings when a decisions file is given.
func loadReport(_ path: String, decisions: String?) throws -> LoadedReport {
    do {
        // "-": the report from standard input (a pipe from ssh, zcat or jq).
        var report = path == "-"
            ? try LoadedReport.load(data: FileHandle.standardInput.readDataToEndOfFile(), name: "standard input")
            : try LoadedReport.load(path: path)
        if let decisions {
            report.overlay(try DecisionBook.load(path: decisions))
        }
        return report
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.usageOrFatal)
    }
}

func writeOutput(_ text: String, to path: String?, what: String) throws {
    try writeOutput(Array(text.utf8), to: path, what: what)
}

func writeOutput(_ bytes: [UInt8], to path: String?, what: String) throws {
    // Reviews and exports describe where personal data is: written as a report is (OutputFile).
    do {
        try OutputFile.write(bytes, to: path ?? "-", for: what)
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
            recognised by their content id, and a moved file whose level changed is listed with both. Files are \
            matched by their path below the scanned root, so the same share scanned as /srv/share and \
            /srv/share/, or through another mount point, compares file by file. Reports made under different \
            fingerprint keys, or with incompatible schema versions, are refused. Either report may be '-' \
            (standard input). With --decisions, the decisions taken, closed or moved between the two scans' \
            starts are listed too. --format writes it as text, JSON, CSV (one row per change) or an HTML page \
            (docs/diff.md).

            Exit status: 0 nothing rose; 1 something rose (a file's level, a new or copied file at Restricted or \
            above, or a counted finding added); 2 the reports could not be read or compared.
            """)

    @Argument(help: "The older report ('-' for standard input).") var old: String
    @Argument(help: "The newer report ('-' for standard input).") var new: String
    @Option(help: ArgumentHelp("How to write the comparison: text, json (docs/diff.schema.json), csv (one row per change, docs/diff.md) or html (a page that loads nothing).", valueName: "format"))
    var format: String = "text"
    @Flag(help: "The same as --format json.") var json = false
    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the comparison ('-' for standard output).", valueName: "file")) var output: String = "-"
    @Flag(help: "Leave out the byte-order mark at the start of CSV (for tools that do not expect one).") var noBom = false
    @Option(help: ArgumentHelp("The decisions store: current decisions on the findings listed, and the decisions taken between the two scans.", valueName: "file")) var decisions: String?

    func validate() throws {
        guard let f = DiffFormat(rawValue: format) else { throw ValidationError("--format must be text, json, csv or html") }
        if json && f != .text && f != .json { throw ValidationError("--json and --format \(format) disagree") }
    }

    func run() throws {
        let a = try loadReport(old, decisions: decisions)
        let b = try loadReport(new, decisions: decisions)
        var diff: ReportDiff
        do {
            diff = try ReportDiff.compare(old: a, oldName: old, new: b, newName: new)
            if let decisions { try diff.listDecisions(from: DecisionStore(path: decisions)) }
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        let written = try diff.written(as: json ? .json : DiffFormat(rawValue: format) ?? .text, byteOrderMark: !noBom)
        try writeOutput(written, to: output, what: "comparison")
        if diff.rose { throw ExitCode(1) }
    }
}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Write a self-contained HTML page for the DPO to review a report in a browser.",
        discussion: "The page holds totals by level and type with charts, and every file, sortable and filterable by level, type, folder, owner (the account owning the file) and text, each with its findings (masked), where they are, their confidence and the rule that set the file's level. It loads nothing from the network.")

    @Argument(help: "The report.") var report: String
    @Option(name: [.short, .long], help: ArgumentHelp("The HTML file to write ('-' for standard output).", valueName: "file")) var output: String
    @Option(help: ArgumentHelp("Show current decisions on the findings.", valueName: "file")) var decisions: String?
    @Option(help: "The page's title.") var title = "Trawl review"
    @Option(help: ArgumentHelp("The report of the run before: files not in it (by path below the root, or content) are marked new.", valueName: "file"))
    var previous: String?

    func run() throws {
        let loaded = try loadReport(report, decisions: decisions)
        let before = try previous.map { (report: try loadReport($0, decisions: nil), name: $0) }
        try writeOutput(ReviewPage.html(loaded, title: title, previous: before), to: output, what: "review")
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a report: CSV, one row per finding, or an .xlsx workbook with a sheet of files and one of findings, for a spreadsheet; SARIF 2.1.0 for code-scanning tools (docs/export.md).")

    @Argument(help: "The report ('-' for standard input).") var report: String
    @Option(help: "The format: csv, xlsx or sarif.") var format = "csv"
    @Option(name: [.short, .long], help: ArgumentHelp("Where to write ('-' for standard output).", valueName: "file")) var output: String = "-"
    @Option(help: ArgumentHelp("Show current decisions on the findings.", valueName: "file")) var decisions: String?
    @Flag(help: "Leave out the byte-order mark that tells Excel a CSV file is UTF-8 (for tools that do not expect one).") var noBom = false

    func validate() throws {
        guard ["csv", "xlsx", "sarif"].contains(format) else { throw ValidationError("--format must be csv, xlsx or sarif") }
    }

    func run() throws {
        let loaded = try loadReport(report, decisions: decisions)
        switch format {
        case "sarif":
            try writeOutput(SARIFExport.sarif(loaded), to: output, what: "export")
        case "xlsx":
            let bytes: [UInt8]
            do { bytes = try SpreadsheetExport.xlsx(loaded) } catch {
                printError("cannot write the workbook: \(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            try writeOutput(bytes, to: output, what: "export")
        default:
            try writeOutput(CSVExport.csv(loaded, byteOrderMark: !noBom), to: output, what: "export")
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
