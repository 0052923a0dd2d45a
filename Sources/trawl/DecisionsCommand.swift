// The DPO's decisions on the command line: `triage` takes and closes them against a report,
// `decisions` lists, exports and imports the store as JSON. Both open the one store of
// TrawlDecisions that `scan` and `serve` use (docs/decisions.md).
import ArgumentParser
import Foundation
import TrawlDecisions
import TrawlModel
import TrawlReport

/// Opens the store or exits 2 with the reason.
func openStore(_ path: String) throws -> DecisionStore {
    do { return try DecisionStore(path: path) } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.usageOrFatal)
    }
}

/// Who decides: `--by`, else the account the command runs as; never a silent "unknown".
func decider(_ by: String?) throws -> String {
    if let by, !by.trimmingCharacters(in: .whitespaces).isEmpty { return by }
    guard let account = Account.current() else {
        printError("cannot tell who is deciding (no account entry for this user): give --by")
        throw ExitCode(ExitStatus.usageOrFatal)
    }
    return account
}

/// After a scan with --decisions: decisions on files that moved follow them to their new path.
/// Returns what a person should hear: each move, and the decisions that match nothing in the
/// report (to be closed).
func followMovedFiles(decisions: String, report: String) -> [String] {
    do {
        let loaded = try LoadedReport.load(path: report)
        let store = try DecisionStore(path: decisions)
        let moved = try store.follow(loaded, by: Account.current() ?? "trawl scan")
        var said = moved.map { "decision \($0.id) follows its file to \($0.path)" }
        let stale = try store.stale(against: loaded)
        if !stale.isEmpty {
            said.append("\(stale.count) decision\(stale.count == 1 ? "" : "s") match nothing in this report (numbers \(stale.map { String($0.id) }.joined(separator: ", "))): see `trawl triage stale`")
        }
        return said
    } catch {
        // The report is complete; the decisions keep their old path until the next run.
        return ["\(error)"]
    }
}

