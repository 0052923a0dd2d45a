// The command line: parse, build what the scan shares, run the library, map the result to an
// exit status. Nothing here knows a format or a pattern.
import ArgumentParser
import Foundation
import TrawlReport

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Exit statuses, documented in --help and docs/report-format.md.
enum ExitStatus {
    static let complete: Int32 = 0
    static let someUnreadable: Int32 = 1
    static let usageOrFatal: Int32 = 2
    static let levelFound: Int32 = 3
}

struct Trawl: ParsableCommand {
    static let version = "0.1.0"

    // Every command here and below names itself: without a name, ArgumentParser derives one from
    // the type's name at each start, asking the runtime to print the type (most of its start-up).
    static let configuration = CommandConfiguration(
        commandName: "trawl",
        abstract: "Find and classify personal data in file shares and the archives inside them.",
        discussion: """
            Trawl walks the given folders and SMB shares (smb://server/share, without mounting), reads every document and archive member it can (plain text, \
            CSV/TSV, HTML, XML, JSON, docx/xlsx/pptx, odt/ods/odp, PDF, RTF, legacy .doc/.xls/.ppt, email: \
            .eml, mbox and Outlook .msg; images' EXIF, XMP and PNG text, and their picture with --ocr; zip, \
            tar, gzip, bzip2, xz, 7z and RAR nested in one another), finds personal data, classifies every \
            finding and every file (Confidential / Restricted / Internal / Public) and writes a JSON Lines \
            report. It never changes what it scans.

            Exit status: 0 scan complete; 1 scan complete, but some files could not be read (they are in \
            the report, outcome "error"); 2 usage or fatal error (bad option, pattern or policy file, \
            report not writable, state locked by another run): nothing was scanned or the report is not \
            complete; 3 scan complete and an entry at or above the --fail-on level was found (this takes \
            precedence over 1).
            """,
        version: version,
        subcommands: [Scan.self, Diff.self, Review.self, Export.self, Triage.self, Decisions.self, Serve.self, Merge.self, Patterns.self,
                      ExtractWorker.self])
}

/// One line on standard error, control characters in `message` escaped (a path in it may hold any).
func printError(_ message: String) {
    FileHandle.standardError.write(Data("trawl: \(TerminalText.escaping(message))\n".utf8))
}

/// The buffers of one document (an inflated part, a report line of a finding-dense workbook) run
/// from a hundred kilobytes to a few megabytes and are freed when the document is done. glibc
/// serves those over 128 KiB with a fresh mmap each time, so every workbook paid for page faults
/// and zeroed pages (most of the system time on the bench's spreadsheets: 0.35 s of 5 s). Kept in
/// the heap below 4 MiB, with at most 8 MiB left untrimmed per arena: bounded, and measured at
/// +3 MB of peak RSS.
func keepDocumentBuffersInTheHeap() {
    #if canImport(Glibc)
    _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
    _ = mallopt(M_TRIM_THRESHOLD, 8 << 20)
    #endif
}

/// Standard input, output and error open, on /dev/null where the caller closed one (`trawl ...
/// >&-`): otherwise the next file opened (a report, the state) would take that descriptor, and
/// whatever writes to standard output or error would write into it.
func keepStandardDescriptorsOpen() {
    #if canImport(Glibc)
    for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
        let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
        if opened >= 0 && opened != fd {
            _ = dup2(opened, fd)
            close(opened)
        }
    }
    #endif
}

keepStandardDescriptorsOpen()
keepDocumentBuffersInTheHeap()

// ArgumentParser exits 64 on a usage error; Trawl documents 2, so map it here.
do {
    var command = try Trawl.parseAsRoot()
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch {
    let code = Trawl.exitCode(for: error)
    if code == .success {
        Trawl.exit(withError: error)
    }
    printError(Trawl.message(for: error))
    if code == .validationFailure {
        FileHandle.standardError.write(Data("Run 'trawl --help' for usage.\n".utf8))
    }
    Foundation.exit(ExitStatus.usageOrFatal)
}
