// Scans of a real Active Directory domain (scripts/smb-domain, started by scripts/test as root,
// named by TRAWL_SMB_DOMAIN): a domain account's Kerberos ticket, got with kinit from its keytab,
// reads the domain controller's share; without a usable ticket the share is reported, not read;
// who may read a file is named as the domain names its accounts and groups; and a report written
// to standard output holds nothing but the report.
import Foundation
import Testing
import TrawlModel
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

/// The running domain controller: its folder, the share's folder, and what a client needs.
struct SMBDomain {
    let dir: URL
    /// //dc.trawl.test/files serves this folder.
    var share: URL { dir.appendingPathComponent("share") }
    var keytab: String { dir.appendingPathComponent("scanner.keytab").path }

    /// KRB5_CONFIG, NSS_WRAPPER_HOSTS and LD_PRELOAD, from DIR/env.
    var client: [String: String] {
        var out: [String: String] = [:]
        let text = (try? String(contentsOf: dir.appendingPathComponent("env"), encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            out[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return out
    }

    /// The Unix ids the server maps to the domain's account and groups, from DIR/ids.
    func id(_ name: String) -> String {
        let text = (try? String(contentsOf: dir.appendingPathComponent("ids"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) } ?? "?"
    }

    static var running: SMBDomain? {
        ProcessInfo.processInfo.environment["TRAWL_SMB_DOMAIN"].map { SMBDomain(dir: URL(fileURLWithPath: $0)) }
    }
}

@Suite(.serialized, .enabled(if: SMBDomain.running != nil, "needs scripts/smb-domain (scripts/test starts it as root)"))
struct SMBKerberos {
    let domain = SMBDomain.running!

    /// A scratch folder, and the environment of a scan whose ticket cache is in it.
    private func scratch() throws -> (dir: URL, environment: [String: String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-krb-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cache = "FILE:" + dir.appendingPathComponent("ccache").path
        return (dir, domain.client.merging(["KRB5CCNAME": cache]) { $1 })
    }

    /// Runs a Kerberos tool (kinit, klist) with the domain's client settings; its output.
    @discardableResult
    private func kerberos(_ tool: String, _ args: [String], _ environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + args
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(args)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Plants `files` (name: content) on the share, made by root with mode 644 unless changed.
    private func plant(_ files: [String: String]) throws {
        for (name, text) in files {
            let file = domain.share.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
    }

    private func clearShare() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: domain.share.path)) ?? [] {
            try? FileManager.default.removeItem(at: domain.share.appendingPathComponent(name))
        }
    }

    /// A name and a National Insurance number.
    private let record = "Student: Jane Doe\nNI number: AB 12 34 56 C\n"

    @Test func aTicketFromTheKeytabReadsTheShare() throws {
        clearShare()
        defer { clearShare() }
        try plant(["notes.txt": "Timetable for the autumn term.\n", "records/student.txt": record])
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try kerberos("kinit", ["-k", "-t", domain.keytab, "scanner@TRAWL.TEST"], environment)

        let run = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--quiet"], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.files.map(\.path.display).sorted() == ["smb://dc.trawl.test/files/notes.txt", "smb://dc.trawl.test/files/records/student.txt"])
        #expect(run.files.allSatisfy { $0.outcome == .scanned }, "\(run.stderr)")
        let student = try #require(run.files.first { $0.path.display.hasSuffix("/student.txt") })
        #expect(student.findings.map(\.type).sorted() == ["person.name", "uk.nino"])
        #expect(run.files.first { $0.path.display.hasSuffix("/notes.txt") }?.findings.isEmpty == true)
        // The session was Kerberos's: the file server's ticket is in the scan's cache.
        #expect(try kerberos("klist", [], environment).contains("cifs/dc.trawl.test@TRAWL.TEST"))
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func withoutATicketTheShareIsReportedNotRead() throws {
        clearShare()
        defer { clearShare() }
        try plant(["records/student.txt": record])
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }

        // An empty cache: no kinit.
        let none = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos"], environment: environment)
        #expect(none.status == 1, "\(none.stderr)")
        #expect(none.files.count == 1 && none.files.first?.outcome == .error, "\(none.stderr)")
        #expect(none.files.first?.issues?.first?.message.contains("no Kerberos ticket") == true, "\(none.files.first?.issues ?? [])")
        #expect(none.stderr.contains("smb://dc.trawl.test/files") && none.stderr.contains("kinit"), "\(none.stderr)")

        // A ticket, but the server named by its address: Kerberos needs its name.
        try kerberos("kinit", ["-k", "-t", domain.keytab, "scanner@TRAWL.TEST"], environment)
        let address = try trawl(["scan", "smb://127.0.0.3/files", "--smb-kerberos"], environment: environment)
        #expect(address.status == 1 && address.files.count == 1 && address.files.first?.outcome == .error, "\(address.stderr)")
        #expect(address.files.first?.issues?.first?.kind == .permission)
        #expect(address.stderr.contains("by its address"), "\(address.stderr)")
    }

    /// An anonymous session (no account, no ticket) cannot be encrypted: libsmbclient prints
    /// that failure on standard output when asked, which would put a line into a report
    /// written there.
    @Test func aReportOnStandardOutputIsOnlyTheReport() throws {
        let process = Process()
        process.executableURL = try binary()
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        process.arguments = ["scan", "smb://dc.trawl.test/files", "--output", "-", "--key-file", dir.appendingPathComponent("key").path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(process.terminationStatus == 1, "\(String(decoding: errData, as: UTF8.self))")
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "\(lines)")
        let records = try ReportReader.records(from: data)
        let root = records.compactMap { if case .file(let f) = $0 { f } else { nil } }
        #expect(root.count == 1 && root.first?.issues?.first?.kind == .permission)
    }

    /// Files owned by the domain's account and groups (the Unix ids the server maps them to),
    /// with modes and a POSIX ACL that the server shows as Windows ACLs.
    @Test func domainAccountsAndGroupsAreNamedFromTheDescriptor() throws {
        clearShare()
        defer { clearShare() }
        try plant(["staff.txt": record, "everyone.txt": record, "domain-users.txt": record])
        func path(_ name: String) -> String { domain.share.appendingPathComponent(name).path }
        let scanner = domain.id("scanner"), users = domain.id("Domain Users"), staff = domain.id("Staff")
        try runTool("chown", ["\(scanner):\(staff)", path("staff.txt")])
        try runTool("chmod", ["640", path("staff.txt")])
        try runTool("chown", ["\(scanner):\(users)", path("everyone.txt")])
        try runTool("chmod", ["644", path("everyone.txt")])
        try runTool("chown", ["0:\(users)", path("domain-users.txt")])
        try runTool("chmod", ["640", path("domain-users.txt")])
        try runTool("setfacl", ["-m", "g:\(staff):r", path("domain-users.txt")])
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try kerberos("kinit", ["-k", "-t", domain.keytab, "scanner@TRAWL.TEST"], environment)

        let run = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--quiet"], environment: environment)
        func entry(_ name: String) throws -> FileRecord {
            try #require(run.files.first { $0.path.display == "smb://dc.trawl.test/files/" + name }, "\(name): \(run.stderr)")
        }
        let staffFile = try entry("staff.txt"), everyoneFile = try entry("everyone.txt"), usersFile = try entry("domain-users.txt")
        #expect([staffFile, everyoneFile, usersFile].allSatisfy { $0.outcome == .scanned && $0.findings.map(\.type).sorted() == ["person.name", "uk.nino"] })
        // The domain's own account and its own group are accounts (a directory lookup would tell
        // a user from a group); Domain Users is one of a domain's standard groups; Everyone is other.
        #expect(staffFile.permissions?.owner == "TRAWL\\scanner")
        #expect(staffFile.permissions?.group == "TRAWL\\Staff")
        #expect(staffFile.permissions?.readers == ["account:TRAWL\\Staff", "account:TRAWL\\scanner"])
        #expect(everyoneFile.permissions?.readers == ["account:TRAWL\\scanner", "group:TRAWL\\Domain Users", "other"])
        #expect(everyoneFile.exposedTo == ["other"])
        // root is the domain's Administrator on a domain controller.
        #expect(usersFile.permissions?.owner == "TRAWL\\Administrator")
        #expect(usersFile.permissions?.readers == ["account:TRAWL\\Administrator", "account:TRAWL\\Staff", "group:TRAWL\\Domain Users"])
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }
}
