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
        "phone": IdentifierChecks.foreignPhone,
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
        "password_assigned": IdentifierChecks.passwordAssigned,
        "token": IdentifierChecks.token,
        "person_name": PersonNames.check,
        "uk.vat": IdentifierChecks.vat,
        "uk.vehicle_registration": IdentifierChecks.vehicleRegistration,
        "passport_mrz": IdentifierChecks.passportMRZ,
    ]

    /// The birth date a driving licence number encodes, if it is well formed.
    package static func drivingLicenceBirthDate(_ value: String) -> (yearInCentury: Int, month: Int, day: Int)? {
        IdentifierChecks.licenceBirthDate(value)
    }

    // MARK: NI number (HMRC NIM39110)

    /// Letters D, F, I, Q, U, V are never used in the prefix; O is never the second letter; some
    /// pairs are not allocated. HMRC's administrative prefixes (CR, MW, NC, PY, PZ: an
    /// investigation's, a migrant worker's, a pension scheme member's, a tax-only account's
    /// reference) stand for a person on HMRC's or DWP's records, so they are NI numbers here; PP
    /// is a pension scheme's stand-in for "no number" and stands for no one.
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
            if a == 65 && b == 66 && suffixOK && isTextbookDigits(bytes) { return .exempt(.exampleData) }  // AB 12 34 56
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

    /// `ninoNeverUsed`, `ninoNotAllocated` and `ninoStandIns` as bits, A at bit 0: the
    /// letters never used, and for each first letter the second letters of its refused pairs.
    private static let ninoLetterRules: (neverUsed: UInt32, refusedSeconds: [UInt32]) = {
        let neverUsed = ninoNeverUsed.reduce(UInt32(0)) { $0 | 1 << UInt32($1.asciiValue! - 65) }
        var refusedSeconds = [UInt32](repeating: 0, count: 26)
        for pair in ninoNotAllocated.union(ninoStandIns) {
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
        if prefix == "AB" && chars.dropFirst(2).prefix(6) == "123456" && "ABCD".contains(chars.last!) { return .exempt(.exampleData) }
        if ninoNeverUsed.contains(a) || ninoNeverUsed.contains(b) || b == "O" { return .invalid }
        if ninoNotAllocated.contains(prefix) || ninoStandIns.contains(prefix) { return .invalid }
        guard let suffix = chars.last, "ABCD".contains(suffix) else { return .invalid }
        return .valid
    }

    /// Whether the six digits of an ASCII NI number are 123456: with the prefix AB, the example
    /// NI number of forms, payroll guidance and teaching material ("AB 12 34 56 C"), shown as
    /// example data as HMRC's own QQ 12 34 56 C is. Both are in docs/patterns.md.
    private static func isTextbookDigits(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0, expected: UInt8 = 49  // "1"
        for c in bytes where c >= 48 && c <= 57 {
            guard c == expected else { return false }
            expected += 1
            digits += 1
        }
        return digits == 6
    }

    private static let ninoNeverUsed: Set<Character> = ["D", "F", "I", "Q", "U", "V"]
    private static let ninoNotAllocated: Set<String> = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]
    /// Administrative prefixes that stand for no person: PP (a pension scheme's "no number"), and
    /// OO and FY, which the letter rules refuse anyway.
    private static let ninoStandIns: Set<String> = ["OO", "FY", "PP"]

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
            var lastDot = -1
            for i in domain.indices where domain[i] == 46 {  // "."
                if i == lastDot + 1 { return .invalid }
                lastDot = i
            }
            guard lastDot >= 0, domain.count - lastDot - 1 >= 2 else { return .invalid }
            let tld = UnsafeBufferPointer(rebasing: domain[(lastDot + 1)...])
            guard tld.allSatisfy({ ($0 | 32) >= 97 && ($0 | 32) <= 122 }) else { return .invalid }
            // A reserved top-level domain, or a label "example" below the top-level domain
            // (example.com, example.ac.uk): an example's address.
            var labelStart = 0, exampleLabel = false
            for i in 0...lastDot where i == lastDot || domain[i] == 46 {
                if sameLetters(UnsafeBufferPointer(rebasing: domain[labelStart..<i]), exampleBytes) { exampleLabel = true }
                labelStart = i + 1
            }
            if reservedDomainBytes.contains(where: { sameLetters(tld, $0) }) || exampleLabel {
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
        if reservedDomains.contains(tld.lowercased()) || labels.dropLast().contains(where: { $0.lowercased() == "example" }) {
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
