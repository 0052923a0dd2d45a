// Validators for identifiers with a defined scheme: check digits, number ranges, and the
// published example and test ranges (shown as example data, never counted).
import Foundation
import PhoneNumbers
import TrawlModel

#if canImport(Glibc)
import Glibc
#endif

enum IdentifierChecks {
    /// The ASCII digits of the value, in order (other digits and characters are left out).
    static func digits(_ value: String) -> [Int] {
        value.utf8.compactMap { $0 >= 48 && $0 <= 57 ? Int($0 - 48) : nil }
    }

    /// All one digit repeated (0000000000, 1111111111): a placeholder, never a real number.
    static func isRepeated(_ d: [Int]) -> Bool { d.count >= 6 && Set(d).count == 1 }

    /// A 0-9 sequence counting up or down (1234567890): a placeholder too.
    static func isSequence(_ d: [Int]) -> Bool {
        guard d.count >= 8 else { return false }
        let up = zip(d, d.dropFirst()).allSatisfy { ($0 + 1) % 10 == $1 }
        let down = zip(d, d.dropFirst()).allSatisfy { ($1 + 1) % 10 == $0 }
        return up || down
    }

    @Sendable static func digitsNotPlaceholder(_ value: String) -> Validation {
        let d = digits(value)
        return isRepeated(d) || isSequence(d) ? .exempt(.exampleData) : .valid
    }

    // MARK: Phone (UK numbering plan, Ofcom's numbers for drama; other countries' plans from libphonenumber)

    @Sendable static func ukPhone(_ value: String) -> Validation {
        var d = digits(value)
        if value.contains("+44") || (d.starts(with: [4, 4]) && !value.hasPrefix("0")) {
            d.removeFirst(2)
            if d.first == 0 { d.removeFirst() }  // +44 (0)20...
            d.insert(0, at: 0)
        }
        guard d.first == 0, d.count == 11 || (d.count == 10 && d.starts(with: [0, 1])) else { return .invalid }
        guard let second = d.dropFirst().first, [1, 2, 3, 5, 7, 8].contains(second) else { return .invalid }
        let s = d.map(String.init).joined()
        if isRepeated(Array(d.dropFirst())) { return .invalid }
        // Ofcom: numbers reserved for TV, radio and film; never allocated.
        let drama = ["07700900", "01632960", "02079460", "02896496", "02920180", "08081570", "03069990"]
        if drama.contains(where: { s.hasPrefix($0) }) { return .exempt(.exampleData) }
        // Most geographic areas (0113, 0114, 0121, 0131...): 01X1 or 011X, then 496 0xxx.
        let a = Array(s)
        if s.count == 11, s.hasPrefix("01"), a[2] == "1" || a[3] == "1", s.dropFirst(4).hasPrefix("4960") { return .exempt(.exampleData) }
        return .valid
    }

    /// A number written with a + country code other than the UK's, checked against its
    /// country's numbering plan by libphonenumber (its length and its allocated ranges).
    /// North America's 555-0100 to 555-0199, reserved for fiction, are example data.
    @Sendable static func foreignPhone(_ value: String) -> Validation {
        guard let check = PhoneNumberLibrary.check(value), check.isValid, check.countryCode != 44 else { return .invalid }
        let d = digits(value)
        if check.countryCode == 1, d.count == 11, d[4...6] == [5, 5, 5], d[7] == 0, d[8] == 1 { return .exempt(.exampleData) }
        return .valid
    }

    // MARK: Payment cards (ISO/IEC 7812: Luhn and issuer ranges)

    static func luhn(_ d: [Int]) -> Bool {
        var sum = 0
        for (i, digit) in d.reversed().enumerated() {
            var x = digit
            if i % 2 == 1 { x *= 2; if x > 9 { x -= 9 } }
            sum += x
        }
        return sum % 10 == 0
    }

    /// Card numbers published by payment processors for testing.
    static let testCards: Set<String> = [
        "4111111111111111", "4242424242424242", "4000056655665556", "4012888888881881", "4222222222222",
        "5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222", "378282246310005",
        "371449635398431", "378734493671000", "6011111111111117", "6011000990139424", "3530111333300000",
        "3566002020360505", "30569309025904", "38520000023237", "6200000000000005", "4917610000000000",
        "4988438843884305", "4000000000000002", "4000000000000077", "5454545454545454",
    ]

