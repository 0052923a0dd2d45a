// The organisation's own contact and payment details, as the policy declares them
// (`own_details`): the postcodes of its sites, its landline numbers and its bank accounts. Wherever
// one of them appears (a letterhead, an invoice's "pay to", a published page, a letter to a
// student) it is the organisation's, not a person's: shown as exempt `organisation`, counted
// towards nothing. Only the site knows these values; without the setting nothing changes. Held
// here, beside the model: the policy reads them and detection applies them, so that a paragraph
// whose only identifier is the organisation's own number is no record about a person.
import Foundation

package struct OwnDetails: Sendable {
    /// As the policy file writes them.
    package struct File: Decodable, Sendable {
        var postcodes: [String]?
        var phones: [String]?
        var bank_accounts: [String]?
    }

    /// An entry that is not a postcode, a phone number or a bank account.
    package struct Invalid: Error {
        package var message: String
    }

    private var postcodes: Set<String> = []
    private var phones: Set<String> = []
    /// Blocks of numbers ("0115 857 34*": a block of direct lines), as canonical digit prefixes.
    private var phonePrefixes: [String] = []
    private var bankAccounts: Set<String> = []

    package var isEmpty: Bool { postcodes.isEmpty && phones.isEmpty && phonePrefixes.isEmpty && bankAccounts.isEmpty }

    package init() {}

    /// - Throws: a message naming the entry that is not a postcode, a phone number or a bank
    ///   account.
    package init(_ file: File) throws(Invalid) {
        for p in file.postcodes ?? [] {
            let key = Self.alphanumeric(p)
            guard (5...7).contains(key.count), key.last?.isLetter == true, key.first?.isLetter == true else {
                throw Invalid(message: "own_details.postcodes: '\(p)' is not a postcode such as NG2 3HW")
            }
            postcodes.insert(key)
        }
        for p in file.phones ?? [] {
            let block = p.trimmingCharacters(in: .whitespaces).hasSuffix("*")
            let key = Self.phone(p)
            // A block shorter than an exchange's code and a few digits ("0116*") is a town's numbers.
            guard key.count >= (block ? 7 : 9) else {
                throw Invalid(message: "own_details.phones: '\(p)' is not a phone number (or a block ending in *) such as 0115 857 3400")
            }
            if block { phonePrefixes.append(key) } else { phones.insert(key) }
        }
        for a in file.bank_accounts ?? [] {
            let key = Self.account(a)
            guard key.count >= 12 else {
                throw Invalid(message: "own_details.bank_accounts: '\(a)' is not a sort code and account number (20-17-68 73914062) or an IBAN")
            }
            bankAccounts.insert(key)
            if let domestic = Self.domestic(key) { bankAccounts.insert(domestic) }
        }
    }

    /// Whether a value of `type` (its normalised form) is one of the organisation's own.
    package func contains(type: String, normalized: String) -> Bool {
        switch type {
        case "uk.postcode": return postcodes.contains(Self.alphanumeric(normalized))
        case "uk.phone", "phone":
            let key = Self.phone(normalized)
            return phones.contains(key) || phonePrefixes.contains { key.hasPrefix($0) }
        case "uk.bank.account", "iban":
            let key = Self.account(normalized)
            return bankAccounts.contains(key) || Self.domestic(key).map(bankAccounts.contains) == true
        default: return false
        }
    }

    private static func alphanumeric(_ s: String) -> String { String(s.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }) }

    /// Digits, a UK number written internationally ("+44 (0)115 ...") read as dialled at home.
    private static func phone(_ s: String) -> String {
        var digits = String(s.filter { $0.isASCII && $0.isNumber })
        if digits.hasPrefix("440") { digits = "0" + digits.dropFirst(3) } else if digits.hasPrefix("44") { digits = "0" + digits.dropFirst(2) }
        return digits
    }

    /// A UK IBAN's sort code and account number ("GB40LOYD30945741827730": 309457 41827730), so that
    /// either form of the account matches the other.
    private static func domestic(_ iban: String) -> String? {
        let chars = Array(iban)
        guard chars.count == 22, iban.hasPrefix("GB") else { return nil }
        return String(chars[8...])
    }

    /// A sort code and account number by their digits; an IBAN by its letters and digits.
    private static func account(_ s: String) -> String {
        let a = alphanumeric(s)
        return a.first?.isLetter == true && a.dropFirst().first?.isLetter == true ? a : String(a.filter(\.isNumber))
    }
}
