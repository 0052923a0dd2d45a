// What the command line says on standard error: one line per entry that could not be read,
// progress, and a final summary, through swift-log, as text for people or JSON for log
// collectors (--log-format). On a terminal, progress is a single line redrawn in place. Whatever
// reaches standard error has its control characters escaped (TerminalText).
import Foundation
import Synchronization
import Logging
import TrawlReport
import TrawlScan

#if canImport(Glibc)
import Glibc
#endif

enum LogFormat: String, CaseIterable {
    case text, json
}

/// Writes log records to standard error, one line each. Text: "trawl: message key=value ...";
/// JSON: {"ts": ..., "level": ..., "msg": ..., key: value...}.
struct StderrLogHandler: LogHandler {
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        // Every message and value escaped (TerminalText), in either format: a path may hold any
        // byte, and JSON's own escapes would give a control character back to whoever reads it.
        let message = TerminalText.escaping("\(event.message)")
        var line: String
        switch format {
        case .text:
            line = "trawl: \(message)"
            for (k, v) in all.sorted(by: { $0.key < $1.key }) { line += " \(k)=\(TerminalText.escaping("\(v)"))" }
        case .json:
            var object: [String: Any] = ["ts": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue,
                                         "msg": message]
            for (k, v) in all { object[k] = Self.json(v) }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        ProgressLine.shared.print(line)
    }

    /// A metadata value as JSON: a number stays a number (counts, seconds), so a log collector
    /// can add and compare them; a dictionary or array keeps its shape; the rest is escaped text.
    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .stringConvertible(let n as Int): return n
        case .stringConvertible(let x as Double) where x.isFinite: return x
        case .stringConvertible(let b as Bool): return b
        case .dictionary(let d): return d.mapValues { json($0) }
        case .array(let a): return a.map { json($0) }
        default: return TerminalText.escaping("\(value)")
        }
    }
}

/// The terminal's progress line, shared with the log so that a log line first clears it.
final class ProgressLine: Sendable {
    static let shared = ProgressLine()
    /// The status shown; the lock is held while standard error is written, so lines never mix.
    private let current = Mutex("")

    let isTerminal = isatty(STDERR_FILENO) == 1

    func print(_ line: String) {
        current.withLock { current in
            var out = current.isEmpty ? "" : "\r\u{1B}[K"
            out += line + "\n"
            if !current.isEmpty { out += current }
            FileHandle.standardError.write(Data(out.utf8))
        }
    }

    func show(_ status: String) {
        current.withLock { current in
            current = TerminalText.escaping(status)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + current).utf8))
        }
    }

    func clear() {
        current.withLock { current in
            if !current.isEmpty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            current = ""
        }
    }
}

/// Shows progress while a scan runs: a line redrawn four times a second on a terminal, or a
/// log line every `interval` seconds otherwise (cron, systemd).
final class ProgressReporter: Sendable {
    private let progress: ScanProgress
    private let logger: Logger
    private let interval: Double
    private let stopped = Atomic(false)
    private let done = DispatchSemaphore(value: 0)

    init(progress: ScanProgress, logger: Logger, interval: Double) {
        self.progress = progress
        self.logger = logger
        self.interval = interval
    }

    func start() {
        let thread = Thread { [self] in
            let terminal = ProgressLine.shared.isTerminal
            var lastLog = Date()
            while !stopped.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: 0.25)
                if terminal {
                    ProgressLine.shared.show(status())
                } else if Date().timeIntervalSince(lastLog) >= interval {
                    lastLog = Date()
                    logger.info("progress", metadata: metadata())
                }
            }
            ProgressLine.shared.clear()
            done.signal()
        }
        thread.start()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        done.wait()
    }

    private func numbers() -> (files: Int, carried: Int, mb: Double, rate: Double, unreadable: Int) {
        let elapsed = max(Date().timeIntervalSince(progress.started), 0.001)
        let mb = Double(progress.bytes.load(ordering: .relaxed)) / 1_048_576
        return (progress.files.load(ordering: .relaxed), progress.carried.load(ordering: .relaxed), mb, mb / elapsed,
                progress.unreadable.load(ordering: .relaxed))
    }

    private func status() -> String {
        let n = numbers()
        var s = "scanning: \(n.files) files"
        if n.carried > 0 { s += " (\(n.carried) unchanged)" }
        s += String(format: ", %.1f MB read, %.1f MB/s", n.mb, n.rate)
        if n.unreadable > 0 { s += ", \(n.unreadable) unreadable" }
        return s
    }

    private func metadata() -> Logger.Metadata {
        let n = numbers()
        return ["files": .stringConvertible(n.files), "unchanged": .stringConvertible(n.carried),
                "mb_read": .stringConvertible((n.mb * 10).rounded() / 10), "mb_per_s": .stringConvertible((n.rate * 10).rounded() / 10),
                "unreadable": .stringConvertible(n.unreadable)]
    }
}
