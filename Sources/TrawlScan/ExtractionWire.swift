// The messages between the scan and its extraction worker process, and their byte layout.
//
// One request (a document's bytes, its format, whether to read the text of an image) is answered
// by a stream of messages: the chunks of text as they are extracted, issues that did not stop the
// reading, and one final message (done, or the error that stopped it). Chunks are sent as they
// come, so that what was read before a worker is killed still counts.
//
// Layout: every message is a frame, a little-endian UInt32 length and that many bytes; a frame's
// first byte is its kind. Integers are little-endian Int64, strings and byte strings a length and
// their bytes, optionals a presence byte. The parent decodes what a worker sends as untrusted
// input (the worker reads hostile files): every length is checked against what is left of the
// frame, and a chunk's cells against its text.
import TrawlExtract
import TrawlModel

/// What the scan asks the worker to read.
struct ExtractionRequest: Equatable {
    var format: DocumentFormat
    /// Also read the text an image shows (OCR).
    var recognizeText: Bool
    /// Seconds of CPU the worker may spend on it (a limit the kernel enforces).
    var cpuSeconds: Double
    var maxMemberSize: Int
    var bytes: [UInt8]
}

/// What the worker answers, message by message.
enum ExtractionReply {
    case chunk(TextChunk)
    /// A problem that did not stop the reading.
    case issue(ScanIssue)
    /// The end: the document was read.
    case done
    /// The end: the document could not be read.
    case failed(ScanIssue)
}

/// A frame the worker sent that does not decode.
struct MalformedReply: Error {}

enum ExtractionWire {
    /// Largest frame either side accepts: a document (within the largest member size allowed),
    /// or a chunk (a chunk of text is far smaller).
    static let maxFrame = 1 << 30

    // MARK: Encoding

    static func encode(_ request: ExtractionRequest) -> [UInt8] {
        var w = FrameWriter(kind: 0x52)  // "R"
        w.string(request.format.rawValue)
        w.int(request.recognizeText ? 1 : 0)
        w.int(Int(request.cpuSeconds.rounded(.up)))
        w.int(request.maxMemberSize)
        w.bytes(request.bytes)
        return w.finish()
    }

    static func encode(_ reply: ExtractionReply) -> [UInt8] {
        switch reply {
        case .chunk(let c):
            var w = FrameWriter(kind: 0x43)  // "C"
            w.bytes(c.text)
            w.optionalString(c.part)
            w.optionalInt(c.firstLine)
            w.int(c.offset)
            w.optionalInt(c.matchStartLimit)
            w.int(c.cells.count)
            for cell in c.cells {
                w.int(cell.range.lowerBound)
                w.int(cell.range.upperBound)
                w.optionalString(cell.ref)
                w.optionalString(cell.label)
            }
            return w.finish()
        case .issue(let i):
            var w = FrameWriter(kind: 0x49)  // "I"
            w.issue(i)
            return w.finish()
        case .done:
            var w = FrameWriter(kind: 0x44)  // "D"
            return w.finish()
        case .failed(let i):
            var w = FrameWriter(kind: 0x46)  // "F"
            w.issue(i)
            return w.finish()
        }
    }

    // MARK: Decoding

    /// The length of the frame at the start of `buffer`, when its header is there.
    static func frameLength(_ buffer: ArraySlice<UInt8>) -> Int? {
        guard buffer.count >= 4 else { return nil }
        let i = buffer.startIndex
        return Int(buffer[i]) | Int(buffer[i + 1]) << 8 | Int(buffer[i + 2]) << 16 | Int(buffer[i + 3]) << 24
    }

    static func decodeRequest(_ frame: ArraySlice<UInt8>) throws(MalformedReply) -> ExtractionRequest {
        var r = FrameReader(frame)
        guard try r.kind() == 0x52, let format = DocumentFormat(rawValue: try r.string()) else { throw MalformedReply() }
        let ocr = try r.int() != 0
        let cpu = Double(try r.int())
        let member = try r.int()
        let bytes = try r.bytes()
        return ExtractionRequest(format: format, recognizeText: ocr, cpuSeconds: cpu, maxMemberSize: member, bytes: bytes)
    }

