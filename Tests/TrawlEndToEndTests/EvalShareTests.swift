// The realistic evaluation share (scripts/eval-share.py) at a small scale: every file it plants is
// read by the built binary, and its scorer (scripts/eval-share-score.py) gives a report that agrees
// with the truth full marks and counts a Confidential file reported lower. The figures Trawl gets
// on the share are measured by scripts/eval-share and recorded in docs/evaluation.md, not asserted.
import Foundation
import Testing

@Suite(.serialized) struct EvaluationShare {
    func python(_ script: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("scripts/\(script)").path] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "\(script) \(args)")
        return String(decoding: data, as: UTF8.self)
    }

    func scores(_ dir: URL, _ report: URL) throws -> [String: Any] {
        let json = dir.appendingPathComponent("scores-\(UUID()).json")
        _ = try python("eval-share-score.py", [dir.path, report.path, "--json", json.path])
        return try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
    }

    /// A report in Trawl's format that says exactly what the truth says, with `downgrade` (a file)
    /// reported Restricted and its values left out.
    func truthReport(_ truth: [String: Any], share: String, downgrade: String? = nil) -> Data {
        var lines = [#"{"type":"begin","data":{}}"#]
        let files = truth["files"] as! [String: [String: Any]]
        for (rel, t) in files.sorted(by: { $0.key < $1.key }) {
            let values = rel == downgrade ? [] : (t["values"] as! [[String: String]])
            let data: [String: Any] = [
                "path": ["text": share + "/" + rel], "outcome": "scanned", "reasons": [],
                "level": rel == downgrade ? "Restricted" : t["level"] as! String,
                "findings": values.map { ["type": $0["type"]!, "value": $0["value"]!] }]
            let line = try! JSONSerialization.data(withJSONObject: ["type": "file", "data": data], options: [.sortedKeys])
            lines.append(String(decoding: line, as: UTF8.self))
        }
        lines.append(#"{"type":"summary","data":{}}"#)
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    @Test func everyPlantedFileIsReadAndTheScorerAgreesWithTheTruth() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-evalshare-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try python("eval-share.py", [dir.path, "--seed", "11", "--scale", "0.3"])
        let share = dir.appendingPathComponent("share").resolvingSymlinksInPath().path
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("truth.json"))) as! [String: Any]
        let files = truth["files"] as! [String: [String: Any]]
        #expect(files.count > 80)

        // Trawl reads every file of the share: none is missing from the report or left unread.
        let report = dir.appendingPathComponent("report.json")
        let scan = Process()
        scan.executableURL = try binary()
        scan.arguments = ["scan", share, "--output", report.path, "--show-values", "--quiet",
                          "--key-file", dir.appendingPathComponent("key").path]
        try scan.run()
        scan.waitUntilExit()
        #expect(scan.terminationStatus == 0)
        let measured = try scores(dir, report)
        #expect((measured["unread"] as! [String]).isEmpty, "\(measured["unread"]!)")
        #expect(measured["files"] as! Int == files.count)

        // A report that says what the truth says scores full marks on every type and every file.
        let perfect = dir.appendingPathComponent("perfect.json")
        try truthReport(truth, share: share).write(to: perfect)
        let full = try scores(dir, perfect)
        #expect(full["right"] as! Int == files.count)
        #expect(full["confidential_lower"] as! Int == 0)
        for (type, counts) in full["types"] as! [String: [String: Int]] {
            #expect(counts["fp", default: 0] == 0, "\(type)")
            #expect(counts["fn", default: 0] == 0, "\(type)")
        }
        let planted = files.values.reduce(0) { $0 + ($1["values"] as! [Any]).count }
        let found = (full["types"] as! [String: [String: Int]]).values.reduce(0) { $0 + $1["tp", default: 0] }
        #expect(found == planted)

        // One Confidential file reported Restricted without its values: one wrong, one lower.
        let confidential = files.filter { $0.value["level"] as! String == "Confidential" }.keys.sorted().first!
        let lower = dir.appendingPathComponent("lower.json")
        try truthReport(truth, share: share, downgrade: confidential).write(to: lower)
        let one = try scores(dir, lower)
        #expect(one["right"] as! Int == files.count - 1)
        #expect(one["confidential_lower"] as! Int == 1)
        #expect(one["wrong"] as! [String] == [confidential])
        let missed = (one["types"] as! [String: [String: Int]]).values.reduce(0) { $0 + $1["fn", default: 0] }
        #expect(missed == (files[confidential]!["values"] as! [Any]).count)
    }
}
