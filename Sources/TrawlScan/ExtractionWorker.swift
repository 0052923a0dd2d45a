// The worker process's side: read requests from the scan, answer each with the document's
// chunks, issues and a final message. It runs the same reader as the scan does in its own
// process (`LocalReader`); the scan bounds its time and memory from outside.
import ChildProcess
import Foundation
import TrawlExtract
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

package enum ExtractionWorker {
    /// Serves requests on `descriptor` until the scan closes its end (or goes away).
    /// - Parameters:
    ///   - maxMemory: the address space allowed (`RLIMIT_AS`), set before the first request.
    /// Returns when the scan closes its end, sends what does not decode, or stops reading.
    package static func serve(descriptor: Int32, maxMemory: Int) {
        ChildProcessSetup.asChild()
        ChildProcessSetup.limitAddressSpace(maxMemory)
        var reader: LocalReader?
        var readerSettings: (Int, Bool)?
        while let request = receiveRequest(descriptor) {
            ChildProcessSetup.limitCPU(further: request.cpuSeconds)
            // One reader for the worker's life (Tesseract's model is loaded once).
            if readerSettings.map({ $0 != (request.maxMemberSize, request.recognizeText) }) ?? true {
                var limits = ExtractLimits()
                limits.maxMemberSize = request.maxMemberSize
                reader = LocalReader(limits: limits, recognizeText: request.recognizeText)
                readerSettings = (request.maxMemberSize, request.recognizeText)
            }
            var out = ReplyWriter(descriptor: descriptor)
            let final: ExtractionReply
            do {
                let issues = try reader!.read(request.bytes, format: request.format, deadline: .distantFuture) { out.send(.chunk($0)) }
                issues.forEach { out.send(.issue($0)) }
                final = .done
            } catch {
                final = .failed(error.issue)
            }
            out.send(final)
            guard out.flush() else { return }
        }
    }

    /// The next request, or nil at the end of the stream or for a frame that does not decode.
    /// The frame is let go before the document is read (the bytes are copied out of it once).
    private static func receiveRequest(_ fd: Int32) -> ExtractionRequest? {
        var header = [UInt8](repeating: 0, count: 4)
        guard readFully(fd, &header), let length = ExtractionWire.frameLength(header[...]),
              length <= ExtractionWire.maxFrame else { return nil }
        var frame = [UInt8](repeating: 0, count: length)
        guard readFully(fd, &frame) else { return nil }
        return try? ExtractionWire.decodeRequest(frame[...])
    }

    private static func readFully(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n > 0 { filled += n; continue }
            if n < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }
}

/// Replies gathered and sent in blocks of about 256 KiB: a chunk at a time would be a system
/// call per paragraph.
private struct ReplyWriter {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var failed = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func send(_ reply: ExtractionReply) {
        buffer += ExtractionWire.encode(reply)
        if buffer.count >= 256 << 10 { _ = flush() }
    }

    /// Sends what is gathered; false once the scan's end is gone.
    mutating func flush() -> Bool {
        var sent = 0
        while !failed && sent < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n } else if n < 0 && errno == EINTR { continue } else { failed = true }
        }
        buffer.removeAll(keepingCapacity: true)
        return !failed
    }
}
