// Email: RFC 5322 messages (.eml) and mbox mailboxes.
//
// A message is read as a document and a container at once: its headers (From, To, Cc... name
// people and hold their addresses) and its text bodies are its own text; its attachments are
// members, scanned like any file, named by their filename in the member chain. Transfer
// encodings (base64, quoted-printable) and charsets (UTF-8, ISO-8859-1, Windows-1252) are
// decoded; encoded words in headers (=?utf-8?B?...?=) too. An mbox is a container of messages.
import Foundation
import TrawlModel

enum Mail {
    /// One part of a message after decoding.
    struct Part {
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    struct Message {
        var headers: [(name: String, value: String)]
        /// Text bodies: (is HTML, UTF-8 text).
        var texts: [(html: Bool, text: [UInt8])]
        var attachments: [(name: [UInt8], bytes: [UInt8])]
    }

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

    static func parse(_ bytes: [UInt8]) -> Message {
        var message = Message(headers: [], texts: [], attachments: [])
        let top = split(bytes)
        message.headers = top.headers
        walk(top, into: &message, depth: 0)
        return message
    }

    private static func walk(_ part: Part, into message: inout Message, depth: Int) {
        let type = header(part.headers, "content-type") ?? "text/plain"
        let (mediaType, params) = parameters(type)
        let disposition = header(part.headers, "content-disposition").map(parameters)
        let filename = disposition?.1["filename"] ?? params["name"]
        if mediaType.hasPrefix("multipart/"), let boundary = params["boundary"], depth < 20 {
            var children = parts(part.body, boundary: boundary).map(split)
            if mediaType == "multipart/alternative", children.count > 1 {
                // The same body in several forms: read one (plain text when there is one), so each
                // value is one finding, not one per form.
                let plain = children.first { (header($0.headers, "content-type") ?? "text/plain").lowercased().hasPrefix("text/plain") }
                children = [plain ?? children[children.count - 1]]
            }
            for child in children { walk(child, into: &message, depth: depth + 1) }
            return
        }
        let decoded = decodeTransfer(part.body, encoding: header(part.headers, "content-transfer-encoding") ?? "7bit")
        let isAttachment = disposition?.0 == "attachment" || filename != nil
        if !isAttachment && (mediaType == "text/plain" || mediaType == "text/html") {
            message.texts.append((mediaType == "text/html", toUTF8(decoded, charset: params["charset"])))
        } else if mediaType == "message/rfc822" && filename == nil {
            message.attachments.append((Array("message.eml".utf8), decoded))
        } else {
            let name = filename.map { decodeWords($0) } ?? "attachment-\(message.attachments.count + 1)"
            message.attachments.append((Array(name.utf8), decoded))
        }
    }

    /// Headers (unfolded, encoded words decoded) and the body of one part.
    static func split(_ bytes: [UInt8]) -> Part {
        var end = bytes.count
        var bodyStart = bytes.count
        var i = 0
        while i < bytes.count {
            if bytes[i] == 10 {
                if i + 1 < bytes.count && bytes[i + 1] == 10 { end = i; bodyStart = i + 2; break }
                if i + 2 < bytes.count && bytes[i + 1] == 13 && bytes[i + 2] == 10 { end = i; bodyStart = i + 3; break }
            }
            i += 1
        }
        if i == 0 || (bytes.first == 10) { end = 0; bodyStart = min(1, bytes.count) }
        let headerText = String(decoding: bytes[0..<end], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var headers: [(String, String)] = []
        for line in headerText.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].1 += " " + line.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
        return Part(headers: headers.map { ($0.0, decodeWords($0.1)) }, body: Array(bytes[min(bodyStart, bytes.count)...]))
    }

