// Scans of a real Active Directory domain (scripts/smb-domain, started by scripts/test as root,
// named by TRAWL_SMB_DOMAIN): a domain account's Kerberos ticket, got with kinit from its keytab,
// reads the domain controller's share; without a usable ticket the share is reported, not read;
// who may read a file is named as the domain names its accounts and groups; and a report written
// to standard output holds nothing but the report.
import Foundation
import Testing
import TrawlModel
import SMBClient
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
    /// The account "scanner"'s password: the domain's Administrator password with "-s".
    var scannerPassword: String {
        ((try? String(contentsOf: dir.appendingPathComponent("admin-password"), encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines) + "-s"
    }

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

    /// `trawl scan ARGS --output -` (its key in `dir`): its status, standard output and error.
    private func scanToStandardOutput(_ args: [String], dir: URL, environment: [String: String]) throws -> (Int32, Data, String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["scan"] + args + ["--output", "-", "--key-file", dir.appendingPathComponent("key").path]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, data, stderr)
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
    private let record = "Student: Jane Doe\nNI number: JT 48 27 93 C\n"

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
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, data, stderr) = try scanToStandardOutput(["smb://dc.trawl.test/files"], dir: dir, environment: environment)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(status == 1, "\(stderr)")
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "\(lines)")
        let records = try ReportReader.records(from: data)
        let root = records.compactMap { if case .file(let f) = $0 { f } else { nil } }
        #expect(root.count == 1 && root.first?.issues?.first?.kind == .permission)
    }

    /// A credentials file with `--smb-kerberos`: the library gets the ticket with the file's
    /// password, with no ticket cache to start from. That it is Kerberos and not a password
    /// sent to the server: the same file fails when the realm's KDC cannot be reached.
    @Test func aPasswordFromTheCredentialsFileGetsTheTicket() throws {
        clearShare()
        defer { clearShare() }
        try plant(["records/student.txt": record])
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        func credentials(_ name: String, _ lines: String) throws -> String {
            let path = dir.appendingPathComponent(name).path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(lines.utf8), attributes: [.posixPermissions: 0o600]))
            return path
        }
        let realm = try credentials("realm", "username = scanner\npassword = \(domain.scannerPassword)\ndomain = TRAWL.TEST\n")
        let principal = try credentials("principal", "username = scanner@TRAWL.TEST\npassword = \(domain.scannerPassword)\n")
        for file in [realm, principal] {
            let run = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--smb-credentials", file, "--smb-encryption", "off", "--quiet"],
                                environment: environment)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.files.map(\.path.display) == ["smb://dc.trawl.test/files/records/student.txt"], "\(run.stderr)")
            #expect(run.files.first?.findings.map(\.type).sorted() == ["person.name", "uk.nino"])
        }

        // No KDC answers for the realm: the sign-in fails, and nothing is read.
        let nowhere = dir.appendingPathComponent("krb5.conf")
        try Data("[libdefaults]\n    default_realm = TRAWL.TEST\n    dns_lookup_kdc = false\n[realms]\n    TRAWL.TEST = {\n        kdc = 127.0.0.9\n    }\n".utf8)
            .write(to: nowhere)
        let noKDC = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--smb-credentials", realm, "--smb-encryption", "off"],
                              environment: environment.merging(["KRB5_CONFIG": nowhere.path]) { $1 })
        #expect(noKDC.status == 1 && noKDC.files.count == 1 && noKDC.files.first?.outcome == .error, "\(noKDC.stderr)")
        #expect(noKDC.files.first?.issues?.first?.message.contains("Kerberos sign-in with the credentials file's account failed") == true,
                "\(noKDC.files.first?.issues ?? [])")

        // The NetBIOS domain is not the realm.
        let netbios = try credentials("netbios", "username = scanner\npassword = \(domain.scannerPassword)\ndomain = TRAWL\n")
        let wrongRealm = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--smb-credentials", netbios, "--smb-encryption", "off"],
                                   environment: environment)
        #expect(wrongRealm.status == 1 && wrongRealm.files.first?.outcome == .error, "\(wrongRealm.stderr)")
        #expect(wrongRealm.stderr.contains("must name the Kerberos realm"), "\(wrongRealm.stderr)")

        // A wrong password.
        let wrong = try credentials("wrong", "username = scanner\npassword = not-the-password\ndomain = TRAWL.TEST\n")
        let refused = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos", "--smb-credentials", wrong, "--smb-encryption", "off"],
                                environment: environment)
        #expect(refused.status == 1 && refused.files.first?.outcome == .error, "\(refused.stderr)")
        #expect(refused.stderr.contains("a wrong password"), "\(refused.stderr)")
    }

    /// The domain controller offers no SMB3 encryption (scripts/smb-domain sets it so, as older
    /// servers and NAS boxes are): its own answer says so; `require` refuses the share, reading
    /// nothing, and a report written to standard output stays the report alone; `request` reads
    /// it and says it was not encrypted.
    @Test func requiredEncryptionRefusesAServerThatOffersNone() throws {
        clearShare()
        defer { clearShare() }
        try plant(["records/student.txt": record])
        let offer = try SMBEncryptionProbe.ask(host: "127.0.0.3", timeout: 10)
        #expect(!offer.encrypts && offer.dialect == "3.1.1")
        let (dir, environment) = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try kerberos("kinit", ["-k", "-t", domain.keytab, "scanner@TRAWL.TEST"], environment)

        let (status, data, stderr) = try scanToStandardOutput(["smb://dc.trawl.test/files", "--smb-kerberos", "--smb-encryption", "require"],
                                                              dir: dir, environment: environment)
        #expect(status == 1, "\(stderr)")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "\(lines)")
        let files = try ReportReader.records(from: data).compactMap { if case .file(let f) = $0 { f } else { nil } }
        #expect(files.count == 1 && files.first?.path.display == "smb://dc.trawl.test/files" && files.first?.outcome == .error)
        #expect(files.first?.issues?.first?.message.contains("the server offers no SMB3 encryption") == true, "\(files.first?.issues ?? [])")

        let requested = try trawl(["scan", "smb://dc.trawl.test/files", "--smb-kerberos"], environment: environment)
        #expect(requested.status == 0 && requested.files.first?.outcome == .scanned, "\(requested.stderr)")
        #expect(requested.stderr.contains("smb://dc.trawl.test: the server offers no SMB3 encryption (it chose SMB 3.1.1): read signed, unencrypted"),
                "\(requested.stderr)")
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
