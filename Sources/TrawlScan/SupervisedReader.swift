// The scan's side of an extraction worker process: hand it a document, take its chunks as they
// come, and kill it when the file's deadline passes, it crashes, or it sends what does not decode.
// A worker is started on the first document that needs one and started again after it is killed.
import ChildProcess
import Foundation
import TrawlExtract
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

final class SupervisedReader: DocumentReader {
    private let local: LocalReader
    private let options: IsolationOptions
    private let limits: ExtractLimits
    private let recognizeText: Bool
    private var worker: ChildProcess?

    init(options: IsolationOptions, limits: ExtractLimits, recognizeText: Bool) {
        self.options = options
        self.limits = limits
        self.recognizeText = recognizeText
        local = LocalReader(limits: limits, recognizeText: recognizeText)
    }

    deinit { worker?.stop() }

    func read(_ bytes: [UInt8], format: DocumentFormat, deadline: Date, emit: (TextChunk) -> Void) throws(ExtractError) -> [ScanIssue] {
        guard IsolationOptions.isolates(format, recognizeText: recognizeText) else {
            return try local.read(bytes, format: format, deadline: deadline, emit: emit)
        }
        let worker = try running()
        let request = ExtractionWire.encode(ExtractionRequest(
            format: format, recognizeText: recognizeText, cpuSeconds: max(1, deadline.timeIntervalSinceNow),
            maxMemberSize: limits.maxMemberSize, bytes: bytes))
        var issues: [ScanIssue] = []
        do {
            try worker.send(request, before: deadline)
            var pending: [UInt8] = []
            while true {
                var start = 0
                while let length = ExtractionWire.frameLength(pending[start...]) {
                    guard length <= ExtractionWire.maxFrame else { throw MalformedReply() }
                    guard pending.count - start - 4 >= length else { break }
                    let frame = pending[(start + 4)..<(start + 4 + length)]
                    start += 4 + length
                    switch try ExtractionWire.decodeReply(frame) {
                    case .chunk(let chunk): emit(chunk)
                    case .issue(let issue): issues.append(issue)
                    case .done: return issues
                    case .failed(let issue): throw ExtractError(issue)
                    }
                }
                pending.removeSubrange(..<start)
                pending += try worker.receive(upTo: 1 << 20, before: deadline)
            }
        } catch let error as ExtractError {
            throw error
        } catch ChildProcessError.timedOut {
            // Killed mid-document: what it sent is searched; the caller reports the time limit.
            stop()
            return issues
        } catch ChildProcessError.closed {
            throw .unreadable(ended(stop()))
        } catch let error as ChildProcessError {
            stop()
            throw .unreadable("the reading process could not be spoken to (\(error)); not read")
        } catch {
            stop()
            throw .unreadable("the reading process sent a reply that does not decode; not read")
        }
    }

    /// The worker, started if there is none.
    private func running() throws(ExtractError) -> ChildProcess {
        if let worker { return worker }
        do {
            let started = try ChildProcess(executable: options.executable,
                                           arguments: [options.executable, "extract-worker", "--max-memory", String(options.maxMemory)])
            worker = started
            return started
        } catch {
            throw .unreadable("the reading process could not be started (\(error)); not read")
        }
    }

    @discardableResult
    private func stop() -> ChildExit? {
        defer { worker = nil }
        return worker?.stop()
    }

    /// What a worker that ended on its own, mid-document, says about the document.
    private func ended(_ exit: ChildExit?) -> String {
        let memory = "\(options.maxMemory >> 20) MiB"
        switch exit {
        case .signalled(SIGXCPU)?:
            return "the reading process used up its CPU time limit; not read"
        case .signalled(let signal)?:
            let name = String(cString: strsignal(signal))
            return "the reading process stopped with signal \(signal) (\(name)) on this file: past the memory limit of \(memory), or a fault in the reader; not read"
        case .exited(let status)?:
            return "the reading process ended with status \(status) on this file (past the memory limit of \(memory)?); not read"
        case nil:
            return "the reading process ended on this file; not read"
        }
    }
}
