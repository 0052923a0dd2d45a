// An organisation's address block in prose: the postcode and landline that follow its name, on
// the name's own line ("Trent Valley Electrical Ltd, Riverside Works, Nottingham NG1 7HA") or in
// the block of address lines below it (a letterhead, an email signature, a form's heading:
// "Institute of Fleet & Plant Engineering Technicians" then "Kestrel House, 21 Tanners Way,
// Coalville, LE67 4HX"). They are the organisation's details wherever the document names a
// person as well, as a staff member's signature or a supplier's letterhead on a letter about
// someone is. A table's rows have their own rule (`OrganisationRows`).
//
// The block ends at a blank line, at a labelled line ("Home address: ..." is a form's field, not
// a letterhead), at a line that opens with a title ("Mr J Smith", a recipient's address) and
// after a few lines: a person's address set below a company name is not taken for the company's.
//
// A footer or a signature names its organisation in any words ("Kestrel Community Wellbeing,
// 212 Abbeydale Road, Sheffield S7 1FL | 0114 255 8420") and closes with the registration UK law
// has it give ("Registered charity no. 1187462 | Company no. 11482937"). That is its footer
// (`footer(of:in:)`): the few short lines that end with the registration line, that line, and
// the line after it. The postcodes, landlines and VAT numbers in it are the organisation's too,
// and the domain of its web or email address is the organisation's own in this entry
// (`Match.organisationDomain`; the classifier takes addresses at it for work addresses). A value the text so gives as an organisation's is the
// organisation's wherever else the same text gives it (a contact page's switchboard, above its
// footer).
import TrawlModel

struct OrganisationAddressLines: ChunkPass {
    /// The most lines from the organisation's name down to the value's line, and of a footer up
    /// to its registration line.
    static let linesAtMost = 5
    /// The longest line an address block holds.
    static let lineAtMost = 160
    static let registration = "organisation.registration"

    func apply(to found: inout [Detector.Found], chunk: TextChunk) {
        guard chunk.cells.isEmpty, found.contains(where: { $0.match.isOrganisation }) else { return }
        let text = chunk.text
        let registrations = found.indices.filter { found[$0].match.typeId == Self.registration && found[$0].offset < text.count }
        let footers = registrations.map { Self.footer(of: found[$0].offset, in: text) }
        for (r, footer) in zip(registrations, footers) {
            found[r].match.organisationDomain = Self.domain(in: footer, of: text)
        }
        // The values given as the organisation's, by type and normalised value.
        var theirs: Set<String> = []
        for i in found.indices where found[i].match.exemption == nil && found[i].offset < text.count {
            let type = found[i].match.typeId
            guard type == "uk.postcode" || type == "uk.vat" || (type == "uk.phone" && !PersonIdentifiers.isUKMobile(found[i].match.normalized))
            else { continue }
            if let block = Self.block(above: found[i].offset, in: text),
               found.contains(where: { $0.match.isOrganisation && block.contains($0.offset) && $0.end <= found[i].offset }) {
                found[i].match.exemption = .organisation
                found[i].match.evidence.append("an organisation's address: below or beside its name")
            } else if footers.contains(where: { $0.contains(found[i].offset) }), !Self.labelledAsPersonal(found[i].offset, in: text) {
                found[i].match.exemption = .organisation
                found[i].match.evidence.append(Evidence.inALetterhead)
            } else {
                continue
            }
            theirs.insert(type + " " + found[i].match.normalized)
        }
        guard !theirs.isEmpty else { return }
        for i in found.indices where found[i].match.exemption == nil
            && (found[i].match.typeId == "uk.postcode" || found[i].match.typeId == "uk.phone" || found[i].match.typeId == "uk.vat")
            && theirs.contains(found[i].match.typeId + " " + found[i].match.normalized)
            && !Self.labelledAsPersonal(found[i].offset, in: text) {
            found[i].match.exemption = .organisation
            found[i].match.evidence.append(Evidence.theOrganisationsElsewhere)
        }
    }

    /// The lines from the value's line up to `linesAtMost` lines above it, as far as they look
    /// like one address block; nil when the value's own line is labelled or too long.
    static func block(above offset: Int, in text: [UInt8]) -> Range<Int>? {
        var lineStart = offset
        while lineStart > 0 && text[lineStart - 1] != 10 { lineStart -= 1 }
        guard offset - lineStart <= lineAtMost, !isLabelled(text[lineStart..<offset]) else { return nil }
        var start = lineStart
        for _ in 1..<linesAtMost {
            guard start > 0 else { break }
            var above = start - 1
            while above > 0 && text[above - 1] != 10 { above -= 1 }
            let line = text[above..<(start - 1)]
            guard line.count <= lineAtMost, line.contains(where: { $0 > 32 }), !isLabelled(line), !opensWithTitle(line) else { break }
            start = above
        }
        return start..<offset
    }

