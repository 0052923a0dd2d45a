// SMB file shares read through libsmbclient, opened with dlopen when the first share is read.
//
// Design decision: one `SMBConnection` (a libsmbclient context, with its own sessions with the
// servers) per thread that uses it, and every call into the library made under one process-wide
// lock. libsmbclient (Samba 4.17) keeps per-process state that all its contexts share (its talloc
// stack frames, the loaded smb.conf) and exports no thread set-up: two contexts used from two
// threads at once corrupt it (tried: "Freed frame" warnings, then a crash). Serialized, the
// calls are safe, and a pool of workers still overlaps one file's transfer with the extraction
// and search of others, which is where a scan spends its time. Everything is read-only: there is no call here that writes, renames or sets anything
// on a server. It knows nothing of Trawl.
import CSMBClient
import DynamicLibrary
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A failed call, with the system error the library set and a message in its words.
public struct SMBError: Error, Sendable, CustomStringConvertible {
    /// The errno the library set (0 when the library could not be loaded).
    public var code: Int32
    public var description: String

    public init(code: Int32, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// How to reach the servers: who to be, how long to wait, what to require.
public struct SMBSettings: Sendable, Equatable {
    public enum Encryption: String, Sendable, CaseIterable {
        /// Not asked for.
        case off
        /// Asked for; a server that does not offer it is read without.
        case request
        /// Required: a server that refuses it is not read.
        case require
    }

    /// nil: a guest (anonymous) session, or the ticket cache's principal when `kerberos` is set.
    public var username: String?
    public var password: String?
    public var domain: String?
    /// Use the Kerberos ticket cache of the account running the scan.
    public var kerberos = false
    public var encryption: Encryption = .request
    /// Longest wait for a connection or a reply, in milliseconds.
    public var timeoutMilliseconds = 20_000

    public init() {}
}

/// A path's type and size and times, as the server reports them.
public struct SMBStatus: Sendable {
    public var isDirectory: Bool
    public var isRegular: Bool
    public var size: Int
    public var modified: Double
    public var changed: Double
    public var fileId: UInt64

    init(_ st: stat) {
        let type = st.st_mode & S_IFMT
        isDirectory = type == S_IFDIR
        isRegular = type == S_IFREG
        size = Int(st.st_size)
        modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        changed = Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
        fileId = UInt64(st.st_ino)
    }
}

/// One libsmbclient context: its own sessions with the servers, used by one thread at a time.
public final class SMBConnection {
    private let library: SMBLibrary
    private let context: UnsafeMutablePointer<SMBCCTX>
    /// The account the library asks for when it connects (through the context's user data).
    private let account: Account

    /// - Throws: `SMBError` when the library cannot be loaded or the context cannot be set up.
    public init(_ settings: SMBSettings) throws(SMBError) {
        let library = try SMBLibrary.load()
        self.library = library
        let account = Account(settings)
        self.account = account
        context = try SMBLibrary.serialized { () throws(SMBError) in try library.makeContext(settings, account: account) }
    }

    deinit {
        let (library, context) = (library, context)
        SMBLibrary.serialized { _ = library.freeContext(context, 1) }
    }

    /// The entries of the folder at `url` ("smb://server/share/path"), with what the server says
    /// of each ("." and ".." left out).
    public func list(_ url: String, _ body: (_ name: [UInt8], _ status: SMBStatus) -> Void) throws(SMBError) {
        // The whole listing under the lock: entries are read from the library's buffers.
        try SMBLibrary.serialized { () throws(SMBError) in try listLocked(url, body) }
    }

    private func listLocked(_ url: String, _ body: (_ name: [UInt8], _ status: SMBStatus) -> Void) throws(SMBError) {
        guard let dir = url.withCString({ library.opendir(context)!(context, $0) }) else {
            throw error("list \(url)")
        }
        defer { _ = library.closedir(context)!(context, dir) }
        let next = library.readdirplus2(context)!
        var st = stat()
        errno = 0
        while let info = next(context, dir, &st) {
            guard let cName = info.pointee.name else { continue }
            let name = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cName).assumingMemoryBound(to: UInt8.self), count: strlen(cName)))
            if name == [46] || name == [46, 46] { continue }
            body(name, SMBStatus(st))
            errno = 0
        }
        if errno != 0 && errno != ENOENT { throw error("list \(url)") }
    }

    public func status(_ url: String) throws(SMBError) -> SMBStatus {
        try SMBLibrary.serialized { () throws(SMBError) in
            var st = stat()
            guard url.withCString({ library.stat(context)!(context, $0, &st) }) == 0 else { throw error("stat \(url)") }
            return SMBStatus(st)
        }
    }

    /// Opens the file at `url` for reading only.
    public func open(_ url: String) throws(SMBError) -> SMBFile {
        let file = try SMBLibrary.serialized { () throws(SMBError) in
            guard let file = url.withCString({ library.open(context)!(context, $0, O_RDONLY, 0) }) else {
                throw error("open \(url)")
            }
            return file
        }
        return SMBFile(connection: self, file: file)
    }

    /// The value of the extended attribute `name` of `url` as text (libsmbclient gives security
    /// descriptors as "REVISION:1,OWNER:...,ACL:..." text), read into a buffer of up to 64 KiB.
    public func attribute(_ url: String, _ name: String) throws(SMBError) -> String {
        var size = 4096
        while true {
            var buffer = [UInt8](repeating: 0, count: size)
            let (got, code) = SMBLibrary.serialized {
                let got = buffer.withUnsafeMutableBytes { raw in
                    url.withCString { u in name.withCString { n in library.getxattr(context)!(context, u, n, raw.baseAddress, raw.count) } }
                }
                return (got, errno)
            }
            if got >= 0 {
                let end = buffer.firstIndex(of: 0) ?? min(Int(got), buffer.count)
                return String(decoding: buffer[..<end], as: UTF8.self)
            }
            if code == ERANGE && size < 65536 { size *= 4; continue }
            throw SMBError(code: code, "read \(name) of \(url): \(String(cString: strerror(code)))")
        }
    }

    /// The bytes read (0 at the end), and the errno of a failure (-1 bytes).
    fileprivate func read(_ file: OpaquePointer, into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, code: Int32) {
        SMBLibrary.serialized {
            let n = library.read(context)!(context, file, buffer.baseAddress, buffer.count)
            return (n, n < 0 ? errno : 0)
        }
    }

    fileprivate func rewind(_ file: OpaquePointer) -> Int32? {
        SMBLibrary.serialized { library.lseek(context)!(context, file, 0, SEEK_SET) == 0 ? nil : errno }
    }

    fileprivate func close(_ file: OpaquePointer) {
        SMBLibrary.serialized { _ = library.close(context)!(context, file) }
    }

    private func error(_ doing: String) -> SMBError {
        let code = errno
        return SMBError(code: code, "\(doing): \(String(cString: strerror(code)))")
    }
}