    @Sendable static func paymentCard(_ value: String) -> Validation {
        let d = digits(value)
        guard (13...19).contains(d.count), luhn(d), !isRepeated(d) else { return .invalid }
        let n = d.prefix(6).reduce(0) { $0 * 10 + $1 }
        let two = n / 10000, four = n / 100, three = n / 1000
        let issued =
            d[0] == 4 && [13, 16, 19].contains(d.count)                                  // Visa
            || ((51...55).contains(two) || (2221...2720).contains(four)) && d.count == 16  // Mastercard
            || (two == 34 || two == 37) && d.count == 15                                    // American Express
            || (four == 6011 || (644...649).contains(three) || two == 65) && d.count >= 16  // Discover
            || (3528...3589).contains(four) && d.count >= 16                                // JCB
            || ((300...305).contains(three) || two == 36 || two == 38 || two == 39) && d.count >= 14  // Diners
            || two == 62 && d.count >= 16                                                   // UnionPay
            || (two == 50 || (56...69).contains(two)) && d.count >= 12                      // Maestro
        guard issued else { return .invalid }
        return testCards.contains(d.map(String.init).joined()) ? .exempt(.exampleData) : .valid
    }

    // MARK: IBAN (ISO 13616: mod 97, country lengths)

    static let ibanLengths: [String: Int] = [
        "GB": 22, "IE": 22, "DE": 22, "FR": 27, "ES": 24, "IT": 27, "NL": 18, "BE": 16, "PT": 25, "CH": 21, "AT": 20,
        "DK": 18, "FI": 18, "SE": 24, "NO": 15, "PL": 28, "LU": 20, "GR": 27, "CY": 28, "MT": 31, "GI": 23, "IS": 26,
        "CZ": 24, "SK": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21, "SI": 19, "EE": 20, "LV": 21, "LT": 20, "LI": 21,
        "MC": 27, "SM": 27, "AD": 24, "TR": 26, "IL": 23, "AE": 23, "SA": 24, "QA": 29, "GE": 22, "UA": 29, "JE": 22, "GG": 22, "IM": 22,
    ]
    /// IBANs printed in standards and bank documentation as examples.
    static let exampleIBANs: Set<String> = ["GB82WEST12345698765432", "GB29NWBK60161331926819", "DE89370400440532013000",
                                            "FR1420041010050500013M02606", "GB33BUKB20201555555555"]

    /// The shape of the national part (BBAN) of some countries' IBANs, from the ISO 13616
    /// registry: `a` a letter, `n` a digit, `c` either. A letter where the registry has a digit
    /// makes the value no IBAN.
    static let ibanStructures: [String: String] = [
        "GB": "aaaannnnnnnnnnnnnn", "IE": "aaaannnnnnnnnnnnnn", "DE": "nnnnnnnnnnnnnnnnnn", "NL": "aaaannnnnnnnnn",
        "BE": "nnnnnnnnnnnn", "ES": "nnnnnnnnnnnnnnnnnnnn", "FR": "nnnnnnnnnncccccccccccnn", "IT": "annnnnnnnnncccccccccccc",
        "PT": "nnnnnnnnnnnnnnnnnnnnn", "PL": "nnnnnnnnnnnnnnnnnnnnnnnn", "AT": "nnnnnnnnnnnnnnnn", "CH": "nnnnnccccccccccccc",
    ]

