// What is inside one file: a document's text searched, an archive's or an email's members and a
// document's embedded files each processed as an entry of their own, depth first, in memory,
// within the file's expansion budget and deadline.
import Foundation
import TrawlClassify
import TrawlDetect
import TrawlExtract
import TrawlModel
import TrawlReport

extension FileJob {
    /// Processes one file or member and everything inside it; returns its level, and whether it
    /// and everything inside it were read.
    func process(_ bytes: [UInt8], path: [UInt8], members: [[UInt8]], depth: Int,
                 file: FileWork) throws(ReportWriteError)
        -> (level: Level, wholly: Bool) {
        let name = members.last ?? path
        let isMember = !members.isEmpty
        let sniffed = Sniffer.sniff(bytes, name: name)
        var result = FileResult(path: path, members: members, size: bytes.count, format: sniffed.name, outcome: .scanned)
        let display = result.displayName
        // With decisions to apply, the content id is made before the text is searched: a decision
        // follows a file that moved by it.
        let content = scan.decisions.map { !$0.decisions.isEmpty } == true ? contentId(of: bytes) : nil
        // Members of a container that could not be read, or not wholly.
        var membersNotWhollyRead = 0

        switch sniffed {
        case .empty:
            apply(scan.classifier.classify([], path: display), to: &result)
        case .unsupported(let what):
            result.outcome = .skipped
            result.issues = [ScanIssue(.unsupported, "Trawl does not read \(what) files")]
            result = notRead(result)
        case .document(let format):
            var tally = FindingTally(limit: options.maxFindingsPerEntry)
            var scratch: [Match] = []
            var own: Classification?
            var prose = ProseNames()
            searchName(name, into: &tally, scratch: &scratch, prose: &prose, path: display, contentId: content)
            do {
                result.issues = try reader.read(bytes, format: format, deadline: file.deadline) { chunk in
                    // Past the time limit, the rest of the document is not searched.
                    guard !file.timedOut else { return }
                    if depth == 0 { opened.retention?.observe(chunk) }
                    countMatches(in: chunk, into: &tally, scratch: &scratch, path: display, contentId: content)
                    if let names = detector.gazetteer { prose.observe(chunk, gazetteer: names) }
                }
                countSubject(of: prose, into: &tally, path: display, contentId: content)
                if file.timedOut {
                    result.outcome = .error
                    result.issues.append(file.timeIssue(options.maxSecondsPerFile))
                }
                own = scan.classifier.classify(tally, path: display, photograph: Extraction.isPhotograph(bytes, format: format))
            } catch {
                result.outcome = error.issue.kind == .tooLarge ? .skipped : .error
                result.issues = [error.issue]
                // What was found before the failure still counts: a half-read file is not clean.
                // With nothing found, the level is for want of evidence, not "no personal data".
                if tally.isEmpty { result = notRead(result) } else { own = scan.classifier.classify(tally, path: display) }
            }
            // Files embedded in the document (a workbook in a report) are its members, as an
            // email's attachments are the email's; they are looked for in a document read whole.
            guard result.outcome == .scanned, Extraction.mayEmbed(bytes, format: format) else {
                if let own { apply(own, to: &result) }
                break
            }
            let read: MembersRead
            if depth >= options.maxArchiveDepth {
                read = embeddedBeyondDepth(bytes, name: name, file: file)
            } else {
                read = try readMembers(bytes, format: .zip, only: Extraction.isEmbedded, name: name, path: path, members: members,
                                       depth: depth, file: file)
            }
            if let failure = read.failure {
                result.outcome = .error
                result.issues.append(failure)
            }
            if read.count > 0 { result.memberCount = read.count }
            fold(read, own: own, into: &result)
            membersNotWhollyRead = read.notWhollyRead
        case .container(let format):
            if depth >= options.maxArchiveDepth {
                result.outcome = .error
                result.issues = [ScanIssue(.limitExceeded, "archive nested deeper than \(options.maxArchiveDepth) levels; not opened")]
                result = notRead(result)
                break
            }
            // An email's own text (headers, bodies) is searched like a document's.
            var own = FindingTally(limit: options.maxFindingsPerEntry)
            own.isMessage = format == .email || format == .outlook
            var scratch: [Match] = []
            var prose = ProseNames()
            searchName(name, into: &own, scratch: &scratch, prose: &prose, path: display, contentId: content)
            Extraction.containerText(bytes, format: format) { chunk in
                guard !file.timedOut else { return }
                if depth == 0 { opened.retention?.observe(chunk) }
                countMatches(in: chunk, into: &own, scratch: &scratch, path: display, contentId: content)
                if let names = detector.gazetteer { prose.observe(chunk, gazetteer: names) }
            }
            countSubject(of: prose, into: &own, path: display, contentId: content)
            let read = try readMembers(bytes, format: format, name: name, path: path, members: members, depth: depth, file: file)
            if let failure = read.failure {
                result.outcome = .error
                result.issues = [failure]
            }
            result.memberCount = read.count
            fold(read, own: scan.classifier.classify(own, path: display), into: &result)
            membersNotWhollyRead = read.notWhollyRead
        }
        if !isMember, let changed = file.changed {
            result.outcome = .error
            result.issues.append(changed)
        }
        if result.outcome != .scanned { sayNotWhollyRead(&result, detail: EntryAssembly.partlyRead) }
        // Binary data of no known format is searched only in its printable runs.
        let onlyPrintable = sniffed == .document(.binary)
        if onlyPrintable { sayNotWhollyRead(&result, detail: EntryAssembly.onlyPrintableRead) }
        if needsContentId(result, sniffed: sniffed) { result.contentId = content ?? contentId(of: bytes) }
        try emit(result, isMember: isMember)
        return (result.level, result.outcome == .scanned && membersNotWhollyRead == 0 && !onlyPrintable)
    }

