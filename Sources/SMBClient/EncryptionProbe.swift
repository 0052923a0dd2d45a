// Whether an SMB server offers SMB3 encryption: asked with one SMB2 NEGOTIATE of our own.
//
// Why our own request: libsmbclient (Samba 4.17) does not refuse a server without encryption
// when the context requires it: the share's session goes on signed but in the clear, and the
// library only prints a line on standard output. It has no call that says whether a session is
// encrypted either. A server's offer is in its answer to the first request of every connection
// (MS-SMB2 2.2.3 and 2.2.4): for SMB 3.1.1 a cipher in its encryption negotiate context, for 3.0
// and 3.0.2 the encryption capability; SMB 2.x has none. So the scan asks once per server before
// it reads, and refuses a server that offers none where encryption is required.
#if canImport(Glibc)
import Glibc
#endif

public enum SMBEncryptionProbe {
    /// The server's answer: whether it offers encryption, and the dialect it chose.
    public struct Offer: Sendable, Equatable {
        public var encrypts: Bool
        /// The dialect as MS-SMB2 writes it ("3.1.1", "3.0.2", "2.1"...).
        public var dialect: String
    }

    /// Asks `host` on `port` (one NEGOTIATE, then the connection is closed), waiting at most
    /// `timeout` seconds in all.
    /// - Throws: `SMBError` when the server cannot be reached or its answer cannot be read.
    public static func ask(host: String, port: UInt16 = 445, timeout: Double) throws(SMBError) -> Offer {
        let deadline = monotonic() + max(0.001, timeout)
        let fd = try connect(host: host, port: port, deadline: deadline)
        defer { close(fd) }
        try send(request(), to: fd, deadline: deadline)
        let header = try receive(4, from: fd, deadline: deadline)
        let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        // An error answer is the SMB2 header and a 9-byte body; a negotiate answer is longer.
        guard header[0] == 0, length >= 64 + 9, length <= 1 << 16 else {
            throw SMBError(code: EPROTO, "\(host): not an SMB2 answer to a negotiate request")
        }
        return try offer(in: receive(length, from: fd, deadline: deadline), host: host)
    }

    /// The dialects asked for: SMB 2.1 (the least the scan accepts) to 3.1.1.
    static let dialects: [UInt16] = [0x0210, 0x0300, 0x0302, 0x0311]

