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

/// The bytes of one report line, written into memory of its own: noncopyable, so that each byte
/// appended is a store and a bounds check, without the uniqueness and capacity checks of an array
/// append (those were most of writing a finding-dense line).
struct JSONBytes: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// What has been written.
    var out: [UInt8] { Array(written) }

    /// What has been written, in place (valid while this lives, until the next write).
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Forgets what was written, keeping the memory.
    mutating func removeAll() {
        count = 0
        depth = 0
        empty = 0
    }

    /// Appends bytes written elsewhere (a stored line).
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let source = bytes.baseAddress { append(source, bytes.count) }
    }

    mutating func raw(_ s: StaticString) {
        append(s.utf8Start, s.utf8CodeUnitCount)
    }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(from: bytes, count: n)
        count += n
    }

    mutating func int(_ n: Int) {
        if n < 0 { byte(45) }
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
            append(d.baseAddress!.assumingMemoryBound(to: UInt8.self) + (20 - count), count)
        }
    }

    /// Writes `n` bytes in place: `body` is given room for exactly `n` and must fill it all.
    mutating func bytes(_ n: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        reserve(n)
        body(UnsafeMutableBufferPointer(start: base + count, count: n))
        count += n
    }

    mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    /// A JSON string: `"`, `\` and control characters escaped, the rest as UTF-8. `plain`: a
    /// string Trawl made itself with nothing to escape (an enum's name, a keyed digest in hex),
    /// written without looking for characters to escape.
    mutating func string(_ s: String, plain: Bool = false) {
        // Read in place (native and small strings alike); a bridged string, which Trawl does not
        // make, is copied first.
        if s.utf8.withContiguousStorageIfAvailable({ string($0, plain: plain) }) == nil {
            var copy = s
            copy.withUTF8 { string($0, plain: plain) }
        }
    }

    /// A JSON string of UTF-8 `bytes`, escaped as `string(_:plain:)` escapes a string's.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>, plain: Bool) {
        assert(!plain || !Self.needsEscaping(bytes), "a plain string holds a character to escape")
        // Most strings have nothing to escape: found eight bytes at a time, and copied whole
        // between their quotes.
        if plain || !Self.needsEscaping(bytes) {
            reserve(bytes.count + 2)
            base[count] = 34
            if let source = bytes.baseAddress { Self.copy(source, bytes.count, to: base + count + 1) }
            base[count + 1 + bytes.count] = 34
            count += bytes.count + 2
            return
        }
        byte(34)
        do {
            let source = bytes.baseAddress!  // not empty: it holds a byte to escape
            var runStart = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                guard b < 32 || b == 34 || b == 92 else { continue }
                append(source + runStart, i - runStart)
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
                    byte(hex[Int(b >> 4)])
                    byte(hex[Int(b & 15)])
                }
            }
            append(source + runStart, bytes.count - runStart)
        }
        byte(34)
    }

    /// Whether any byte is a control character, `"` or `\`: eight bytes at a time with the zero-
    /// and less-than-byte tests of the Bit Twiddling Hacks.
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while i + 8 <= bytes.count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
            let control = (x &- ones &* 0x20) & ~x
            let found = control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            if found & high != 0 { return true }
            i += 8
        }
        while i < bytes.count {
            let b = bytes[i]
            if b < 32 || b == 34 || b == 92 { return true }
            i += 1
        }
        return false
    }

    /// Whether the object being written at each depth (one bit a level) has no member yet.
    private var empty: UInt64 = 0
    private var depth = 0

    mutating func beginObject() {
        byte(123)
        depth += 1
        empty |= 1 << depth
    }

    mutating func endObject() {
        byte(125)
        depth -= 1
    }

    /// Copies `n` bytes: most keys and values are short, and a call to memmove costs more than
    /// copying one, so up to sixteen bytes are copied as two words that overlap, which read and
    /// write no byte outside the range.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, _ n: Int, to destination: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(destination)
        if n >= 8 && n <= 16 {
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { destination[i] = source[i] }
        } else {
            destination.update(from: source, count: n)
        }
    }

    /// Writes `"key":`, after the comma that separates it from the object's previous member.
    /// Members must come in sorted key order, as JSONEncoder's .sortedKeys writes them.
    mutating func key(_ k: StaticString) {
        // One capacity check for the comma, the quotes, the colon and the key, which `copy`
        // copies without a call.
        let n = k.utf8CodeUnitCount
        reserve(n + 4)
        var p = base + count
        if empty & (1 << depth) == 0 { p.pointee = 44; p += 1 }
        empty &= ~(1 << depth)
        p.pointee = 34
        p += 1
        Self.copy(k.utf8Start, n, to: p)
        p += n
        p[0] = 34
        p[1] = 58
        count = p + 2 - base
    }

    mutating func field(_ k: StaticString, _ value: String) { key(k); string(value) }

    /// A field whose value has nothing to escape (`string(_:plain:)`), as most strings of a finding.
    mutating func plainField(_ k: StaticString, _ value: String) { key(k); string(value, plain: true) }
    mutating func field(_ k: StaticString, _ value: Int) { key(k); int(value) }

    /// A JSON array of `items`, each written by `element`.
    mutating func array<Items: RandomAccessCollection>(_ items: Items, _ element: (inout JSONBytes, borrowing Items.Element) -> Void)
        where Items.Index == Int {
        byte(91)
        // By index, each element read in place: a for-in loop copies every element out (a
        // finding record's strings retained and released once more per finding).
        for i in items.indices {
            if i > items.startIndex { byte(44) }
            element(&self, items[i])
        }
        byte(93)
    }
}

