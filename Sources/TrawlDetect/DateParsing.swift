// Dates as people write them, parsed for the date-of-birth validator, and the normalised forms
// of matched values (a date as yyyy-mm-dd, an NI number without spaces) that fingerprints and the
// corroboration of records compare.
import Foundation
import TrawlModel
import TrawlPatterns

/// Dates as people write them in the UK: 12/03/1984, 12-03-84, 1984-03-12, 12 March 1984,
/// 12th Mar 1984, March 12, 1984. Numeric dates are day first unless they start with the year.
package enum DateParsing {
    package struct Day: Equatable, Sendable {
        package var year: Int, month: Int, day: Int
    }

    /// Today's date (UTC), read once per process rather than once per candidate date.
    static let today: Day = {
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return Day(year: now.year ?? 9999, month: now.month ?? 12, day: now.day ?? 31)
    }()

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
        "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
        "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]

    package static func parse(_ value: String) -> Day? {
        var value = value
        return value.withUTF8 { bytes in
            bytes.allSatisfy({ $0 < 128 }) ? parseASCII(bytes) : parseCharacters(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The month names as bytes, for `parseASCII`.
    private static let monthBytes: [([UInt8], Int)] = months.map { (Array($0.key.utf8), $0.value) }

    /// `parse` for an ASCII value, on its bytes: runs of digits and of letters, as `parseCharacters`
    /// finds them.
    static func parseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        // Numbers as (value, digit count); a number too long for any date part spoils the date.
        var numbers = DateNumbers()
        var monthFound: Int?
        var wordCount = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                var j = i, v = 0
                while j < n && bytes[j] >= 48 && bytes[j] <= 57 {
                    if j - i < 18 { v = v * 10 + Int(bytes[j] - 48) }
                    j += 1
                }
                if j - i > 18 { return nil }
                guard numbers.append((v, j - i)) else { return nil }
                i = j
            } else if (b | 32) >= 97 && (b | 32) <= 122 {
                var j = i
                while j < n && (bytes[j] | 32) >= 97 && (bytes[j] | 32) <= 122 { j += 1 }
                wordCount += 1
                if monthFound == nil {
                    let word = bytes[i..<j]
                    monthFound = monthBytes.first { $0.0.count == word.count && zip($0.0, word).allSatisfy { $0 == ($1 | 32) } }?.1
                }
                i = j
            } else {
                i += 1
            }
        }
        return resolve(numbers: numbers, month: monthFound, hasWords: wordCount > 0)
    }

    /// The date from the numbers and the month word found in a value.
    /// A date's numbers: two or three of them, held without an array (a date is parsed for every
    /// candidate, and the array's growth was most of the parse).
    struct DateNumbers {
        private(set) var count = 0
        private var held: ((value: Int, length: Int), (value: Int, length: Int), (value: Int, length: Int)) = ((0, 0), (0, 0), (0, 0))

        /// Adds a number; false when there would be more than three, which no date has.
        mutating func append(_ n: (value: Int, length: Int)) -> Bool {
            switch count {
            case 0: held.0 = n
            case 1: held.1 = n
            case 2: held.2 = n
            default: return false
            }
            count += 1
            return true
        }

        subscript(_ i: Int) -> (value: Int, length: Int) { i == 0 ? held.0 : i == 1 ? held.1 : held.2 }
    }

    private static func resolve(numbers: DateNumbers, month monthWord: Int?, hasWords: Bool) -> Day? {
        var year: Int, month: Int, day: Int
        if let monthWord {
            month = monthWord
            guard numbers.count == 2 else { return nil }
            let (a, b) = (numbers[0], numbers[1])
            if b.length == 4 { day = a.value; year = b.value } else if a.length == 4 { year = a.value; day = b.value } else { return nil }
        } else {
            guard numbers.count == 3, !hasWords else { return nil }
            let (a, b, c) = (numbers[0], numbers[1], numbers[2])
            if a.length == 4 {
                year = a.value; month = b.value; day = c.value
            } else {
                day = a.value; month = b.value
                if c.length == 4 { year = c.value }
                else if c.length == 2 {
                    // Two-digit years: a birth year is in the past, so 84 is 1984 and 09 is 2009.
                    let thisYear = today.year % 100
                    year = c.value <= thisYear ? 2000 + c.value : 1900 + c.value
                } else { return nil }
            }
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    /// `parse` on characters, for a value that is not ASCII (and the definition the byte path is
    /// tested against).
    static func parseCharacters(_ value: String) -> Day? {
        let lower = value.lowercased()
        var numbers: [String] = []
        var words: [String] = []
        var current = ""
        var currentIsDigit = false
        func flush() {
            guard !current.isEmpty else { return }
            if currentIsDigit { numbers.append(current) } else { words.append(current) }
            current = ""
        }
        for c in lower {
            if c.isNumber || c.isLetter {
                let digit = c.isNumber
                if !current.isEmpty && digit != currentIsDigit { flush() }
                currentIsDigit = digit
                current.append(c)
            } else {
                flush()
            }
        }
        flush()
        // A number that is no Int spoils the date (as an overlong one does on the byte path).
        var parsed = DateNumbers()
        for n in numbers {
            guard let v = Int(n) else { return nil }
            guard parsed.append((v, n.count)) else { return nil }
        }
        return resolve(numbers: parsed, month: words.lazy.compactMap { months[$0] }.first, hasWords: !words.isEmpty)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

package enum Normalization {
    package static func apply(_ normalizer: Normalizer, to value: String) -> String {
        switch normalizer {
        case .alphanumericUpper:
            // ASCII (nearly every value) on its bytes, in a buffer on the stack; the same result
            // as on characters.
            var value = value
            let ascii = value.withUTF8 { bytes -> String? in
                guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { kept in
                    var count = 0
                    for b in bytes {
                        let upper = b &- 97 < 26 ? b - 32 : b
                        guard upper &- 48 < 10 || upper &- 65 < 26 else { continue }
                        kept[count] = upper
                        count += 1
                    }
                    return String(decoding: UnsafeBufferPointer(rebasing: kept[..<count]), as: UTF8.self)
                }
            }
            if let ascii { return ascii }
            return String(value.uppercased().filter { $0.isLetter || $0.isNumber })
        case .lower:
            // ASCII (an email address, nearly always) on its bytes: String.lowercased() works
            // through Unicode's case mappings, at many times the cost.
            var value = value
            let ascii = value.withUTF8 { bytes -> String? in
                guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
                    for (i, b) in bytes.enumerated() { lowered[i] = b &- 65 < 26 ? b + 32 : b }
                    return String(decoding: lowered, as: UTF8.self)
                }
            }
            return ascii ?? value.lowercased()
        case .isoDate:
            guard let d = DateParsing.parse(value) else { return value }
            if (1000...9999).contains(d.year) && (1...12).contains(d.month) && (1...31).contains(d.day) {
                // Ten bytes written in place (a small string: no allocation, no interpolation).
                var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                return withUnsafeMutableBytes(of: &bytes) { b in
                    func digit(_ v: Int) -> UInt8 { UInt8(v) + 48 }
                    b[0] = digit(d.year / 1000); b[1] = digit(d.year / 100 % 10); b[2] = digit(d.year / 10 % 10); b[3] = digit(d.year % 10)
                    b[4] = 45
                    b[5] = digit(d.month / 10); b[6] = digit(d.month % 10)
                    b[7] = 45
                    b[8] = digit(d.day / 10); b[9] = digit(d.day % 10)
                    return String(decoding: b, as: UTF8.self)
                }
            }
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(d.year)-\(two(d.month))-\(two(d.day))"
        }
    }
}
