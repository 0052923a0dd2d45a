// The nightly run's own scripts in deploy/, run for real: trawl-prune-reports keeps what the
// retention setting says and touches nothing else; trawl-nightly scans into a dated report that
// its group may read, says what changed since the last report, then prunes; trawl-notify hands
// its message to the configured command, and says so when nobody can be told.
import Foundation
import Testing
import TrawlReport

@Suite struct PruneReports {
    @Test func keepsTheNewestNightsAndTheFirstOfEachMonthAndNothingElseIsTouched() throws {
        let dir = try scratchFolder("prune")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A night each day from 2026-08-20 to 2026-12-06, and a second report on 2026-12-06.
        var names: [String] = []
        var day = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 8, day: 20).date!
        let last = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 12, day: 6).date!
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd"
        while day <= last {
            names.append("report-\(format.string(from: day))T013000.json")
            day += 86_400
        }
        names.append("report-2026-12-06T140000.json")
        for name in names { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data("{}\n".utf8)) }
        // Not reports of the nightly run: left as they are.
        let others = ["notes.txt", "report-latest.json", "report-2026-01-01T000000.json.bak"]
        for name in others { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("report-2026-01-02T000000.json"), withIntermediateDirectories: false)
        let outside = dir.appendingPathComponent("outside.json")
        _ = FileManager.default.createFile(atPath: outside.path, contents: Data("keep".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("report-2026-01-03T000000.json").path, withDestinationPath: outside.path)
        // A killed run's partial file: an old one goes, one of tonight's run stays.
        let oldPartial = dir.appendingPathComponent(".report-2026-11-01T013000.json.partial-123")
        let newPartial = dir.appendingPathComponent(".report-2026-12-07T013000.json.partial-456")
        _ = FileManager.default.createFile(atPath: oldPartial.path, contents: Data())
        _ = FileManager.default.createFile(atPath: newPartial.path, contents: Data())
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3 * 86_400)], ofItemAtPath: oldPartial.path)

        let result = try runScript(root.appendingPathComponent("deploy/trawl-prune-reports").path, [dir.path, "5", "3"])
        #expect(result.status == 0, "\(result.err)")

        // Five newest nights, and the first of the three newest months (October, November, December).
        let kept = ["report-2026-12-06T140000.json", "report-2026-12-06T013000.json", "report-2026-12-05T013000.json",
                    "report-2026-12-04T013000.json", "report-2026-12-03T013000.json",
                    "report-2026-12-01T013000.json", "report-2026-11-01T013000.json", "report-2026-10-01T013000.json"]
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        let expected = Set(kept + others + ["report-2026-01-02T000000.json", "report-2026-01-03T000000.json", "outside.json",
                                            newPartial.lastPathComponent])
        #expect(left == expected, "left: \(left.subtracting(expected)), missing: \(expected.subtracting(left))")
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep")
    }

    @Test func refusesASettingThatIsNotANumber() throws {
        let dir = try scratchFolder("prune-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("report-2026-12-01T013000.json").path, contents: Data())
        let result = try runScript(root.appendingPathComponent("deploy/trawl-prune-reports").path, [dir.path, "thirty", "12"])
        #expect(result.status == 2)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report-2026-12-01T013000.json").path))
    }
}

