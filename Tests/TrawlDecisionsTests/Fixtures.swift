// Reports written by hand for the decisions tests: each file, finding, fingerprint and content id
// is planted here, so what a test expects comes from this text, not from Trawl's output.
import Foundation
import TrawlReport

struct Scratch {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-decisions-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// One planted file: path, content id and findings as (type, fingerprint).
struct PlantedFile {
    var path: String
    var content: String
    var findings: [(String, String)]
}

func report(_ files: [PlantedFile]) throws -> LoadedReport {
    var lines = [#"{"type":"begin","data":{"schema":"trawl.report/1","tool":"trawl 0.1.0","started":"2026-12-01T00:00:00Z","roots":[{"text":"/srv/share"}],"options":{},"patterns":{"id":"p","name":"p"},"policy":{"id":"q","name":"q"},"key_id":"k1"}}"#]
    for f in files {
        let findings = f.findings.map { t, fp in
            #"{"type":"\#(t)","pattern":"\#(t)","level":"Restricted","confidence":"high","location":{"offset":0},"masked":"AB****","fingerprint":"\#(fp)","evidence":[]}"#
        }.joined(separator: ",")
        lines.append(#"{"type":"file","data":{"path":{"text":"\#(f.path)"},"size":10,"outcome":"scanned","level":"Restricted","reasons":[],"findings":[\#(findings)],"content_id":"\#(f.content)"}}"#)
    }
    let s = try Scratch()
    defer { s.remove() }
    let p = s.path("r.json")
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: p))
    return try LoadedReport.load(path: p)
}

let nino = "hmac-sha256:k1:aaaa"
let email = "hmac-sha256:k1:bbbb"
let staff = PlantedFile(path: "/srv/share/hr/staff.csv", content: "hmac-sha256:k1:c1", findings: [("uk.nino", nino), ("email", email)])
let notes = PlantedFile(path: "/srv/share/hr/notes.txt", content: "hmac-sha256:k1:c2", findings: [("email", email)])
let plan = PlantedFile(path: "/srv/share/it/plan.txt", content: "hmac-sha256:k1:c3", findings: [("uk.nino", "hmac-sha256:k1:dddd")])
