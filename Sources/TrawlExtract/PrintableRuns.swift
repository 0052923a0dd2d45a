// Text inside binary data of no known format: its runs of printable characters, as `strings`
// finds them (`strings -e S` for ASCII and UTF-8, `-e l` and `-e b` for UTF-16).
//
// A log pre-allocated or damaged by a crash is padded with NUL bytes, a dump or a cache file
// holds records among binary fields: the sniffer calls such a file binary, and without this its
// personal data was never searched. What lies between the runs is not read; the ledger says so.
//
// Random bytes (compressed or encrypted data) are printable three times in eight, so they hold
// short runs by the thousand, and in 200 MiB of them the patterns found some thirty things that
// look like a postcode or an address ("W81SY", "b@Q.jYw"). So an ASCII or UTF-8 run is searched
// only when it is at least `minimumLength` characters and also looks put there: it starts or
// ends at a NUL byte (a C string, a padded field or log), or holds two spaces (words), or is
// at least `longRun` characters (chance makes such a run once in some 20,000 short ones). A
// UTF-16 run needs only the minimum: a NUL byte in every second place is no accident.

import TrawlModel

enum PrintableRuns {
    /// Characters a run needs to be searched. `strings` defaults to 4; 6 keeps the runs that
    /// chance makes in random bytes rare (about one position in 400) and short, while a
    /// value with its label ("NI: AB123456C") is longer.
    static let minimumLength = 6
    /// An ASCII or UTF-8 run this long is searched wherever it lies.
    static let longRun = 16

    /// The ledger's note for an entry read this way.
    static let issue = ScanIssue(.malformed, "binary data of no known format: only its runs of printable text (\(minimumLength) or more characters of ASCII, UTF-8 or UTF-16) were searched")

    /// Emits the runs as prose, a run to a line: ASCII and UTF-8 runs in part "printable text",
    /// UTF-16 runs in "printable text (UTF-16LE)" and "(UTF-16BE)". Memory beyond `bytes` is one
    /// block of ASCII and UTF-8 runs at a time, and the UTF-16 runs (at most half of `bytes`).
    static func extract(_ bytes: [UInt8], emit: (TextChunk) -> Void) {
        withoutActuallyEscaping(emit) { emit in
            bytes.withUnsafeBufferPointer { b in
                var out = Output(part: "printable text", emit: emit)
                singleByteRuns(b, into: &out)
                out.finish()
                // A UTF-16LE string read one byte along is a UTF-16BE one ("A\0B\0C\0" holds
                // "\0B", "\0C"), and the other way round: where a little-endian run and a
                // big-endian one overlap, the longer is kept, or the one with more ASCII (a byte
                // of junk next to a string reads as a Latin-1 letter), or else the little-endian
                // one (Windows writes it), so one string is one run.
                var little = [utf16Runs(b, from: 0, littleEndian: true), utf16Runs(b, from: 1, littleEndian: true)]
                var big = [utf16Runs(b, from: 1, littleEndian: false), utf16Runs(b, from: 0, littleEndian: false)]
                for pair in 0..<2 { dropShorterOverlaps(&little[pair], &big[pair]) }
                for (runs, part) in [(little, "printable text (UTF-16LE)"), (big, "printable text (UTF-16BE)")] {
                    var wide = Output(part: part, emit: emit)
                    let kept = (runs[0] + runs[1]).filter { !$0.dropped }.sorted { $0.bytes.lowerBound < $1.bytes.lowerBound }
                    for run in kept { wide.add(run: run.text) }
                    wide.finish()
                }
            }
        }
    }

    /// A UTF-16 run: where it lies in the data, its characters as UTF-8.
    private struct WideRun {
        var bytes: Range<Int>
        var characters: Int
        var ascii: Int
        var text: [UInt8]
        var dropped = false

        /// Which of two overlapping runs is kept: the longer, then the one with more ASCII.
        var weight: (Int, Int) { (characters, ascii) }
    }

    /// Of each little-endian run and big-endian run that overlap, marks the shorter dropped. Both
    /// lists are in order and their runs disjoint.
    private static func dropShorterOverlaps(_ little: inout [WideRun], _ big: inout [WideRun]) {
        var j = 0
        for i in little.indices {
            while j < big.count && big[j].bytes.upperBound <= little[i].bytes.lowerBound { j += 1 }
            var k = j
            while k < big.count && big[k].bytes.lowerBound < little[i].bytes.upperBound {
                if big[k].weight > little[i].weight { little[i].dropped = true } else { big[k].dropped = true }
                k += 1
            }
        }
    }

