// Plain text read as a stream, for files too large to hold whole: memory stays at a few blocks
// whatever the file's size, and a file that is one 200 MB line is still searched.
//
// Blocks end at a newline where there is one. Where a line is longer than a block, the block is
// cut and the next one starts `overlap` bytes before the cut; matches starting in that overlap
// are left to the next block (`TextChunk.matchStartLimit`), so a value that straddles the cut is
// found whole, once. Values longer than `overlap` bytes are not found across a cut; no pattern
// finds such values.
import TrawlModel

package struct TextStream {
    package static let blockSize = 1 << 20
    package static let overlap = 4096

    private let blockSize: Int
    private let overlap: Int
    private var encoding: TextEncoding?
    private var carry: [UInt8] = []       // undecoded bytes (half a UTF-16 unit or pair)
    private var pending: [UInt8] = []     // decoded text not yet emitted
    private var offset = 0                // stream offset of pending[0]
    private var line = 1                  // line number of pending[0]
    private var skipBOM = true

    package init(blockSize: Int = TextStream.blockSize, overlap: Int = TextStream.overlap) {
        self.blockSize = max(blockSize, 2 * overlap + 1)
        self.overlap = overlap
    }

    /// The encoding, decided from the first bytes fed.
    package var detectedEncoding: TextEncoding? { encoding }

    /// Bytes gathered before the encoding is decided: enough to tell UTF-16 from UTF-8 from 1252.
    static let detectionSample = 4096

    /// Feeds the next bytes of the file; emits every block that is complete.
    package mutating func feed(_ bytes: ArraySlice<UInt8>, emit: (TextChunk) -> Void) {
        if encoding == nil {
            carry.append(contentsOf: bytes)
            guard carry.count >= Self.detectionSample else { return }
            encoding = Self.detect(carry)
            let sample = carry
            carry = []
            pending.append(contentsOf: decode(sample[...]))
        } else {
            pending.append(contentsOf: decode(bytes))
        }
        while pending.count >= blockSize { emitBlock(emit) }
    }

    /// Emits what is left.
    package mutating func finish(emit: (TextChunk) -> Void) {
        if encoding == nil {
            encoding = Self.detect(carry)
            let sample = carry
            carry = []
            pending.append(contentsOf: decode(sample[...]))
        }
        if !carry.isEmpty { pending.append(contentsOf: [0xEF, 0xBF, 0xBD]); carry = [] }
        while pending.count >= blockSize { emitBlock(emit) }
        if !pending.isEmpty {
            emit(TextChunk(text: pending, part: nil, firstLine: line, offset: offset))
            pending = []
        }
    }

    private mutating func emitBlock(_ emit: (TextChunk) -> Void) {
        var end = blockSize
        while end > 0 && pending[end - 1] != 10 { end -= 1 }
        if end > 0 {
            let block = Array(pending[0..<end])
            emit(TextChunk(text: block, part: nil, firstLine: line, offset: offset))
            advance(by: end)
        } else {
            // One long line: cut it, and start the next block `overlap` bytes back.
            let block = Array(pending[0..<blockSize])
            var chunk = TextChunk(text: block, part: nil, firstLine: line, offset: offset)
            chunk.matchStartLimit = blockSize - overlap
            emit(chunk)
            advance(by: blockSize - overlap)
        }
    }

    private mutating func advance(by n: Int) {
        for b in pending[0..<n] where b == 10 { line += 1 }
        pending.removeFirst(n)
        offset += n
    }

    static func detect(_ head: [UInt8]) -> TextEncoding {
        if head.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if head.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        if let le = TextDecoding.utf16WithoutBOM(head) { return le ? .utf16LE : .utf16BE }
        // A UTF-8 sequence cut at the end of the sample is still UTF-8.
        var end = head.count
        while end > 0 && head.count - end < 3 && head[end - 1] & 0xC0 == 0x80 { end -= 1 }
        if end > 0 && head[end - 1] >= 0xC0 { end -= 1 }
        return TextDecoding.isValidUTF8(Array(head[0..<end])) ? .utf8 : .windows1252
    }

    private mutating func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var input = carry + bytes
        carry = []
        if skipBOM {
            skipBOM = false
            switch encoding {
            case .utf8 where input.starts(with: [0xEF, 0xBB, 0xBF]): input.removeFirst(3)
            case .utf16LE where input.starts(with: [0xFF, 0xFE]), .utf16BE where input.starts(with: [0xFE, 0xFF]): input.removeFirst(2)
            default: break
            }
        }
        switch encoding ?? .utf8 {
        case .utf8:
            // Bytes pass through: the matcher works on bytes and needs no valid UTF-8.
            return input
        case .windows1252:
            return TextDecoding.windows1252(input)
        case .utf16LE, .utf16BE:
            let le = encoding == .utf16LE
            var usable = input.count & ~1
            // Keep a trailing high surrogate for the next block, to decode the pair whole.
            if usable >= 2 {
                let a = input[usable - 2], b = input[usable - 1]
                let unit = le ? UInt16(b) << 8 | UInt16(a) : UInt16(a) << 8 | UInt16(b)
                if (0xD800...0xDBFF).contains(unit) { usable -= 2 }
            }
            carry = Array(input[usable...])
            return TextDecoding.utf16(input[0..<usable], littleEndian: le)
        }
    }
}