/// A file open for reading on a share; closed when released. Belongs to its connection's thread.
public final class SMBFile {
    private let connection: SMBConnection
    private let file: OpaquePointer

    fileprivate init(connection: SMBConnection, file: OpaquePointer) {
        self.connection = connection
        self.file = file
    }

    deinit { connection.close(file) }

    /// Reads up to `buffer.count` bytes; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SMBError) -> Int {
        let (n, code) = connection.read(file, into: buffer)
        if n < 0 { throw SMBError(code: code, "read: \(String(cString: strerror(code)))") }
        return n
    }

    /// Goes back to the start of the file.
    public func rewind() throws(SMBError) {
        if let code = connection.rewind(file) { throw SMBError(code: code, "seek: \(String(cString: strerror(code)))") }
    }
}

/// The library's calls, looked up once.
private final class SMBLibrary: Sendable {
    /// The lock every call into the library is made under (see the design note above).
    private static let lock = Mutex<Void>(())

    static func serialized<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try lock.withLock { _ throws(E) in try body() }
    }
    private static let loaded = Mutex<Result<SMBLibrary, SMBError>?>(nil)

    static func load() throws(SMBError) -> SMBLibrary {
        let result = loaded.withLock { cached -> Result<SMBLibrary, SMBError> in
            if let cached { return cached }
            let made: Result<SMBLibrary, SMBError>
            do { made = .success(try SMBLibrary()) } catch { made = .failure(SMBError(code: 0, "libsmbclient: \(error)")) }
            cached = made
            return made
        }
        return try result.get()
    }

    let newContext: trawl_smbc_new_context
    let initContext: trawl_smbc_init_context
    let freeContext: trawl_smbc_free_context
    let setDebug: trawl_smbc_set_int
    let setTimeout: trawl_smbc_set_int
    let setKerberos: trawl_smbc_set_bool
    let setFallbackAfterKerberos: trawl_smbc_set_bool
    let setDebugToStandardError: trawl_smbc_set_bool
    let setCCache: trawl_smbc_set_bool
    let setNoAutoAnonymous: trawl_smbc_set_bool
    let setEncryption: trawl_smbc_set_encryption
    let setProtocols: trawl_smbc_set_protocols
    let setUserData: trawl_smbc_set_user_data
    let getUserData: trawl_smbc_get_user_data
    let setAuthentication: trawl_smbc_set_authentication
    let open: trawl_smbc_get_open
    let read: trawl_smbc_get_read
    let lseek: trawl_smbc_get_lseek
    let close: trawl_smbc_get_close
    let stat: trawl_smbc_get_stat
    let opendir: trawl_smbc_get_opendir
    let closedir: trawl_smbc_get_closedir
    let readdirplus2: trawl_smbc_get_readdirplus2
    let getxattr: trawl_smbc_get_getxattr

    private init() throws(LoadError) {
        let lib = try DynamicLibrary(["libsmbclient.so.0", "libsmbclient.so"])
        newContext = try lib.function("smbc_new_context", as: trawl_smbc_new_context.self)
        initContext = try lib.function("smbc_init_context", as: trawl_smbc_init_context.self)
        freeContext = try lib.function("smbc_free_context", as: trawl_smbc_free_context.self)
        setDebug = try lib.function("smbc_setDebug", as: trawl_smbc_set_int.self)
        setTimeout = try lib.function("smbc_setTimeout", as: trawl_smbc_set_int.self)
        setKerberos = try lib.function("smbc_setOptionUseKerberos", as: trawl_smbc_set_bool.self)
        setFallbackAfterKerberos = try lib.function("smbc_setOptionFallbackAfterKerberos", as: trawl_smbc_set_bool.self)
        setDebugToStandardError = try lib.function("smbc_setOptionDebugToStderr", as: trawl_smbc_set_bool.self)
        setCCache = try lib.function("smbc_setOptionUseCCache", as: trawl_smbc_set_bool.self)
        setNoAutoAnonymous = try lib.function("smbc_setOptionNoAutoAnonymousLogin", as: trawl_smbc_set_bool.self)
        setEncryption = try lib.function("smbc_setOptionSmbEncryptionLevel", as: trawl_smbc_set_encryption.self)
        setProtocols = try lib.function("smbc_setOptionProtocols", as: trawl_smbc_set_protocols.self)
        setUserData = try lib.function("smbc_setOptionUserData", as: trawl_smbc_set_user_data.self)
        getUserData = try lib.function("smbc_getOptionUserData", as: trawl_smbc_get_user_data.self)
        setAuthentication = try lib.function("smbc_setFunctionAuthDataWithContext", as: trawl_smbc_set_authentication.self)
        open = try lib.function("smbc_getFunctionOpen", as: trawl_smbc_get_open.self)
        read = try lib.function("smbc_getFunctionRead", as: trawl_smbc_get_read.self)
        lseek = try lib.function("smbc_getFunctionLseek", as: trawl_smbc_get_lseek.self)
        close = try lib.function("smbc_getFunctionClose", as: trawl_smbc_get_close.self)
        stat = try lib.function("smbc_getFunctionStat", as: trawl_smbc_get_stat.self)
        opendir = try lib.function("smbc_getFunctionOpendir", as: trawl_smbc_get_opendir.self)
        closedir = try lib.function("smbc_getFunctionClosedir", as: trawl_smbc_get_closedir.self)
        readdirplus2 = try lib.function("smbc_getFunctionReaddirPlus2", as: trawl_smbc_get_readdirplus2.self)
        getxattr = try lib.function("smbc_getFunctionGetxattr", as: trawl_smbc_get_getxattr.self)
    }

    func makeContext(_ settings: SMBSettings, account: Account) throws(SMBError) -> UnsafeMutablePointer<SMBCCTX> {
        guard let context = newContext() else { throw SMBError(code: errno, "smbc_new_context failed") }
        setDebug(context, 0)
        // The library's messages ("Kinit for ... failed") on standard error, not standard output.
        setDebugToStandardError(context, 1)
        setTimeout(context, Int32(clamping: settings.timeoutMilliseconds))
        // SMB 2.1 at the least: SMB1 is neither signed by default nor safe.
        _ = setProtocols(context, "SMB2_10", "SMB3")
        // A guest (anonymous) session has no session key to encrypt with, so a request for
        // encryption can only fail, and the library prints that failure on standard output,
        // where it would become a line of a report written there ("--output -").
        let guest = settings.username == nil && !settings.kerberos
        switch settings.encryption {
        case .off: setEncryption(context, SMBC_ENCRYPTLEVEL_NONE)
        case .request: setEncryption(context, guest ? SMBC_ENCRYPTLEVEL_NONE : SMBC_ENCRYPTLEVEL_REQUEST)
        case .require: setEncryption(context, SMBC_ENCRYPTLEVEL_REQUIRE)
        }
        setKerberos(context, settings.kerberos ? 1 : 0)
        setCCache(context, settings.kerberos ? 1 : 0)
        setFallbackAfterKerberos(context, 0)
        // A wrong password is an error, never quietly a guest session.
        setNoAutoAnonymous(context, settings.username == nil && !settings.kerberos ? 0 : 1)
        // The library asks for the account through a C callback, which finds it in the
        // context's user data (the connection keeps the account alive as long as the context).
        setUserData(context, Unmanaged.passUnretained(account).toOpaque())
        setAuthentication(context, authenticate)
        guard initContext(context) != nil else {
            let code = errno
            _ = freeContext(context, 0)
            throw SMBError(code: code, "smbc_init_context: \(String(cString: strerror(code)))")
        }
        return context
    }
}