extension FileRecord {
    /// The whole report line `{"data":{...},"type":"file"}` and its newline.
    package func reportLine() -> [UInt8] {
        var j = JSONBytes(capacity: 512 + findings.count * 320)
        writeLine(to: &j)
        return j.out
    }

    /// Appends the report line to `j`.
    func writeLine(to j: inout JSONBytes) {
        writeLine(to: &j) { j in j.array(findings) { j, f in f.write(to: &j) } }
    }

    /// Appends the report line to `j`, its findings (the whole JSON array) written by
    /// `writeFindings` in place of the record's own: the report writer writes a file's findings
    /// straight from what was found, without a record and its strings for each. `writeBelowRoot`,
    /// when given, writes the `below_root` object in place of the record's own, from the path's
    /// bytes without a string made for it.
    /// - Returns: how many bytes the `below_root` member took (its key and object, 0 without
    ///   one): it is the line's first member, right after `{"data":{`.
    @discardableResult
    func writeLine(to j: inout JSONBytes, belowRoot writeBelowRoot: ((inout JSONBytes) -> Void)? = nil,
                   findings writeFindings: (inout JSONBytes) -> Void) -> Int {
        j.raw("{\"data\":")
        let written = write(to: &j, belowRoot: writeBelowRoot, findings: writeFindings)
        j.raw(",\"type\":\"file\"}\n")
        return written
    }

    func write(to j: inout JSONBytes) {
        write(to: &j) { j in j.array(findings) { j, f in f.write(to: &j) } }
    }