    static func header(_ headers: [(name: String, value: String)], _ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    /// "text/plain; charset=utf-8; name=\"a b.txt\"" → ("text/plain", ["charset": "utf-8", "name": "a b.txt"]).
    static func parameters(_ value: String) -> (String, [String: String]) {
        var params: [String: String] = [:]
        let pieces = value.split(separator: ";", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for p in pieces.dropFirst() {
            guard let eq = p.firstIndex(of: "=") else { continue }
            var v = String(p[p.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            var key = p[..<eq].lowercased().trimmingCharacters(in: .whitespaces)
            if key.hasSuffix("*") { key.removeLast(); v = v.split(separator: "'", maxSplits: 2).last.map { String($0).removingPercentEncoding ?? String($0) } ?? v }
            params[key] = v
        }
        return ((pieces.first ?? "").lowercased(), params)
    }

    static func parts(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var out: [[UInt8]] = []
        var starts: [Int] = []
        var i = 0
        while i + delimiter.count <= body.count {
            if (i == 0 || body[i - 1] == 10) && body[i...].starts(with: delimiter) {
                starts.append(i)
                i += delimiter.count
                continue
            }
            i += 1
        }
        for (k, s) in starts.enumerated() {
            var begin = s + delimiter.count
            if body[begin...].starts(with: [45, 45]) { break }  // closing delimiter
            while begin < body.count && body[begin] != 10 { begin += 1 }
            begin += 1
            var end = k + 1 < starts.count ? starts[k + 1] : body.count
            if end > begin && body[end - 1] == 10 { end -= 1 }
            if end > begin && body[end - 1] == 13 { end -= 1 }
            if begin < end { out.append(Array(body[begin..<end])) }
        }
        return out
    }

    static func decodeTransfer(_ body: [UInt8], encoding: String) -> [UInt8] {
        switch encoding.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64":
            let clean = body.filter { !isSpaceByte($0) }
            return Data(base64Encoded: Data(clean), options: .ignoreUnknownCharacters).map(Array.init) ?? body
        case "quoted-printable":
            return quotedPrintable(body, underscoreIsSpace: false)
        default:
            return body
        }
    }

    static func quotedPrintable(_ body: [UInt8], underscoreIsSpace: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let b = body[i]
            if b == 61 { // =
                if i + 1 < body.count, body[i + 1] == 10 { i += 2; continue }
                if i + 2 < body.count, body[i + 1] == 13, body[i + 2] == 10 { i += 3; continue }
                if i + 2 < body.count, let v = UInt8(String(decoding: body[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    out.append(v)
                    i += 3
                    continue
                }
            }
            out.append(underscoreIsSpace && b == 95 ? 32 : b)
            i += 1
        }
        return out
    }

    static func toUTF8(_ bytes: [UInt8], charset: String?) -> [UInt8] {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "windows-1252", "cp1252", "us-ascii", "iso-8859-15":
            return TextDecoding.windows1252(bytes)
        case "utf-16", "utf-16le", "utf-16be":
            return TextDecoding.toUTF8(bytes).text
        default:
            return TextDecoding.isValidUTF8(bytes) ? bytes : TextDecoding.windows1252(bytes)
        }
    }

    /// RFC 2047 encoded words: =?charset?B?...?= and =?charset?Q?...?=.
    static func decodeWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var out = ""
        var rest = Substring(value)
        while let start = rest.range(of: "=?") {
            out += rest[..<start.lowerBound]
            let after = rest[start.upperBound...]
            let fields = after.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[3].hasPrefix("="), let encoding = fields[1].first else {
                out += "=?"
                rest = after
                continue
            }
            let data = Array(fields[2].utf8)
            let raw = encoding == "B" || encoding == "b"
                ? (Data(base64Encoded: Data(data)).map(Array.init) ?? data)
                : quotedPrintable(data, underscoreIsSpace: true)
            out += String(decoding: toUTF8(raw, charset: String(fields[0])), as: UTF8.self)
            rest = fields[3].dropFirst()
            // Whitespace between two encoded words is not part of the text.
            if rest.hasPrefix(" =?") { rest = rest.dropFirst() }
        }
        return out + rest
    }
}
