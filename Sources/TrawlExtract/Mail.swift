// Email: RFC 5322 messages (.eml) and mbox mailboxes.
//
// A message is read as a document and a container at once: its headers (From, To, Cc... name
// people and hold their addresses) and its text bodies are its own text; its attachments are
// members, scanned like any file, named by their filename in the member chain. GMime parses the
// message and decodes it (encoded words and 8-bit text in headers, RFC 2231 parameters, transfer
// encodings, any charset iconv knows); this file decides what of the tree is text and what is a
// member. An mbox is a container of messages.
import Foundation
import GMime
import TrawlModel

enum Mail {
    struct Message {
        var headers: [(name: String, value: String)]
        /// Text bodies: (is HTML, UTF-8 text).
        var texts: [(html: Bool, text: [UInt8])]
        var attachments: [(name: [UInt8], bytes: [UInt8])]
        /// Why some of the message was not read (parts nested past `maxNesting`, or a message
        /// GMime could not read at all); nil when all of it was.
        var unread: ExtractError?
    }

    /// Multiparts and attached messages deeper than this are not read: far past what mail
    /// clients write (a forwarded message with a signed, alternative body is five deep), and a
    /// bound on the walk whatever GMime's own limits are.
    static let maxNesting = 20

    /// Most header and boundary lines a message may have to be parsed. GMime makes an object of
    /// each header (about 0.5 KiB) and each part (about 1.3 KiB): a 5 MB message of a million
    /// empty parts would take 1.3 GB. Real messages, digests of hundreds of messages included,
    /// stay far below; 50,000 lines cost GMime at most about 65 MB.
    static let maxStructureLines = 50_000

    static let personHeaders: Set<String> = ["from", "to", "cc", "bcc", "reply-to", "sender", "subject", "delivered-to", "return-path"]

    static let mboxStart = Array("From ".utf8)

    static let knownFirstHeaders = ["received:", "return-path:", "from:", "to:", "subject:", "date:", "message-id:", "mime-version:",
                                    "delivered-to:", "reply-to:", "dkim-signature:", "x-"].map { Array($0.utf8) }

    /// True when `bytes` start like a message: a first line that is a known header, and a blank
    /// line ending the headers within the first 8 KiB. Runs on every text file: bytes only.
    static func looksLikeMessage(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, (first >= 65 && first <= 90) || (first >= 97 && first <= 122) else { return false }
        // The header names are lower case; the text is compared to them ASCII-case-insensitively.
        func startsWithHeader(_ header: [UInt8]) -> Bool {
            header.count <= bytes.count && zip(header, bytes).allSatisfy { h, b in h == (b >= 65 && b <= 90 ? b + 32 : b) }
        }
        guard knownFirstHeaders.contains(where: startsWithHeader) else { return false }
        let head = bytes.prefix(8192)
        var i = head.startIndex
        while i + 1 < head.endIndex {
            if head[i] == 10 && (head[i + 1] == 10 || (head[i + 1] == 13 && i + 2 < head.endIndex && head[i + 2] == 10)) { return true }
            i += 1
        }
        return false
    }

    /// True when `bytes` start like an mbox: a "From " line followed by a message's headers.
    static func looksLikeMbox(_ bytes: [UInt8]) -> Bool {
        guard bytes.starts(with: mboxStart), let end = bytes.prefix(1024).firstIndex(of: 10) else { return false }
        return looksLikeMessage(Array(bytes[(end + 1)...].prefix(8192)))
    }

    /// Splits an mbox into its messages (lines starting "From " after a blank line start one).
    static func mboxMessages(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        let marker = Array("\nFrom ".utf8)
        func headerEnd(_ from: Int) -> Int { (bytes[from...].firstIndex(of: 10) ?? bytes.count - 1) + 1 }
        var bodyStart = headerEnd(0)
        while i + marker.count <= bytes.count {
            if bytes[i] == 10, bytes[i...].starts(with: marker), i > 0, bytes[i - 1] == 10 {
                out.append(Array(bytes[bodyStart..<i]))
                bodyStart = headerEnd(i + 1)
                i = bodyStart
                continue
            }
            i += 1
        }
        if bodyStart < bytes.count { out.append(Array(bytes[bodyStart...])) }
        // ">From " quoting in bodies is left as is: it changes no finding.
        return out
    }

    /// Parses one message with GMime and sorts its tree into headers, text bodies and
    /// attachments. Never fails: what could not be read is said in `unread`.
    static func parse(_ bytes: [UInt8]) -> Message {
        var message = Message(headers: [], texts: [], attachments: [])
        guard structureLines(bytes, upTo: maxStructureLines) <= maxStructureLines else {
            message.unread = .limitExceeded("email: more than \(maxStructureLines) header and boundary lines; the message was not read")
            return message
        }
        do {
            let parsed = try MIMEMessage(parsing: bytes)
            message.headers = parsed.headers.map { ($0.name, windows1252Controls($0.value)) }
            if let body = parsed.body { walk(body, into: &message, depth: 0) }
        } catch {
            message.unread = error.libraryMissing
                ? .unsupported("email reading is not available on this machine: \(error.message)") : .corrupt("email: \(error)")
        }
        return message
    }

