// Whether each SMB server is read encrypted: its offer asked once before its first root is read
// (`SMBEncryptionProbe`), and what `--smb-encryption` makes of the answer.
//
// libsmbclient encrypts a session whenever the server offers it and the context asks, but reads a
// server that offers none in the clear (signed) even when encryption is required, so the refusal
// is made here: `require` refuses such a server's roots with the reason in the ledger; `request`
// reads them signed and says once that they are not encrypted. A guest session has no key to
// encrypt with, so `require` without an account refuses every root.
//
// Limits, in docs/operations.md: the probe asks the first address of the server's name that
// answers, which is the library's too unless the name has several (round-robin DNS); and a DFS
// referral to another server is followed by the library without a probe of that server.
import Synchronization
import SMBClient
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

final class ServerEncryption: Sendable {
    private let settings: SMBSettings
    private let notices: @Sendable (String) -> Void
    /// Each server's offer, by "host" or "host:port" as its roots name it: asked under that
    /// server's own lock, so that servers are asked at once and an unreachable one delays only
    /// the roots on it.
    private let offers = Mutex<[String: ServerOffer]>([:])

    /// One server's offer, asked once.
    private final class ServerOffer: Sendable {
        let answer = Mutex<Result<SMBEncryptionProbe.Offer, SMBError>?>(nil)
    }

    init(settings: SMBSettings, notices: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.notices = notices
    }

    /// Why the root at `path` ("smb://server/share...") must not be read; nil when it may.
    func check(root path: [UInt8]) -> ScanIssue? {
        let guest = settings.username == nil && !settings.kerberos
        switch settings.encryption {
        case .off: return nil
        case .request where guest: return nil
        case .require where guest:
            return ScanIssue(.permission, "--smb-encryption require needs an account (--smb-credentials or --smb-kerberos): a guest session cannot be encrypted")
        case .request, .require: break
        }
        guard let server = Self.server(path) else { return nil }
        let key = server.port.map { "\(server.host):\($0)" } ?? server.host
        var asked = false
        let entry = offers.withLock { known in
            if let entry = known[key] { return entry }
            let entry = ServerOffer()
            known[key] = entry
            return entry
        }
        let answer = entry.answer.withLock { known in
            if let known { return known }
            let answer: Result<SMBEncryptionProbe.Offer, SMBError>
            do throws(SMBError) { answer = .success(try SMBEncryptionProbe.ask(host: server.host, port: server.port ?? 445, timeout: Double(settings.timeoutMilliseconds) / 1000)) } catch {
                answer = .failure(error)
            }
            known = answer
            asked = true
            return answer
        }
        switch (answer, settings.encryption) {
        case (.success(let offer), _) where offer.encrypts:
            return nil
        case (.success(let offer), .require):
            return ScanIssue(.permission, "the server offers no SMB3 encryption (it chose SMB \(offer.dialect)) and --smb-encryption require was given: not read (--smb-encryption request reads such a server signed, unencrypted)")
        case (.success(let offer), _):
            if asked { notices("smb://\(key): the server offers no SMB3 encryption (it chose SMB \(offer.dialect)): read signed, unencrypted (--smb-encryption require refuses such a server)") }
            return nil
        case (.failure(let error), .require):
            return SMBSource.issue(SMBError(code: error.code, "cannot ask whether the server encrypts: \(error.description)"))
        case (.failure(let error), _) where error.code == ETIMEDOUT:
            // A server that takes no connection or gives no answer in time: reported now, rather
            // than waited for again by the library.
            return SMBSource.issue(error)
        case (.failure, _):
            // Anything else (a NetBIOS name with no address here, port 445 refused where the
            // library may use 139, an answer the request could not read): the library makes its
            // own connection and reports its own failure.
            return nil
        }
    }

    /// The server of an "smb://[user@]host[:port]/..." path: its host (without the brackets of
    /// an IPv6 address) and port.
    static func server(_ path: [UInt8]) -> (host: String, port: UInt16?)? {
        let text = String(decoding: path, as: UTF8.self)
        guard text.lowercased().hasPrefix("smb://") else { return nil }
        var authority = Substring(text.dropFirst("smb://".count).prefix { $0 != "/" })
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var port: UInt16?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]"), let number = UInt16(authority[authority.index(after: colon)...]) {
            port = number
            authority = authority[..<colon]
        }
        if authority.hasPrefix("[") && authority.hasSuffix("]") { authority = authority.dropFirst().dropLast() }
        return authority.isEmpty ? nil : (String(authority), port)
    }
}
