// The account an SMB scan uses, from a credentials file in the format smbclient (`-A`) and
// mount.cifs (`credentials=`) already read: `username = `, `password = ` and `domain = ` lines.
// Credentials are never taken from the command line, where any user of the machine can read
// them (`ps`); the file must be readable by its owner only.
import Foundation
import SMBClient

#if canImport(Glibc)
import Glibc
#endif

enum SMBCredentialsFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads `path` into `settings`' account.
    /// - Throws: `Failure` when the file cannot be read, is readable by others than its owner, or
    ///   holds a line that is not one of the three settings.
    static func load(_ path: String, into settings: inout SMBSettings) throws(Failure) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw Failure(description: "\(path): not a regular file") }
        if st.st_mode & 0o077 != 0 {
            throw Failure(description: "\(path): readable by others than its owner (mode \(String(st.st_mode & 0o777, radix: 8))); refused: chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(path): cannot be read as UTF-8 text")
        }
        // Lines ended by CR LF (a file saved on Windows) as well as by LF.
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw Failure(description: "\(path):\(number + 1): expected 'name = value'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "username", "user": settings.username = value
            case "password", "pass": settings.password = value
            case "domain", "workgroup": settings.domain = value
            default: throw Failure(description: "\(path):\(number + 1): unknown setting '\(key)' (username, password, domain)")
            }
        }
        if settings.username == nil { throw Failure(description: "\(path): no 'username = ' line") }
    }
}

/// An SMB root as given on the command line: "smb://server/share[/path]".
enum SMBRoot {
    /// Why `root` cannot be scanned as written, if it cannot.
    static func problem(_ root: String) -> String? {
        let rest = root.dropFirst("smb://".count)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true)
        if let host = parts.first, host.contains("@") {
            return "\(root): credentials are not taken from the command line; give them with --smb-credentials FILE or TRAWL_SMB_CREDENTIALS"
        }
        if parts.count < 2 { return "\(root): name a share, as smb://server/share or smb://server/share/folder" }
        return nil
    }
}
