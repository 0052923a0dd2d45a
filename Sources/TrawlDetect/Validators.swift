// Validators: the checks each issuing scheme defines, by name, as pattern files refer to them.
// A validator sees the matched value and says valid, invalid (the match is dropped) or exempt
// (shown in the report but counted towards nothing: a role mailbox, published example data).
import Foundation
import TrawlModel
import TrawlPatterns

package enum Validation: Sendable, Equatable {
    case valid
    case invalid
    case exempt(Exemption)
}

package enum Validators {
    package typealias Check = @Sendable (String) -> Validation

    /// The validator with this name, or nil if there is none.
    package static func named(_ name: String) -> Check? { table[name] }

    /// Names of every validator, for `trawl patterns list` and the docs.
    package static var names: [String] { table.keys.sorted() }

    private static let table: [String: Check] = [
        "uk.nino": ukNINO,
        "date_of_birth": dateOfBirth,
        "email": email,
        "uk.postcode": ukPostcode,
        "uk.phone": IdentifierChecks.ukPhone,
        "payment_card": IdentifierChecks.paymentCard,
        "iban": IdentifierChecks.iban,
        "uk.bank_account": IdentifierChecks.bankAccount,
        "uk.nhs": IdentifierChecks.nhs,
        "uk.uln": IdentifierChecks.uln,
        "uk.upn": IdentifierChecks.upn,
        "uk.utr": IdentifierChecks.utr,
        "digits_not_placeholder": IdentifierChecks.digitsNotPlaceholder,
        "uk.driving_licence": IdentifierChecks.drivingLicence,
        "ip_address": IdentifierChecks.ipAddress,
        "mac_address": IdentifierChecks.macAddress,
        "password": IdentifierChecks.password,
        "token": IdentifierChecks.token,
    ]

    /// The birth date a driving licence number encodes, if it is well formed.
    package static func drivingLicenceBirthDate(_ value: String) -> (yearInCentury: Int, month: Int, day: Int)? {
        IdentifierChecks.licenceBirthDate(value)
    }

    // MARK: NI number (HMRC NIM39110)

    /// Letters D, F, I, Q, U, V are never used in the prefix; O is never the second letter; some
    /// pairs are not allocated, and some prefixes are administrative or temporary, not NI numbers.
    @Sendable static func ukNINO(_ value: String) -> Validation {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 128 }) else { return ukNINOCharacters(String(decoding: bytes, as: UTF8.self)) }
            // The first two letters, the last character and the count of letters and digits are
            // all the rules look at.
            var count = 0
            var a: UInt8 = 0, b: UInt8 = 0, last: UInt8 = 0
            for c in bytes where c.isASCIIAlphanumeric {
                let upper = c >= 97 ? c - 32 : c
                if count == 0 { a = upper } else if count == 1 { b = upper }
                last = upper
                count += 1
            }
            guard count == 9 else { return .invalid }
            let suffixOK = last >= 65 && last <= 68  // A-D
            if a == 81 && b == 81 { return suffixOK ? .exempt(.exampleData) : .invalid }  // QQ
            if b == 79 { return .invalid }  // O
            // The prefix's rules by bits (a set's lookup hashed each letter, several hundred
            // instructions a value); a digit in the prefix is in none of them, as on characters.
            let first = a &- 65, second = b &- 65, letters = ninoLetterRules
            if first < 26 && letters.neverUsed >> first & 1 != 0 { return .invalid }
            if second < 26 && letters.neverUsed >> second & 1 != 0 { return .invalid }
            if first < 26 && second < 26 && letters.refusedSeconds[Int(first)] >> second & 1 != 0 { return .invalid }
            return suffixOK ? .valid : .invalid
        }
    }

    /// `ninoNeverUsed`, `ninoNotAllocated` and `ninoAdministrative` as bits, A at bit 0: the
    /// letters never used, and for each first letter the second letters of its refused pairs.
    private static let ninoLetterRules: (neverUsed: UInt32, refusedSeconds: [UInt32]) = {
        let neverUsed = ninoNeverUsed.reduce(UInt32(0)) { $0 | 1 << UInt32($1.asciiValue! - 65) }
        var refusedSeconds = [UInt32](repeating: 0, count: 26)
        for pair in ninoNotAllocated.union(ninoAdministrative) {
            let b = Array(pair.utf8)
            refusedSeconds[Int(b[0] - 65)] |= 1 << UInt32(b[1] - 65)
        }
        return (neverUsed, refusedSeconds)
    }()

    /// `ukNINO` on characters, for a value that is not ASCII (and the definition the byte path is
    /// tested against).
    static func ukNINOCharacters(_ value: String) -> Validation {
        let chars = value.uppercased().filter(\.isLetterOrDigit)
        guard chars.count == 9 else { return .invalid }
        let a = chars[chars.startIndex], b = chars[chars.index(after: chars.startIndex)]
        let prefix = String([a, b])
        // HMRC's own example (QQ 12 34 56 A) is shown as example data; it can never be issued.
        if prefix == "QQ" { return "ABCD".contains(chars.last!) ? .exempt(.exampleData) : .invalid }
        if ninoNeverUsed.contains(a) || ninoNeverUsed.contains(b) || b == "O" { return .invalid }
        if ninoNotAllocated.contains(prefix) || ninoAdministrative.contains(prefix) { return .invalid }
        guard let suffix = chars.last, "ABCD".contains(suffix) else { return .invalid }
        return .valid
    }

    private static let ninoNeverUsed: Set<Character> = ["D", "F", "I", "Q", "U", "V"]
    private static let ninoNotAllocated: Set<String> = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]
    private static let ninoAdministrative: Set<String> = ["OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"]

    // MARK: Dates of birth

    /// A real calendar date, not in the future, born no earlier than 1900.
    @Sendable static func dateOfBirth(_ value: String) -> Validation {
        guard let d = DateParsing.parse(value) else { return .invalid }
        let today = DateParsing.today
        if d.year < 1900 { return .invalid }
        if (d.year, d.month, d.day) > (today.year, today.month, today.day) { return .invalid }
        return .valid
    }

    // MARK: Email

    /// The domain must end in an alphabetic top-level domain; role mailboxes are exempt.
    @Sendable static func email(_ value: String) -> Validation {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 128 }) else { return emailCharacters(String(decoding: bytes, as: UTF8.self)) }
            guard let at = bytes.firstIndex(of: 64), at > 0, bytes[(at + 1)...].firstIndex(of: 64) == nil else { return .invalid }
            // The domain's labels, by its dots, without making them: none may be empty, the last
            // (the top-level domain) is two or more letters.
            let domain = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
            var lastDot = -1, dotBefore = -1
            for i in domain.indices where domain[i] == 46 {  // "."
                if i == lastDot + 1 { return .invalid }
                dotBefore = lastDot
                lastDot = i
            }
            guard lastDot >= 0, domain.count - lastDot - 1 >= 2 else { return .invalid }
            let tld = UnsafeBufferPointer(rebasing: domain[(lastDot + 1)...])
            guard tld.allSatisfy({ ($0 | 32) >= 97 && ($0 | 32) <= 122 }) else { return .invalid }
            let secondLevel = UnsafeBufferPointer(rebasing: domain[(dotBefore + 1)..<lastDot])
            if reservedDomainBytes.contains(where: { sameLetters(tld, $0) }) || sameLetters(secondLevel, exampleBytes) {
                return .exempt(.exampleData)
            }
            return RoleMailbox.isRole(localPart: UnsafeBufferPointer(rebasing: bytes[..<at])) ? .exempt(.roleMailbox) : .valid
        }
    }

    private static let reservedDomainBytes: [[UInt8]] = reservedDomains.map { Array($0.utf8) }
    private static let exampleBytes = Array("example".utf8)

    /// Whether `bytes` is `lower` (lower-case ASCII letters) in any case.
    private static func sameLetters(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: [UInt8]) -> Bool {
        bytes.count == lower.count && zip(bytes, lower).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 }
    }

    /// `email` on characters, for a value that is not ASCII (and the definition the byte path is
    /// tested against).
    static func emailCharacters(_ value: String) -> Validation {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return .invalid }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let tld = labels.last,
              tld.count >= 2, tld.allSatisfy({ $0.isASCII && $0.isLetter }) else { return .invalid }
        if reservedDomains.contains(tld.lowercased()) || labels.dropLast().last.map({ $0.lowercased() == "example" }) == true {
            return .exempt(.exampleData)
        }
        return RoleMailbox.isRole(localPart: String(parts[0])) ? .exempt(.roleMailbox) : .valid
    }

    private static let reservedDomains: Set<String> = ["example", "invalid", "localhost", "test"]

    // MARK: UK postcode

    /// The area (the leading letters) must be one of the UK's postcode areas; GIR 0AA is special.
    @Sendable static func ukPostcode(_ value: String) -> Validation {
        var value = value
        return value.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 128 }) else { return ukPostcodeCharacters(String(decoding: bytes, as: UTF8.self)) }
            // The value without blanks, upper case, read as it goes: the area is its leading
            // letters, and GIR 0AA is the only value of six characters that starts "GIR0AA".
            var count = 0, areaLength = 0, areaEnded = false
            var first: UInt8 = 0, second: UInt8 = 0
            var matchesGirobank = true
            for c in bytes where !(c == 32 || (c >= 9 && c <= 13)) {
                let u = c >= 97 && c <= 122 ? c - 32 : c
                if count < girobank.count { matchesGirobank = matchesGirobank && u == girobank[count] }
                if !areaEnded && u >= 65 && u <= 90 {
                    if areaLength == 0 { first = u } else if areaLength == 1 { second = u }
                    areaLength += 1
                } else {
                    areaEnded = true
                }
                count += 1
            }
            if matchesGirobank && count == girobank.count { return .valid }
            guard areaLength == 1 || areaLength == 2 else { return .invalid }
            return postcodeAreaTable[Self.areaIndex(first, areaLength == 2 ? second : nil)] ? .valid : .invalid
        }
    }

    /// An area of one or two upper-case letters as a number: 26 * 27 of them.
    private static func areaIndex(_ first: UInt8, _ second: UInt8?) -> Int {
        Int(first - 65) * 27 + (second.map { Int($0 - 65) } ?? 26)
    }

    /// By `areaIndex`: whether the area is a postcode area.
    private static let postcodeAreaTable: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 27)
        for area in postcodeAreas {
            let b = Array(area.utf8)
            table[areaIndex(b[0], b.count > 1 ? b[1] : nil)] = true
        }
        return table
    }()
    private static let girobank = Array("GIR0AA".utf8)

    /// `ukPostcode` on characters, for a value that is not ASCII (and the definition the byte path
    /// is tested against).
    static func ukPostcodeCharacters(_ value: String) -> Validation {
        let compact = value.uppercased().filter { !$0.isWhitespace }
        if compact == "GIR0AA" { return .valid }
        let area = String(compact.prefix { $0.isLetter })
        return postcodeAreas.contains(area) ? .valid : .invalid
    }

    /// The 121 geographic areas, the Crown Dependencies (GY, JE, IM), BFPO (BF) and BX.
    static let postcodeAreas: Set<String> = Set("""
        AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN
        EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE
        NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR
        TS TW UB W WA WC WD WF WN WR WS WV YO ZE
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init))
}

/// Role mailboxes: addresses of a function, not a person (info@, dpo@, dataquestions@). A local
/// part is a role when it splits entirely into role words, whatever the separators; a person's
/// name does not ("matthew.jones").
enum RoleMailbox {
    static let words: Set<String> = Set("""
        info information enquiries enquiry enquire admin administrator administration admissions admission office
        contact contactus hello help helpdesk support sales privacy dpo data protection dataprotection gdpr hr
        recruitment quality noreply no reply donotreply do not postmaster webmaster hostmaster abuse finance
        accounts accountspayable payable receivable reception careers jobs marketing press media complaints feedback
        safeguarding exams examinations student students studentservices services service team general customer
        customers questions query queries mail mailbox web website it ict learning apprenticeships apprentices
        training courses course bookings booking events compliance legal governance clerk head headteacher principal
        registry records library alumni partnerships employers employer business enrolment enrolments
        international funding payroll billing invoices invoice orders order secretary school college academy
        university group uk us the and of for
        """.split(whereSeparator: { $0.isWhitespace }).map(String.init))

    static func isRole(localPart: String) -> Bool {
        let tokens = localPart.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        guard !tokens.isEmpty else { return false }
        return tokens.allSatisfy(segments)
    }

    /// `isRole` for an ASCII local part, on its bytes: the pieces are found by walking a trie of
    /// the role words instead of making a string of every prefix.
    static func isRole(localPart: UnsafeBufferPointer<UInt8>) -> Bool {
        var any = false
        var start = 0
        let n = localPart.count
        while start < n {
            guard isLetter(localPart[start]) else { start += 1; continue }
            var end = start
            while end < n && isLetter(localPart[end]) { end += 1 }
            guard segments(UnsafeBufferPointer(rebasing: localPart[start..<end])) else { return false }
            any = true
            start = end
        }
        return any
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 32) >= 97 && (b | 32) <= 122 }

    /// The role words as a trie over a-z: node i's child for letter c is `trie.next[i * 26 + c]`
    /// (0: none; the root is node 0 and is never a child).
    private static let trie: (next: [Int32], isWord: [Bool]) = {
        var next = [Int32](repeating: 0, count: 26)
        var isWord = [false]
        for word in words {
            var node = 0
            for b in word.utf8 {
                let c = Int(b - 97)
                if next[node * 26 + c] == 0 {
                    next[node * 26 + c] = Int32(isWord.count)
                    isWord.append(false)
                    next += [Int32](repeating: 0, count: 26)
                }
                node = Int(next[node * 26 + c])
            }
            isWord[node] = true
        }
        return (next, isWord)
    }()

    /// `segments` on the bytes of one run of ASCII letters.
    private static func segments(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = word.count
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: n + 1) { reachable in
            reachable.initialize(repeating: false)
            reachable[0] = true
            let (next, isWord) = trie
            for i in 0..<n where reachable[i] {
                var node = 0
                for j in i..<n {
                    node = Int(next[node * 26 + Int((word[j] | 32) - 97)])
                    if node == 0 { break }
                    if j + 1 >= i + 2 && isWord[node] { reachable[j + 1] = true }
                }
            }
            return reachable[n]
        }
    }

    /// Every prefix of every role word: a piece of a local part that is none of them cannot grow
    /// into a role word, so the search below stops extending it.
    static let prefixes: Set<String> = Set(words.flatMap { w in (1...w.count).map { String(w.prefix($0)) } })

    /// True when `word` is a concatenation of role words ("dataquestions" = "data" + "questions").
    private static func segments(_ word: String) -> Bool {
        let chars = Array(word)
        var reachable = [Bool](repeating: false, count: chars.count + 1)
        reachable[0] = true
        for i in 0..<chars.count where reachable[i] {
            var j = i + 1
            while j <= chars.count {
                let piece = String(chars[i..<j])
                guard prefixes.contains(piece) else { break }
                if j >= i + 2 && words.contains(piece) { reachable[j] = true }
                j += 1
            }
        }
        return reachable[chars.count]
    }
}

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
