// The report line of a file record, written straight into bytes.
//
// Why not JSONEncoder: a file record is written for every entry of every night, and a finding-dense
// share has hundreds of thousands of findings; JSONEncoder (boxes, key sorting, a dictionary per
// object) cost a fifth of a scan of 200 MB of prose. This writes the same bytes: keys in sorted
// order, nil fields left out, strings escaped as JSONEncoder escapes them with
// .withoutEscapingSlashes. A test compares the two on every record of a scan of Samples/ and on
// records made to hold every field and every kind of character. Keep the two in step: a field
// added to a record must be added here, in its sorted place.
import TrawlModel

struct JSONBytes {
    var out: [UInt8] = []

    init(capacity: Int) { out.reserveCapacity(capacity) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    mutating func int(_ n: Int) {
        if n < 0 { out.append(45) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(m % 10) + 48
                m /= 10
                count += 1
            } while m > 0
            out.append(contentsOf: d[(20 - count)...])
        }
    }

    mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    /// A JSON string: `"`, `\` and control characters escaped, the rest as UTF-8.
    mutating func string(_ s: String) {
        out.append(34)
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 32 || b == 34 || b == 92 else { continue }
                out.append(contentsOf: bytes[runStart..<i])
                runStart = i + 1
                switch b {
                case 34: raw("\\\"")
                case 92: raw("\\\\")
                case 8: raw("\\b")
                case 9: raw("\\t")
                case 10: raw("\\n")
                case 12: raw("\\f")
                case 13: raw("\\r")
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 15)])
                }
            }
            out.append(contentsOf: bytes[runStart..<bytes.count])
        }
        out.append(34)
    }

    mutating func strings(_ list: [String]) {
        out.append(91)
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(44) }
            string(s)
        }
        out.append(93)
    }

    /// Writes `"key":` with the comma that separates it from the previous member.
    mutating func key(_ k: StaticString, first: inout Bool) {
        if !first { out.append(44) }
        first = false
        out.append(34)
        raw(k)
        raw("\":")
    }
}

extension FileRecord {
    /// The whole report line `{"data":{...},"type":"file"}` and its newline.
    package func reportLine() -> [UInt8] {
        var j = JSONBytes(capacity: 512 + findings.count * 320)
        j.raw("{\"data\":")
        write(to: &j)
        j.raw(",\"type\":\"file\"}\n")
        return j.out
    }

    func write(to j: inout JSONBytes) {
        var first = true
        j.out.append(123)
        if let carriedOver { j.key("carried_over", first: &first); j.bool(carriedOver) }
        if let contentId { j.key("content_id", first: &first); j.string(contentId) }
        j.key("findings", first: &first)
        j.out.append(91)
        for (i, f) in findings.enumerated() {
            if i > 0 { j.out.append(44) }
            f.write(to: &j)
        }
        j.out.append(93)
        if let findingsOmitted {
            j.key("findings_omitted", first: &first)
            j.out.append(91)
            for (i, o) in findingsOmitted.enumerated() {
                if i > 0 { j.out.append(44) }
                var f = true
                j.out.append(123)
                j.key("count", first: &f); j.int(o.count)
                if let level = o.level { j.key("level", first: &f); j.string(level.rawValue) }
                j.key("type", first: &f); j.string(o.type)
                j.out.append(125)
            }
            j.out.append(93)
        }
        if let format { j.key("format", first: &first); j.string(format) }
        if let issues {
            j.key("issues", first: &first)
            j.out.append(91)
            for (i, issue) in issues.enumerated() {
                if i > 0 { j.out.append(44) }
                var f = true
                j.out.append(123)
                j.key("kind", first: &f); j.string(issue.kind.rawValue)
                j.key("message", first: &f); j.string(issue.message)
                j.out.append(125)
            }
            j.out.append(93)
        }
        j.key("level", first: &first); j.string(level.rawValue)
        if let markings { j.key("markings", first: &first); j.strings(markings) }
        if let memberCount { j.key("member_count", first: &first); j.int(memberCount) }
        if let members {
            j.key("members", first: &first)
            j.out.append(91)
            for (i, m) in members.enumerated() {
                if i > 0 { j.out.append(44) }
                m.write(to: &j)
            }
            j.out.append(93)
        }
        j.key("outcome", first: &first); j.string(outcome.rawValue)
        j.key("path", first: &first); path.write(to: &j)
        j.key("reasons", first: &first)
        j.out.append(91)
        for (i, r) in reasons.enumerated() {
            if i > 0 { j.out.append(44) }
            var f = true
            j.out.append(123)
            j.key("detail", first: &f); j.string(r.detail)
            j.key("level", first: &f); j.string(r.level.rawValue)
            j.key("rule", first: &f); j.string(r.rule)
            j.out.append(125)
        }
        j.out.append(93)
        j.key("size", first: &first); j.int(size)
        j.out.append(125)
    }
}

extension PathText {
    func write(to j: inout JSONBytes) {
        var first = true
        j.out.append(123)
        if let bytes { j.key("bytes", first: &first); j.string(bytes) }
        if let text { j.key("text", first: &first); j.string(text) }
        j.out.append(125)
    }
}

extension FindingRecord {
    func write(to j: inout JSONBytes) {
        var first = true
        j.out.append(123)
        j.key("confidence", first: &first); j.string(confidence.rawValue)
        if let decision {
            j.key("decision", first: &first)
            var f = true
            j.out.append(123)
            j.key("at", first: &f); j.string(decision.at)
            j.key("by", first: &f); j.string(decision.by)
            j.key("decision", first: &f); j.string(decision.decision.rawValue)
            if let note = decision.note { j.key("note", first: &f); j.string(note) }
            j.out.append(125)
        }
        j.key("evidence", first: &first); j.strings(evidence)
        if let exempt { j.key("exempt", first: &first); j.string(exempt.rawValue) }
        j.key("fingerprint", first: &first); j.string(fingerprint)
        if let level { j.key("level", first: &first); j.string(level.rawValue) }
        j.key("location", first: &first)
        var f = true
        j.out.append(123)
        if let cell = location.cell { j.key("cell", first: &f); j.string(cell) }
        if let column = location.column { j.key("column", first: &f); j.string(column) }
        if let line = location.line { j.key("line", first: &f); j.int(line) }
        j.key("offset", first: &f); j.int(location.offset)
        if let part = location.part { j.key("part", first: &f); j.string(part) }
        j.out.append(125)
        j.key("masked", first: &first); j.string(masked)
        j.key("pattern", first: &first); j.string(pattern)
        j.key("type", first: &first); j.string(type)
        if let value { j.key("value", first: &first); j.string(value) }
        j.out.append(125)
    }
}
