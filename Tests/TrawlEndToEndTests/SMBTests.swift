// Scans of a real Samba server (scripts/smb-server, started by scripts/test as root, named by
// TRAWL_SMB_SERVER): the Samples over SMB give what was planted, as a local scan does; who may
// read each file comes from its Windows security descriptor; every kind of failure is reported;
// and nothing on the share changes.
import Foundation
import Testing
import TrawlModel
import SMBClient
import TrawlReport

#if canImport(Glibc)
import Glibc
#endif

/// The running test server: its folder (credentials) and the folder its shares serve.
struct SMBServer {
    let dir: URL
    var credentials: String { dir.appendingPathComponent("credentials").path }
    /// FOLDER/samples is //HOST/samples (and /public), FOLDER/access is //HOST/access.
    var folder: URL {
        URL(fileURLWithPath: (try? String(contentsOf: dir.appendingPathComponent("folder"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }

    /// The address the server listens on: 127.0.0.1, as scripts/smb-server binds it, unless
    /// TRAWL_SMB_HOST names another.
    var host: String { ProcessInfo.processInfo.environment["TRAWL_SMB_HOST"] ?? "127.0.0.1" }
    /// The test account's name and password, from its credentials file.
    var account: (user: String, password: String) {
        var user = "", password = ""
        for line in ((try? String(contentsOfFile: credentials, encoding: .utf8)) ?? "").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 && parts[0] == "username" { user = parts[1] }
            if parts.count == 2 && parts[0] == "password" { password = parts[1] }
        }
        return (user, password)
    }

    static var running: SMBServer? {
        ProcessInfo.processInfo.environment["TRAWL_SMB_SERVER"].map { SMBServer(dir: URL(fileURLWithPath: $0)) }
    }
}

@Suite(.serialized, .enabled(if: SMBServer.running != nil, "needs scripts/smb-server (scripts/test starts it as root)"))
struct SMB {
    let server = SMBServer.running!

    @Test func samplesOverSMBGiveExactlyWhatWasPlanted() throws {
        let run = try trawl(["scan", "smb://\(server.host)/samples", "--smb-credentials", server.credentials,
                             "--exclude", "expected.json", "--show-values", "--quiet"])
        #expect(run.status == 1, "\(run.stderr)")
        // SMB names are Unicode: a name that is not UTF-8 on the server's disk is not shown to
        // clients (Samba leaves it out of listings), so that one planted file cannot be reached.
        try expectPlanted(run, under: "smb://\(server.host)/samples/") { String(validating: $0.rawPath, as: UTF8.self) != nil }
    }

    /// The test server offers SMB3 encryption (Samba's default): the server's own answer says
    /// so, and a scan that requires encryption reads the share; a guest cannot be encrypted, so
    /// requiring it without an account refuses the root.
    @Test func requiredEncryptionReadsAServerThatOffersIt() throws {
        let offer = try SMBEncryptionProbe.ask(host: server.host, timeout: 10)
        #expect(offer.encrypts && offer.dialect == "3.1.1")
        let run = try trawl(["scan", "smb://\(server.host)/samples/tables", "--smb-credentials", server.credentials,
                             "--smb-encryption", "require"])
        #expect(run.status == 0 && run.files.count > 3 && run.files.allSatisfy { $0.outcome == .scanned }, "\(run.stderr)")
        #expect(!run.stderr.contains("encrypt"), "\(run.stderr)")

        let guest = try trawl(["scan", "smb://\(server.host)/public/tables", "--smb-encryption", "require"])
        #expect(guest.status == 1 && guest.files.count == 1 && guest.files.first?.outcome == .error, "\(guest.stderr)")
        #expect(guest.files.first?.issues?.first?.message.contains("guest session cannot be encrypted") == true)
    }

    @Test func aGuestShareIsReadWithoutCredentials() throws {
        let run = try trawl(["scan", "smb://\(server.host)/public", "--exclude", "expected.json", "--quiet"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.files.count > 70)
        #expect(run.files.allSatisfy { $0.path.display.hasPrefix("smb://\(server.host)/public/") })
    }

    @Test func anUnchangedShareIsCarriedOverWithTheSameEntries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-smb-state-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["scan", "smb://\(server.host)/samples", "--smb-credentials", server.credentials, "--quiet",
                    "--state", dir.appendingPathComponent("state.db").path]
        let key = dir.appendingPathComponent("key").path
        let first = try trawl(args, key: key), second = try trawl(args, key: key)
        #expect(first.files.allSatisfy { $0.carriedOver != true })
        let carried = second.files.filter { $0.carriedOver == true && $0.members == nil }
        // Every file read whole is carried over; those not wholly read are read again.
        let whole = first.files.filter { $0.members == nil && $0.outcome == .scanned }
        #expect(carried.count >= whole.count - 5 && carried.count > 50, "carried \(carried.count) of \(whole.count)")
        #expect(Set(first.files.map { $0.path.display + "\($0.level)" }) == Set(second.files.map { $0.path.display + "\($0.level)" }))
    }

    /// Files of the access share, each readable by the test account and by some others, set with
    /// real modes and POSIX ACLs that Samba shows as Windows ACLs.
    @Test func whoMayReadComesFromTheSecurityDescriptor() throws {
        let access = server.folder.appendingPathComponent("access")
        let record = Data("Student: Jane Doe\nNI number: JT 48 27 93 C\n".utf8)
        for name in ["world.txt", "staff.txt", "students.txt", "locked.txt", "hidden/inside.txt"] {
            let file = access.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try record.write(to: file)
        }
        defer { for name in ["world.txt", "staff.txt", "students.txt", "locked.txt", "hidden"] {
            try? FileManager.default.removeItem(at: access.appendingPathComponent(name))
        } }
        func path(_ name: String) -> String { access.appendingPathComponent(name).path }
        try runTool("chmod", ["644", path("world.txt")])
        try runTool("chmod", ["640", path("staff.txt"), path("students.txt")])
        try runTool("setfacl", ["-m", "u:trawltest:r", path("staff.txt")])
        try runTool("setfacl", ["-m", "u:trawltest:r,g:users:r", path("students.txt")])
        try runTool("chmod", ["600", path("locked.txt")])
        try runTool("chmod", ["700", path("hidden")])
        let policy = access.deletingLastPathComponent().appendingPathComponent("policy-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: policy) }
        let base = try String(contentsOf: root.appendingPathComponent("Patterns/policy.yaml"), encoding: .utf8)
            .replacingOccurrences(of: #"(?m)^exposure:\n(  .*\n)*"#, with: "", options: .regularExpression)
        try Data((base + "\nexposure:\n  broad: [other, group:users]\n  levels: [Confidential, Restricted]\n").utf8).write(to: policy)

        let run = try trawl(["scan", "smb://\(server.host)/access", "--smb-credentials", server.credentials, "--quiet",
                             "--patterns", root.appendingPathComponent("Patterns").path, "--policy", policy.path])
        func entry(_ name: String) throws -> FileRecord {
            try #require(run.files.first { $0.path.display == "smb://\(server.host)/access/" + name }, "\(name): \(run.stderr)")
        }
        let world = try entry("world.txt"), staff = try entry("staff.txt"), students = try entry("students.txt")
        // 644: the owner, the owning group and everyone (Windows' Everyone is POSIX other).
        #expect(world.permissions?.readers == ["group:root", "other", "user:root"])
        #expect(world.exposedTo == ["other"])
        // The test account is a Samba account (a SID of the server's own domain, named
        // "SERVER\\trawltest"): whether such a SID is a user or a group takes a directory lookup,
        // so it is an "account:".
        func named(_ readers: [String]?) -> [String] {
            (readers ?? []).map { $0.hasPrefix("account:") && $0.hasSuffix("\\trawltest") ? "account:trawltest" : $0 }
        }
        #expect(named(staff.permissions?.readers) == ["account:trawltest", "group:root", "user:root"])
        #expect(staff.exposedTo == nil)
        #expect(named(students.permissions?.readers) == ["account:trawltest", "group:root", "group:users", "user:root"])
        #expect(students.exposedTo == ["group:users"])
        #expect([world, staff, students].allSatisfy { $0.level == .restricted && $0.permissions?.owner == "root" })
        // What the account may not read or list is in the ledger with the reason.
        let locked = try entry("locked.txt"), hidden = try entry("hidden")
        #expect(locked.outcome == .error && locked.issues?.first?.kind == .permission)
        #expect(hidden.outcome == .error && hidden.issues?.first?.kind == .permission)
        #expect(run.stderr.isEmpty)
    }

    @Test func wrongAccountsMissingSharesAndUnreachableServersAreReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trawl-smb-bad-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wrong = dir.appendingPathComponent("wrong").path
        try Data("username = trawltest\npassword = not-the-password\n".utf8).write(to: URL(fileURLWithPath: wrong))
        #expect(chmod(wrong, 0o600) == 0)
        let refused = try trawl(["scan", "smb://\(server.host)/samples", "--smb-credentials", wrong])
        #expect(refused.status == 1 && refused.files.count == 1 && refused.files[0].issues?.first?.kind == .permission)
        #expect(refused.stderr.contains("credentials were refused"), "\(refused.stderr)")

        let missing = try trawl(["scan", "smb://\(server.host)/no-such-share", "--smb-credentials", server.credentials])
        #expect(missing.status == 1 && missing.files.first?.outcome == .error, "\(missing.stderr)")
        #expect(missing.stderr.contains("smb://\(server.host)/no-such-share"))

        // Nothing listens on 127.0.0.2:445 (the server is bound to 127.0.0.1): refused at once.
        let unreachable = try trawl(["scan", "smb://127.0.0.2/samples", "--smb-timeout", "5"])
        #expect(unreachable.status == 1 && unreachable.files.first?.outcome == .error, "\(unreachable.stderr)")

        // Credentials others may read, or on the command line, are refused before anything is read.
        let open = dir.appendingPathComponent("open").path
        try Data("username = trawltest\npassword = x\n".utf8).write(to: URL(fileURLWithPath: open))
        #expect(chmod(open, 0o644) == 0)
        let loose = try trawl(["scan", "smb://\(server.host)/samples", "--smb-credentials", open])
        #expect(loose.status == 2 && loose.stderr.contains("chmod 600"), "\(loose.stderr)")
        let inline = try trawl(["scan", "smb://trawltest:secret@127.0.0.1/samples"])
        #expect(inline.status == 2 && inline.stderr.contains("--smb-credentials"), "\(inline.stderr)")
    }

    /// The nightly run with an SMB share, its account handed over as systemd hands a credential
    /// (mode 0400, which trawl would refuse as it is; trawl-nightly copies it, 0600, into the
    /// run's own folder).
    @Test func theNightlyRunReadsTheAccountAsACredential() throws {
        let dir = try scratchFolder("nightly-smb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("credentials"), runtime = dir.appendingPathComponent("runtime")
        for folder in [credentials, runtime] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        _ = FileManager.default.createFile(atPath: credentials.appendingPathComponent("fingerprint.key").path,
                                           contents: Data((0..<32).map { UInt8($0) }), attributes: [.posixPermissions: 0o400])
        let account = try Data(contentsOf: URL(fileURLWithPath: server.credentials))
        _ = FileManager.default.createFile(atPath: credentials.appendingPathComponent("smb.credentials").path, contents: account,
                                           attributes: [.posixPermissions: 0o440])
        let config = dir.appendingPathComponent("nightly.conf")
        try """
            SHARES=(smb://\(server.host)/samples/tables)
            SCAN_OPTIONS=(--quiet)
            STATE_DIR=\(dir.path)
            REPORTS_DIR=\(dir.path)
            """.write(to: config, atomically: true, encoding: .utf8)
        let result = try runScript(root.appendingPathComponent("deploy/trawl-nightly").path, [], environment: [
            "TRAWL_CONFIG": config.path, "TRAWL_BINARY": try binary().path, "CREDENTIALS_DIRECTORY": credentials.path,
            "RUNTIME_DIRECTORY": runtime.path,
        ])
        #expect(result.status == 0, "\(result.err)")
        let report = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix("report-") })
        let records = try ReportReader.records(from: Data(contentsOf: dir.appendingPathComponent(report)))
        let files = records.compactMap { if case .file(let f) = $0 { f } else { nil } }
        #expect(files.count > 3 && files.allSatisfy { $0.outcome == .scanned && $0.path.display.hasPrefix("smb://\(server.host)/samples/tables/") })
    }

    /// A server that takes the connection and never answers (a socket listening on loopback that
    /// nobody reads): the root is reported after the timeout, and the scan ends.
    @Test func aServerThatNeverAnswersCostsTheTimeoutNotTheNight() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0 && listen(fd, 8) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = UInt16(bigEndian: address.sin_port)
        let started = Date()
        let run = try trawl(["scan", "smb://127.0.0.1:\(port)/share", "--smb-timeout", "2"])
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 1 && run.files.count == 1 && run.files.first?.outcome == .error, "\(run.stderr)")
        #expect(run.stderr.contains("smb://127.0.0.1:\(port)/share") && run.stderr.contains("no answer from the server in time"), "\(run.stderr)")
        #expect(seconds >= 2 && seconds < 30, "took \(seconds) s")

        // With an account, the server is first asked whether it encrypts: that wait is the only
        // one (the library is not left to wait again).
        let asked = Date()
        let account = try trawl(["scan", "smb://127.0.0.1:\(port)/share", "--smb-timeout", "3", "--smb-credentials", server.credentials])
        let waited = Date().timeIntervalSince(asked)
        #expect(account.status == 1 && account.files.count == 1 && account.files.first?.outcome == .error, "\(account.stderr)")
        #expect(account.stderr.contains("no answer from the server in time"), "\(account.stderr)")
        #expect(waited >= 3 && waited < 5.5, "took \(waited) s")
    }

    /// Every file and folder of the share as the server's disk has it: content digest, size,
    /// mode, owner, and modification and change times (any write, rename or change of attributes
    /// or times moves the change time).
    @Test func aScanChangesNothingOnTheShare() throws {
        let samples = server.folder.appendingPathComponent("samples")
        func snapshot() throws -> [String: String] {
            var out: [String: String] = [:]
            let walker = FileManager.default.enumerator(atPath: samples.path)!
            while let name = walker.nextObject() as? String {
                var st = stat()
                // A name that is not UTF-8 does not survive the String path (it is counted all the same).
                guard lstat(samples.appendingPathComponent(name).path, &st) == 0 else { out[name] = "?"; continue }
                let data = (st.st_mode & S_IFMT) == S_IFREG ? (FileManager.default.contents(atPath: samples.appendingPathComponent(name).path) ?? Data()) : Data()
                out[name] = "\(data.hashValue) \(st.st_size) \(st.st_mode) \(st.st_uid) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
            }
            return out
        }
        let before = try snapshot()
        let run = try trawl(["scan", "smb://\(server.host)/samples", "--smb-credentials", server.credentials, "--quiet"])
        #expect(run.files.count > 70)
        let after = try snapshot()
        #expect(before.count == after.count && before.count > 60)
        #expect(before.filter { after[$0.key] != $0.value }.map(\.key).isEmpty, "changed on the share")
    }

    // Names, credentials files and state over SMB.

    /// A folder of the access share holding `names`, each with a planted NI number; removed after.
    func plant(_ names: [String], in folder: String, _ body: (URL) throws -> Void) throws {
        let base = server.folder.appendingPathComponent("access").appendingPathComponent(folder)
        defer { try? FileManager.default.removeItem(at: base) }
        for name in names {
            let file = base.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("Student: Jane Doe\nNI number: JT 48 27 93 C\n".utf8).write(to: file)
        }
        try body(base)
    }

    /// Names that a URL would take apart ("%", "#", "?", ";", "@", spaces) or that are not ASCII,
    /// a name of 255 bytes and a path of some 1,500 bytes: each is read, under its own name.
    @Test func namesThatAURLWouldTakeApartAreReadUnderTheirOwnNames() throws {
        let folder = "names-\(UUID())"
        let deep = (1...12).map { "level \($0) " + String(repeating: "d", count: 110) }.joined(separator: "/") + "/deep.txt"
        let names = ["100% sure.txt", "%41%zz%.txt", "a#b.txt", "semi;colon & plus+eq=at@.txt", "  spaced  name.txt",
                     "caf\u{E9} \u{2013} r\u{E9}sum\u{E9} \u{65E5}\u{672C}.txt", String(repeating: "n", count: 251) + ".txt",
                     "sub folder %2F/x.txt", deep]
        try plant(names, in: folder) { _ in
            let run = try trawl(["scan", "smb://\(server.host)/access/\(folder)", "--smb-credentials", server.credentials, "--quiet"])
            let found = Dictionary(run.files.map { ($0.path.display, $0) }, uniquingKeysWith: { a, _ in a })
            for name in names {
                let entry = found["smb://\(server.host)/access/\(folder)/\(name)"]
                #expect(entry?.outcome == .scanned && entry?.level == .restricted, "\(name): \(found.keys.sorted()) \(run.stderr)")
            }
            #expect(run.files.count == names.count, "\(found.keys.sorted())")
        }
    }

    /// The credentials file as editors and other tools write it: CRLF line ends, a byte order
    /// mark, tabs and spaces around "=", comments; each gives the same account.
    @Test func credentialsFilesAsEditorsWriteThemGiveTheSameAccount() throws {
        let dir = try scratchFolder("smb-credentials")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (user, password) = server.account
        let variants = [
            "crlf": "username = \(user)\r\npassword = \(password)\r\ndomain = TRAWLTEST\r\n",
            "bom": "\u{FEFF}username = \(user)\npassword = \(password)\n",
            "spacing": "# the scanning account\n; kept by IT\n\n\tusername\t=\t\(user)  \npassword=\(password)\n",
        ]
        for (name, text) in variants {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(chmod(path, 0o600) == 0)
            let run = try trawl(["scan", "smb://\(server.host)/samples/tables", "--smb-credentials", path, "--quiet"])
            #expect(run.status != 2 && run.files.count > 3 && run.files.allSatisfy { $0.outcome == .scanned }, "\(name): \(run.stderr)")
        }
    }

    /// A password holding "=", "#", ";" and spaces inside is the whole rest of its line (the
    /// test account is given such a password for the test, and its own back after).
    @Test func aPasswordHoldingEqualsAndHashIsTakenWhole() throws {
        let dir = try scratchFolder("smb-password")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (user, original) = server.account
        let conf = server.dir.appendingPathComponent("smb.conf").path
        func setPassword(_ password: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["smbpasswd", "-c", conf, "-s", user]
            let input = Pipe()
            p.standardInput = input
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            input.fileHandleForWriting.write(Data("\(password)\n\(password)\n".utf8))
            try input.fileHandleForWriting.close()
            p.waitUntilExit()
            try #require(p.terminationStatus == 0)
        }
        let odd = "p=ss #word; = x"
        try setPassword(odd)
        defer { try? setPassword(original) }
        let path = dir.appendingPathComponent("odd").path
        try Data("username = \(user)\npassword = \(odd)\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(chmod(path, 0o600) == 0)
        let run = try trawl(["scan", "smb://\(server.host)/samples/tables", "--smb-credentials", path, "--quiet"])
        #expect(run.status != 2 && run.files.count > 3 && run.files.allSatisfy { $0.outcome == .scanned }, "\(run.stderr)")
    }

    /// A file rewritten on the server at the same size: the modification and change times the
    /// server's listing gives differ, so the next run with the state reads it again while the
    /// unchanged file beside it is carried over. (Samba gives the modification time as the change
    /// time, so a rewrite that also puts the modification time back is not seen over Samba.)
    /// A run over a share killed midway (SIGKILL, once the state has committed a batch) leaves
    /// no report under its name, and the next run carries over what the killed one read.
    @Test func aRunKilledMidwayIsResumedFromTheState() throws {
        let folder = "killed-\(UUID())"
        let dir = try scratchFolder("smb-killed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try plant((0..<2000).map { "n\($0).txt" }, in: folder) { _ in
            let output = dir.appendingPathComponent("report.json")
            let state = dir.appendingPathComponent("state.db").path
            let key = dir.appendingPathComponent("key").path
            let root = "smb://\(server.host)/access/\(folder)"
            let process = Process()
            process.executableURL = try binary()
            process.arguments = ["scan", root, "--smb-credentials", server.credentials, "--output", output.path, "--state", state,
                                 "--key-file", key, "--quiet", "--jobs", "1"]
            try process.run()
            let deadline = Date().addingTimeInterval(300)
            while Date() < deadline, process.isRunning {
                if let rows = try? String(contentsOfFile: state + "-wal", encoding: .isoLatin1), rows.count > 200_000 { break }
                usleep(20_000)
            }
            try #require(process.isRunning, "the scan ended before it could be killed midway")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(!FileManager.default.fileExists(atPath: output.path), "no partial report under the output name")

            let next = try trawl(["scan", root, "--smb-credentials", server.credentials, "--state", state, "--quiet"], key: key)
            #expect(next.status == 0, "\(next.stderr)")
            #expect(next.files.count == 2000 && next.files.allSatisfy { $0.level == .restricted })
            let carried = next.summary?.filesCarriedOver ?? 0
            #expect(carried > 0 && carried < 2000, "work of the killed run is reused: \(carried) carried over")
        }
    }

    @Test func aFileRewrittenAtTheSameSizeIsReadAgain() throws {
        let folder = "carry-\(UUID())"
        let dir = try scratchFolder("smb-carry")
        defer { try? FileManager.default.removeItem(at: dir) }
        try plant(["record.txt", "other.txt"], in: folder) { base in
            let args = ["scan", "smb://\(server.host)/access/\(folder)", "--smb-credentials", server.credentials, "--quiet",
                        "--state", dir.appendingPathComponent("state.db").path]
            let key = dir.appendingPathComponent("key").path
            let first = try trawl(args, key: key)
            #expect(first.files.count == 2 && first.files.allSatisfy { $0.level == .restricted }, "\(first.stderr)")
            let record = base.appendingPathComponent("record.txt")
            let replaced = Data("Student: Jane Doe\nNI number: withheld, n/a\n".utf8)
            try #require(replaced.count == Data("Student: Jane Doe\nNI number: JT 48 27 93 C\n".utf8).count)
            Thread.sleep(forTimeInterval: 1.1)
            try replaced.write(to: record)
            let second = try trawl(args, key: key)
            let entry = try #require(second.files.first { $0.path.display.hasSuffix("/record.txt") }, "\(second.stderr)")
            #expect(entry.carriedOver != true && !entry.findings.contains { $0.type == "uk.nino" } && !entry.findings.isEmpty)
            let other = try #require(second.files.first { $0.path.display.hasSuffix("/other.txt") })
            #expect(other.carriedOver == true && other.level == .restricted)
        }
    }

    /// A link on the server back to a folder above it (Samba follows links and shows them as
    /// folders): each file is read once and the link is a skipped entry with why, not a walk
    /// round the loop until the path is too long.
    @Test func aLinkLoopOnTheShareIsWalkedOnce() throws {
        let folder = "loop-\(UUID())"
        try plant(["a.txt", "inner/b.txt"], in: folder) { base in
            #expect(symlink("..", base.appendingPathComponent("inner/up").path) == 0)
            let run = try trawl(["scan", "smb://\(server.host)/access/\(folder)", "--smb-credentials", server.credentials, "--quiet"])
            let prefix = "smb://\(server.host)/access/\(folder)/"
            let scanned = run.files.filter { $0.outcome == .scanned }.map { String($0.path.display.dropFirst(prefix.count)) }
            #expect(scanned.sorted() == ["a.txt", "inner/b.txt"], "\(run.files.count) entries")
            let loops = run.files.filter { $0.issues?.first?.kind == .symlink }.map { String($0.path.display.dropFirst(prefix.count)) }
            #expect(loops == ["inner/up"], "\(run.stderr)")
        }
    }
}

/// A timeout that is not a number, is endless, or is under a millisecond (0 to the library, which
/// then waits for ever) is refused before anything is read.
@Suite struct SMBTimeoutOption {
    @Test func aTimeoutThatWouldNeverEndIsRefused() throws {
        for value in ["nan", "inf", "1e300", "0.0001"] {
            let run = try trawl(["scan", "smb://127.0.0.9/share", "--smb-timeout", value])
            #expect(run.status == 2 && run.stderr.contains("--smb-timeout"), "\(value): \(run.status) \(run.stderr)")
        }
    }
}