@Suite(.serialized) struct NightlyScript {
    @Test func scansIntoADatedReportItsGroupMayReadThenPrunes() throws {
        let dir = try scratchFolder("nightly")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state"), reports = dir.appendingPathComponent("reports")
        let credentials = dir.appendingPathComponent("credentials")
        for folder in [state, reports, credentials] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        // The key as systemd hands it over (LoadCredential=): the reports folder never holds it.
        let key = credentials.appendingPathComponent("fingerprint.key")
        _ = FileManager.default.createFile(atPath: key.path, contents: Data((0..<32).map { UInt8($0) }), attributes: [.posixPermissions: 0o400])
        for old in ["report-2026-01-01T013000.json", "report-2026-01-02T013000.json", "report-2026-01-03T013000.json"] {
            _ = FileManager.default.createFile(atPath: reports.appendingPathComponent(old).path, contents: Data())
        }
        let config = dir.appendingPathComponent("nightly.conf")
        try """
            SHARES=("\(root.path)/Samples")
            SCAN_OPTIONS=(--exclude expected.json --quiet)
            STATE_DIR=\(state.path)
            REPORTS_DIR=\(reports.path)
            KEEP_NIGHTS=2
            KEEP_MONTHS=0
            """.write(to: config, atomically: true, encoding: .utf8)

        let result = try runScript(root.appendingPathComponent("deploy/trawl-nightly").path, [], environment: [
            "TRAWL_CONFIG": config.path, "TRAWL_BINARY": try binary().path, "CREDENTIALS_DIRECTORY": credentials.path,
        ])
        // Samples hold a corrupt zip and encrypted members: a complete night with status 1.
        #expect(result.status == 1, "\(result.err)")
        let left = try FileManager.default.contentsOfDirectory(atPath: reports.path).sorted()
        #expect(left.count == 2 && left.first == "report-2026-01-03T013000.json", "\(left)")
        let tonight = try #require(left.last)
        #expect(tonight.range(of: #"^report-\d{4}-\d{2}-\d{2}T\d{6}\.json$"#, options: .regularExpression) != nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: reports.appendingPathComponent(tonight).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        let records = try ReportReader.records(from: Data(contentsOf: reports.appendingPathComponent(tonight)))
        #expect(records.contains { if case .summary = $0 { true } else { false } })
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("state.db").path))
        #expect(!left.contains { $0.contains("key") })
        // The newest earlier report is an empty file: said so, and the night is still complete.
        #expect(result.err.contains("trawl-nightly: could not compare with report-2026-01-03T013000.json"), "\(result.err)")
    }

    @Test func saysWhatChangedSinceTheLastNight() throws {
        let dir = try scratchFolder("nightly-since")
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: credentials.appendingPathComponent("fingerprint.key").path,
                                           contents: Data((0..<32).map { UInt8($0) }), attributes: [.posixPermissions: 0o400])
        func night(_ shares: String) throws -> (status: Int32, err: String) {
            let config = dir.appendingPathComponent("nightly.conf")
            try """
                SHARES=("\(root.path)/\(shares)")
                SCAN_OPTIONS=(--exclude expected.json --quiet)
                STATE_DIR=\(dir.path)
                REPORTS_DIR=\(dir.path)
                """.write(to: config, atomically: true, encoding: .utf8)
            let result = try runScript(root.appendingPathComponent("deploy/trawl-nightly").path, [], environment: [
                "TRAWL_CONFIG": config.path, "TRAWL_BINARY": try binary().path, "CREDENTIALS_DIRECTORY": credentials.path,
            ])
            Thread.sleep(forTimeInterval: 1.1)  // reports are named to the second
            return result
        }
        let first = try night("Samples/tables")
        #expect(first.status == 0, "\(first.err)")
        #expect(!first.err.contains("since"), "no earlier report to compare with: \(first.err)")
        // The whole of Samples after one folder of it: files are new and levels rose (trawl diff
        // exits 1), yet the night's status is the scan's (1: the corrupt and encrypted samples).
        let second = try night("Samples")
        #expect(second.status == 1, "\(second.err)")
        let since = second.err.split(separator: "\n").filter { $0.hasPrefix("trawl-nightly: since report-") }
        #expect(since.count == 2 && since.first?.contains(": findings: ") == true && since.last?.contains(": files: ") == true, "\(second.err)")
        #expect(!second.err.contains("could not compare"), "\(second.err)")
        // The same tree again: nothing added, nothing resolved.
        let third = try night("Samples")
        #expect(third.err.contains(": findings: 0 added, 0 resolved, "), "\(third.err)")
        #expect(third.err.contains(": files: 0 new, 0 gone, 0 moved, 0 copied; levels: 0 rose, 0 fell"), "\(third.err)")
    }

    @Test func withNoSharesNothingIsScannedAndTheNightFails() throws {
        let dir = try scratchFolder("nightly-empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("nightly.conf")
        try "SHARES=()\nREPORTS_DIR=\(dir.path)\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runScript(root.appendingPathComponent("deploy/trawl-nightly").path, [], environment: [
            "TRAWL_CONFIG": config.path, "TRAWL_BINARY": try binary().path, "CREDENTIALS_DIRECTORY": dir.path,
        ])
        #expect(result.status == 2)
        #expect(result.err.contains("names no SHARES"), "\(result.err)")
    }
}

@Suite struct NotifyScript {
    @Test func runsTheCommandWithTheMessageOnItsInput() throws {
        let dir = try scratchFolder("notify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let told = dir.appendingPathComponent("told.txt"), config = dir.appendingPathComponent("nightly.conf")
        try """
            NOTIFY_COMMAND='cat >"\(told.path)"; echo "unit=$TRAWL_FAILED_UNIT host=$TRAWL_HOST" >>"\(told.path)"'
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try runScript(root.appendingPathComponent("deploy/trawl-notify").path, ["trawl-nightly.service"],
                                   environment: ["TRAWL_CONFIG": config.path])
        #expect(result.status == 0, "\(result.err)")
        let message = try String(contentsOf: told, encoding: .utf8)
        #expect(message.hasPrefix("Trawl's nightly scan failed on "), "\(message)")
        #expect(message.contains("unit: trawl-nightly.service\n"))
        #expect(message.contains("journalctl -u trawl-nightly.service"))
        #expect(message.contains("unit=trawl-nightly.service host="))
    }

    @Test func withNoWayToTellAnyoneItSaysSoAndFails() throws {
        let dir = try scratchFolder("notify-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("nightly.conf")
        try "NOTIFY_MAIL=\nNOTIFY_COMMAND=\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try runScript(root.appendingPathComponent("deploy/trawl-notify").path, ["trawl-nightly.service"],
                                   environment: ["TRAWL_CONFIG": config.path])
        #expect(result.status == 1)
        #expect(result.err.contains("nobody was told: set NOTIFY_MAIL or NOTIFY_COMMAND"), "\(result.err)")
    }
}