    /// The NEGOTIATE request with its NetBIOS session header: the SMB2 header, the request, the
    /// dialects, then the two negotiate contexts 3.1.1 needs (pre-authentication integrity with
    /// SHA-512, and the ciphers AES-128-GCM, AES-128-CCM, AES-256-GCM, AES-256-CCM).
    static func request() -> [UInt8] {
        var m: [UInt8] = []
        func u16(_ v: UInt16) { m += [UInt8(v & 0xff), UInt8(v >> 8)] }
        func u32(_ v: UInt32) { for i in 0..<4 { m.append(UInt8((v >> (8 * UInt32(i))) & 0xff)) } }
        func zeros(_ n: Int) { m += [UInt8](repeating: 0, count: n) }
        // SMB2 header: protocol id, structure size 64, credit charge, status, command 0
        // (NEGOTIATE), one credit, flags, next command, message id, process id, tree id, session
        // id, signature.
        m += [0xfe, 0x53, 0x4d, 0x42]
        u16(64); u16(0); u32(0); u16(0); u16(1); u32(0); u32(0); zeros(8); u32(0); u32(0); zeros(8); zeros(16)
        let contextsAt = (64 + 36 + dialects.count * 2 + 7) / 8 * 8
        u16(36); u16(UInt16(dialects.count))
        u16(1)  // security mode: signing enabled
        u16(0)
        u32(0x40)  // capabilities: encryption
        for _ in 0..<16 { m.append(UInt8.random(in: 0...255)) }  // client GUID
        u32(UInt32(contextsAt)); u16(2); u16(0)
        for dialect in dialects { u16(dialect) }
        zeros(contextsAt - m.count)
        u16(1); u16(38); u32(0); u16(1); u16(32); u16(1)  // SHA-512, a 32-byte salt
        for _ in 0..<32 { m.append(UInt8.random(in: 0...255)) }
        zeros((m.count + 7) / 8 * 8 - m.count)
        u16(2); u16(10); u32(0); u16(4); u16(2); u16(1); u16(4); u16(3)
        let length = m.count
        return [0, UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + m
    }

    /// Reads the server's NEGOTIATE response `m` (from its SMB2 header on).
    public static func offer(in m: [UInt8], host: String) throws(SMBError) -> Offer {
        func u16(_ at: Int) -> Int { at >= 0 && at + 2 <= m.count ? Int(m[at]) | Int(m[at + 1]) << 8 : -1 }
        func u32(_ at: Int) -> Int { u16(at) < 0 || u16(at + 2) < 0 ? -1 : u16(at) | u16(at + 2) << 16 }
        guard m.count >= 64 + 9, m[0] == 0xfe, m[1] == 0x53, m[2] == 0x4d, m[3] == 0x42, u16(12) == 0 else {
            throw SMBError(code: EPROTO, "\(host): not an SMB2 answer to a negotiate request")
        }
        guard u32(8) == 0 else {
            throw SMBError(code: EPROTO, "\(host): the server refused the negotiate request (status 0x\(String(u32(8), radix: 16)))")
        }
        guard m.count >= 64 + 65 else { throw SMBError(code: EPROTO, "\(host): a negotiate answer cut short") }
        let body = 64
        let dialect = u16(body + 4)
        let name = "\(dialect >> 8).\(dialect >> 4 & 0xf)" + (dialect & 0xf == 0 ? "" : ".\(dialect & 0xf)")
        switch dialect {
        case 0x0300, 0x0302:
            return Offer(encrypts: u32(body + 24) & 0x40 != 0, dialect: name)
        case 0x0311:
            var at = u32(body + 60)
            for _ in 0..<max(0, u16(body + 6)) {
                let type = u16(at), length = u16(at + 2)
                guard type >= 0, length >= 0, at + 8 + length <= m.count else { break }
                // An encryption context names the one cipher the server chose; 0 is none.
                if type == 2 { return Offer(encrypts: u16(at + 8) >= 1 && u16(at + 10) > 0, dialect: name) }
                at = (at + 8 + length + 7) / 8 * 8
            }
            return Offer(encrypts: false, dialect: name)
        default:
            return Offer(encrypts: false, dialect: name)
        }
    }

    private static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Waits until `fd` is ready for `events`, at most until `deadline`.
    private static func wait(_ fd: Int32, _ events: Int16, deadline: Double, host: String) throws(SMBError) {
        while true {
            let left = deadline - monotonic()
            guard left > 0 else { throw SMBError(code: ETIMEDOUT, "\(host): no answer in time") }
            var poller = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&poller, 1, Int32(min(left * 1000 + 1, Double(Int32.max))))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw SMBError(code: errno, "\(host): \(String(cString: strerror(errno)))") }
        }
    }

    private static func connect(host: String, port: UInt16, deadline: Double) throws(SMBError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let looked = getaddrinfo(host, String(port), &hints, &found)
        guard looked == 0, let first = found else {
            throw SMBError(code: EHOSTUNREACH, "\(host): cannot find the server's address: \(String(cString: gai_strerror(looked)))")
        }
        defer { freeaddrinfo(first) }
        var failure = SMBError(code: EHOSTUNREACH, "\(host): no address to connect to")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next {
            next = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                            address.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return fd }
            do throws(SMBError) {
                guard errno == EINPROGRESS else { throw SMBError(code: errno, "\(host): \(String(cString: strerror(errno)))") }
                try wait(fd, Int16(POLLOUT), deadline: deadline, host: host)
                var code: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
                guard code == 0 else { throw SMBError(code: code, "\(host): \(String(cString: strerror(code)))") }
                return fd
            } catch {
                failure = error
                close(fd)
            }
        }
        throw failure
    }

    private static func send(_ bytes: [UInt8], to fd: Int32, deadline: Double) throws(SMBError) {
        var sent = 0
        while sent < bytes.count {
            try wait(fd, Int16(POLLOUT), deadline: deadline, host: "the server")
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno != EAGAIN && errno != EINTR { throw SMBError(code: errno, "send: \(String(cString: strerror(errno)))") }
            if n > 0 { sent += n }
        }
    }

    private static func receive(_ count: Int, from fd: Int32, deadline: Double) throws(SMBError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            try wait(fd, Int16(POLLIN), deadline: deadline, host: "the server")
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n == 0 { throw SMBError(code: ECONNRESET, "the server closed the connection before answering") }
            if n < 0 && errno != EAGAIN && errno != EINTR { throw SMBError(code: errno, "receive: \(String(cString: strerror(errno)))") }
            if n > 0 { got += n }
        }
        return bytes
    }
}