    static func decodeReply(_ frame: ArraySlice<UInt8>) throws(MalformedReply) -> ExtractionReply {
        var r = FrameReader(frame)
        switch try r.kind() {
        case 0x43:
            let text = try r.bytes()
            let part = try r.optionalString()
            let firstLine = try r.optionalInt()
            let offset = try r.int()
            let limit = try r.optionalInt()
            let count = try r.int()
            // Each cell takes at least 18 bytes: a count past that is a lie.
            guard count >= 0, count <= r.remaining / 18 else { throw MalformedReply() }
            var cells: [Cell] = []
            cells.reserveCapacity(count)
            for _ in 0..<count {
                let lower = try r.int(), upper = try r.int()
                guard 0 <= lower, lower <= upper, upper <= text.count else { throw MalformedReply() }
                cells.append(Cell(range: lower..<upper, ref: try r.optionalString(), label: try r.optionalString()))
            }
            var chunk = TextChunk(text: text, part: part, firstLine: firstLine, offset: offset, cells: cells)
            chunk.matchStartLimit = limit
            return .chunk(chunk)
        case 0x49: return .issue(try r.issue())
        case 0x44: return .done
        case 0x46: return .failed(try r.issue())
        default: throw MalformedReply()
        }
    }
}

private struct FrameWriter {
    private var out: [UInt8] = [0, 0, 0, 0]

    init(kind: UInt8) { out.append(kind) }

    mutating func int(_ v: Int) {
        withUnsafeBytes(of: Int64(v).littleEndian) { out.append(contentsOf: $0) }
    }

    mutating func bytes(_ b: [UInt8]) {
        int(b.count)
        out.append(contentsOf: b)
    }

    mutating func string(_ s: String) { bytes(Array(s.utf8)) }

    mutating func optionalString(_ s: String?) {
        out.append(s == nil ? 0 : 1)
        if let s { string(s) }
    }

    mutating func optionalInt(_ v: Int?) {
        out.append(v == nil ? 0 : 1)
        if let v { int(v) }
    }

    mutating func issue(_ i: ScanIssue) {
        string(i.kind.rawValue)
        string(i.message)
    }

    /// The frame, its length written in front.
    mutating func finish() -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: out.count - 4)
        for k in 0..<4 { out[k] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(k))) }
        return out
    }
}

private struct FrameReader {
    private let frame: ArraySlice<UInt8>
    private var at: Int

    init(_ frame: ArraySlice<UInt8>) {
        self.frame = frame
        at = frame.startIndex
    }

    var remaining: Int { frame.endIndex - at }

    mutating func kind() throws(MalformedReply) -> UInt8 {
        guard remaining >= 1 else { throw MalformedReply() }
        defer { at += 1 }
        return frame[at]
    }

    mutating func int() throws(MalformedReply) -> Int {
        guard remaining >= 8 else { throw MalformedReply() }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(frame[at + k]) << (8 * UInt64(k)) }
        at += 8
        return Int(truncatingIfNeeded: v)
    }

    mutating func bytes() throws(MalformedReply) -> [UInt8] {
        let n = try int()
        guard n >= 0, n <= remaining else { throw MalformedReply() }
        defer { at += n }
        return Array(frame[at..<(at + n)])
    }

    mutating func string() throws(MalformedReply) -> String { String(decoding: try bytes(), as: UTF8.self) }

    mutating func optionalString() throws(MalformedReply) -> String? {
        try present() ? try string() : nil
    }

    mutating func optionalInt() throws(MalformedReply) -> Int? {
        try present() ? try int() : nil
    }

    mutating func issue() throws(MalformedReply) -> ScanIssue {
        guard let kind = IssueKind(rawValue: try string()) else { throw MalformedReply() }
        return ScanIssue(kind, try string())
    }

    private mutating func present() throws(MalformedReply) -> Bool {
        switch try kind() {
        case 0: return false
        case 1: return true
        default: throw MalformedReply()
        }
    }
}