    @discardableResult
    func write(to j: inout JSONBytes, belowRoot writeBelowRoot: ((inout JSONBytes) -> Void)? = nil,
               findings writeFindings: (inout JSONBytes) -> Void) -> Int {
        j.beginObject()
        let start = j.count
        if let writeBelowRoot {
            j.key("below_root")
            writeBelowRoot(&j)
        } else if let belowRoot {
            j.key("below_root")
            belowRoot.write(to: &j)
        }
        let belowRootBytes = j.count - start
        if let carriedOver { j.key("carried_over"); j.bool(carriedOver) }
        if let contentId { j.plainField("content_id", contentId) }
        if let exposedTo { j.key("exposed_to"); j.array(exposedTo) { j, r in j.string(r) } }
        j.key("findings")
        writeFindings(&j)
        if let findingsOmitted {
            j.key("findings_omitted")
            j.array(findingsOmitted) { j, o in
                j.beginObject()
                j.field("count", o.count)
                if let level = o.level { j.plainField("level", level.rawValue) }
                j.field("type", o.type)
                j.endObject()
            }
        }
        if let format { j.field("format", format) }
        if let issues {
            j.key("issues")
            j.array(issues) { j, issue in
                j.beginObject()
                j.plainField("kind", issue.kind.rawValue)
                j.field("message", issue.message)
                j.endObject()
            }
        }
        j.plainField("level", level.rawValue)
        if let markings { j.key("markings"); j.array(markings) { j, m in j.string(m) } }
        if let memberCount { j.field("member_count", memberCount) }
        if let members { j.key("members"); j.array(members) { j, m in m.write(to: &j) } }
        j.plainField("outcome", outcome.rawValue)
        j.key("path"); path.write(to: &j)
        if let permissions {
            j.key("permissions")
            j.beginObject()
            j.key("acl"); j.bool(permissions.acl)
            j.field("group", permissions.group)
            if let mode = permissions.mode { j.field("mode", mode) }
            j.field("owner", permissions.owner)
            j.key("readers"); j.array(permissions.readers) { j, r in j.string(r) }
            j.endObject()
        }
        j.key("reasons")
        j.array(reasons) { j, r in
            j.beginObject()
            j.field("detail", r.detail)
            j.plainField("level", r.level.rawValue)
            j.field("rule", r.rule)
            j.endObject()
        }
        if let retention {
            j.key("retention")
            j.beginObject()
            if let due = retention.due { j.field("due", due) }
            if let eventDate = retention.eventDate { j.field("event_date", eventDate) }
            j.field("from", retention.from)
            j.field("keep", retention.keep)
            j.field("rule", retention.rule)
            j.endObject()
        }
        j.field("size", size)
        j.endObject()
        return belowRootBytes
    }
}

extension BelowRoot {
    func write(to j: inout JSONBytes) {
        j.beginObject()
        j.key("path"); path.write(to: &j)
        j.field("root", root)
        j.endObject()
    }
}

extension PathText {
    func write(to j: inout JSONBytes) {
        j.beginObject()
        if let bytes { j.field("bytes", bytes) }
        if let text { j.field("text", text) }
        j.endObject()
    }
}

extension FindingRecord {
    func write(to j: inout JSONBytes) {
        Self.write(to: &j, confidence: confidence, decision: decision, evidence: evidence, exempt: exempt,
                   fingerprint: { j in j.string(fingerprint, plain: true) }, level: level, location: location,
                   masked: { j in j.string(masked) }, pattern: pattern, type: type, value: value)
    }

    /// A finding's object, its fields in sorted order; the masked value and the fingerprint are
    /// written by the caller (as JSON strings), which may make them in place.
    static func write(to j: inout JSONBytes, confidence: Confidence, decision: DecisionRecord?, evidence: [String],
                      exempt: Exemption?, fingerprint: (inout JSONBytes) -> Void, level: Level?, location: Location,
                      masked: (inout JSONBytes) -> Void, pattern: String, type: String, value: String?) {
        j.beginObject()
        j.plainField("confidence", confidence.rawValue)
        if let decision {
            j.key("decision")
            j.beginObject()
            j.field("at", decision.at)
            j.field("by", decision.by)
            j.plainField("decision", decision.decision.rawValue)
            if let note = decision.note { j.field("note", note) }
            j.endObject()
        }
        j.key("evidence"); j.array(evidence) { j, e in j.string(e) }
        if let exempt { j.plainField("exempt", exempt.rawValue) }
        j.key("fingerprint"); fingerprint(&j)
        if let level { j.plainField("level", level.rawValue) }
        j.key("location")
        j.beginObject()
        if let cell = location.cell { j.field("cell", cell) }
        if let column = location.column { j.field("column", column) }
        if let line = location.line { j.field("line", line) }
        j.field("offset", location.offset)
        if let part = location.part { j.field("part", part) }
        j.endObject()
        j.key("masked"); masked(&j)
        j.field("pattern", pattern)
        j.field("type", type)
        if let value { j.field("value", value) }
        j.endObject()
    }
}