    /// Whether the entry gets a content id: with `--content-id all`, every entry read; otherwise
    /// an entry with findings (of its own or in what it holds) and every container, which is
    /// what `trawl diff` follows through moves and copies and what decisions follow. Hashing every
    /// byte scanned was a quarter of the time of a scan of plain text.
    func needsContentId(_ result: FileResult, sniffed: SniffedFormat) -> Bool {
        if options.contentIds == .all { return true }
        if case .container = sniffed { return true }
        return result.holdsFindings
    }

    func contentId(of bytes: [UInt8]) -> String {
        var hasher = scan.keyring.contentHasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// What a container's members came to: the highest level among them, how many there were,
    /// how many were not wholly read, and why the container could not be read to its end.
    struct MembersRead {
        var highest: Level?
        var count = 0
        var notWhollyRead = 0
        var failure: ScanIssue?
    }

    /// Reads the members of a container (or, with `only`, the embedded files of a document), each
    /// processed and written as an entry of its own, depth first.
    func readMembers(_ bytes: [UInt8], format: ContainerFormat, only: (([UInt8]) -> Bool)? = nil, name: [UInt8],
                             path: [UInt8], members: [[UInt8]], depth: Int, file: FileWork) throws(ReportWriteError) -> MembersRead {
        var read = MembersRead()
        var writeError: ReportWriteError?
        do {
            try Extraction.forEachMember(bytes, format: format, containerName: name, limits: options.limits,
                                         budget: file.budget, only: only) { member in
                guard writeError == nil, !file.timedOut else { return false }
                read.count += 1
                do {
                    let level: Level
                    switch member.content {
                    case .success(let data):
                        let processed = try process(data, path: path, members: members + [member.name], depth: depth + 1,
                                                    file: file)
                        level = processed.level
                        if !processed.wholly { read.notWhollyRead += 1 }
                    case .failure(let error):
                        // A link or a device has no content of its own to miss: listed with what
                        // it is, it leaves the archive wholly read.
                        let kind = error.issue.kind
                        let notAFile = kind == .symlink || kind == .specialFile
                        if !notAFile { read.notWhollyRead += 1 }
                        let r = notRead(FileResult(path: path, members: members + [member.name], size: member.declaredSize ?? 0,
                                                   outcome: kind == .tooLarge || notAFile ? .skipped : .error, issues: [error.issue]))
                        try emit(r, isMember: true)
                        level = r.level
                    }
                    read.highest = max(read.highest ?? level, level)
                } catch let e as ReportWriteError {
                    writeError = e
                } catch {}
                return true
            }
            if file.timedOut { read.failure = file.timeIssue(options.maxSecondsPerFile) }
        } catch {
            read.failure = error.issue
        }
        if let writeError { throw writeError }
        return read
    }

    /// A document at the nesting limit is read, but files embedded in it are not opened: said so
    /// when it has any.
    func embeddedBeyondDepth(_ bytes: [UInt8], name: [UInt8], file: FileWork) -> MembersRead {
        var found = false
        try? Extraction.forEachMember(bytes, format: .zip, containerName: name, limits: options.limits, budget: file.budget,
                                      only: Extraction.isEmbedded) { _ in found = true; return false }
        guard found else { return MembersRead() }
        var read = MembersRead()
        read.failure = ScanIssue(.limitExceeded, "embedded files nested deeper than \(options.maxArchiveDepth) levels; not opened")
        return read
    }

    /// Searches an entry's own name (`Extraction.fileNameChunk`) as the text of its title, and
    /// reads it as the title of the entry's prose.
    func searchName(_ name: [UInt8], into tally: inout FindingTally, scratch: inout [Match], prose: inout ProseNames,
                    path: String, contentId: String?) {
        guard let chunk = Extraction.fileNameChunk(name) else { return }
        countMatches(in: chunk, into: &tally, scratch: &scratch, path: path, contentId: contentId) {
            Extraction.countsInFileName($0, in: chunk)
        }
        if let names = detector.gazetteer { prose.observeTitle(chunk, gazetteer: names) }
    }

    /// Counts the person the entry's prose is about, or the people of its dated log
    /// (`ProseNames.findings`), into its tally, when nothing else has named a person in it: a
    /// form's or a letter's context says whose it is more surely ("Applicant: Kai Ahmed" in
    /// "Ahmed Kai application.docx").
    /// Then the special-category values whose record named no one but whose line names one person
    /// (`ProseNames.person(saying:)`) count, and so does each person so named.
    func countSubject(of prose: ProseNames, into tally: inout FindingTally, path: String, contentId: String?) {
        var prose = prose
        if tally.counted(type: "person.name") > 0 || prose.namesSomeone { prose.readTheDead() }
        if !prose.deceased.isEmpty { scan.classifier.takeTheDead(&tally, isDead: prose.isDead) }
        var subjects: [Match] = []
        if tally.counted(type: "person.name") == 0 {
            subjects = prose.findings()
            for m in subjects { count(m, into: &tally, path: path, contentId: contentId) }
        }
        for m in scan.classifier.attributeByLine(&tally, person: prose.person(saying:))
        where !subjects.contains(where: { $0.normalized == m.normalized }) {
            count(m, into: &tally, path: path, contentId: contentId)
        }
    }

    /// Finds the matches of one chunk and counts them into the entry's tally at once, with the
    /// DPO's decisions applied: nothing is held per match beyond what the tally keeps. The content
    /// id, known before the text when the entry is read whole, lets a decision follow a moved file.
    func countMatches(in chunk: TextChunk, into tally: inout FindingTally, scratch: inout [Match], path: String,
                      contentId: String? = nil, keeping kept: ((Match) -> Bool)? = nil) {
        scratch.removeAll(keepingCapacity: true)
        detector.detect(chunk, into: &scratch)
        if let kept { scratch.removeAll { !kept($0) } }
        for m in scratch { count(m, into: &tally, path: path, contentId: contentId) }
    }

    /// Counts one match into the entry's tally, with the DPO's decision on it.
    private func count(_ m: Match, into tally: inout FindingTally, path: String, contentId: String?) {
        guard let decisions = scan.decisions, !decisions.decisions.isEmpty else {
            scan.classifier.add(m, to: &tally)
            return
        }
        scan.classifier.add(m, to: &tally) { m in
            decisions.decision(fingerprint: scan.keyring.fingerprint(type: m.typeId, normalized: m.normalized), type: m.typeId,
                               path: path, contentId: contentId)?.asFindingDecision
        }
    }
}
