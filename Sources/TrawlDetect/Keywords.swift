// Keyword matching on word tokens.
//
// Text and keywords are split into runs of ASCII letters and digits, lower-cased; camelCase splits
// too ("brpNumber" is "brp" "number", "NINumber" is "ni" "number"). A keyword matches where a run
// of consecutive tokens spells it either token by token or joined: "date of birth" matches
// "Date of Birth", "date_of_birth", "DATEOFBIRTH" and "DateOfBirth"; "dob" matches "DOB" and
// "D.O.B."; neither matches inside a longer word ("adobe").

/// A keyword, pre-split.
struct Keyword: Sendable {
    let text: String
    let joined: [UInt8]
    /// The evidence a value gets from this keyword just before or after it, as the one-item list
    /// a match carries: made once and shared, rather than a string and an array for every value
    /// it supports.
    let foundBefore: [String]
    let foundAfter: [String]

    init(_ text: String) {
        self.text = text
        self.joined = Tokens(Array(text.utf8)).joined
        foundBefore = ["keyword '\(text)' before"]
        foundAfter = ["keyword '\(text)' after"]
    }
}

/// Buffers for `Tokens`, kept by the caller between uses: the text around every value found is
/// tokenised, and with the buffers handed back (`Tokens.recycle`) that allocates nothing once
/// they are large enough.
struct TokenStorage {
    fileprivate var bytes: [UInt8] = []
    fileprivate var bounds: [Range<Int>] = []
}

/// The word tokens of a piece of text: their lower-cased bytes one after another in one buffer,
/// and where each token lies in it (two buffers, however many tokens).
struct Tokens {
    private var bytes: [UInt8]
    private var bounds: [Range<Int>]

    var count: Int { bounds.count }
    /// Every token's bytes, joined.
    var joined: [UInt8] { bytes }

    init<C: Collection>(_ text: C) where C.Element == UInt8 {
        var storage = TokenStorage()
        self.init(text, storage: &storage)
    }

    /// Tokens written into `storage`'s buffers, which are taken (left empty) until `recycle`.
    init<C: Collection>(_ text: C, storage: inout TokenStorage) where C.Element == UInt8 {
        var bytes = storage.bytes, bounds = storage.bounds
        storage = TokenStorage()  // the buffers are now held only here: no copy when written
        bytes.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(text.count)
        bounds.reserveCapacity(text.count / 2 + 1)  // most tokens end at a byte that is not in them
        var start = 0  // where the current token starts in `bytes`
        func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
        var previous: UInt8 = 0
        // The tokens of the current run of words joined by dots ("login.microsoftonline.com"),
        // from this bound on, and whether a dot has joined two of them.
        var dottedFrom = 0
        var dotted = false
        var i = text.startIndex
        while i != text.endIndex {
            let b = text[i]
            let after = text.index(after: i)
            let lower = isUpper(b) ? b + 32 : b
            if b == 46, bytes.count > start, after != text.endIndex, Tokens.isWordByte(text[after]) {
                dotted = true
            } else if !Tokens.isWordByte(b) {
                if bytes.count > start { bounds.append(start..<bytes.count); start = bytes.count }
                Tokens.dropHostName(&bytes, &bounds, from: dottedFrom, dotted: dotted)
                start = bytes.count
                dottedFrom = bounds.count
                dotted = false
            }
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) {
                // A camelCase boundary: "aB", or "ABc" (the last capital starts a new word).
                if bytes.count > start && isUpper(b) {
                    let next = after != text.endIndex ? text[after] : 0
                    if isLower(previous) || (isUpper(previous) && isLower(next)) {
                        bounds.append(start..<bytes.count)
                        start = bytes.count
                    }
                }
                bytes.append(lower)
            } else if bytes.count > start {
                bounds.append(start..<bytes.count)
                start = bytes.count
            }
            previous = b
            i = after
        }
        if bytes.count > start { bounds.append(start..<bytes.count) }
        Tokens.dropHostName(&bytes, &bounds, from: dottedFrom, dotted: dotted)
        self.bytes = bytes
        self.bounds = bounds
    }

    @inline(__always) private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57)
    }

    /// The last labels of host names, as they end a name in logs, URLs and addresses.
    private static let topLevelDomains: Set<[UInt8]> = Set(
        ["com", "net", "org", "uk", "io", "edu", "gov", "info", "biz", "ac", "co", "local", "lan", "internal", "ie",
         "eu", "de", "fr", "nl", "us", "ca", "au", "cloud", "app", "dev", "ms"].map { Array($0.utf8) })

    /// Drops the tokens of a dotted run from `from` on when it is a host name (its last label
    /// a top-level domain): the words of a host are no one's field ("login" in
    /// login.microsoftonline.com is not a login), while a dotted header such as "Date.of.Birth"
    /// or "D.O.B." keeps its words.
    private static func dropHostName(_ bytes: inout [UInt8], _ bounds: inout [Range<Int>], from: Int, dotted: Bool) {
        guard dotted, bounds.count - from >= 2, let last = bounds.last,
              topLevelDomains.contains(Array(bytes[last])) else { return }
        bytes.removeSubrange(bounds[from].lowerBound...)
        bounds.removeSubrange(from...)
    }

    /// Hands the buffers back for the next `init(_:storage:)`.
    consuming func recycle(into storage: inout TokenStorage) {
        storage.bytes = bytes
        storage.bounds = bounds
    }

    /// Index of the first token where `keyword` starts, or nil. A token that does not begin
    /// with the keyword's first byte is passed over without comparing more.
    func firstOccurrence(of keyword: Keyword) -> Int? {
        keyword.joined.withUnsafeBufferPointer { target in
            bytes.withUnsafeBufferPointer { bytes in
                guard let first = target.first else { return nil }
                for start in bounds.indices where bytes[bounds[start].lowerBound] == first {
                    var length = 0
                    var k = start
                    tokens: while k < bounds.count {
                        let t = bounds[k]
                        guard length + t.count <= target.count else { break }
                        for j in 0..<t.count where bytes[t.lowerBound + j] != target[length + j] { break tokens }
                        length += t.count
                        k += 1
                        if length == target.count { return start }
                    }
                }
                return nil
            }
        }
    }
}
