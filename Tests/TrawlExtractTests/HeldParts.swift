// The tests' packages are small: their parts are held (`OfficePart.held`), and the extractors are
// called here with the parts' bytes.
@testable import TrawlExtract
import TrawlModel

extension SpreadsheetExtractor {
    static func extract(parts: [String: [UInt8]], cellReading: CellReading = .plainWherePossible,
                        emit: (TextChunk) -> Void) throws {
        try extract(parts: parts.mapValues(OfficePart.held), cellReading: cellReading, emit: emit)
    }
}

extension FlowExtractor {
    static func extract(_ xml: [UInt8], part: String, vocabulary: FlowVocabulary, reading: FlowReading = .libxml2,
                        emit: (TextChunk) -> Void) throws {
        try extract(OfficePart.held(xml), part: part, vocabulary: vocabulary, reading: reading, emit: emit)
    }
}

extension OfficePackage {
    struct PartNotHeld: Error { let name: String }

    /// The parts' bytes, each held (under the default limits).
    static func heldParts(_ bytes: [UInt8], wanted: (String) -> Bool) throws -> [String: [UInt8]] {
        var held: [String: [UInt8]] = [:]
        for (name, part) in try read(bytes, limits: ExtractLimits(), wanted: wanted) {
            guard case .held(let bytes) = part else { throw PartNotHeld(name: name) }
            held[name] = bytes
        }
        return held
    }
}
