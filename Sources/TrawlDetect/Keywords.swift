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

    init(_ text: String) {
        self.text = text
        self.joined = Tokens(Array(text.utf8)).tokens.flatMap { $0 }
    }
}

/// The word tokens of a piece of text.
struct Tokens {
    let tokens: [[UInt8]]

    init(_ bytes: [UInt8]) {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
        func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
        for (i, b) in bytes.enumerated() {
            let lower = isUpper(b) ? b + 32 : b
            if (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) {
                // A camelCase boundary: "aB", or "ABc" (the last capital starts a new word).
                if !current.isEmpty && isUpper(b), i > 0 {
                    let previous = bytes[i - 1]
                    let next = i + 1 < bytes.count ? bytes[i + 1] : 0
                    if isLower(previous) || (isUpper(previous) && isLower(next)) {
                        out.append(current)
                        current = []
                    }
                }
                current.append(lower)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        tokens = out
    }

    /// Index of the first token where `keyword` starts, or nil.
    func firstOccurrence(of keyword: Keyword) -> Int? {
        let target = keyword.joined
        guard !target.isEmpty else { return nil }
        for start in tokens.indices {
            var length = 0
            var k = start
            while k < tokens.count {
                let t = tokens[k]
                guard length + t.count <= target.count, target[length..<(length + t.count)].elementsEqual(t) else { break }
                length += t.count
                k += 1
                if length == target.count { return start }
            }
        }
        return nil
    }
}