struct Triage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Take the DPO's decisions on a finding, a file, a folder or a type across a folder.",
        discussion: """
            Decisions live in one SQLite store (docs/decisions.md), keyed by what they are about: a finding by \
            its fingerprint and its file's content id, a file by its content id, so they follow a file that moves. \
            A decision must name something in the report given; who decides is --by or the account running the \
            command. Pass the store to scan, diff, review, export and serve with --decisions.
            """,
        subcommands: [Set.self, Close.self, List.self, Stale.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Take a decision.")
        @Option(help: ArgumentHelp("The decisions store (created if missing; a YAML file is migrated).", valueName: "file")) var decisions: String
        @Option(help: ArgumentHelp("The report the decision is about: what it names must be in it.", valueName: "file")) var report: String
        @Option(help: "A finding's fingerprint, as the report gives it (with --path).") var fingerprint: String?
        @Option(help: "The finding's file, as the report names it (archive members after '!/').") var path: String?
        @Option(help: "A whole file, as the report names it.") var file: String?
        @Option(help: "A folder: every finding under it, or, with --type, every finding of that type.") var folder: String?
        @Option(help: "A finding type across --folder (uk.nino, email, ...).") var type: String?
        @Option(help: "false_positive, own_data, accepted_risk, to_remediate or remediated.") var decision: String
        @Option(help: "Why (required).") var reason: String
        @Option(help: "Who remediates (required for to_remediate).") var owner: String?
        @Option(help: ArgumentHelp("When the accepted risk is reviewed (YYYY-MM-DD; required for accepted_risk).", valueName: "date")) var review: String?
        @Option(help: "Who decides (default: the account running the command).") var by: String?

        func scope() throws -> (DecisionScope, String) {
            switch (fingerprint, path, file, folder, type) {
            case (.some, .some(let p), nil, nil, nil): return (.finding, p)
            case (nil, nil, .some(let f), nil, nil): return (.file, f)
            case (nil, nil, nil, .some(let d), nil): return (.folder, d)
            case (nil, nil, nil, .some(let d), .some): return (.type, d)
            default: throw ValidationError("name one thing: --fingerprint with --path, --file, --folder, or --type with --folder")
            }
        }

        func validate() throws {
            guard DecisionKind(rawValue: decision) != nil else {
                throw ValidationError("--decision must be one of \(DecisionKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            _ = try scope()
        }

        func run() throws {
            let (scope, where_) = try scope()
            let who = try decider(by)
            let loaded: LoadedReport
            do { loaded = try LoadedReport.load(path: report) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            var d = StoredDecision(scope: scope, path: where_, fingerprint: fingerprint, type: type, kind: DecisionKind(rawValue: decision)!,
                                   reason: reason, owner: owner, reviewBy: review, by: who, at: Timestamp.string(Date()))
            let store = try openStore(decisions)
            do {
                try d.validate()
                try d.resolve(in: loaded)
                d = try store.add(d)
            } catch {
                printError("refused: \(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            print("decision \(d.id): \(d.kind.rawValue) on \(d.scope.rawValue) \(d.path)\(d.type.map { " (\($0))" } ?? "") by \(d.by)")
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a decision: it stops applying; its history stays.")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Option(help: "The decision's number (from `triage list`).") var id: Int64
        @Option(help: "Why (required).") var reason: String
        @Option(help: "Who closes it (default: the account running the command).") var by: String?

        func run() throws {
            let who = try decider(by)
            do { try openStore(decisions).close(id: id, by: who, reason: reason) } catch let e as DecisionError {
                printError("\(e)")
                throw ExitCode(1)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the open decisions, one a line.")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Flag(help: "Closed decisions too.") var all = false

        func run() throws {
            let store = try openStore(decisions)
            let list: [StoredDecision]
            do { list = try all ? store.all() : store.open() } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            for d in list {
                let what = d.scope == .finding ? "\(d.path) \(d.fingerprint ?? "")" : d.scope == .type ? "\(d.type ?? "") under \(d.path)" : d.path
                print("\(d.id)\t\(d.kind.rawValue)\t\(d.scope.rawValue)\t\(what)\t\(d.by)\t\(d.at)\t\(d.reason)\(d.isOpen ? "" : "\tclosed \(d.closedAt ?? "")")")
            }
        }
    }

    struct Stale: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stale", abstract: "List the open decisions that match nothing in a report, to be closed.",
            discussion: "Exit status: 0 none stale; 1 some stale; 2 the store or report could not be read.")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Option(help: ArgumentHelp("The report (usually the latest).", valueName: "file")) var report: String

        func run() throws {
            let loaded: LoadedReport
            do { loaded = try LoadedReport.load(path: report) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            let stale: [StoredDecision]
            do { stale = try openStore(decisions).stale(against: loaded) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            for d in stale {
                print("\(d.id)\t\(d.kind.rawValue)\t\(d.scope.rawValue)\t\(d.path)\(d.type.map { "\t\($0)" } ?? "")\tmatches nothing in the report: close with `trawl triage close --id \(d.id) --reason ...`")
            }
            if !stale.isEmpty { throw ExitCode(1) }
        }
    }
}

struct Decisions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Export or import the decisions store as JSON, print its history, or move it to a share's new path.",
        subcommands: [ExportJSON.self, ImportJSON.self, History.self, MoveRoot.self])

    struct Dump: Codable {
        var format = "trawl.decisions/2"
        var decisions: [StoredDecision]
        var history: [DecisionEvent]?
    }

    struct ExportJSON: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write every decision and the history as JSON.")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Option(name: [.short, .long], help: ArgumentHelp("Where to write ('-' for standard output).", valueName: "file")) var output = "-"

        func run() throws {
            let store = try openStore(decisions)
            let dump: Dump
            do { dump = Dump(decisions: try store.all(), history: try store.history()) } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try writeOutput(String(decoding: try encoder.encode(dump), as: UTF8.self) + "\n", to: output, what: "decisions")
        }
    }

    struct ImportJSON: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Add the open decisions of a JSON export to the store (new numbers; history says who imported them).")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Argument(help: "The JSON file (from `trawl decisions export`).") var file: String
        @Option(help: "Who imports (default: the account running the command).") var by: String?

        func run() throws {
            let who = try decider(by)
            guard let data = FileManager.default.contents(atPath: file) else { printError("\(file): cannot read"); throw ExitCode(ExitStatus.usageOrFatal) }
            let dump: Dump
            do { dump = try JSONDecoder().decode(Dump.self, from: data) } catch {
                printError("\(file): not a decisions export: \(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            let store = try openStore(decisions)
            var n = 0
            for var d in dump.decisions where d.isOpen {
                d.id = 0
                do { _ = try store.add(d); n += 1 } catch { printError("decision \(d.id) of \(file) refused: \(error)") }
            }
            print("imported \(n) decisions (by \(who))")
        }
    }

    struct MoveRoot: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move-root",
            abstract: "Point the decisions under a share's old path at its new one (a new mount point, the server's full name).",
            discussion: """
                A decision about a folder, or a type across a folder, is keyed by the folder's path, so a share \
                scanned under another path (/mnt/share after /srv/share, smb://fs01.college.local/hr after \
                smb://fs01/hr) needs its decisions moved once: every open decision at or under OLD is pointed at \
                the same place under NEW, with a line each in the history. Decisions on findings and files follow \
                their content anyway; their paths are moved too, as hints. OLD may be relative, as reports \
                wrote a share scanned by a relative path before they named every local root by its \
                absolute path; NEW must be absolute.
                """)
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String
        @Argument(help: "The share's path as the decisions name it.") var old: String
        @Argument(help: "The path it is scanned under from now on.") var new: String
        @Option(help: "Who moves them (default: the account running the command).") var by: String?

        func run() throws {
            let who = try decider(by)
            let moved: [StoredDecision]
            do { moved = try openStore(decisions).moveRoot(from: old, to: new, by: who) } catch {
                printError("\(error)")
                throw ExitCode(ExitStatus.usageOrFatal)
            }
            for d in moved { print("\(d.id)\t\(d.scope.rawValue)\t\(d.path)") }
            print("moved \(moved.count) decision\(moved.count == 1 ? "" : "s") (by \(who))")
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "Print the append-only history: who did what, when, why.")
        @Option(help: ArgumentHelp("The decisions store.", valueName: "file")) var decisions: String

        func run() throws {
            let events: [DecisionEvent]
            do { events = try openStore(decisions).history() } catch { printError("\(error)"); throw ExitCode(ExitStatus.usageOrFatal) }
            for e in events { print("\(e.at)\t\(e.by)\t\(e.action)\t\(e.decisionId)\t\(e.detail)") }
        }
    }
}
