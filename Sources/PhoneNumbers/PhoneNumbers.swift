// A small safe wrapper over libphonenumber (through CPhoneNumber's C interface): a written
// number read and checked against the numbering plan of its country. It knows nothing of Trawl.
//
// Design: libphonenumber keeps one shared, read-only instance holding every country's plan;
// it is made once, before threads use it (`PhoneNumberLibrary.initialize()`, which every entry
// point calls: a Swift global is made once, whichever thread comes first), and is then safe to
// use from any thread. A check is a plain value.
internal import CPhoneNumber

/// The kind of line a number is, as the country's plan says.
public enum PhoneNumberKind: Sendable, Equatable {
    case fixedLine, mobile, fixedLineOrMobile, tollFree, premiumRate, sharedCost, voip, personal, pager, uan, voicemail, unknown

    init(_ type: Int32) {
        let kinds: [PhoneNumberKind] = [.fixedLine, .mobile, .fixedLineOrMobile, .tollFree, .premiumRate, .sharedCost, .voip,
                                        .personal, .pager, .uan, .voicemail]
        self = type >= 0 && Int(type) < kinds.count ? kinds[Int(type)] : .unknown
    }
}

/// What the numbering plan says of a number that could be read.
public struct PhoneNumberCheck: Sendable, Equatable {
    /// True when the number is valid in its country's plan (its length and its ranges).
    public let isValid: Bool
    /// The country calling code (33 for France).
    public let countryCode: Int
    /// The ISO 3166-1 region the number belongs to ("FR"), nil when it belongs to none.
    public let region: String?
    public let kind: PhoneNumberKind
}

public enum PhoneNumberLibrary {
    private static let initialized: Void = trawl_phone_initialize()

    public static func initialize() { _ = initialized }

    /// Reads `text` as a phone number and checks it against its country's plan.
    /// - Parameter defaultRegion: the ISO 3166-1 region whose plan a number written without a
    ///   +country code is read in; "ZZ" (the default) reads only numbers that carry one.
    /// - Returns: nil when the text is not a phone number at all (too few or too many digits,
    ///   no country code where one is needed, a country code no country has).
    public static func check(_ text: String, defaultRegion: String = "ZZ") -> PhoneNumberCheck? {
        initialize()
        var text = text
        let result = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { trawl_phone_check_number($0.baseAddress, $0.count, defaultRegion) }
        }
        guard result.parsed != 0 else { return nil }
        let region = withUnsafeBytes(of: result.region) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return PhoneNumberCheck(isValid: result.valid != 0, countryCode: Int(result.country_code),
                                region: region == "ZZ" || region.isEmpty ? nil : region, kind: PhoneNumberKind(result.type))
    }
}