    @Sendable static func iban(_ value: String) -> Validation {
        let compact = value.uppercased().filter { $0.isLetter || $0.isNumber }
        let country = String(compact.prefix(2))
        if let length = ibanLengths[country] { guard compact.count == length else { return .invalid } }
        else { guard (15...34).contains(compact.count) else { return .invalid } }
        if let structure = ibanStructures[country] {
            for (c, kind) in zip(compact.dropFirst(4), structure) {
                if (kind == "n" && !c.isNumber) || (kind == "a" && !c.isLetter) { return .invalid }
            }
        }
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for c in rearranged {
            guard let v = c.isNumber ? Int(String(c)) : (c.asciiValue.map { Int($0) - 55 }) else { return .invalid }
            for digit in String(v) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        guard remainder == 1 else { return .invalid }
        return exampleIBANs.contains(compact) ? .exempt(.exampleData) : .valid
    }

    // MARK: UK sort code and account number

    @Sendable static func bankAccount(_ value: String) -> Validation {
        let d = digits(value)
        guard d.count == 14 else { return .invalid }
        if isRepeated(Array(d.suffix(8))) || isSequence(Array(d.suffix(8))) { return .exempt(.exampleData) }
        return .valid
    }

    // MARK: NHS number (NHS Data Dictionary: modulus 11)

    @Sendable static func nhs(_ value: String) -> Validation {
        let d = digits(value)
        guard d.count == 10 else { return .invalid }
        let sum = zip(d.prefix(9), stride(from: 10, through: 2, by: -1)).reduce(0) { $0 + $1.0 * $1.1 }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        guard check != 10, check == d[9] else { return .invalid }
        // 999 000 0000 - 999 999 9999 is the test range; repeated digits pass mod 11 by construction.
        if d.starts(with: [9, 9, 9]) || isRepeated(d) { return .exempt(.exampleData) }
        return .valid
    }

    // MARK: Unique Learner Number (LRS: weights 10..1, sum mod 11 == 10)

    @Sendable static func uln(_ value: String) -> Validation {
        let d = digits(value)
        guard d.count == 10, d[0] != 0 else { return .invalid }
        let sum = zip(d, stride(from: 10, through: 1, by: -1)).reduce(0) { $0 + $1.0 * $1.1 }
        guard sum % 11 == 10 else { return .invalid }
        return isSequence(d) ? .exempt(.exampleData) : .valid
    }

    // MARK: Unique Pupil Number (DfE: mod-23 check letter, local authority number)

    static let upnAlphabet = Array("ABCDEFGHJKLMNPQRTUVWXYZ0123456789")

    static func isLocalAuthority(_ n: Int) -> Bool {
        [201...213, 301...320, 330...336, 340...344, 350...359, 370...373, 380...384, 390...394, 420...420, 800...938]
            .contains { $0.contains(n) }
    }

    @Sendable static func upn(_ value: String) -> Validation {
        let chars = Array(value.uppercased())
        guard chars.count == 13, let la = Int(String(chars[1...3])), isLocalAuthority(la) else { return .invalid }
        var sum = 0
        for (i, c) in chars.enumerated().dropFirst() {
            guard let index = upnAlphabet.firstIndex(of: c) else { return .invalid }
            sum += (i + 1) * index
        }
        return chars[0] == upnAlphabet[sum % 23] ? .valid : .invalid
    }

    // MARK: Unique Taxpayer Reference (check digit first; weights 6,7,8,9,10,5,4,3,2)

    @Sendable static func utr(_ value: String) -> Validation {
        let d = digits(value)
        guard d.count == 10 else { return .invalid }
        let sum = zip(d.dropFirst(), [6, 7, 8, 9, 10, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
        let check = Array("21987654321")[sum % 11]
        guard String(check) == String(d[0]) else { return .invalid }
        return isRepeated(d) || isSequence(d) ? .exempt(.exampleData) : .valid
    }

    // MARK: VAT, vehicles, machine-readable passports

    /// A UK VAT registration number: nine digits whose weighted sum (8 to 2 over the first seven)
    /// plus the last two is a multiple of 97, or is once 55 is added (HMRC's two series).
    @Sendable static func vat(_ value: String) -> Validation {
        let d = digits(value)
        guard d.count == 9 else { return .invalid }
        let total = zip(d.prefix(7), [8, 7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 } + d[7] * 10 + d[8]
        guard total % 97 == 0 || (total + 55) % 97 == 0 else { return .invalid }
        return isRepeated(d) || isSequence(d) ? .exempt(.exampleData) : .valid
    }

    /// A current-format UK registration mark (two letters, two digits, three letters): the letters
    /// I and Q are never used, Z never in the first two, and the two digits are an age identifier
    /// (March: the year's last two digits; September: 50 more).
    @Sendable static func vehicleRegistration(_ value: String) -> Validation {
        let c = Array(value.uppercased().filter { $0.isLetter || $0.isNumber })
        guard c.count == 7, let age = Int(String(c[2...3])) else { return .invalid }
        let letters = [c[0], c[1], c[4], c[5], c[6]]
        guard letters.allSatisfy({ $0.isLetter && $0 != "I" && $0 != "Q" }), c[0] != "Z", c[1] != "Z" else { return .invalid }
        guard (2...49).contains(age) || (51...99).contains(age) else { return .invalid }
        return .valid
    }

    /// The second line of a passport's machine-readable zone (ICAO 9303, TD3): 44 characters whose
    /// check digits (weights 7, 3, 1) hold over the document number, the date of birth, the
    /// expiry and the whole line.
    @Sendable static func passportMRZ(_ value: String) -> Validation {
        let c = Array(value.utf8)
        guard c.count == 44 else { return .invalid }
        func check(_ range: Range<Int>, against at: Int) -> Bool { checkDigit(c[range]) == c[at] }
        let composite = Array(c[0..<10]) + Array(c[13..<20]) + Array(c[21..<43])
        guard check(0..<9, against: 9), check(13..<19, against: 19), check(21..<27, against: 27),
              checkDigit(composite[...]) == c[43] else { return .invalid }
        return .valid
    }

    /// ICAO 9303's check digit of `chars`, as an ASCII digit: digits are their value, letters 10 to
    /// 35, the filler "<" 0, weighted 7, 3, 1 in turn, modulo 10.
    static func checkDigit(_ chars: ArraySlice<UInt8>) -> UInt8 {
        var sum = 0
        for (i, b) in chars.enumerated() {
            let v: Int = b >= 48 && b <= 57 ? Int(b) - 48 : b >= 65 && b <= 90 ? Int(b) - 55 : 0
            sum += v * [7, 3, 1][i % 3]
        }
        return UInt8(48 + sum % 10)
    }

    // MARK: Driving licence (DVLA: surname, encoded birth date, initials)

    static func licenceBirthDate(_ value: String) -> (yearInCentury: Int, month: Int, day: Int)? {
        let c = Array(value.uppercased())
        guard c.count == 16 else { return nil }
        let surname = String(c[0..<5])
        guard surname != "99999", surname.range(of: "^[A-Z]+9*$", options: .regularExpression) != nil else { return nil }
        guard let decade = Int(String(c[5])), var month = Int(String(c[6...7])), let day = Int(String(c[8...9])),
              let year = Int(String(c[10])) else { return nil }
        if month > 50 { month -= 50 }
        let yearInCentury = decade * 10 + year
        guard (1...12).contains(month), day >= 1, day <= DateParsing.daysIn(month: month, year: 2000 + yearInCentury) else { return nil }
        return (yearInCentury, month, day)
    }

    @Sendable static func drivingLicence(_ value: String) -> Validation {
        licenceBirthDate(value) == nil ? .invalid : .valid
    }

    // MARK: IP and MAC addresses

    @Sendable static func ipAddress(_ value: String) -> Validation {
        var buffer = [UInt8](repeating: 0, count: 16)
        if value.contains(":") {
            // A zone ("%eth0") names the interface, not the address.
            let address = value.split(separator: "%", maxSplits: 1).first.map(String.init) ?? value
            guard inet_pton(AF_INET6, address, &buffer) == 1 else { return .invalid }
            if buffer.allSatisfy({ $0 == 0 }) || buffer[0..<15].allSatisfy({ $0 == 0 }) { return .invalid }  // :: and ::1
            if buffer[0] == 0x20 && buffer[1] == 0x01 && buffer[2] == 0x0D && buffer[3] == 0xB8 { return .exempt(.exampleData) }  // 2001:db8::/32
            return .valid
        }
        guard inet_pton(AF_INET, value, &buffer) == 1 else { return .invalid }
        let (a, b, c) = (buffer[0], buffer[1], buffer[2])
        if a == 0 || a == 127 || a >= 224 { return .invalid }  // this network, loopback, multicast and reserved
        if buffer[3] == 0 { return .invalid }  // a network's address ("10.40.0.0/24" in an IP plan), not a device's
        // RFC 5737 documentation ranges.
        if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113) { return .exempt(.exampleData) }
        return .valid
    }

    @Sendable static func macAddress(_ value: String) -> Validation {
        let hex = value.lowercased().filter { $0.isHexDigit }
        guard hex.count == 12 else { return .invalid }
        if Set(hex).count == 1 { return .invalid }  // 00:00:... and ff:ff:... broadcast
        return .valid
    }

    // MARK: Credentials

    /// Values that stand where a password would and are none: placeholders, settings, answers,
    /// and the passwords that documentation, tests and teaching use as the example of one
    /// ("hunter2", xkcd's "correct horse battery staple").
    static let notPasswords: Set<String> = [
        "password", "passwd", "pass", "pwd", "null", "nil", "none", "redacted", "hidden", "secret", "changeme", "change_me",
        "change-me", "your_password", "yourpassword", "example", "placeholder", "required", "optional", "string", "true",
        "false", "empty", "default", "unset", "disabled", "enabled", "prompt", "ask", "same", "unchanged", "blank",
        "notset", "not_set", "undefined", "tbc", "todo", "test", "sample", "dummy", "letmein", "secret_here", "yourtoken",
        "hunter2", "correct horse battery staple", "correcthorsebatterystaple",

        // FreeRADIUS's shipped secret for the localhost client, in every clients.conf.
        "testing123"]

    /// What every password check refuses: a placeholder or setting word, a template variable
    /// ("${DB_PASSWORD}", "<password>", "{{ pw }}", "%PASS%"), masking ("********", "xxxxxxxx"),
    /// one character repeated, or a plain run of the alphabet or digits ("abcd1234" is not refused:
    /// it is a weak password, not a placeholder).
    static func isPlaceholder(_ value: String) -> Bool {
        let lower = value.lowercased()
        if notPasswords.contains(lower) || Set(lower).count == 1 { return true }
        if let first = value.first, "<$%{[".contains(first) { return true }
        if lower.contains("xxxx") || lower.contains("****") || lower.contains("your") { return true }
        // Code that reads the secret from elsewhere: os.environ['X'], getenv("X"), process.env.X.
        if lower.contains("environ") || lower.contains("getenv") || lower.contains("process.env") || lower.contains("(") { return true }
        let bytes = Array(lower.utf8)
        let ascending = bytes.count >= 4 && zip(bytes, bytes.dropFirst()).allSatisfy { $1 == $0 &+ 1 }
        return ascending
    }

    /// A password value in text: not a placeholder, and shaped like a password (a digit or
    /// symbol, or a capital after the first letter) rather than a word of the sentence
    /// ("password: must be changed", "Pass: Merit").
    @Sendable static func password(_ value: String) -> Validation {
        if isPlaceholder(value) { return .invalid }
        let hasDigit = value.contains { $0.isNumber }
        let hasSymbol = value.contains { !$0.isLetter && !$0.isNumber }
        let innerCapital = value.dropFirst().contains { $0.isUppercase } && value.contains { $0.isLowercase }
        guard hasDigit || hasSymbol || innerCapital else { return .invalid }
        return .valid
    }

    /// A password assigned in a config or written under a Password column: any value that is no
    /// placeholder (a plain word is a password there: pass=sunshine).
    @Sendable static func passwordAssigned(_ value: String) -> Validation {
        isPlaceholder(value.trimmingCharacters(in: .whitespaces)) ? .invalid : .valid
    }

    /// A token in a documented format: example data when it says EXAMPLE or its body (what
    /// follows the service's prefix) is a placeholder: x's or one character repeated, or too
    /// few different characters for a random key.
    @Sendable static func token(_ value: String) -> Validation {
        if value.uppercased().contains("EXAMPLE") { return .exempt(.exampleData) }
        let body = value.split(whereSeparator: { "_-./:".contains($0) }).max { $0.count < $1.count } ?? Substring(value)
        let lower = body.lowercased()
        if lower.contains("xxxxxx") || lower.contains("000000") || Set(lower).count < 6 { return .exempt(.exampleData) }
        var run = 1, longest = 1
        for (a, b) in zip(lower, lower.dropFirst()) {
            run = a == b ? run + 1 : 1
            longest = max(longest, run)
        }
        return longest >= 8 ? .exempt(.exampleData) : .valid
    }
}