/// The account a context connects as, as C strings for the authentication callback. An empty
/// user name is a guest (anonymous) session.
final class Account: Sendable {
    let user: [CChar]
    let password: [CChar]
    let domain: [CChar]

    /// The user name given for a Kerberos session without an account of its own. libsmbclient
    /// takes an empty name for an anonymous session and never tries Kerberos for it; with a
    /// ticket cache and no password the name is not used (the ticket's principal is), but the
    /// library shows it when Kerberos is not possible ("Kerberos auth with 'NAME@...'").
    static let kerberosUser = "kerberos-ticket"

    init(_ settings: SMBSettings) {
        user = Array((settings.username ?? (settings.kerberos ? Account.kerberosUser : "")).utf8CString)
        password = Array((settings.password ?? "").utf8CString)
        domain = Array((settings.domain ?? "").utf8CString)
    }
}

/// The library's request for an account: filled from the `Account` in the context's user data.
/// Values longer than the library's buffers are cut (and then refused by the server).
private let authenticate: smbc_get_auth_data_with_context_fn = { context, _, _, workgroup, workgroupLength, user, userLength, password, passwordLength in
    guard let context, let library = try? SMBLibrary.load(), let raw = library.getUserData(context) else { return }
    let account = Unmanaged<Account>.fromOpaque(raw).takeUnretainedValue()
    func fill(_ value: [CChar], _ buffer: UnsafeMutablePointer<CChar>?, _ length: Int32) {
        guard let buffer, length > 0 else { return }
        let n = min(value.count - 1, Int(length) - 1)
        for i in 0..<n { buffer[i] = value[i] }
        buffer[n] = 0
    }
    if account.domain.count > 1 { fill(account.domain, workgroup, workgroupLength) }
    fill(account.user, user, userLength)
    fill(account.password, password, passwordLength)
}
