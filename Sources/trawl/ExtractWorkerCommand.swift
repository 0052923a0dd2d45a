// `trawl extract-worker`: the process a scan starts to read PDF, legacy Office files and images
// (OCR) within a time and memory limit. Not for people: it speaks the scan's binary protocol on
// descriptor 3 (docs/operations.md, "Worker processes").
import ArgumentParser
import ChildProcess
import TrawlScan

struct ExtractWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-worker",
        abstract: "Internal: read documents for a running scan, in a process of their own.",
        shouldDisplay: false)

    @Option(help: ArgumentHelp("Address space allowed, in bytes.", valueName: "bytes"))
    var maxMemory: Int

    func run() throws {
        ExtractionWorker.serve(descriptor: ChildProcess.childSocketDescriptor, maxMemory: maxMemory)
    }
}