    /// The block of runs being built for one part.
    private struct Output {
        var cursor: PartCursor
        var block = ProseBlock()
        let emit: (TextChunk) -> Void

        init(part: String, emit: @escaping (TextChunk) -> Void) {
            cursor = PartCursor(part: part)
            self.emit = emit
        }

        /// A run to search, a line of its own.
        mutating func add(run text: [UInt8]) {
            block.add(paragraph: text)
            if block.isFull, let c = block.take(&cursor) { emit(c) }
        }

        mutating func finish() {
            if let c = block.take(&cursor) { emit(c) }
        }
    }

    /// Tab, line ends and the printable ASCII characters.
    @inline(__always) private static func isPrintableASCII(_ b: UInt8) -> Bool {
        (0x20...0x7E).contains(b) || b == 9 || b == 10 || b == 13
    }

    /// Runs of printable ASCII and of UTF-8 sequences that decode to characters past the C1
    /// controls (a name with an accent stays one run). A run's bytes are the data's own, so a
    /// run is copied only when it is searched.
    private static func singleByteRuns(_ b: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        var i = 0
        let n = b.count
        var first = 0, characters = 0, spaces = 0
        func endRun(at end: Int) {
            if characters >= minimumLength
                && (first == 0 || b[first - 1] == 0 || end == n || b[end] == 0 || spaces >= 2 || characters >= longRun) {
                out.add(run: Array(b[first..<end]))
            }
            characters = 0
            spaces = 0
        }
        while i < n {
            let c = b[i]
            if isPrintableASCII(c) {
                if characters == 0 { first = i }
                // The rest of a stretch of printable ASCII, without the run's other checks.
                var j = i + 1
                while j < n && isPrintableASCII(b[j]) { j += 1 }
                characters += j - i
                for k in i..<j where b[k] == 32 { spaces += 1 }
                i = j
                continue
            }
            if c >= 0xC2 && c <= 0xF4, let length = utf8Length(b, at: i) {
                if characters == 0 { first = i }
                characters += 1
                i += length
                continue
            }
            if characters > 0 { endRun(at: i) }
            i += 1
            if c == 0 { i = pastZeros(b, from: i) }
        }
        if characters > 0 { endRun(at: n) }
    }

    /// The first index at or after `i` (by steps of 8, so alignment is kept) where the next eight
    /// bytes are not all NUL: padding and zero-filled blocks, often most of such a file, are
    /// passed over a word at a time.
    @inline(__always) private static func pastZeros(_ b: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
        var i = i
        let raw = UnsafeRawBufferPointer(b)
        while i + 8 <= b.count && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) == 0 { i += 8 }
        return i
    }

    /// The length of a well-formed UTF-8 sequence of two to four bytes at `i` whose character is
    /// past the C1 controls (U+00A0 on), or nil.
    private static func utf8Length(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let c = b[i]
        let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        guard i + length <= b.count else { return nil }
        var scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            let d = b[i + k]
            guard d & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(d & 0x3F)
        }
        // Overlong forms, surrogates and values past U+10FFFF are not characters.
        let smallest: UInt32 = length == 2 ? 0xA0 : length == 3 ? 0x800 : 0x10000
        guard scalar >= smallest, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return nil }
        return length
    }

    /// Runs of UTF-16 code units in the Latin-1 range (high byte zero, low byte printable ASCII
    /// or a Latin-1 letter or sign), as Windows writes names and paths into binary files, read at
    /// one alignment.
    private static func utf16Runs(_ b: UnsafeBufferPointer<UInt8>, from start: Int, littleEndian: Bool) -> [WideRun] {
        var runs: [WideRun] = []
        var first = start
        var i = start
        var ascii = 0
        func endRun() {
            let characters = (i - first) / 2
            if characters >= minimumLength {
                var text: [UInt8] = []
                text.reserveCapacity(characters)
                for k in stride(from: first, to: i, by: 2) { TextDecoding.appendUTF8(UInt32(littleEndian ? b[k] : b[k + 1]), to: &text) }
                runs.append(WideRun(bytes: first..<i, characters: characters, ascii: ascii, text: text))
            }
            ascii = 0
        }
        while i + 1 < b.count {
            let low = littleEndian ? b[i] : b[i + 1]
            let high = littleEndian ? b[i + 1] : b[i]
            if high == 0 && (isPrintableASCII(low) || low >= 0xA0) {
                if low < 0x80 { ascii += 1 }
            } else {
                endRun()
                if high == 0 && low == 0 { i = pastZeros(b, from: i + 2) - 2 }
                first = i + 2
            }
            i += 2
        }
        endRun()
        return runs
    }
}
