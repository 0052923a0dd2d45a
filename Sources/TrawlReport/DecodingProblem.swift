// What is wrong with a report line that does not decode, as a sentence for the person who gave
// the file: which field, and whether the line is JSON at all. Swift's DecodingError prints as a
// nest of coding paths and contexts, which tells a DPO nothing.
import Foundation

package enum DecodingProblem {
    /// `error`, thrown while decoding one record, as a short sentence.
    package static func sentence(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        switch e {
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty { return "it is not JSON" }
            return "\(name(c.codingPath)) is not valid: \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "the field \(name(c.codingPath + [key])) is missing"
        case .typeMismatch(_, let c):
            return "the field \(name(c.codingPath)) has a value of the wrong kind"
        case .valueNotFound(_, let c):
            return "the field \(name(c.codingPath)) is null"
        @unknown default:
            return "\(error)"
        }
    }

    /// "data.findings[2].fingerprint".
    static func name(_ path: [any CodingKey]) -> String {
        var out = ""
        for k in path {
            if let i = k.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + k.stringValue }
        }
        return out.isEmpty ? "the line" : out
    }
}
