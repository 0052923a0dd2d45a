// `trawl serve`: the review desk in the browser over a reports folder and the decisions store
// (docs/review.md). The command only reads its options and starts TrawlServe.
import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import TrawlDecisions
import TrawlServe

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the review desk: runs, files, findings (masked) and decisions, in the browser.",
        discussion: """
            Listens on 127.0.0.1 by default and prints a random access token at start: open the address, paste \
            the token. Decisions taken in the browser go into the same store as `trawl triage`, under the token's \
            user (--user, default the account running serve) or, behind a reverse proxy with single sign-on, the \
            user the proxy names in --trust-user-header (docs/review.md).
            """)

    @Option(help: ArgumentHelp("The folder of reports (one per run: *.json, *.jsonl).", valueName: "dir")) var reports: String
    @Option(help: ArgumentHelp("The decisions store (created if missing; a YAML file is migrated).", valueName: "file")) var decisions: String
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0: any free port, printed at start).") var port = 8600
    @Option(help: "Who decisions taken with the token are recorded as (default: the account running serve).") var user: String?
    @Option(help: ArgumentHelp("Trust this header, set by a reverse proxy after single sign-on, to name the user.", valueName: "name"))
    var trustUserHeader: String?
    @Option(help: "The page's title.") var title = "Trawl desk"

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: reports, isDirectory: &isDirectory), isDirectory.boolValue else {
            printError("\(reports): not a folder of reports")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        let who = try decider(user)
        let desk: Desk
        do { desk = try Desk(reportsFolder: reports, decisions: decisions) } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
        let access = Access(tokenUser: who, trustedUserHeader: trustUserHeader)
        if !["127.0.0.1", "::1", "localhost"].contains(host) && trustUserHeader == nil {
            printError("warning: listening on \(host), beyond this machine; put serve behind a reverse proxy with TLS (docs/review.md)")
        }
        let (host, title) = (self.host, self.title)
        let failure = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await DeskServer.run(desk: desk, access: access, host: host, port: port, title: title) { bound in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    // Written unbuffered: whoever started serve reads the address and token at once.
                    FileHandle.standardOutput.write(Data("""
                        trawl serve: http://\(shown):\(bound)/
                        trawl serve: access token \(access.token) (decisions recorded as \(who))

                        """.utf8))
                } ready: { run, files, seconds in
                    FileHandle.standardOutput.write(Data("trawl serve: read \(run) (\(files) files) in \(String(format: "%.1f", seconds)) s\n".utf8))
                }
            } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) {
            printError("serve: \(error)")
            throw ExitCode(ExitStatus.usageOrFatal)
        }
    }
}
