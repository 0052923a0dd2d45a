// The worker processes that read PDF, legacy Office and OCR: a file that keeps poppler busy past
// the per-file time limit is killed and reported, a file past the memory limit is reported, the
// scan goes on with a new worker each time, and no worker outlives a scan killed with SIGKILL.
import Foundation
import Testing
import TrawlModel
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

/// A one-page PDF whose page draws `runs` words on top of one another: poppler's text layout
/// takes time that grows with the square of the words it must order (about 10 s for 30,000).
func overlappingTextPDF(runs: Int) -> [UInt8] {
    var content = ""
    for i in 0..<runs { content += "BT /F1 12 Tf 100 700 Td (W\(i)) Tj ET\n" }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    var out = "%PDF-1.4\n"
    var offsets: [Int] = []
    for (i, o) in objects.enumerated() {
        offsets.append(out.utf8.count)
        out += "\(i + 1) 0 obj\n\(o)\nendobj\n"
    }
    let xref = out.utf8.count
    out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
    for o in offsets { out += String(format: "%010d 00000 n \n", o) }
    out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
    return Array(out.utf8)
}

@Suite(.serialized) struct WorkerProcesses {
    func share(_ files: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-worker-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    @Test func aPDFPastTheTimeLimitIsKilledAndTheScanGoesOn() throws {
        let dir = try share([
            "a-slow.pdf": overlappingTextPDF(runs: 30_000),
            "b-notes.txt": Array("NI number AB 12 34 56 C\n".utf8),
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples/pdf/enrolment-confirmation.pdf"),
                                         to: dir.appendingPathComponent("c-enrolment.pdf"))
        let started = Date()
        let run = try trawl(["scan", dir.path, "--max-seconds-per-file", "2", "--jobs", "1", "--show-values"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.status == 1)
        #expect(elapsed < 8, "took \(elapsed) s")
        let slow = run.files.first { $0.path.display.hasSuffix("a-slow.pdf") }
        #expect(slow?.outcome == .error)
        #expect(slow?.issues?.first?.kind == .limitExceeded)
        #expect(slow?.issues?.first?.message.contains("time limit of 2 s") == true)
        // The next files are read, the PDF by a new worker.
        #expect(run.files.first { $0.path.display.hasSuffix("b-notes.txt") }?.findings.map(\.value) == ["AB 12 34 56 C"])
        let pdf = run.files.first { $0.path.display.hasSuffix("c-enrolment.pdf") }
        #expect(pdf?.outcome == .scanned)
        #expect(pdf?.findings.isEmpty == false)
    }

    @Test func aWorkerPastTheMemoryLimitIsReportedAndReplaced() throws {
        // A PDF of 120 MiB (a page and a stream of padding no page uses): the worker holds the
        // request and the document's bytes, past an address space of 256 MiB.
        var big = overlappingTextPDF(runs: 1)
        big.insert(contentsOf: Array("6 0 obj\n<< /Length \(120 << 20) >>\nstream\n".utf8) + [UInt8](repeating: 0x41, count: 120 << 20)
                   + Array("\nendstream\nendobj\n".utf8), at: big.count - 6)
        let dir = try share(["a-big.pdf": big, "b-notes.txt": Array("NI number AB 12 34 56 C\n".utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: root.appendingPathComponent("Samples/pdf/enrolment-confirmation.pdf"),
                                         to: dir.appendingPathComponent("c-enrolment.pdf"))
        let run = try trawl(["scan", dir.path, "--max-memory-per-file", "256M", "--jobs", "1"])
        #expect(run.status == 1)
        let entry = run.files.first { $0.path.display.hasSuffix("a-big.pdf") }
        #expect(entry?.outcome == .error)
        #expect(entry?.issues?.first?.kind == .unreadable)
        #expect(entry?.issues?.first?.message.contains("memory limit of 256 MiB") == true, "\(entry?.issues ?? [])")
        // The scan goes on: the text, and the next PDF in a new worker.
        #expect(run.files.first { $0.path.display.hasSuffix("b-notes.txt") }?.findings.count == 1)
        #expect(run.files.first { $0.path.display.hasSuffix("c-enrolment.pdf") }?.findings.isEmpty == false)
    }

    @Test func noWorkerOutlivesAScanKilledWithSIGKILL() throws {
        let dir = try share(["slow.pdf": overlappingTextPDF(runs: 60_000)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let scan = Process()
        scan.executableURL = try binary()
        scan.arguments = ["scan", dir.path, "--output", dir.appendingPathComponent("report.json").path,
                          "--key-file", dir.appendingPathComponent("key").path, "--quiet"]
        try scan.run()
        // Wait for the worker to start reading.
        var worker: Int32?
        for _ in 0..<100 where worker == nil {
            usleep(50_000)
            worker = children(of: scan.processIdentifier).first
        }
        let child = try #require(worker)
        kill(scan.processIdentifier, SIGKILL)
        scan.waitUntilExit()
        var gone = false
        for _ in 0..<40 where !gone {
            usleep(50_000)
            gone = processState(child).map { $0 == "Z" || $0 == "X" } ?? true
        }
        #expect(gone, "worker \(child) still running after its scan was killed")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.json").path))
    }

    /// Process ids whose parent is `pid` (from /proc).
    func children(of pid: Int32) -> [Int32] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return all.compactMap(Int32.init).filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }

    /// The state letter of a process (R, S, Z...), nil when there is none.
    func processState(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return String(stat[stat.index(close, offsetBy: 2)])
    }
}