    private static func walk(_ entity: MIMEEntity, into message: inout Message, depth: Int) {
        let mediaType = entity.mediaType
        let filename = entity.filename
        switch entity.kind {
        case .multipart(var children):
            guard depth < maxNesting else {
                message.unread = .limitExceeded("email: parts nested more than \(maxNesting) deep were not read")
                return
            }
            if mediaType == "multipart/alternative", children.count > 1 {
                // The same body in several forms: read one (plain text when there is one), so each
                // value is one finding, not one per form.
                let plain = children.first { $0.mediaType == "text/plain" }
                children = [plain ?? children[children.count - 1]]
            }
            for child in children { walk(child, into: &message, depth: depth + 1) }
        case .message(let attached):
            // An attached message is a member of its own, read as a message at the next level.
            let name = filename ?? "message.eml"
            do {
                guard let attached else {
                    message.unread = .corrupt("email: attached message \(name): no message could be read")
                    return
                }
                message.attachments.append((Array(name.utf8), try attached.serialized()))
            } catch {
                message.unread = .corrupt("email: attached message \(name): \(error)")
            }
        case .leaf:
            let isAttachment = entity.disposition == "attachment" || filename != nil
            do {
                if !isAttachment && (mediaType == "text/plain" || mediaType == "text/html") {
                    message.texts.append((mediaType == "text/html", try text(entity)))
                } else {
                    let name = filename ?? "attachment-\(message.attachments.count + 1)"
                    message.attachments.append((Array(name.utf8), try entity.decodedContent()))
                }
            } catch {
                message.unread = .corrupt("email: \(error)")
            }
        }
    }

    /// Labels under which mail clients send Windows-1252 text (Outlook writes its curly quotes
    /// and euro sign under iso-8859-1), read as Windows-1252, as browsers read them (the WHATWG
    /// Encoding Standard maps these labels so): iconv's Latin-1 would make 0x92 a control
    /// character and drop the apostrophe of O’Brien.
    static let windows1252Labels: Set<String> = ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "windows-1252", "cp1252", "us-ascii", "ascii"]

    /// Header text that GMime decoded from a Latin-1 label: where it holds C1 control characters
    /// (U+0080 to U+009F), which no one writes in a header, the sender's bytes were Windows-1252
    /// (Outlook labels them iso-8859-1), and they are read as its quotes, dashes and euro sign.
    static func windows1252Controls(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) else { return value }
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if (0x80...0x9F).contains(scalar.value), let mapped = Unicode.Scalar(TextDecoding.windows1252Scalar(UInt8(scalar.value))) {
                out.append(mapped)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A text body as UTF-8: converted from the charset it declares by iconv; read as Trawl reads
    /// text (UTF-8, else Windows-1252) when it declares none, one iconv does not know, UTF-8 or a
    /// label of Windows-1252.
    static func text(_ entity: MIMEEntity) throws(MIMEError) -> [UInt8] {
        let charset = entity.contentTypeParameter("charset")?.lowercased()
        if let charset, !["utf-8", "utf8"].contains(charset), !windows1252Labels.contains(charset),
           let converted = try entity.decodedContent(convertingFrom: charset) {
            return converted
        }
        let bytes = try entity.decodedContent()
        return TextDecoding.isValidUTF8(bytes) ? bytes : TextDecoding.windows1252(bytes)
    }

    /// Counts, from above, the lines GMime would make objects of: the lines of header blocks (the
    /// message's, each part's after a line starting "--", and an attached message's after a
    /// header block naming a message/ type) and the lines starting "--" (every boundary does).
    /// Stops counting past `limit`. Bytes only: it runs before GMime on every message.
    static func structureLines(_ bytes: [UInt8], upTo limit: Int) -> Int {
        var count = 0
        var inHeaders = true
        var namesMessage = false
        let message = Array("message/".utf8)
        var start = 0
        while start < bytes.count && count <= limit {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            var last = end
            if last > start && bytes[last - 1] == 13 { last -= 1 }
            if last - start >= 2 && bytes[start] == 45 && bytes[start + 1] == 45 {
                count += 1
                inHeaders = true
                namesMessage = false
            } else if inHeaders {
                if last == start {
                    // The blank line after a header block naming message/rfc822 (or kin) starts the
                    // attached message's own header block.
                    inHeaders = namesMessage
                    namesMessage = false
                } else {
                    count += 1
                    if !namesMessage { namesMessage = contains(message, in: bytes[start..<last]) }
                }
            }
            start = end + 1
        }
        return count
    }

    /// True when `line` holds `needle` (lower-case ASCII) in any case.
    private static func contains(_ needle: [UInt8], in line: ArraySlice<UInt8>) -> Bool {
        guard line.count >= needle.count else { return false }
        return (line.startIndex...(line.endIndex - needle.count)).contains { i in
            needle.indices.allSatisfy { k in
                let b = line[i + k]
                return (b >= 65 && b <= 90 ? b + 32 : b) == needle[k]
            }
        }
    }
}
