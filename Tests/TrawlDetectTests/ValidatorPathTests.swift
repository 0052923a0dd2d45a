import Foundation
import Testing
@testable import TrawlDetect

/// The hot validators read ASCII values on their bytes and keep a path on characters for anything
/// else. These tests hold the byte paths to the character paths (the definitions) on values built
/// from the characters that matter to each rule, and on random ASCII.
@Suite struct ValidatorPaths {
    func values(from alphabet: [String], shapes: [String], count: Int) -> [String] {
        var rng = SystemRandomNumberGenerator()
        var out = shapes
        for _ in 0..<count {
            let length = Int.random(in: 0...22, using: &rng)
            out.append((0..<length).map { _ in alphabet.randomElement(using: &rng)! }.joined())
        }
        // Random printable ASCII, and the shapes with one character changed.
        for _ in 0..<count {
            out.append(String((0..<Int.random(in: 0...16, using: &rng)).map { _ in Character(UnicodeScalar(UInt8.random(in: 32...126, using: &rng))) }))
        }
        for shape in shapes where !shape.isEmpty {
            for _ in 0..<20 {
                var chars = Array(shape)
                chars[Int.random(in: 0..<chars.count, using: &rng)] = alphabet.randomElement(using: &rng)!.first ?? "x"
                out.append(String(chars))
            }
        }
        return out
    }

    @Test func niNumbers() {
        let alphabet = ["A", "B", "C", "D", "O", "Q", "G", "K", "N", "T", "Z", "a", "q", "1", "2", "0", " ", "-", "."]
        for v in values(from: alphabet, shapes: ["AB 12 34 56 C", "QQ123456A", "qq 12 34 56 a", "GB123456A", "AO123456B", "AB123456E", "ab123456c", "DA123456A"], count: 3000) {
            #expect(Validators.ukNINO(v) == Validators.ukNINOCharacters(v), "\(v)")
        }
    }

    /// Every prefix of two letters or digits, with a suffix in and out of A-D, for the prefix's
    /// rules the byte path holds as bits.
    @Test func everyNINOPrefix() {
        let characters = (UInt8(65)...90).map { Character(UnicodeScalar($0)) } + ["0", "7"]
        for a in characters {
            for b in characters {
                for suffix in ["A", "D", "E"] {
                    let v = "\(a)\(b)123456\(suffix)"
                    #expect(Validators.ukNINO(v) == Validators.ukNINOCharacters(v), "\(v)")
                }
            }
        }
    }

    @Test func emails() {
        let alphabet = ["a", "b", "Z", "@", ".", "-", "_", "1", "info", "data", "dpo", "example", "com", "test", "uk", "x", "+", "questions"]
        let shapes = ["jane.doe@gmail.com", "info@school.ac.uk", "dataquestions@x.org", "dpo@Example.com", "a@b.c", "a@@b.com",
                      "@b.com", "a@b", "a@b.", "a@.com", "j2@x.co1", "no.reply@x.test", "Data.Protection@X.COM", "jack@example.co.uk"]
        for v in values(from: alphabet, shapes: shapes, count: 3000) {
            #expect(Validators.email(v) == Validators.emailCharacters(v), "\(v)")
        }
    }

    @Test func postcodes() {
        let alphabet = ["A", "B", "L", "S", "G", "I", "R", "W", "C", "1", "0", " ", "a", "s", "\t"]
        for v in values(from: alphabet, shapes: ["LS1 4AP", "GIR 0AA", "gir0aa", "SW1A 1AA", "ZZ1 1ZZ", "B1 1AA", "ls14ap"], count: 3000) {
            #expect(Validators.ukPostcode(v) == Validators.ukPostcodeCharacters(v), "\(v)")
        }
    }

    @Test func dates() {
        let alphabet = ["1", "2", "0", "9", "3", "/", "-", ".", " ", "March", "mar", "Sept", "th", "of", ",", "2024", "1984", "29", "02"]
        let shapes = ["12/03/1984", "12-03-84", "1984-03-12", "12 March 1984", "12th Mar 1984", "March 12, 1984", "29/02/2023",
                      "29/02/2024", "31/04/1990", "1/1/09", "12/13/1984", "1234567890123456789012/1/1984", "12 Marchx 1984"]
        for v in values(from: alphabet, shapes: shapes, count: 3000) {
            #expect(DateParsing.parse(v) == DateParsing.parseCharacters(v), "\(v)")
        }
    }

    @Test func personNames() {
        let alphabet = ["Ama", "Jones", "Mr", "Dr.", "mrs", "Ms", "J.", "O'Neil", "Hall", "Young", "Bloggs", "Joe", "Student", "team",
                        "x", "Z", " ", "  ", "\t", "-", ",", "'", "\"", "(", ")", "[", "]", "&", "$", "+", "_", ".", "\r\n"]
        let shapes = ["Ama Jones", "Mr Bloggs", "Dr S. Ramsden", "Joe Bloggs", "Zofia Hall", "Hall Zofia", "Student Services",
                      "O'Neil, Mary", "(Ama) Jones", "Ms Reid", "Mrs", "A B", "R Hallworth", "R. Hallworth", "Hallworth R",
                      "\"Grace Reid\"", "Grace  Reid.", "Jo\tBloggs", ""]
        for v in values(from: alphabet, shapes: shapes, count: 3000) {
            #expect(PersonNames.check(v) == PersonNames.checkCharacters(v), "\(v)")
        }
    }

    @Test func fieldAnswers() {
        let alphabet = ["none", "N/A", "n", "a", "No", "yes", "not", "known", "prefer", "to", "say", "Jo", "Asthma", " ", "\t", "/",
                        "-", "_", ".", "9", "(", ")", "[", "]", "[ ]", "[  ]", "[x]", "[X]", "(optional)", "\r\n", "\n"]
        let shapes = ["None", "N/A", "Yes / No", "Prefer not to say", "____", "[ ] Yes [x] No", "[ ]", "[X]", "Asthma (optional)",
                      "Not known", "None known (see notes)", "Jo", "(J)o", "J(o", "no known allergies", "Nil", "a)b", ""]
        for v in values(from: alphabet, shapes: shapes, count: 3000) {
            #expect(FieldValue.isMeaningful(v) == FieldValue.isMeaningfulCharacters(v), "\(v)")
        }
    }
}
