// A child process spoken to over one Unix socket, every wait bounded by a deadline.
//
// Design: the child is posix_spawn'ed with one end of a socketpair as its descriptor 3 and
// /dev/null as its standard input, output and error, inheriting no other descriptor. The parent
// sends and receives on its end without blocking, through poll with the time left before a
// deadline, so that a child stuck in a library call cannot stall the parent: past the deadline
// the parent kills it. Sends use MSG_NOSIGNAL, so a child that died makes a send fail instead of
// raising SIGPIPE in the parent. The child is killed and reaped when this object goes away.
// Knows nothing of Trawl.
import CProcess
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a wait on the child ended without what was asked.
package enum ChildProcessError: Error, Equatable, Sendable {
    /// The deadline passed first.
    case timedOut
    /// The child closed its end, or died: what `ChildProcess.stop()` then reports says how.
    case closed
    /// A system call failed (its errno).
    case system(String, Int32)
}

/// How a child ended.
package enum ChildExit: Equatable, Sendable {
    case exited(Int32)
    case signalled(Int32)
}

/// A running child process with a socket to it. Owned by one thread.
package final class ChildProcess {
    /// The child's process id.
    package let pid: pid_t
    /// The parent's end of the socket (non-blocking, close-on-exec).
    private var socket: Int32
    /// How it ended, once reaped.
    private var ended: ChildExit?

    /// The descriptor number the child finds its end of the socket at.
    package static let childSocketDescriptor: Int32 = 3

    /// Starts `executable` with `arguments` (argv[0] included).
    /// - Throws: `ChildProcessError.system` when the socket or the process cannot be made.
    package init(executable: String, arguments: [String]) throws(ChildProcessError) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw .system("socketpair", errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 3 clears close-on-exec on the copy; everything from 4 up is closed.
        posix_spawn_file_actions_adddup2(&actions, ends[1], Self.childSocketDescriptor)
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        posix_spawn_file_actions_addclosefrom_np(&actions, Self.childSocketDescriptor + 1)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, argv, environ)
        close(ends[1])
        guard spawned == 0 else {
            close(ends[0])
            throw .system("posix_spawn \(executable)", spawned)
        }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        pid = child
        socket = ends[0]
    }

    deinit { _ = stop() }

    /// Sends all of `bytes`, or throws when the deadline passes or the child is gone.
    package func send(_ bytes: [UInt8], before deadline: Date) throws(ChildProcessError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { try wait(for: Int16(POLLOUT), before: deadline); continue }
            if code == EPIPE || code == ECONNRESET { throw .closed }
            throw .system("send", code)
        }
    }

    /// Receives what the child has sent, at most `capacity` bytes, waiting for some until the
    /// deadline. Never returns an empty array: the end of the stream throws `.closed`.
    package func receive(upTo capacity: Int, before deadline: Date) throws(ChildProcessError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = out.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n > 0 { out.removeSubrange(n...); return out }
            if n == 0 { throw .closed }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { try wait(for: Int16(POLLIN), before: deadline); continue }
            if code == ECONNRESET { throw .closed }
            throw .system("recv", code)
        }
    }

    /// Kills the child (if it still runs), reaps it and says how it ended. Safe to call again.
    @discardableResult
    package func stop() -> ChildExit? {
        if socket >= 0 {
            close(socket)
            socket = -1
        }
        if ended == nil {
            kill(pid, SIGKILL)
            ended = reap()
        }
        return ended
    }

    /// How the child ended when it has ended on its own (after `.closed`), reaping it; nil while
    /// it runs.
    package func exitIfEnded() -> ChildExit? {
        if ended != nil { return ended }
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        ended = Self.decode(status)
        return ended
    }

    private func reap() -> ChildExit? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return Self.decode(status)
    }

    private static func decode(_ status: Int32) -> ChildExit {
        // WIFEXITED / WTERMSIG, which are macros in C.
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    private func wait(for events: Int16, before deadline: Date) throws(ChildProcessError) {
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw .timedOut }
            var entry = pollfd(fd: socket, events: events, revents: 0)
            let r = poll(&entry, 1, Int32(min(left * 1000, 60_000).rounded(.up)))
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw .system("poll", errno) }
        }
    }
}

/// What a process started as a child does first: ask to be killed when the parent ends (a
/// parent killed with SIGKILL cannot stop it), and give up the ability to leave a core dump
/// in its working folder, which may be the share being scanned.
package enum ChildProcessSetup {
    package static func asChild() {
        _ = trawl_set_parent_death_signal(SIGKILL)
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(resource(RLIMIT_CORE), &none)
    }

    /// Limits the process's address space to `bytes`; past it, allocations fail.
    package static func limitAddressSpace(_ bytes: Int) {
        var limit = rlimit(rlim_cur: rlim_t(bytes), rlim_max: rlim_t(bytes))
        _ = setrlimit(resource(RLIMIT_AS), &limit)
    }

    /// Limits the CPU time of the process to what it has used and `seconds` more (SIGXCPU past
    /// it). Raised again before each piece of work, so that it bounds each piece.
    package static func limitCPU(further seconds: Double) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let used = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        let soft = rlim_t(max(1, (used + seconds + 1).rounded(.up)))
        var limit = rlimit()
        getrlimit(resource(RLIMIT_CPU), &limit)
        limit.rlim_cur = limit.rlim_max == rlim_t.max ? soft : min(soft, limit.rlim_max)
        _ = setrlimit(resource(RLIMIT_CPU), &limit)
    }

    /// glibc's resource enumeration as the integer its functions take.
    private static func resource(_ r: __rlimit_resource) -> __rlimit_resource_t { __rlimit_resource_t(r.rawValue) }
}
