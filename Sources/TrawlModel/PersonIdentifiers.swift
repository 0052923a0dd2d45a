// What a finding's type says of the person it identifies, and the evidence phrases more than one
// stage reads: shared by detection (whose record a value is in) and classification (how many
// people a file is about), so that both mean the same.

/// The identifying types, by what a person has of them.
package enum PersonIdentifiers {
    /// Identifiers a person has one of: an entry holding one value of each such type it holds
    /// (and at least one) is about one person, and a table row holding one is a person's record.
    /// Phone numbers, postcodes and addresses are not among them: a form gives an emergency
    /// contact's as well as its subject's, and an organisation repeats its own on every row.
    package static let onePerPerson: Set<String> = ["uk.nino", "dob", "uk.uln", "uk.upn", "ucas.id", "student.id", "uk.passport",
                                                    "uk.brp", "uk.nhs", "uk.driving_licence", "uk.utr", "email", "person.name"]

    /// Of `onePerPerson`, the identifiers no two people share: a date of birth or a name may be
    /// two people's, a candidate number or an NI number only one's.
    package static let uniquePerPerson: Set<String> = onePerPerson.subtracting(["dob", "person.name"])

    /// Whether a UK phone number, as written or normalised (07..., +44 7..., +44 (0)7...), is a
    /// mobile's: a mobile stays a person's where a landline may be an office's.
    package static func isUKMobile(_ number: String) -> Bool {
        var digits = Substring(number.filter { $0.isASCII && $0.isNumber })
        if digits.hasPrefix("44") { digits = digits.dropFirst(2) }
        if digits.hasPrefix("0") { digits = digits.dropFirst() }
        return digits.hasPrefix("7")
    }
}

/// Evidence a match carries that a later stage acts on.
package enum Evidence {
    /// A value the text gives as an example of its kind ("e.g. QQ 12 34 56 C"): a format hint,
    /// not anyone's value.
    package static let givenAsExample = "given as an example"
    /// An address at one of the policy's `work_domains`.
    package static let workAddress = "a work address at the organisation's own domain (work_domains)"
    /// An address at the domain that an organisation's letterhead or footer in the same entry
    /// gives as its own (`Match.organisationDomain`).
    package static let atTheLetterheadsDomain = "a work address at the organisation's domain, as its letterhead or footer gives it"
    /// A postcode or landline in the lines that end with an organisation's registration (a
    /// footer, a signature, a letterhead).
    package static let inALetterhead = "an organisation's details: in the letterhead or footer that gives its registration"
    /// A postcode or landline the same text gives as an organisation's elsewhere.
    package static let theOrganisationsElsewhere = "an organisation's details, as the same text gives them elsewhere"
    /// One of the organisation's own postcodes, landlines or bank accounts (`own_details`).
    package static let ownDetails = "the organisation's own details (own_details)"
    /// The person a document's prose is about is in teaching material: a lesson's or an
    /// exercise's people are examples, figures or characters.
    package static let inTeachingMaterial = "in teaching material: a lesson's or an exercise's people are examples, figures or characters"
    /// A value in a table row that names its own person by a name column (a household member's
    /// date of birth on a tenancy form): that person's, not the one the document is about.
    package static let ofTheRowsPerson = "in a table row that names its own person"
    /// A special-category value said of someone's relative ("her husband's dementia"), not of
    /// the person a line names: no line's person is given it.
    package static let ofARelative = "said of a relative"
    /// A name of someone the entry says has died (`DeceasedPeople`).
    package static let deceased = "a person the text says has died: not a living individual"
    /// A special-category value said in the first person ("my asthma"): in a message, of its
    /// writer.
    package static let inTheFirstPerson = "said in the first person"
    /// A special-category value whose record names no one, given to the one person its line names.
    package static let onTheirLine = "on a line that names the person it is about"
}