    /// The footer, signature or letterhead a registration line gives: the short lines that end
    /// with it (at most `linesAtMost`, blank lines passed over: a web page's footer is
    /// paragraphs), to a long line, a sentence or a sign-off ("Kind regards": the signature is
    /// below it, the letter above); its own line, up to `lineAtMost` bytes before it; and the
    /// one line after it ("VAT reg. no. ..."). A registration deep in a long line is prose's, and
    /// gives only the rest of its line.
    static func footer(of offset: Int, in text: [UInt8]) -> Range<Int> {
        var lineStart = offset
        while lineStart > 0 && text[lineStart - 1] != 10 { lineStart -= 1 }
        var end = offset
        while end < text.count && text[end] != 10 { end += 1 }
        guard offset - lineStart <= lineAtMost else { return offset..<min(end, offset + 2 * lineAtMost) }
        var start = lineStart
        var lines = 1
        while lines < linesAtMost && start > 0 {
            var above = start - 1
            while above > 0 && text[above - 1] != 10 { above -= 1 }
            let line = text[above..<(start - 1)]
            guard line.count <= lineAtMost, !isSentence(line), !isSignOff(line) else { break }
            if line.contains(where: { $0 > 32 }) { lines += 1 }
            start = above
        }
        // The next line that is not blank, if short.
        var next = end
        while next < text.count && (text[next] == 10 || text[next] == 13 || text[next] == 32) { next += 1 }
        var nextEnd = next
        while nextEnd < text.count && text[nextEnd] != 10 { nextEnd += 1 }
        if next < text.count && nextEnd - next <= lineAtMost { end = nextEnd }
        return start..<end
    }

    /// A line of prose: five words or more ending with a full stop, a question or an exclamation
    /// mark ("Her new address is 14 Acacia Avenue, Leeds LS6 2AB.").
    private static func isSentence(_ line: ArraySlice<UInt8>) -> Bool {
        guard let last = line.last(where: { $0 > 32 }), last == 46 || last == 63 || last == 33 else { return false }
        return line.split(whereSeparator: { $0 == 32 || $0 == 9 }).count >= 5
    }

    private static let signOffs: Set<String> = ["thanks", "thank you", "many thanks", "regards", "kind regards", "best regards",
                                                "warm regards", "best wishes", "best", "cheers", "yours sincerely",
                                                "yours faithfully", "sincerely", "with thanks", "all the best"]

    /// A letter's or a message's sign-off on a line of its own.
    private static func isSignOff(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.count <= 24 else { return false }
        let words = String(decoding: line, as: UTF8.self).lowercased().split(whereSeparator: { !$0.isLetter })
        return signOffs.contains(words.joined(separator: " "))
    }

    /// The domain of the first web ("www.") or email address in `range`, in lower case; nil
    /// when there is none or it is a public mail provider's (a small charity's gmail address
    /// says nothing of whose other gmail addresses are).
    static func domain(in range: Range<Int>, of text: [UInt8]) -> String? {
        var k = range.lowerBound
        while k < range.upperBound {
            var start: Int?
            if text[k] == 64 {
                start = k + 1
            } else if k + 4 <= range.upperBound, text[k] | 32 == 119, text[k + 1] | 32 == 119, text[k + 2] | 32 == 119, text[k + 3] == 46,
                      k == range.lowerBound || !isDomainByte(text[k - 1]) {
                start = k + 4
            }
            if let start {
                var end = start
                while end < range.upperBound && isDomainByte(text[end]) { end += 1 }
                while end > start && text[end - 1] == 46 { end -= 1 }
                let domain = String(decoding: text[start..<end], as: UTF8.self).lowercased()
                if domain.contains("."), !PersonalMailDomains.contains(domain) { return domain }
                k = end
            }
            k += 1
        }
        return nil
    }

    private static func isDomainByte(_ b: UInt8) -> Bool {
        (b | 32) >= 97 && (b | 32) <= 122 || (b >= 48 && b <= 57) || b == 45 || b == 46
    }

    /// Whether the value's line labels it as a person's own ("Home tel:", "Mobile:", "Your
    /// address:"): such a line is a form's field, not a footer's.
    private static func labelledAsPersonal(_ offset: Int, in text: [UInt8]) -> Bool {
        var start = offset
        while start > 0 && text[start - 1] != 10 && offset - start < lineAtMost { start -= 1 }
        let before = String(decoding: text[start..<offset], as: UTF8.self).lowercased()
        return before.split(whereSeparator: { !$0.isLetter }).contains { Self.personalLabels.contains(String($0)) }
    }

    private static let personalLabels: Set<String> = ["home", "personal", "private", "mobile", "your", "my", "kin", "emergency"]

    /// A line with a label: a colon that is not part of a time ("Home address: ...").
    private static func isLabelled(_ line: ArraySlice<UInt8>) -> Bool {
        line.indices.contains { k in
            line[k] == 58 && !(k > line.startIndex && k + 1 < line.endIndex && line[k - 1] &- 48 < 10 && line[k + 1] &- 48 < 10)
        }
    }

    /// A line that opens with a title: the name of a person an address is for.
    private static func opensWithTitle(_ line: ArraySlice<UInt8>) -> Bool {
        let words = line.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 46 || $0 == 13 })
        guard let first = words.first else { return false }
        return PersonNames.titles.contains(String(decoding: first, as: UTF8.self).lowercased())
    }
}

/// Public mail providers' domains: an address at one is a person's own, whatever else the text
/// says of the domain.
enum PersonalMailDomains {
    static func contains(_ domain: String) -> Bool { domains.contains(domain) }

    static let domains: Set<String> = Set("""
        gmail.com googlemail.com hotmail.com hotmail.co.uk outlook.com outlook.co.uk live.com live.co.uk msn.com
        yahoo.com yahoo.co.uk ymail.com rocketmail.com icloud.com me.com mac.com aol.com aol.co.uk btinternet.com
        btopenworld.com sky.com virginmedia.com ntlworld.com blueyonder.co.uk talktalk.net tiscali.co.uk
        protonmail.com proton.me pm.me gmx.com gmx.co.uk mail.com zoho.com yandex.com tutanota.com fastmail.com
        hushmail.com
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init))
}
